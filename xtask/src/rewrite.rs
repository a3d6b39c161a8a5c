//! Rewriting a checked spec for typify, so the specs stay a faithful
//! description of each provider's API. All of it goes through typify's
//! `x-rust-type` extension, pointing at types of the runtime:
//!
//! - **Inline schemas are named** as the model names them (bodies, success
//!   responses, parameter enums), so typify and the client agree.
//! - **Requests are strict, with three states.** An optional, nullable
//!   property of a request body becomes `Option<Nullable<T>>` (JSON) or
//!   `Option<FormNullable<T>>` (form), so "clear" (`null`) and "leave
//!   unchanged" (absent) differ.
//! - **Shapes progenitor cannot map are spelt out.** `format: uri-map`
//!   (Twilio's `links`) becomes a map of strings.
//! - **Request constraints are checked, not typed.** Lengths, patterns,
//!   sizes and ranges are removed before typify runs, so request fields are
//!   plain types whose setters cannot fail; the generator's `Validate`
//!   impls (see `surface`) and the operations' parameter checks (see
//!   `client`) check them, from the document as written, before a request
//!   is sent.
//! - **Responses are liberal.** Length, pattern, size and range constraints
//!   are dropped from schemas only responses use: providers' own examples
//!   break them (`"accountId": "ZGkrHSypTsudrGkmdpJJ"`) and a client must
//!   not fail to read a response over documentation-grade rules. Every enum
//!   in a response becomes `Open<T>`, which keeps values added later. A
//!   callback's body (an event the API sends) is on this side too.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::checks::{FORM, operations};
use crate::model::{Api, escape};
use crate::names::pascal;
use crate::spec::{collect_refs, resolve, walk_inline_mut};

/// Which side of the wire a schema is used on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Side {
    Request { form: bool },
    Response,
}

/// One operation's request or response schema, with where it sits.
pub(crate) struct Root<'a> {
    pub(crate) at: String,
    /// A type name for what is inline in it: `<OperationId>Request`/`Response`.
    pub(crate) hint: String,
    pub(crate) side: Side,
    pub(crate) schema: &'a Value,
}

/// The request and response schemas of every operation.
pub(crate) fn roots(doc: &Value) -> Vec<Root<'_>> {
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
        // A callback's body is received, like a response: read liberally.
        let callbacks = operation["callbacks"].as_object().into_iter().flatten();
        for (name, callback) in callbacks {
            let callback = resolve(doc, callback);
            let expressions = callback.as_object().into_iter().flatten();
            for (expression, item) in expressions {
                let item = resolve(doc, item);
                let requests = item.as_object().into_iter().flatten();
                for (method, request) in requests {
                    let Some(body) = request.get("requestBody") else {
                        continue;
                    };
                    let body = resolve(doc, body);
                    let content = body["content"].as_object().into_iter().flatten();
                    for (media_type, media) in content {
                        if let Some(schema) = media.get("schema") {
                            roots.push(Root {
                                at: format!(
                                    "{at}/callbacks/{}/{}/{method}/requestBody/content/{}/schema",
                                    escape(name),
                                    escape(expression),
                                    escape(media_type)
                                ),
                                hint: format!("{}Event", pascal(name)),
                                side: Side::Response,
                                schema,
                            });
                        }
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
pub(crate) fn component_uses(
    doc: &Value,
    roots: &[Root<'_>],
) -> Result<BTreeMap<String, Vec<Side>>, String> {
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

/// Applies the request and response rewrites described in the module docs.
pub(crate) fn rewrite(doc: &mut Value, api: &Api) -> Result<(), String> {
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
        let pointer = at.strip_prefix('#').unwrap_or(&at);
        let Some(schema) = doc.pointer_mut(pointer) else {
            return Err(format!(
                "{at}: an inline schema behind a shared `$ref` the generator cannot place; \
                 name it in `components.schemas` and refer to it"
            ));
        };
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
                    "{at}: the generator names this inline schema `{name}`, which \
                     `components.schemas` already has: name the inline schema in \
                     `components.schemas` yourself and refer to it"
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
    crate::checks::PROPERTY_NAMES,
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
pub(crate) fn strip_constraints(schema: &mut Value) {
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
