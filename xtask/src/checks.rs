//! The checks a spec must pass before anything is generated: every
//! construct progenitor would panic on or get wrong, reported as one
//! paragraph per problem that names the construct by its JSON pointer.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use crate::model::escape;

/// The extension that carries `propertyNames` (a schema every key of a map
/// must match), which OpenAPI 3.0's Schema Object does not have.
pub const PROPERTY_NAMES: &str = "x-interlocutor-property-names";
use crate::names::rust_name;
use crate::rewrite::{Side, component_uses, roots};
use crate::spec::{collect_all_refs, resolve, walk_inline};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
pub(crate) const JSON: &str = "application/json";
pub(crate) const FORM: &str = "application/x-www-form-urlencoded";

/// Finds every construct progenitor would panic on or get wrong.
pub(crate) struct Checker<'a> {
    doc: &'a Value,
    problems: Vec<String>,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(doc: &'a Value) -> Self {
        Self {
            doc,
            problems: Vec::new(),
        }
    }

    pub(crate) fn run(mut self) -> Vec<String> {
        // Valid OpenAPI 3.0 first: every other check reads the document by
        // the standard's keywords.
        self.problems.extend(openapi_3_0::check(self.doc));
        if !self.problems.is_empty() {
            return self.problems;
        }
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

    /// A chain of `$ref`s, or of `allOf` members, that comes back to itself
    /// (`A: {$ref: A}`, two responses referring to each other, `A: {allOf:
    /// [$ref: A]}`) defines nothing; followed, it never ends. (A property or
    /// an array item that refers back is a recursive type, and fine.)
    fn check_reference_cycles(&mut self) {
        let mut references = Vec::new();
        collect_all_refs(self.doc, &mut references);
        references.sort();
        references.dedup();
        let mut reported = BTreeSet::new();
        for start in references {
            let mut chain = vec![start];
            self.follow_inclusions(&mut chain, &mut reported);
        }
    }

    /// Depth-first along what the last reference of `chain` includes.
    fn follow_inclusions(&mut self, chain: &mut Vec<String>, reported: &mut BTreeSet<Vec<String>>) {
        let current = chain
            .last()
            .expect("a chain starts with one reference")
            .clone();
        let Some(target) = current
            .strip_prefix('#')
            .and_then(|pointer| self.doc.pointer(pointer))
        else {
            return;
        };
        let direct = target.get("$ref").into_iter();
        let members = target
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|member| member.get("$ref"));
        let next: Vec<String> = direct
            .chain(members)
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        for next in next {
            if let Some(at) = chain.iter().position(|seen| *seen == next) {
                let mut cycle: Vec<String> = chain[at..].to_vec();
                cycle.push(next.clone());
                let mut key = chain[at..].to_vec();
                key.sort();
                if reported.insert(key) {
                    self.problems.push(format!(
                        "{}: a `$ref` or `allOf` cycle ({}): every reference must end at a \
                         definition",
                        chain[at],
                        cycle.join(" -> ")
                    ));
                }
                continue;
            }
            if chain.len() < 64 {
                chain.push(next);
                self.follow_inclusions(chain, reported);
                chain.pop();
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
pub(crate) fn operations(doc: &Value) -> Vec<(String, &Value)> {
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

/// OpenAPI 3.0's fixed fields, object by object, as the 3.0.3 text lists
/// them: a key that is not one of them (and not an `x-` extension) is
/// refused, naming the file and the JSON pointer, as is a known keyword of
/// the wrong type. progenitor's reader (openapiv3) ignores unknown keys, so
/// without this `propertyNames` or a misspelt `maxLenght` would pass
/// silently here and fail every other OpenAPI tool.
///
/// (No well-kept crate ships the published 3.0 JSON Schema, and a copy of
/// that file would be another project's file in this repository; these
/// tables are the specification's own field lists, checked by tests.)
pub(crate) mod openapi_3_0 {
    use serde_json::Value;

    use crate::model::escape;

    const ROOT: &[&str] = &[
        "openapi",
        "info",
        "servers",
        "paths",
        "components",
        "security",
        "tags",
        "externalDocs",
    ];
    const INFO: &[&str] = &[
        "title",
        "description",
        "termsOfService",
        "contact",
        "license",
        "version",
    ];
    const SERVER: &[&str] = &["url", "description", "variables"];
    const PATH_ITEM: &[&str] = &[
        "$ref",
        "summary",
        "description",
        "get",
        "put",
        "post",
        "delete",
        "options",
        "head",
        "patch",
        "trace",
        "servers",
        "parameters",
    ];
    const OPERATION: &[&str] = &[
        "tags",
        "summary",
        "description",
        "externalDocs",
        "operationId",
        "parameters",
        "requestBody",
        "responses",
        "callbacks",
        "deprecated",
        "security",
        "servers",
    ];
    const PARAMETER: &[&str] = &[
        "name",
        "in",
        "description",
        "required",
        "deprecated",
        "allowEmptyValue",
        "style",
        "explode",
        "allowReserved",
        "schema",
        "example",
        "examples",
        "content",
    ];
    const HEADER: &[&str] = &[
        "description",
        "required",
        "deprecated",
        "allowEmptyValue",
        "style",
        "explode",
        "allowReserved",
        "schema",
        "example",
        "examples",
        "content",
    ];
    const REQUEST_BODY: &[&str] = &["description", "content", "required"];
    const MEDIA_TYPE: &[&str] = &["schema", "example", "examples", "encoding"];
    const RESPONSE: &[&str] = &["description", "headers", "content", "links"];
    const COMPONENTS: &[&str] = &[
        "schemas",
        "responses",
        "parameters",
        "examples",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
    ];
    const SECURITY_SCHEME: &[&str] = &[
        "type",
        "description",
        "name",
        "in",
        "scheme",
        "bearerFormat",
        "flows",
        "openIdConnectUrl",
    ];
    const SCHEMA: &[&str] = &[
        "title",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxProperties",
        "minProperties",
        "required",
        "enum",
        "type",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "items",
        "properties",
        "additionalProperties",
        "description",
        "format",
        "default",
        "nullable",
        "discriminator",
        "readOnly",
        "writeOnly",
        "xml",
        "externalDocs",
        "example",
        "deprecated",
        "$ref",
    ];

    /// What a keyword's value must be.
    enum Kind {
        Count,
        Number,
        Bool,
        Text,
        TextList,
        List,
        Type,
    }

    fn kind(keyword: &str) -> Option<Kind> {
        Some(match keyword {
            "maxLength" | "minLength" | "maxItems" | "minItems" | "maxProperties"
            | "minProperties" => Kind::Count,
            "multipleOf" | "maximum" | "minimum" => Kind::Number,
            "exclusiveMaximum" | "exclusiveMinimum" | "uniqueItems" | "nullable" | "readOnly"
            | "writeOnly" | "deprecated" => Kind::Bool,
            "pattern" | "format" | "title" | "description" | "$ref" => Kind::Text,
            "required" => Kind::TextList,
            "enum" | "allOf" | "oneOf" | "anyOf" => Kind::List,
            "type" => Kind::Type,
            _ => return None,
        })
    }

    struct Walk {
        problems: Vec<String>,
    }

    /// Every problem, one line each.
    pub fn check(doc: &Value) -> Vec<String> {
        let mut walk = Walk {
            problems: Vec::new(),
        };
        if walk.object("#", doc, ROOT, "the document") {
            walk.optional("#", doc, "info", INFO, "an Info Object");
            for (index, server) in list(doc.get("servers")) {
                walk.object(
                    &format!("#/servers/{index}"),
                    server,
                    SERVER,
                    "a Server Object",
                );
            }
            for (path, item) in entries(doc.get("paths")) {
                walk.path_item(&format!("#/paths/{}", escape(path)), item);
            }
            if let Some(components) = doc.get("components") {
                walk.components("#/components", components);
            }
        }
        walk.problems
    }

    impl Walk {
        /// `value` is an object of the kind `what`, with only `fields`.
        fn object(&mut self, at: &str, value: &Value, fields: &[&str], what: &str) -> bool {
            let Some(map) = value.as_object() else {
                self.problems
                    .push(format!("{at}: {what} must be a mapping"));
                return false;
            };
            for key in map.keys() {
                if !key.starts_with("x-") && !fields.contains(&key.as_str()) {
                    let hint = closest(key, fields)
                        .map(|near| format!(" (did you mean `{near}`?)"))
                        .unwrap_or_default();
                    self.problems.push(format!(
                        "{at}/{}: `{key}` is not a field of {what} in OpenAPI 3.0{hint}; \
                         extensions start with `x-`",
                        escape(key)
                    ));
                }
            }
            true
        }

        fn optional(&mut self, at: &str, value: &Value, key: &str, fields: &[&str], what: &str) {
            if let Some(child) = value.get(key) {
                self.object(&format!("{at}/{key}"), child, fields, what);
            }
        }

        fn path_item(&mut self, at: &str, item: &Value) {
            if !self.object(at, item, PATH_ITEM, "a Path Item Object") {
                return;
            }
            for (index, parameter) in list(item.get("parameters")) {
                self.parameter(&format!("{at}/parameters/{index}"), parameter);
            }
            for method in [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ] {
                if let Some(operation) = item.get(method) {
                    self.operation(&format!("{at}/{method}"), operation);
                }
            }
        }

        fn operation(&mut self, at: &str, operation: &Value) {
            if !self.object(at, operation, OPERATION, "an Operation Object") {
                return;
            }
            for (index, parameter) in list(operation.get("parameters")) {
                self.parameter(&format!("{at}/parameters/{index}"), parameter);
            }
            if let Some(body) = operation.get("requestBody") {
                self.request_body(&format!("{at}/requestBody"), body);
            }
            for (status, response) in entries(operation.get("responses")) {
                self.response(&format!("{at}/responses/{}", escape(status)), response);
            }
        }

        fn is_reference(value: &Value) -> bool {
            value.get("$ref").is_some()
        }

        fn parameter(&mut self, at: &str, parameter: &Value) {
            if Self::is_reference(parameter) {
                return;
            }
            if self.object(at, parameter, PARAMETER, "a Parameter Object") {
                self.schema_in(at, parameter);
                self.content(at, parameter);
            }
        }

        fn request_body(&mut self, at: &str, body: &Value) {
            if !Self::is_reference(body)
                && self.object(at, body, REQUEST_BODY, "a Request Body Object")
            {
                self.content(at, body);
            }
        }

        fn response(&mut self, at: &str, response: &Value) {
            if Self::is_reference(response)
                || !self.object(at, response, RESPONSE, "a Response Object")
            {
                return;
            }
            self.content(at, response);
            for (name, header) in entries(response.get("headers")) {
                let at = format!("{at}/headers/{}", escape(name));
                if !Self::is_reference(header)
                    && self.object(&at, header, HEADER, "a Header Object")
                {
                    self.schema_in(&at, header);
                }
            }
        }

        fn content(&mut self, at: &str, value: &Value) {
            for (media, object) in entries(value.get("content")) {
                let at = format!("{at}/content/{}", escape(media));
                if self.object(&at, object, MEDIA_TYPE, "a Media Type Object") {
                    self.schema_in(&at, object);
                }
            }
        }

        fn schema_in(&mut self, at: &str, value: &Value) {
            if let Some(schema) = value.get("schema") {
                self.schema(&format!("{at}/schema"), schema);
            }
        }

        fn components(&mut self, at: &str, components: &Value) {
            if !self.object(at, components, COMPONENTS, "a Components Object") {
                return;
            }
            for (name, schema) in entries(components.get("schemas")) {
                self.schema(&format!("{at}/schemas/{}", escape(name)), schema);
            }
            for (name, response) in entries(components.get("responses")) {
                self.response(&format!("{at}/responses/{}", escape(name)), response);
            }
            for (name, parameter) in entries(components.get("parameters")) {
                self.parameter(&format!("{at}/parameters/{}", escape(name)), parameter);
            }
            for (name, body) in entries(components.get("requestBodies")) {
                self.request_body(&format!("{at}/requestBodies/{}", escape(name)), body);
            }
            for (name, scheme) in entries(components.get("securitySchemes")) {
                let at = format!("{at}/securitySchemes/{}", escape(name));
                if !Self::is_reference(scheme) {
                    self.object(&at, scheme, SECURITY_SCHEME, "a Security Scheme Object");
                }
            }
        }

        fn schema(&mut self, at: &str, schema: &Value) {
            if !self.object(at, schema, SCHEMA, "a Schema Object") {
                return;
            }
            let Some(map) = schema.as_object() else {
                return;
            };
            for (keyword, value) in map {
                let Some(kind) = kind(keyword) else { continue };
                let fits = match kind {
                    Kind::Count => value.as_u64().is_some(),
                    Kind::Number => value.is_number(),
                    Kind::Bool => value.is_boolean(),
                    Kind::Text => value.is_string(),
                    Kind::TextList => value
                        .as_array()
                        .is_some_and(|items| items.iter().all(Value::is_string)),
                    Kind::List => value.is_array(),
                    Kind::Type => value.as_str().is_some_and(|kind| {
                        ["string", "number", "integer", "boolean", "array", "object"]
                            .contains(&kind)
                    }),
                };
                if !fits {
                    let expected = match kind {
                        Kind::Count => "a non-negative integer",
                        Kind::Number => "a number",
                        Kind::Bool => "true or false",
                        Kind::Text => "a string",
                        Kind::TextList => "a list of strings",
                        Kind::List => "a list",
                        Kind::Type => {
                            "one of string, number, integer, boolean, array, object \
                                       (3.0 has no `null` type: use `nullable: true`)"
                        }
                    };
                    self.problems.push(format!(
                        "{at}/{}: `{keyword}` must be {expected}, not `{value}`",
                        escape(keyword)
                    ));
                }
            }
            for (name, property) in entries(schema.get("properties")) {
                self.schema(&format!("{at}/properties/{}", escape(name)), property);
            }
            for key in ["items", "not"] {
                if let Some(child) = schema.get(key) {
                    self.schema(&format!("{at}/{key}"), child);
                }
            }
            match schema.get("additionalProperties") {
                None | Some(Value::Bool(_)) => {}
                Some(child) => self.schema(&format!("{at}/additionalProperties"), child),
            }
            for key in ["allOf", "oneOf", "anyOf"] {
                for (index, child) in list(schema.get(key)) {
                    self.schema(&format!("{at}/{key}/{index}"), child);
                }
            }
            if let Some(names) = schema.get(super::PROPERTY_NAMES) {
                self.schema(&format!("{at}/{}", super::PROPERTY_NAMES), names);
            }
        }
    }

    fn list(value: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
        value
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
    }

    fn entries(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
        value.and_then(Value::as_object).into_iter().flatten()
    }

    /// A field one or two edits away (a typo), to suggest.
    fn closest<'a>(key: &str, fields: &[&'a str]) -> Option<&'a str> {
        fields
            .iter()
            .map(|field| (distance(key, field), *field))
            .filter(|(distance, _)| *distance <= 2)
            .min()
            .map(|(_, field)| field)
    }

    /// Levenshtein distance, for short keywords.
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut previous = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let substitution = previous + usize::from(ca != *cb);
                previous = row[j + 1];
                row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
            }
        }
        row[b.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::openapi_3_0;

    fn problems(yaml: &str) -> Vec<String> {
        openapi_3_0::check(&serde_yaml::from_str(yaml).unwrap())
    }

    #[test]
    fn every_spec_and_fixture_is_valid_openapi_3_0() {
        let root = crate::workspace_root();
        let mut files = Vec::new();
        for destination in crate::codegen::Destination::ALL {
            files.extend(crate::files::find_specs(&root, destination).unwrap());
        }
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            assert_eq!(problems(&text), Vec::<String>::new(), "{}", file.display());
        }
    }

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n\
                        components:\n  schemas:\n    Patch:\n      type: object\n      \
                        properties:\n        tags:\n          type: object\n";

    #[test]
    fn keywords_outside_the_standard_are_refused_by_pointer() {
        let found = problems(&format!(
            "{SPEC}          propertyNames: {{maxLength: 3}}\n"
        ));
        assert_eq!(
            found,
            [
                "#/components/schemas/Patch/properties/tags/propertyNames: `propertyNames` is not \
              a field of a Schema Object in OpenAPI 3.0; extensions start with `x-`"
            ]
        );
        let found = problems(&format!("{SPEC}          maxLenght: 3\n"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("(did you mean `maxLength`?)"),
            "{found:?}"
        );
        let found = problems(&format!(
            "{SPEC}          x-interlocutor-property-names: {{maxLength: 3}}\n"
        ));
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn known_keywords_of_the_wrong_type_are_refused() {
        for (line, expected) in [
            (
                "maxProperties: -1",
                "`maxProperties` must be a non-negative integer",
            ),
            ("nullable: 'yes'", "`nullable` must be true or false"),
            ("required: name", "`required` must be a list of strings"),
        ] {
            let found = problems(&format!("{SPEC}          {line}\n"));
            assert!(
                found.iter().any(|problem| problem.contains(expected)),
                "{line}: {found:?}"
            );
        }
        let found = problems(
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /x:\n    \
                              get:\n      operationID: x\n      responses: {}\n",
        );
        assert!(
            found[0].contains("`operationID` is not a field of an Operation Object"),
            "{found:?}"
        );
    }
}
