//! Loading a spec: read it (`files`), check it (`checks`), read its
//! wiring, lower it into the model (`model`) and rewrite it for typify
//! (`rewrite`); and the walkers every pass shares.
//!
//! Every problem is reported as one paragraph that names the spec file and
//! the construct (a JSON pointer into the document), never as a panic.

use std::path::Path;

use serde_json::Value;

use crate::checks::{Checker, JSON, operations};
use crate::files::read_spec;
use crate::model::Api;
use crate::rewrite::rewrite;

/// A spec that passed every check, rewritten and ready for progenitor.
pub struct Spec {
    /// The document rewritten for typify (see the module docs).
    pub openapi: openapiv3::OpenAPI,
    /// The document as written, before the rewrites: the request
    /// constraints the generated checks are made from.
    pub original: Value,
    /// The API as every emitter reads it.
    pub api: Api,
}

/// What the facade needs to know of an API, from the spec's optional
/// top-level `x-interlocutor` block; every key defaults from the file name
/// (`acme-tickets.yaml`: `interlocutor::acme::tickets`, feature
/// `acme-tickets`, provider name `Acme`) and the error schema.
///
/// ```yaml
/// x-interlocutor:
///   provider: twilio            # interlocutor::twilio
///   provider-name: Twilio       # in error messages
///   module: conversations_v2    # interlocutor::twilio::conversations_v2
///   feature: twilio-conversations-v2
///   error:                      # the error schema's fields, by wire name
///     code: code
///     message: message
///     more-info: more_info
///     details: details
/// ```
#[derive(Clone)]
pub struct Wiring {
    pub provider: String,
    pub provider_name: String,
    pub module: String,
    pub feature: String,
    /// The error schema's component name, if error responses declare one.
    pub error_schema: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub error_more_info: Option<String>,
    pub error_details: Option<String>,
}

/// Names at the root of the `interlocutor` facade that a provider module
/// would clash with or hide (and the crates every path may start with).
const FACADE_ROOT_NAMES: [&str; 13] = [
    "apis",
    "chrono",
    "env",
    "error",
    "http",
    "providers",
    "serde_json",
    "testing",
    "uuid",
    "std",
    "core",
    "alloc",
    "interlocutor_runtime",
];

/// `x-interlocutor`, with its defaults.
fn wiring(doc: &Value, stem: &str) -> Result<Wiring, String> {
    let block = doc.get("x-interlocutor").cloned().unwrap_or(Value::Null);
    if !block.is_null() && !block.is_object() {
        return Err("`x-interlocutor` must be a mapping".to_owned());
    }
    // A typo (`modul:`) or a number where a name belongs is refused by
    // name: a silently used default would put the client somewhere else.
    if let Some(map) = block.as_object() {
        for (key, value) in map {
            match key.as_str() {
                "provider" | "provider-name" | "module" | "feature" if !value.is_string() => {
                    return Err(format!("`x-interlocutor.{key}` must be a string"));
                }
                "provider" | "provider-name" | "module" | "feature" | "error" => {}
                other => {
                    return Err(format!(
                        "`x-interlocutor.{other}` is not a key the generator reads (it reads \
                         `provider`, `provider-name`, `module`, `feature` and `error`)"
                    ));
                }
            }
        }
    }
    if let Some(error) = block.get("error") {
        let Some(map) = error.as_object() else {
            return Err("`x-interlocutor.error` must be a mapping".to_owned());
        };
        if let Some(other) = map
            .keys()
            .find(|key| !["code", "message", "more-info", "details"].contains(&key.as_str()))
        {
            return Err(format!(
                "`x-interlocutor.error.{other}` is not a key the generator reads (it reads \
                 `code`, `message`, `more-info` and `details`)"
            ));
        }
    }
    let text = |key: &str| block.get(key).and_then(Value::as_str).map(str::to_owned);
    let (first, rest) = stem.split_once('-').unwrap_or((stem, stem));
    let provider = text("provider").unwrap_or_else(|| first.to_owned());
    let module = text("module").unwrap_or_else(|| rest.replace('-', "_"));
    let feature = text("feature").unwrap_or_else(|| stem.to_owned());
    // `acme_corp` → `Acme Corp`.
    let provider_name = text("provider-name").unwrap_or_else(|| {
        provider
            .split('_')
            .filter(|word| !word.is_empty())
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |c| {
                    c.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect::<Vec<_>>()
            .join(" ")
    });
    let identifier = |value: &str| {
        !value.is_empty()
            && value.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    for (key, value) in [("provider", &provider), ("module", &module)] {
        let given = if block.get(key).is_some() {
            "given"
        } else {
            "taken from the file name"
        };
        if !identifier(value) {
            return Err(format!(
                "`x-interlocutor.{key}` (`{value}`, {given}) becomes a Rust module name: \
                 lowercase letters, digits and `_`, starting with a letter"
            ));
        }
        if syn::parse_str::<syn::Ident>(value).is_err() {
            return Err(format!(
                "`x-interlocutor.{key}` (`{value}`, {given}) is a Rust keyword, which cannot \
                 name a module: set `x-interlocutor.{key}` to another name"
            ));
        }
    }
    if FACADE_ROOT_NAMES.contains(&provider.as_str()) {
        return Err(format!(
            "`x-interlocutor.provider` (`{provider}`) is already a name at the root of the \
             `interlocutor` crate ({}): choose another provider name",
            FACADE_ROOT_NAMES.join(", ")
        ));
    }
    let valid_feature = feature
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && feature
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !valid_feature {
        return Err(format!(
            "`x-interlocutor.feature` (`{feature}`) must be lowercase letters, digits and `-`, \
             starting with a letter or digit (a cargo feature name)"
        ));
    }
    if provider_name.is_empty()
        || !provider_name
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
    {
        return Err(
            "`x-interlocutor`: `provider-name` must be letters, digits, spaces or `-`".to_owned(),
        );
    }
    let error_schema = error_schema(doc);
    let error = block.get("error").cloned().unwrap_or(Value::Null);
    let schema_has = |field: &str| {
        error_schema.as_ref().is_some_and(|name| {
            doc["components"]["schemas"][name]["properties"]
                .get(field)
                .is_some()
        })
    };
    let field = |key: &str, default: &str| -> Result<Option<String>, String> {
        match error.get(key) {
            Some(Value::String(name)) if schema_has(name) => Ok(Some(name.clone())),
            Some(Value::String(name)) => Err(format!(
                "`x-interlocutor.error.{key}` names `{name}`, which the error schema does not have"
            )),
            Some(_) => Err(format!(
                "`x-interlocutor.error.{key}` must be a property name"
            )),
            None => Ok(schema_has(default).then(|| default.to_owned())),
        }
    };
    Ok(Wiring {
        provider,
        provider_name,
        module,
        feature,
        error_code: field("code", "code")?,
        error_message: field("message", "message")?,
        error_more_info: field("more-info", "more_info")?,
        error_details: field("details", "details")?,
        error_schema,
    })
}

/// The component name of the schema every error response refers to.
fn error_schema(doc: &Value) -> Option<String> {
    for (_, operation) in operations(doc) {
        let Some(responses) = operation["responses"].as_object() else {
            continue;
        };
        for (status, response) in responses {
            if !(status.starts_with('4') || status.starts_with('5')) {
                continue;
            }
            let response = resolve(doc, response);
            if let Some(name) = response["content"][JSON]["schema"]["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                return Some(name.to_owned());
            }
        }
    }
    None
}

/// The one security scheme a spec declares.
pub enum Security {
    Basic,
    Token { scheme: String },
}

/// Reads, checks and rewrites one spec. `shown` is how errors name the file.
pub fn load(path: &Path, shown: &str) -> Result<Spec, String> {
    let text = read_spec(path).map_err(|error| format!("{shown}: {error}"))?;
    let mut doc = parse_yaml(&text).map_err(|error| format!("{shown}{error}"))?;
    check_version(&doc).map_err(|error| format!("{shown}: {error}"))?;
    // Structural validity first, with serde's own message and path.
    serde_json::from_value::<openapiv3::OpenAPI>(doc.clone())
        .map_err(|error| format!("{shown}: not a valid OpenAPI 3.0 document: {error}"))?;

    let problems = Checker::new(&doc).run();
    if !problems.is_empty() {
        return Err(format!(
            "{shown}: {}",
            problems.join(&format!("\n{shown}: "))
        ));
    }
    let title = doc["info"]["title"].as_str().unwrap_or_default().to_owned();
    let default_base_url = default_base_url(&doc).map_err(|error| format!("{shown}: {error}"))?;
    let security = security(&doc).map_err(|error| format!("{shown}: {error}"))?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let wiring = wiring(&doc, stem).map_err(|error| format!("{shown}: {error}"))?;

    let api = crate::model::lower(&doc, title, default_base_url, security, wiring)
        .map_err(|error| format!("{shown}: {error}"))?;
    let original = doc.clone();
    rewrite(&mut doc, &api).map_err(|error| format!("{shown}: {error}"))?;
    let openapi = serde_json::from_value(doc)
        .map_err(|error| format!("{shown}: internal error after rewriting the spec: {error}"))?;
    Ok(Spec {
        openapi,
        original,
        api,
    })
}

/// YAML to a JSON value; a syntax error carries its line and column.
fn parse_yaml(text: &str) -> Result<Value, String> {
    serde_yaml::from_str::<Value>(text).map_err(|error| match error.location() {
        Some(at) => format!(":{}:{}: malformed YAML: {error}", at.line(), at.column()),
        None => format!(": malformed YAML: {error}"),
    })
}

fn check_version(doc: &Value) -> Result<(), String> {
    // `openapi: 3.1` without quotes is a YAML number.
    let version = doc.get("openapi").map(|v| match v {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    });
    match version.as_deref() {
        Some(version) if version.starts_with("3.0.") => Ok(()),
        Some(version) => Err(format!(
            "`openapi: {version}` is not supported: progenitor reads only OpenAPI 3.0.x \
             documents; describe the API in 3.0.3 (`nullable: true` instead of \
             `type: [.., \"null\"]`)"
        )),
        None => Err("missing the `openapi` version field (expected 3.0.3)".to_owned()),
    }
}

fn default_base_url(doc: &Value) -> Result<String, String> {
    let url = doc["servers"][0]["url"]
        .as_str()
        .ok_or("`servers` must list the production base URL first (`servers[0].url`)")?;
    let Some(rest) = url.strip_prefix("https://") else {
        return Err(format!(
            "`servers[0].url` is `{url}`: the production base URL must use https"
        ));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(
            "`servers[0].url` carries user info (`user:password@`): credentials belong to the \
             client builder, and every build of such a client would be refused"
                .to_owned(),
        );
    }
    if url.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err("`servers[0].url` contains white space or control characters".to_owned());
    }
    if url.contains(['{', '}', '?', '#']) {
        return Err(format!(
            "`servers[0].url` is `{url}`: server variables, a query or a fragment are not \
             supported in the production base URL (every default client would be refused)"
        ));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

fn security(doc: &Value) -> Result<Security, String> {
    let schemes = doc["components"]["securitySchemes"]
        .as_object()
        .filter(|schemes| schemes.len() == 1)
        .ok_or("`components.securitySchemes` must declare exactly one scheme")?;
    let (name, scheme) = schemes.iter().next().expect("exactly one");
    let at = format!("#/components/securitySchemes/{name}");
    match (scheme["type"].as_str(), scheme["scheme"].as_str()) {
        (Some("http"), Some(s)) if s.eq_ignore_ascii_case("basic") => Ok(Security::Basic),
        (Some("http"), Some(s))
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
        {
            Ok(Security::Token {
                scheme: s.to_owned(),
            })
        }
        (kind, _) => Err(format!(
            "{at}: unsupported security scheme (type `{}`): the runtime supports `type: http` \
             with `scheme: basic` or a token scheme such as `AccessKey` or `Bearer`",
            kind.unwrap_or("?")
        )),
    }
}

/// Follows `$ref`s to `#/components/...`; anything else is returned as is.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    // A chain of references ends within a few steps, or is a cycle the
    // checker reports: stop either way.
    for _ in 0..32 {
        match current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| reference.strip_prefix('#'))
            .and_then(|pointer| doc.pointer(pointer))
        {
            Some(target) => current = target,
            None => return current,
        }
    }
    current
}

/// The schema that decides a value's constraints: references followed,
/// and a lone `allOf` (a `$ref` with a description beside it) unwrapped.
pub fn effective<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let mut schema = resolve(doc, schema);
    // A chain of lone `allOf`s ends within a few steps, or is a cycle the
    // checker reports: stop either way.
    for _ in 0..32 {
        match schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) => schema = resolve(doc, only),
            _ => return schema,
        }
    }
    schema
}

/// `schema` with references followed and every `allOf` member folded in
/// (properties united, each keyword from the first member that has it), so
/// the checks see every constraint that applies.
pub fn merged(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = effective(doc, schema);
    let Some(members) = schema.get("allOf").and_then(Value::as_array) else {
        return schema.clone();
    };
    let mut out = schema.clone();
    let map = out
        .as_object_mut()
        .expect("a schema with allOf is an object");
    map.remove("allOf");
    if depth > 16 {
        return out;
    }
    for member in members {
        let member = merged(doc, member, depth + 1);
        let Some(member) = member.as_object() else {
            continue;
        };
        for (key, value) in member {
            match (key.as_str(), map.get_mut(key)) {
                ("properties", Some(Value::Object(properties))) => {
                    if let Some(more) = value.as_object() {
                        for (name, property) in more {
                            properties
                                .entry(name.clone())
                                .or_insert_with(|| property.clone());
                        }
                    }
                }
                (_, Some(_)) => {}
                (_, None) => {
                    map.insert(key.clone(), value.clone());
                }
            }
        }
    }
    out
}

/// Calls `visit` on `schema` and every schema nested inline in it
/// (properties, items, additionalProperties, allOf/anyOf/oneOf, not).
pub(crate) fn walk_inline(at: &str, schema: &Value, visit: &mut dyn FnMut(&str, &Value)) {
    visit(at, schema);
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            walk_inline(
                &format!("{at}/properties/{}", escape(name)),
                property,
                visit,
            );
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = schema.get(key).filter(|c| c.is_object()) {
            walk_inline(&format!("{at}/{key}"), child, visit);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(children) = schema.get(key).and_then(Value::as_array) {
            for (index, child) in children.iter().enumerate() {
                walk_inline(&format!("{at}/{key}/{index}"), child, visit);
            }
        }
    }
}

/// The mutable twin of [`walk_inline`].
pub(crate) fn walk_inline_mut(schema: &mut Value, visit: &mut dyn FnMut(&mut Value)) {
    visit(schema);
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        properties
            .values_mut()
            .for_each(|property| walk_inline_mut(property, visit));
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key).filter(|c| c.is_object()) {
            walk_inline_mut(child, visit);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(children)) = map.get_mut(key) {
            children
                .iter_mut()
                .for_each(|child| walk_inline_mut(child, visit));
        }
    }
}

/// JSON pointer escaping of one segment.
use crate::model::escape;

/// Every `$ref` string anywhere in `value`.
pub(crate) fn collect_all_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                out.push(reference.clone());
            }
            map.values().for_each(|child| collect_all_refs(child, out));
        }
        Value::Array(items) => items.iter().for_each(|child| collect_all_refs(child, out)),
        _ => {}
    }
}

/// Names of the component schemas `schema` refers to directly.
pub(crate) fn collect_refs(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && let Some(name) = reference.strip_prefix("#/components/schemas/")
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|child| collect_refs(child, out));
        }
        Value::Array(items) => items.iter().for_each(|child| collect_refs(child, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn load_text(text: &str) -> Result<Spec, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.yaml");
        std::fs::write(&path, text).unwrap();
        load(&path, "specs/demo.yaml")
    }

    /// The error of a spec that must be refused.
    fn refused(text: &str) -> String {
        match load_text(text) {
            Ok(_) => panic!("the spec was accepted"),
            Err(error) => error,
        }
    }

    /// `MINIMAL` as `specs/<file>` with `block` as its `x-interlocutor`.
    fn load_wired(file: &str, block: &str) -> Result<Spec, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(file);
        let text = MINIMAL.replacen("servers:", &format!("x-interlocutor: {block}\nservers:"), 1);
        std::fs::write(&path, text).unwrap();
        load(&path, file)
    }

    #[test]
    fn x_interlocutor_typos_and_wrong_types_are_refused_by_name() {
        for (block, expected) in [
            (
                "{modul: tickets}",
                "`x-interlocutor.modul` is not a key the generator reads",
            ),
            ("{feature: 3}", "`x-interlocutor.feature` must be a string"),
            (
                "{provider: [a]}",
                "`x-interlocutor.provider` must be a string",
            ),
            (
                "{error: {cod: code}}",
                "`x-interlocutor.error.cod` is not a key",
            ),
            ("{error: code}", "`x-interlocutor.error` must be a mapping"),
        ] {
            let error = load_wired("demo.yaml", block).err().expect(block);
            assert!(error.contains(expected), "{block}: {error}");
        }
    }

    #[test]
    fn keywords_and_facade_names_cannot_name_a_provider_or_module() {
        for (file, block, expected) in [
            (
                "acme-type.yaml",
                "{}",
                "`x-interlocutor.module` (`type`, taken from the file name) is a Rust keyword",
            ),
            (
                "fn-tickets.yaml",
                "{}",
                "`x-interlocutor.provider` (`fn`, taken from the file name) is a Rust keyword",
            ),
            (
                "demo.yaml",
                "{provider: match}",
                "`x-interlocutor.provider` (`match`, given) is a Rust keyword",
            ),
            (
                "demo.yaml",
                "{provider: chrono}",
                "`chrono`) is already a name at the root",
            ),
            (
                "demo.yaml",
                "{provider: apis}",
                "`apis`) is already a name at the root",
            ),
            (
                "demo.yaml",
                "{provider: http}",
                "`http`) is already a name at the root",
            ),
            (
                "demo.yaml",
                "{provider: testing}",
                "`testing`) is already a name at the root",
            ),
            (
                "demo.yaml",
                "{feature: '-'}",
                "`x-interlocutor.feature` (`-`) must be",
            ),
            (
                "demo.yaml",
                "{feature: '-x'}",
                "`x-interlocutor.feature` (`-x`) must be",
            ),
        ] {
            let error = load_wired(file, block).err().expect(file);
            assert!(error.contains(expected), "{file} {block}: {error}");
        }
    }

    #[test]
    fn a_provider_with_an_underscore_gets_a_readable_name() {
        let spec = load_wired("demo.yaml", "{provider: acme_corp}").unwrap();
        assert_eq!(spec.api.wiring.provider_name, "Acme Corp");
    }

    #[test]
    fn shared_and_wrapped_schemas_are_named_once() {
        // A path-level inline enum shared by two methods, and a success
        // body that is a lone `allOf` behind a shared `$ref` response.
        let text = MINIMAL
            .replace(
                "  /things/{Sid}:\n    patch:\n",
                "  /things/{Sid}:\n    parameters:\n      - {name: view, in: query, schema: {type: string, enum: [full, brief]}}\n    get:\n      operationId: GetThing\n      parameters:\n        - {name: Sid, in: path, required: true, schema: {type: string}}\n      responses:\n        \"200\": {$ref: '#/components/responses/Ok'}\n    patch:\n",
            )
            .replace(
                "components:\n",
                "components:\n  responses:\n    Ok:\n      description: OK\n      content:\n        application/json:\n          schema:\n            allOf: [{$ref: '#/components/schemas/Thing'}]\n            description: A thing.\n",
            );
        let spec = load_text(&text).unwrap();
        let views: Vec<_> = spec
            .api
            .operations
            .iter()
            .flat_map(|operation| &operation.parameters)
            .filter(|parameter| parameter.name == "view")
            .map(|parameter| parameter.ty.clone())
            .collect();
        assert_eq!(views.len(), 2);
        assert_eq!(views[0], views[1], "one type for a shared parameter");
        let get = spec
            .api
            .operations
            .iter()
            .find(|o| o.id == "GetThing")
            .unwrap();
        assert_eq!(get.success_schema.as_deref(), Some("GetThingResponse"));
        assert!(
            spec.openapi
                .components
                .as_ref()
                .unwrap()
                .schemas
                .contains_key("GetThingResponse")
        );
    }

    #[test]
    fn what_the_runtime_would_send_otherwise_is_refused() {
        for (from, to, expected) in [
            (
                "\"200\":\n          description: OK\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Thing\"}",
                "\"200\":\n          description: OK\n          content:\n            application/json:\n              schema: {type: object, properties: {a: {type: string}}}\n        \"201\":\n          description: Created\n          content:\n            application/json:\n              schema: {type: object, properties: {b: {type: string}}}",
                "its success responses have different bodies",
            ),
            (
                "        - {name: Sid, in: path, required: true, schema: {type: string}}",
                "        - {name: Sid, in: path, required: true, schema: {type: string}}\n        - {name: Other, in: path, required: true, schema: {type: string}}",
                "path parameter `Other` is declared but the path",
            ),
            (
                "        - {name: Sid, in: path, required: true, schema: {type: string}}",
                "        - {name: Sid, in: path, required: true, schema: {type: string}}\n        - {name: tags, in: query, explode: false, schema: {type: array, items: {type: string}}}",
                "asks for `explode: false`",
            ),
            (
                "        - {name: Sid, in: path, required: true, schema: {type: string}}",
                "        - {name: Sid, in: path, required: true, schema: {type: string}}\n        - {name: Accept, in: header, schema: {type: string}}",
                "header parameter `Accept` is a header the client sets itself",
            ),
            (
                "        - {name: Sid, in: path, required: true, schema: {type: string}}",
                "        - {name: Sid, in: path, required: true, schema: {type: string}}\n        - {name: X Tag, in: header, schema: {type: string}}",
                "header parameter `X Tag` is not a valid header name",
            ),
            (
                "servers: [{url: \"https://api.example.com/\"}]",
                "servers: [{url: \"https://{region}.example.com/\"}]",
                "server variables, a query or a fragment are not supported",
            ),
        ] {
            assert!(MINIMAL.contains(from), "{from}");
            let error = refused(&MINIMAL.replace(from, to));
            assert!(error.contains(expected), "{expected}: {error}");
        }
    }

    #[test]
    fn operation_and_parameter_names_that_would_clash_are_refused() {
        for (id, expected) in [
            ("builder", "becomes the method `builder`"),
            ("New", "becomes the method `new`"),
            ("Clone", "becomes the method `clone`"),
        ] {
            let error = refused(
                &MINIMAL.replace("operationId: UpdateThing", &format!("operationId: {id}")),
            );
            assert!(error.contains(expected), "{id}: {error}");
        }
        for name in ["root", "at", "value"] {
            let text = MINIMAL
                .replace("{name: Sid, in: path", &format!("{{name: {name}, in: path"))
                .replace("/things/{Sid}", &format!("/things/{{{name}}}"));
            let error = refused(&text);
            assert!(
                error.contains(&format!(
                    "parameter `{name}` becomes the Rust name `{name}`"
                )),
                "{name}: {error}"
            );
        }
        let twins = MINIMAL.replace(
            "paths:\n",
            "paths:\n  /others:\n    get:\n      operationId: update_thing\n      responses:\n        \"204\": {description: Done}\n",
        );
        let error = refused(&twins);
        assert!(
            error
                .contains("`UpdateThing` and `update_thing` both become the method `update_thing`")
                || error.contains(
                    "`update_thing` and `UpdateThing` both become the method `update_thing`"
                ),
            "{error}"
        );
    }

    const MINIMAL: &str = r##"
openapi: 3.0.3
info: {title: Demo, version: "1"}
servers: [{url: "https://api.example.com/"}]
components:
  securitySchemes:
    basic: {type: http, scheme: basic}
  schemas:
    Error: {type: object, properties: {code: {type: integer}}}
    Patch:
      type: object
      properties:
        name: {type: string, nullable: true, description: The name.}
        size: {type: integer}
    Thing:
      type: object
      properties:
        sid: {type: string, pattern: "^AC[0-9a-f]{32}$", maxLength: 34}
paths:
  /things/{Sid}:
    patch:
      operationId: UpdateThing
      parameters:
        - {name: Sid, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Patch"}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
        "404":
          description: Not found
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
"##;

    #[test]
    fn a_valid_spec_is_rewritten() {
        let spec = load_text(MINIMAL).unwrap();
        assert_eq!(spec.api.base_url, "https://api.example.com");
        assert!(matches!(spec.api.security, Security::Basic));
        let doc = serde_json::to_value(&spec.openapi).unwrap();
        let patch = &doc["components"]["schemas"]["Patch"]["properties"];
        assert_eq!(
            patch["name"]["x-rust-type"]["path"],
            "interlocutor_runtime::Nullable"
        );
        assert_eq!(
            patch["name"]["x-rust-type"]["parameters"][0],
            json!({"type": "string"})
        );
        assert_eq!(patch["size"], json!({"type": "integer"}));
        let thing = &doc["components"]["schemas"]["Thing"]["properties"]["sid"];
        assert_eq!(thing, &json!({"type": "string"}));
    }

    #[test]
    fn malformed_yaml_names_line_and_column() {
        let error = refused("openapi: 3.0.3\ninfo: [unclosed\n");
        assert!(error.starts_with("specs/demo.yaml:"), "{error}");
        assert!(error.contains("malformed YAML"), "{error}");
        let position = error.split(':').nth(1).unwrap();
        assert!(position.parse::<usize>().is_ok(), "{error}");
    }

    #[test]
    fn openapi_3_1_is_refused() {
        let error = refused(&MINIMAL.replace("openapi: 3.0.3", "openapi: 3.1.0"));
        assert!(
            error.contains("`openapi: 3.1.0` is not supported"),
            "{error}"
        );
    }

    #[test]
    fn missing_operation_id_is_named() {
        let error = refused(&MINIMAL.replace("      operationId: UpdateThing\n", ""));
        assert!(
            error.contains("#/paths/~1things~1{Sid}/patch: the operation has no `operationId`"),
            "{error}"
        );
    }

    #[test]
    fn different_error_bodies_are_refused() {
        let text = MINIMAL.replace(
            "        \"404\":",
            "        \"500\":\n          description: Boom\n        \"404\":",
        );
        let error = refused(&text);
        assert!(
            error.contains("error responses use different bodies"),
            "{error}"
        );
        assert!(error.contains("500 -> no body"), "{error}");
    }

    #[test]
    fn unsupported_format_is_named() {
        let text = MINIMAL.replace(
            "sid: {type: string,",
            "links: {type: object, format: url-map}\n        sid: {type: string,",
        );
        let error = refused(&text);
        assert!(
            error.contains(
                "#/components/schemas/Thing/properties/links: unsupported format `url-map`"
            ),
            "{error}"
        );
    }

    #[test]
    fn a_uri_map_becomes_a_map_of_strings() {
        let text = MINIMAL.replace(
            "sid: {type: string,",
            "links: {type: object, format: uri-map}\n        sid: {type: string,",
        );
        let spec = load_text(&text).unwrap();
        let doc = serde_json::to_value(&spec.openapi).unwrap();
        let links = &doc["components"]["schemas"]["Thing"]["properties"]["links"];
        assert_eq!(links["type"], "object");
        assert!(links.get("format").is_none(), "{links}");
        assert_eq!(links["additionalProperties"]["type"], "string");
    }

    #[test]
    fn request_defaults_are_refused() {
        let text = MINIMAL.replace("size: {type: integer}", "size: {type: integer, default: 3}");
        let error = refused(&text);
        assert!(
            error.contains(
                "#/components/schemas/Patch/properties/size: `default:` in a request schema"
            ),
            "{error}"
        );
    }

    #[test]
    fn shared_schemas_that_need_two_shapes_are_refused() {
        let text = MINIMAL.replace(
            "schema: {$ref: \"#/components/schemas/Thing\"}",
            "schema: {$ref: \"#/components/schemas/Patch\"}",
        );
        let error = refused(&text);
        assert!(
            error.contains("#/components/schemas/Patch: is used by a JSON request and a response"),
            "{error}"
        );
    }

    #[test]
    fn dangling_references_are_named() {
        let text = MINIMAL.replace(
            "schema: {$ref: \"#/components/schemas/Thing\"}",
            "schema: {$ref: \"#/components/schemas/Thingy\"}",
        );
        let error = refused(&text);
        assert!(
            error.contains("refers to `#/components/schemas/Thingy`, which does not exist"),
            "{error}"
        );
    }

    #[test]
    fn response_enums_are_opened_and_error_bodies_kept_as_written() {
        let text = MINIMAL
            .replace(
                "        sid: {type: string, pattern: \"^AC[0-9a-f]{32}$\", maxLength: 34}",
                "        sid: {type: string, pattern: \"^AC[0-9a-f]{32}$\", maxLength: 34}\n        \
                 state: {type: string, enum: [on, off]}\n        \
                 level: {$ref: \"#/components/schemas/Level\"}\n        \
                 levels: {type: array, items: {$ref: \"#/components/schemas/Level\"}}",
            )
            .replace(
                "    Thing:\n",
                "    Level: {type: string, enum: [low, high]}\n    Thing:\n      additionalProperties: false\n",
            );
        let spec = load_text(&text).unwrap();
        let doc = serde_json::to_value(&spec.openapi).unwrap();
        let schemas = &doc["components"]["schemas"];
        let thing = &schemas["Thing"];
        assert!(thing.get("additionalProperties").is_none(), "{thing}");
        let open = |target: &str| {
            json!({"x-rust-type": {
                "crate": "interlocutor-runtime",
                "version": "*",
                "path": "interlocutor_runtime::Open",
                "parameters": [{"$ref": format!("#/components/schemas/{target}")}],
            }})
        };
        assert_eq!(thing["properties"]["state"], open("ThingState"));
        assert_eq!(
            schemas["ThingState"],
            json!({"type": "string", "enum": ["on", "off"]})
        );
        assert_eq!(thing["properties"]["level"], open("Level"));
        assert_eq!(thing["properties"]["levels"]["items"], open("Level"));
        // The enum itself stays strict for requests.
        assert_eq!(
            schemas["Level"],
            json!({"type": "string", "enum": ["low", "high"]})
        );

        // Error bodies are read as the API's error type itself: the
        // pipeline keeps a body of another shape raw.
        let error = &doc["paths"]["/things/{Sid}"]["patch"]["responses"]["404"]["content"]["application/json"]
            ["schema"];
        assert_eq!(error, &json!({"$ref": "#/components/schemas/Error"}));
    }

    #[test]
    fn inline_error_schemas_are_refused() {
        let text = MINIMAL.replace(
            "              schema: {$ref: \"#/components/schemas/Error\"}",
            "              schema: {type: object, properties: {code: {type: integer}}}",
        );
        let error = refused(&text);
        assert!(
            error.contains(
                "error response `404` has a body that is not the API's one error schema (a `$ref`"
            ),
            "{error}"
        );
    }

    #[test]
    fn a_property_named_example_is_still_checked() {
        let text = MINIMAL.replace(
            "size: {type: integer}",
            "size: {type: integer}\n        example: {type: string, format: uri-map}",
        );
        let error = refused(&text);
        assert!(
            error.contains("#/components/schemas/Patch/properties/example: unsupported format"),
            "{error}"
        );
        // An example value, though, is data: its keys are not checked.
        let text = MINIMAL.replace(
            "size: {type: integer}",
            "size: {type: integer, example: {type: object, format: whatever}}",
        );
        assert!(load_text(&text).is_ok());
    }

    #[test]
    fn form_bodies_must_be_flat() {
        let form = |size: &str| {
            MINIMAL
                .replace("application/json:\n            schema: {$ref: \"#/components/schemas/Patch\"}", "application/x-www-form-urlencoded:\n            schema: {$ref: \"#/components/schemas/Patch\"}")
                .replace("size: {type: integer}", size)
        };
        // Arrays of scalars are repeated keys.
        assert!(load_text(&form("size: {type: array, items: {type: integer}}")).is_ok());
        let error = refused(&form(
            "size: {type: object, properties: {a: {type: string}}}",
        ));
        assert!(
            error.contains("form property `size` is an object"),
            "{error}"
        );
        let error = refused(&form(
            "size: {type: array, items: {type: object, properties: {a: {type: string}}}}",
        ));
        assert!(
            error.contains("form property `size` is an array of arrays or objects"),
            "{error}"
        );
    }
}
