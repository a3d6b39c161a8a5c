//! Loading a spec: parse, check what progenitor cannot handle, and adapt
//! the document to the rules of this workspace before code generation.
//!
//! Every problem is reported as one paragraph that names the spec file and
//! the construct (a JSON pointer into the document), never as a panic.
//!
//! The rewrites happen here rather than in the specs, so the specs stay a
//! faithful description of each provider's API. All of them go through
//! typify's `x-rust-type` extension, pointing at types of the runtime:
//!
//! - **Requests are strict, with three states.** An optional, nullable
//!   property of a request body becomes `Option<Nullable<T>>` (JSON) or
//!   `Option<FormNullable<T>>` (form), so "clear" (`null`) and "leave
//!   unchanged" (absent) differ.
//! - **Shapes progenitor cannot map are spelt out.** `format: uri-map`
//!   (Twilio's `links`) becomes a map of strings.
//! - **Request constraints are checked, not typed.** Lengths, patterns,
//!   sizes and ranges are removed before typify runs, so request fields are
//!   plain types whose setters cannot fail; the generator's `Validate`
//!   impls (see `surface`) check them, from the document as written, before
//!   a request is sent. Parameters lose theirs too (a SID with a `pattern`
//!   is a `String`); the generated method checks path parameters.
//! - **Responses are liberal.** Length, pattern, size and range constraints
//!   are dropped from schemas only responses use: providers' own examples
//!   break them (`"accountId": "ZGkrHSypTsudrGkmdpJJ"`) and a client must
//!   not fail to read a response over documentation-grade rules. Every enum
//!   in a response becomes `Open<T>`, which keeps values added later.
//! - **Error bodies are kept.** Every 4xx/5xx response decodes into
//!   `ErrorBody<E>`: the documented error, or whatever came instead.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::model::Api;
use crate::names::{pascal, rust_name};

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

/// `x-interlocutor`, with its defaults.
fn wiring(doc: &Value, stem: &str) -> Result<Wiring, String> {
    let block = doc.get("x-interlocutor").cloned().unwrap_or(Value::Null);
    if !block.is_null() && !block.is_object() {
        return Err("`x-interlocutor` must be a mapping".to_owned());
    }
    let text = |key: &str| block.get(key).and_then(Value::as_str).map(str::to_owned);
    let (first, rest) = stem.split_once('-').unwrap_or((stem, stem));
    let provider = text("provider").unwrap_or_else(|| first.to_owned());
    let module = text("module").unwrap_or_else(|| rest.replace('-', "_"));
    let feature = text("feature").unwrap_or_else(|| stem.to_owned());
    let provider_name = text("provider-name").unwrap_or_else(|| {
        let mut chars = provider.chars();
        chars.next().map_or_else(String::new, |c| {
            c.to_ascii_uppercase().to_string() + chars.as_str()
        })
    });
    let identifier = |value: &str| {
        !value.is_empty()
            && value.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    if !identifier(&provider) || !identifier(&module) {
        return Err(format!(
            "`x-interlocutor`: `provider` (`{provider}`) and `module` (`{module}`) become Rust \
             module names: lowercase letters, digits and `_`, starting with a letter"
        ));
    }
    if !feature
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        || feature.is_empty()
    {
        return Err(format!(
            "`x-interlocutor`: `feature` (`{feature}`) must be lowercase letters, digits and `-`"
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

/// The largest spec read: Twilio's biggest published description is under
/// 1 MiB; anything near this is a mistake (or `/dev/zero`).
pub const MAX_SPEC_BYTES: u64 = 16 * 1024 * 1024;

/// The spec files, sorted, so output never depends on directory order:
/// every `*.yaml` or `*.yml` (in any case) that is a regular file inside
/// the workspace, under the size limit. Anything else named like a spec (a
/// FIFO, a directory, a link out of the workspace, a huge file) is refused
/// by name, never read.
pub fn find_specs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    let workspace = dir
        .parent()
        .and_then(|root| root.canonicalize().ok())
        .ok_or_else(|| format!("cannot resolve the workspace of {}", dir.display()))?;
    let mut specs = Vec::new();
    let mut refused = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|error| format!("cannot read {}: {error}", dir.display()))?
            .path();
        let is_spec = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        if !is_spec {
            continue;
        }
        let shown = format!(
            "specs/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        match readable(&path, &workspace) {
            Ok(()) => specs.push(path),
            Err(problem) => refused.push(format!("{shown}: {problem}")),
        }
    }
    if !refused.is_empty() {
        return Err(format!(
            "{}\nnothing was written.",
            refused.join("\nerror: ")
        ));
    }
    specs.sort();
    Ok(specs)
}

/// Why `path` cannot be read as a spec, if it cannot.
fn readable(path: &Path, workspace: &Path) -> Result<(), String> {
    let link = std::fs::symlink_metadata(path).map_err(|error| format!("cannot read: {error}"))?;
    if link.file_type().is_symlink() {
        let target = path
            .canonicalize()
            .map_err(|error| format!("is a symbolic link that cannot be followed: {error}"))?;
        if !target.starts_with(workspace) {
            return Err(format!(
                "is a symbolic link to {}, outside the workspace; refused (copy the spec in)",
                target.display()
            ));
        }
    }
    let metadata = std::fs::metadata(path).map_err(|error| format!("cannot read: {error}"))?;
    if !metadata.is_file() {
        return Err(
            "is not a regular file (a directory, a FIFO or a device); refused, not read".to_owned(),
        );
    }
    if metadata.len() > MAX_SPEC_BYTES {
        return Err(format!(
            "is {} bytes, over the limit of {MAX_SPEC_BYTES}; refused, not read",
            metadata.len()
        ));
    }
    Ok(())
}

/// The text of a spec, read with the size limit enforced while reading
/// (the file may have grown since it was listed).
fn read_spec(path: &Path) -> Result<String, String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|error| format!("cannot read: {error}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_SPEC_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot read: {error}"))?;
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        return Err(format!("is over the limit of {MAX_SPEC_BYTES} bytes"));
    }
    let text = String::from_utf8(bytes).map_err(|_| "is not UTF-8 text".to_owned())?;
    // A byte order mark is not part of the YAML document.
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
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

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// Which side of the wire a schema is used on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    Request { form: bool },
    Response,
}

/// One operation's request or response schema, with where it sits.
struct Root<'a> {
    at: String,
    /// A type name for what is inline in it: `<OperationId>Request`/`Response`.
    hint: String,
    side: Side,
    schema: &'a Value,
}

/// Finds every construct progenitor would panic on or get wrong.
struct Checker<'a> {
    doc: &'a Value,
    problems: Vec<String>,
}

impl<'a> Checker<'a> {
    fn new(doc: &'a Value) -> Self {
        Self {
            doc,
            problems: Vec::new(),
        }
    }

    fn run(mut self) -> Vec<String> {
        for (at, operation) in operations(self.doc) {
            self.check_operation(&at, operation);
        }
        let roots = roots(self.doc);
        for root in &roots {
            if let Side::Request { .. } = root.side {
                self.check_no_defaults(&root.at, root.schema);
            }
        }
        match component_uses(self.doc, &roots) {
            Ok(uses) => {
                for (name, sides) in &uses {
                    let schema = &self.doc["components"]["schemas"][name];
                    let at = format!("#/components/schemas/{name}");
                    if sides.iter().any(|s| matches!(s, Side::Request { .. })) {
                        self.check_no_defaults(&at, schema);
                    }
                }
            }
            Err(error) => self.problems.push(error),
        }
        self.check_formats("#", self.doc);
        self.check_reference_cycles();
        self.check_parameters();
        self.problems
    }

    /// A chain of `$ref`s that comes back to itself (`A: {$ref: A}`, two
    /// responses referring to each other) defines nothing; followed, it
    /// never ends.
    fn check_reference_cycles(&mut self) {
        let mut references = Vec::new();
        collect_all_refs(self.doc, &mut references);
        references.sort();
        references.dedup();
        let mut reported = BTreeSet::new();
        for start in references {
            let mut chain = vec![start.clone()];
            let mut current = start;
            while let Some(next) = current
                .strip_prefix('#')
                .and_then(|pointer| self.doc.pointer(pointer))
                .and_then(|target| target.get("$ref"))
                .and_then(Value::as_str)
            {
                if let Some(at) = chain.iter().position(|seen| seen == next) {
                    let mut cycle: Vec<String> = chain[at..].to_vec();
                    cycle.push(next.to_owned());
                    let mut key = chain[at..].to_vec();
                    key.sort();
                    if reported.insert(key) {
                        self.problems.push(format!(
                            "{}: a `$ref` cycle ({}): every reference must end at a definition",
                            chain[at],
                            cycle.join(" -> ")
                        ));
                    }
                    break;
                }
                chain.push(next.to_owned());
                current = next.to_owned();
            }
        }
    }

    /// Parameters become the arguments of one Rust method: two whose Rust
    /// names are the same (`thingId`, `thing_id`), or one named like the
    /// request body argument, would not compile.
    fn check_parameters(&mut self) {
        let Some(paths) = self.doc["paths"].as_object() else {
            return;
        };
        for (path, item) in paths {
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let at = format!("#/paths/{}/{method}", escape(path));
                let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for parameter in [item.get("parameters"), operation.get("parameters")]
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_array)
                    .flatten()
                {
                    let parameter = resolve(self.doc, parameter);
                    if let Some(name) = parameter["name"].as_str() {
                        names
                            .entry(rust_name(name))
                            .or_default()
                            .push(name.to_owned());
                    }
                }
                for (rust, spec_names) in &names {
                    let mut distinct = spec_names.clone();
                    distinct.sort();
                    distinct.dedup();
                    if distinct.len() > 1 {
                        self.problems.push(format!(
                            "{at}: the parameters {} all become the Rust argument `{rust}`; \
                             rename one",
                            distinct
                                .iter()
                                .map(|name| format!("`{name}`"))
                                .collect::<Vec<_>>()
                                .join(" and ")
                        ));
                    }
                }
                if operation.get("requestBody").is_some() && names.contains_key("body") {
                    self.problems.push(format!(
                        "{at}: a parameter named `body` collides with the request body, which \
                         the generated method takes as its `body` argument; rename the parameter"
                    ));
                }
            }
        }
    }

    fn check_operation(&mut self, at: &str, operation: &Value) {
        if operation
            .get("operationId")
            .and_then(Value::as_str)
            .is_none()
        {
            self.problems.push(format!(
                "{at}: the operation has no `operationId`; progenitor names the client \
                 method after it"
            ));
        }
        if let Some(body) = operation.get("requestBody") {
            let body = resolve(self.doc, body);
            let types: Vec<&String> = body["content"]
                .as_object()
                .map(|c| c.keys().collect())
                .unwrap_or_default();
            match types.as_slice() {
                [only] if *only == JSON => {}
                [only] if *only == FORM => {
                    let schema = resolve(self.doc, &body["content"][FORM]["schema"]);
                    self.check_form_schema(&format!("{at}/requestBody"), schema);
                }
                _ => self.problems.push(format!(
                    "{at}/requestBody: media types {types:?} are not supported: declare exactly \
                     one of `{JSON}` or `{FORM}`"
                )),
            }
        }
        let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
            self.problems
                .push(format!("{at}: the operation has no `responses`"));
            return;
        };
        let mut error_bodies: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for (status, response) in responses {
            let response_at = format!("{at}/responses/{status}");
            if status == "default" {
                self.problems.push(format!(
                    "{response_at}: a `default` response is both a success and an error to \
                     progenitor; declare explicit statuses or `4XX`/`5XX` ranges instead"
                ));
                continue;
            }
            let response = resolve(self.doc, response);
            let content = response.get("content").and_then(Value::as_object);
            if let Some(content) = content {
                for media_type in content.keys() {
                    if media_type != JSON {
                        self.problems.push(format!(
                            "{response_at}: response media type `{media_type}` is not \
                             supported: only `{JSON}` is"
                        ));
                    }
                }
            }
            if status.starts_with('4') || status.starts_with('5') {
                let body = content
                    .and_then(|c| c.get(JSON))
                    .and_then(|m| m.get("schema"))
                    .map(|schema| match schema.get("$ref").and_then(Value::as_str) {
                        Some(reference) => reference.to_owned(),
                        None => schema.to_string(),
                    })
                    .unwrap_or_else(|| "no body".to_owned());
                error_bodies.entry(body).or_default().push(status);
            }
        }
        if error_bodies.len() > 1 {
            let mut detail = String::new();
            for (body, statuses) in &error_bodies {
                let _ = write!(detail, " {} -> {body};", statuses.join(", "));
            }
            self.problems.push(format!(
                "{at}/responses: error responses use different bodies ({}) and progenitor \
                 gives an operation exactly one error type; give every 4xx/5xx response the \
                 API's one shared error schema",
                detail.trim_matches([' ', ';'])
            ));
        }
    }

    /// A form body is flat: each property a scalar or an array of scalars
    /// (sent as repeated keys, `Filters=a&Filters=b`, as Twilio's own
    /// libraries send them). A nested object has no form encoding Twilio
    /// reads.
    fn check_form_schema(&mut self, at: &str, schema: &Value) {
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            self.problems.push(format!(
                "{at}: a form body must be an object schema with `properties`"
            ));
            return;
        };
        let kind = |doc: &Value, schema: &Value| -> Option<String> {
            let schema = resolve(doc, schema);
            let schema = match schema["allOf"].as_array().map(Vec::as_slice) {
                Some([only]) => resolve(doc, only),
                _ => schema,
            };
            schema["type"].as_str().map(str::to_owned)
        };
        for (name, property) in properties {
            match kind(self.doc, property).as_deref() {
                Some("object") => self.problems.push(format!(
                    "{at}: form property `{name}` is an object; a form body is flat (send its \
                     fields as properties of their own, or as a JSON string)"
                )),
                Some("array") => {
                    let items = &resolve(self.doc, property)["items"];
                    if matches!(kind(self.doc, items).as_deref(), Some("object" | "array")) {
                        self.problems.push(format!(
                            "{at}: form property `{name}` is an array of arrays or objects; a \
                             form body can repeat a key for each item only when the items are \
                             scalars"
                        ));
                    }
                }
                _ => {}
            }
        }
    }

    /// A `default` on a request property would be sent on every request.
    fn check_no_defaults(&mut self, at: &str, schema: &Value) {
        walk_inline(at, schema, &mut |at, schema| {
            if schema.get("default").is_some() {
                self.problems.push(format!(
                    "{at}: `default:` in a request schema makes progenitor send the default on \
                     every request (a PATCH would reset the field); say it in `description`"
                ));
            }
        });
    }

    /// Formats typify maps to a type, or leaves as a plain string.
    fn check_formats(&mut self, at: &str, value: &Value) {
        self.check_formats_in(at, value, false);
    }

    /// `in_properties`: `value` is a `properties` map, whose keys are
    /// property names (a property may be called `example`).
    fn check_formats_in(&mut self, at: &str, value: &Value, in_properties: bool) {
        match value {
            Value::Object(map) => {
                if let (Some(Value::String(format)), Some(Value::String(kind))) =
                    (map.get("format"), map.get("type"))
                    && !format_supported(kind, format)
                {
                    self.problems.push(format!(
                        "{at}: unsupported format `{format}` on a `{kind}`: the generator \
                         cannot map it to a Rust type; describe the shape explicitly (e.g. an \
                         object with properties) and mention the format in `description`"
                    ));
                }
                for (key, child) in map {
                    // Examples are data, not schemas: a `format` key there
                    // means nothing.
                    let example = !in_properties && (key == "example" || key == "examples");
                    if !example {
                        let at = format!("{at}/{}", escape(key));
                        self.check_formats_in(&at, child, !in_properties && key == "properties");
                    }
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    self.check_formats_in(&format!("{at}/{index}"), child, false);
                }
            }
            _ => {}
        }
    }
}

fn format_supported(kind: &str, format: &str) -> bool {
    match kind {
        "string" => matches!(
            format,
            "date"
                | "date-time"
                | "uuid"
                | "uri"
                | "uri-reference"
                | "email"
                | "hostname"
                | "ip"
                | "ipv4"
                | "ipv6"
                | "password"
                | "byte"
                | "binary"
        ),
        "integer" => matches!(
            format,
            "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64"
        ),
        "number" => matches!(format, "float" | "double"),
        // Twilio's map from a name to a URI; see `uri_maps`.
        "object" => format == "uri-map",
        _ => false,
    }
}

/// Every operation with its JSON-pointer-like location.
fn operations(doc: &Value) -> Vec<(String, &Value)> {
    let mut found = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(operation) = item.get(method) {
                    found.push((format!("#/paths/{}/{method}", escape(path)), operation));
                }
            }
        }
    }
    found
}

/// The request and response schemas of every operation.
fn roots(doc: &Value) -> Vec<Root<'_>> {
    let mut roots = Vec::new();
    for (at, operation) in operations(doc) {
        let operation_id = operation["operationId"].as_str().unwrap_or("Operation");
        if let Some(body) = operation.get("requestBody") {
            let body = resolve(doc, body);
            if let Some(content) = body["content"].as_object() {
                for (media_type, media) in content {
                    if let Some(schema) = media.get("schema") {
                        roots.push(Root {
                            at: format!("{at}/requestBody/content/{}/schema", escape(media_type)),
                            hint: format!("{}Request", pascal(operation_id)),
                            side: Side::Request {
                                form: media_type == FORM,
                            },
                            schema,
                        });
                    }
                }
            }
        }
        if let Some(responses) = operation["responses"].as_object() {
            for (status, response) in responses {
                let response = resolve(doc, response);
                if let Some(content) = response["content"].as_object() {
                    for (media_type, media) in content {
                        if let Some(schema) = media.get("schema") {
                            roots.push(Root {
                                at: format!(
                                    "{at}/responses/{status}/content/{}/schema",
                                    escape(media_type)
                                ),
                                hint: format!("{}Response", pascal(operation_id)),
                                side: Side::Response,
                                schema,
                            });
                        }
                    }
                }
            }
        }
    }
    roots
}

/// For every component schema, the sides of the wire it is used on.
fn component_uses(doc: &Value, roots: &[Root<'_>]) -> Result<BTreeMap<String, Vec<Side>>, String> {
    let mut uses: BTreeMap<String, Vec<Side>> = BTreeMap::new();
    for root in roots {
        let mut pending: Vec<String> = Vec::new();
        collect_refs(root.schema, &mut pending);
        let mut seen = BTreeSet::new();
        while let Some(name) = pending.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let schema = doc["components"]["schemas"].get(&name).ok_or_else(|| {
                format!(
                    "{}: refers to `#/components/schemas/{name}`, which does not exist",
                    root.at
                )
            })?;
            let sides = uses.entry(name.clone()).or_default();
            if !sides.contains(&root.side) {
                sides.push(root.side);
            }
            collect_refs(schema, &mut pending);
        }
    }
    Ok(uses)
}

/// Every `$ref` string anywhere in `value`.
fn collect_all_refs(value: &Value, out: &mut Vec<String>) {
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
fn collect_refs(schema: &Value, out: &mut Vec<String>) {
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
fn walk_inline(at: &str, schema: &Value, visit: &mut dyn FnMut(&str, &Value)) {
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
fn walk_inline_mut(schema: &mut Value, visit: &mut dyn FnMut(&mut Value)) {
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

/// Applies the request and response rewrites described in the module docs.
fn rewrite(doc: &mut Value, api: &Api) -> Result<(), String> {
    hoist_operation_schemas(doc, api)?;
    uri_maps(doc);
    plain_parameters(doc);
    let (uses, inline) = {
        let roots = roots(doc);
        let uses = component_uses(doc, &roots)?;
        let inline: Vec<(String, String, Side)> = roots
            .iter()
            .filter(|root| root.schema.get("$ref").is_none())
            .map(|root| (root.at.clone(), root.hint.clone(), root.side))
            .collect();
        (uses, inline)
    };
    let enums: BTreeSet<String> = doc["components"]["schemas"]
        .as_object()
        .map(|schemas| {
            schemas
                .iter()
                .filter(|(_, schema)| schema.get("enum").is_some())
                .map(|(name, _)| name.clone())
                .collect()
        })
        .unwrap_or_default();
    let mut hoisted = Hoisted::new(doc, enums);

    for (name, sides) in &uses {
        let at = format!("#/components/schemas/{name}");
        let pointer = format!("/components/schemas/{}", escape(name));
        let schema = doc
            .pointer_mut(&pointer)
            .expect("checked by component_uses");
        match sides.as_slice() {
            [side] => rewrite_for(schema, *side, name, &mut hoisted),
            _ => {
                // Shared schemas must mean the same thing on every side.
                for side in sides {
                    let mut copy = schema.clone();
                    rewrite_for(&mut copy, *side, name, &mut hoisted.scratch());
                    if copy != *schema {
                        return Err(format!(
                            "{at}: is used by {} and needs different code on each side (request \
                             properties that may be null; response constraints to relax or enum \
                             values to keep open); split it into one schema per side",
                            describe_sides(sides)
                        ));
                    }
                }
            }
        }
    }
    for (at, hint, side) in inline {
        let pointer = at.strip_prefix('#').expect("roots start with #");
        let schema = doc.pointer_mut(pointer).expect("the root exists");
        rewrite_for(schema, side, &hint, &mut hoisted);
    }
    let schemas = component_schemas(doc)?;
    for (name, schema) in hoisted.new {
        schemas.insert(name, schema);
    }
    Ok(())
}

/// `components.schemas`, made if the spec has none.
fn component_schemas(doc: &mut Value) -> Result<&mut Map<String, Value>, String> {
    let root = doc.as_object_mut().ok_or("the document is not a mapping")?;
    let components = root
        .entry("components")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or("`components` is not a mapping")?;
    components
        .entry("schemas")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| "`components.schemas` is not a mapping".to_owned())
}

/// Moves the inline schemas the model named (bodies, success responses,
/// parameter enums) into `components.schemas` under those names, so the
/// client emitter and typify agree on every type name.
fn hoist_operation_schemas(doc: &mut Value, api: &Api) -> Result<(), String> {
    for operation in &api.operations {
        for (at, name) in &operation.hoists {
            let pointer = at.strip_prefix('#').unwrap_or(at);
            let Some(schema) = doc.pointer_mut(pointer) else {
                return Err(format!("internal error: `{at}` is not in the document"));
            };
            if schema.get("$ref").is_some() {
                // Already moved: a shared `requestBodies` or `responses` entry.
                continue;
            }
            let taken = std::mem::replace(
                schema,
                json!({ "$ref": format!("#/components/schemas/{}", escape(name)) }),
            );
            let schemas = component_schemas(doc)?;
            if schemas.contains_key(name) {
                return Err(format!(
                    "{at}: the generator names this inline schema `{name}`, which                      `components.schemas` already has: name the inline schema in                      `components.schemas` yourself and refer to it"
                ));
            }
            schemas.insert(name.clone(), taken);
        }
    }
    Ok(())
}

/// Parameters lose their constraints before typify runs, so a path
/// parameter with a `pattern` (a Twilio SID) is a plain `String`, not a
/// newtype built by a fallible conversion; the generated operation method
/// checks the constraints, from the spec as written.
fn plain_parameters(doc: &mut Value) {
    let strip = |parameters: &mut Value| {
        if let Some(parameters) = parameters.as_array_mut() {
            for parameter in parameters {
                if let Some(schema) = parameter.get_mut("schema") {
                    walk_inline_mut(schema, &mut strip_constraints);
                }
            }
        }
    };
    // `pointer_mut`, not indexing: `doc["x"]` on a missing key inserts null.
    if let Some(paths) = doc.pointer_mut("/paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(item) = item.as_object_mut() {
                for (key, value) in item.iter_mut() {
                    if key == "parameters" {
                        strip(value);
                    } else if let Some(parameters) = value.get_mut("parameters") {
                        strip(parameters);
                    }
                }
            }
        }
    }
    if let Some(parameters) = doc
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        for parameter in parameters.values_mut() {
            if let Some(schema) = parameter.get_mut("schema") {
                walk_inline_mut(schema, &mut strip_constraints);
            }
        }
    }
}

/// `type: object, format: uri-map` (Twilio's `links`: a map from a name to
/// a URI) becomes the map it describes, `BTreeMap<String, String>`.
fn uri_maps(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("type") == Some(&json!("object"))
                && map.get("format") == Some(&json!("uri-map"))
            {
                map.remove("format");
                map.entry("additionalProperties")
                    .or_insert_with(|| json!({"type": "string", "format": "uri"}));
            }
            for (key, child) in map.iter_mut() {
                // Examples are data, not schemas.
                if key != "example" && key != "examples" {
                    uri_maps(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(uri_maps),
        _ => {}
    }
}

fn describe_sides(sides: &[Side]) -> String {
    let names: Vec<&str> = sides
        .iter()
        .map(|side| match side {
            Side::Request { form: false } => "a JSON request",
            Side::Request { form: true } => "a form request",
            Side::Response => "a response",
        })
        .collect();
    names.join(" and ")
}

fn rewrite_for(schema: &mut Value, side: Side, name: &str, hoisted: &mut Hoisted) {
    match side {
        Side::Request { form } => {
            // Constraints first, while nullable properties are still in
            // place: the generated `Validate` impls check them instead.
            walk_inline_mut(schema, &mut strip_constraints);
            walk_inline_mut(schema, &mut |s| wrap_nullable_properties(s, form));
        }
        Side::Response => {
            walk_inline_mut(schema, &mut relax);
            open_enums(schema, name, hoisted);
        }
    }
}

/// An `x-rust-type` schema pointing at a generic type of the runtime.
fn runtime_type(type_name: &str, parameter: Value, description: Option<Value>) -> Value {
    let mut wrapper = Map::new();
    if let Some(description) = description {
        wrapper.insert("description".to_owned(), description);
    }
    wrapper.insert(
        "x-rust-type".to_owned(),
        json!({
            "crate": crate::runtime::CRATE,
            "version": "*",
            "path": crate::runtime::item(type_name),
            "parameters": [parameter],
        }),
    );
    Value::Object(wrapper)
}

/// Enum schemas moved out of response schemas into named components, so
/// `Open<T>` can name `T`.
struct Hoisted {
    /// Component names in use, to refuse a clash.
    taken: BTreeSet<String>,
    /// Components that are string enums.
    enums: BTreeSet<String>,
    /// The new components.
    new: BTreeMap<String, Value>,
}

impl Hoisted {
    fn new(doc: &Value, enums: BTreeSet<String>) -> Self {
        let taken = doc["components"]["schemas"]
            .as_object()
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default();
        Self {
            taken,
            enums,
            new: BTreeMap::new(),
        }
    }

    /// A copy whose additions are thrown away.
    fn scratch(&self) -> Self {
        Self {
            taken: self.taken.clone(),
            enums: self.enums.clone(),
            new: BTreeMap::new(),
        }
    }

    /// Registers `schema` under `name` (or `name` plus a number if taken)
    /// and returns a reference to it.
    fn hoist(&mut self, name: &str, schema: Value) -> Value {
        let mut unique = name.to_owned();
        let mut counter = 2;
        while self.taken.contains(&unique) {
            unique = format!("{name}{counter}");
            counter += 1;
        }
        self.taken.insert(unique.clone());
        self.new.insert(unique.clone(), schema);
        json!({ "$ref": format!("#/components/schemas/{unique}") })
    }
}

/// Wraps every enum in a response schema in `Open<T>`, so a value the
/// provider adds later decodes instead of failing the whole response.
fn open_enums(schema: &mut Value, name: &str, hoisted: &mut Hoisted) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (property, child) in properties.iter_mut() {
            open_position(child, &format!("{name}{}", pascal(property)), hoisted);
        }
    }
    if let Some(items) = map.get_mut("items").filter(|c| c.is_object()) {
        open_position(items, &format!("{name}Item"), hoisted);
    }
    if let Some(values) = map
        .get_mut("additionalProperties")
        .filter(|c| c.is_object())
    {
        open_position(values, &format!("{name}Value"), hoisted);
    }
}

/// One place a schema can sit: an enum there becomes `Open<enum>`.
fn open_position(child: &mut Value, name: &str, hoisted: &mut Hoisted) {
    let enum_ref = |value: &Value| {
        value["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .filter(|target| hoisted.enums.contains(*target))
            .map(|_| value.clone())
    };
    let description = child.get("description").cloned();
    let target = if let Some(reference) = enum_ref(child) {
        Some(reference)
    } else if let Some([only]) = child["allOf"].as_array().map(Vec::as_slice) {
        enum_ref(only)
    } else if child.get("enum").is_some() && child["type"] == "string" {
        let mut inline = child.clone();
        if let Some(map) = inline.as_object_mut() {
            map.remove("nullable");
        }
        Some(hoisted.hoist(name, inline))
    } else {
        None
    };
    match target {
        Some(reference) => *child = runtime_type("Open", reference, description),
        None => open_enums(child, name, hoisted),
    }
}

/// Keywords that only narrow which values are valid, not their type.
pub const CONSTRAINTS: [&str; 12] = [
    "propertyNames",
    "pattern",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
];

/// Removes the keywords that only narrow which values are valid.
fn strip_constraints(schema: &mut Value) {
    if let Some(map) = schema.as_object_mut() {
        for key in CONSTRAINTS {
            map.remove(key);
        }
    }
}

fn relax(schema: &mut Value) {
    strip_constraints(schema);
    if let Some(map) = schema.as_object_mut() {
        // Extra fields in a response are not an error.
        if map.get("additionalProperties") == Some(&Value::Bool(false)) {
            map.remove("additionalProperties");
        }
    }
}

/// Turns each nullable property of an object schema into an `x-rust-type`
/// pointing at the runtime's null-or-value wrapper: with `Option` around it
/// when the property is optional (three states), alone when required.
fn wrap_nullable_properties(schema: &mut Value, form: bool) {
    let Some(Value::Object(properties)) = schema.get_mut("properties") else {
        return;
    };
    for property in properties.values_mut() {
        // Required too: the field is then a plain `Nullable<T>`, which the
        // caller must give (a value or null) instead of an `Option` that
        // typify would send as null when left alone.
        if property.get("nullable") != Some(&Value::Bool(true)) {
            continue;
        }
        let mut inner = property.clone();
        let inner_map = inner
            .as_object_mut()
            .expect("a property with `nullable` is an object");
        inner_map.remove("nullable");
        let description = inner_map.remove("description");
        inner_map.remove("example");
        let wrapper_type = if form { "FormNullable" } else { "Nullable" };
        *property = runtime_type(wrapper_type, inner, description);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
