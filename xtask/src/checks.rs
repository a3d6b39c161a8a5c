//! The checks a spec must pass before anything is generated: every
//! construct progenitor would panic on or get wrong, reported as one
//! paragraph per problem that names the construct by its JSON pointer.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use crate::model::escape;
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
