//! The typed model of one API, read once from its checked spec.
//!
//! Every emitter reads this and nothing else about operations: the client
//! methods (`client.rs`), the rewrite that gives inline schemas the names
//! chosen here (`rewrite.rs`), the facade's wiring (`facade.rs`). Schemas
//! stay as written (references followed, `allOf` folded in), because the
//! request checks are made from their constraints.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::names::{pascal, rust_name, type_name};
use crate::spec::{Security, Wiring, merged, resolve};

/// One API: what its client crate and the facade are made from.
pub struct Api {
    pub title: String,
    /// `info.description`.
    pub description: Option<String>,
    pub base_url: String,
    pub security: Security,
    pub wiring: Wiring,
    pub operations: Vec<Operation>,
    /// The one error body of every error response, if the spec has one.
    pub error: Option<ErrorBody>,
    /// The requests the API sends to its users (`callbacks`), if any.
    pub events: Option<Events>,
}

impl Api {
    /// The first path segment every operation shares (`v2` for Twilio's
    /// `/v2/…`), if there is one: a base URL that already ends with it
    /// would double it.
    pub fn path_prefix(&self) -> Option<String> {
        let mut firsts = self.operations.iter().map(|operation| {
            operation
                .path
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or_default()
                .to_owned()
        });
        let first = firsts.next()?;
        (!first.is_empty() && !first.contains('{') && firsts.all(|other| other == first))
            .then_some(first)
    }
}

/// One operation of `paths`.
pub struct Operation {
    /// `operationId` as written.
    pub id: String,
    /// The Rust method name.
    pub method_name: String,
    /// Lowercase HTTP method (`patch`).
    pub method: String,
    /// The path template as written (`/v2/Conversations/{Sid}`).
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Path, query and header parameters, operation-level ones overriding
    /// path-level ones of the same name and location.
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    /// Statuses whose body is `success_type`.
    pub success: Vec<StatusKey>,
    /// The component name of the success body; `None` when no success
    /// response has content.
    pub success_schema: Option<String>,
    /// Error statuses documented with the API's error body.
    pub errors: Vec<StatusKey>,
    /// Inline schemas to move into components before typify runs, so the
    /// client can name their types: (pointer in the document, component).
    pub hoists: Vec<(String, String)>,
    /// The requests this operation documents the API sending back.
    pub callbacks: Vec<Callback>,
}

/// One request the API sends to its users: an entry of an operation's
/// `callbacks` (a webhook event).
#[derive(Clone, Debug, PartialEq)]
pub struct Callback {
    /// The callback's key, as written (`conversationUpdated`).
    pub name: String,
    /// Its variant of the `Event` enum.
    pub variant: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub media: Media,
    /// The component its body's type is generated from.
    pub component: String,
    /// The schema as written, `allOf` folded in.
    pub schema: Value,
}

/// Every callback of an API, and how a body tells which one it is.
pub struct Events {
    pub media: Media,
    /// The top-level property whose value names the event (`event`,
    /// `EventType`): one property every callback's body requires with one
    /// `enum` value of its own. `None` for a single callback.
    pub tag: Option<String>,
    /// With the value of `tag` that picks each one.
    pub callbacks: Vec<(Callback, Option<String>)>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Location {
    Path,
    Query,
    Header,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
        }
    }
}

pub struct Parameter {
    /// The name on the wire, as written.
    pub name: String,
    pub rust_name: String,
    pub location: Location,
    pub required: bool,
    pub description: Option<String>,
    /// The schema as written, `allOf` folded in.
    pub schema: Value,
    /// The Rust type of one value.
    pub ty: ParamType,
}

/// The Rust type of a parameter's value.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ParamType {
    /// A plain type (`String`, `i64`, `::uuid::Uuid`), as a path.
    Plain(String),
    /// A generated type, by its name in `types`.
    Generated(String),
    /// Several values (a query parameter sent as its key repeated).
    List(Box<ParamType>),
}

impl ParamType {
    pub fn is_text(&self) -> bool {
        matches!(self, Self::Plain(path) if path == STRING)
    }
}

const STRING: &str = "::std::string::String";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Media {
    Json,
    Form,
}

pub struct Body {
    pub media: Media,
    /// The component the body's type is generated from.
    pub component: String,
    /// The schema as written, `allOf` folded in.
    pub schema: Value,
}

/// A key of `responses`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StatusKey {
    Code(u16),
    Class(u16),
    Default,
}

/// The API's error body and which of its properties fill `Error`.
pub struct ErrorBody {
    pub component: String,
    /// Every property's wire name.
    pub properties: Vec<String>,
    /// The properties the schema requires (their fields are not `Option`s).
    pub required: Vec<String>,
    pub code: Option<String>,
    pub message: Option<String>,
    pub more_info: Option<String>,
    pub details: Option<String>,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
pub const JSON: &str = "application/json";
pub const FORM: &str = "application/x-www-form-urlencoded";

/// Reads the model from `doc`, the spec as written (already checked).
pub fn lower(
    doc: &Value,
    title: String,
    base_url: String,
    security: Security,
    wiring: Wiring,
) -> Result<Api, String> {
    let error = wiring.error_schema.clone().map(|component| {
        // `allOf` members and a chain of references folded in: the fields
        // the body may carry, whichever way the schema is written.
        let reference = serde_json::json!({ "$ref": format!("#/components/schemas/{component}") });
        let schema = merged(doc, &reference, 0);
        let properties = schema["properties"]
            .as_object()
            .map(|properties| properties.keys().cloned().collect())
            .unwrap_or_default();
        let required = schema["required"]
            .as_array()
            .map(|names| {
                names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        ErrorBody {
            component,
            properties,
            required,
            code: wiring.error_code.clone(),
            message: wiring.error_message.clone(),
            more_info: wiring.error_more_info.clone(),
            details: wiring.error_details.clone(),
        }
    });
    let mut namer = Namer {
        named: std::collections::BTreeMap::new(),
        taken: doc["components"]["schemas"]
            .as_object()
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default(),
    };
    let mut operations = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            let item = resolve(doc, item);
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let at = format!("#/paths/{}/{method}", escape(path));
                operations.push(
                    lower_operation(
                        doc,
                        path,
                        method,
                        item,
                        operation,
                        error.as_ref(),
                        &at,
                        &mut namer,
                    )
                    .map_err(|problem| format!("{at}: {problem}"))?,
                );
            }
        }
    }
    operations.sort_by(|a, b| a.method_name.cmp(&b.method_name));
    for pair in operations.windows(2) {
        if pair[0].method_name == pair[1].method_name {
            return Err(format!(
                "the operations `{}` and `{}` both become the method `{}`: rename one",
                pair[0].id, pair[1].id, pair[0].method_name
            ));
        }
    }
    let events = events(doc, &operations)?;
    Ok(Api {
        description: doc["info"]["description"].as_str().map(str::to_owned),
        title,
        base_url,
        security,
        wiring,
        operations,
        error,
        events,
    })
}

/// The API's callbacks, one per name, and the property that tells them
/// apart.
fn events(doc: &Value, operations: &[Operation]) -> Result<Option<Events>, String> {
    let mut callbacks: Vec<Callback> = Vec::new();
    for operation in operations {
        for callback in &operation.callbacks {
            match callbacks.iter().find(|known| known.name == callback.name) {
                Some(known) if known.component == callback.component => {}
                Some(_) => {
                    return Err(format!(
                        "two operations document a callback `{}` with different bodies: name \
                         them apart",
                        callback.name
                    ));
                }
                None => callbacks.push(callback.clone()),
            }
        }
    }
    callbacks.sort_by(|a, b| a.variant.cmp(&b.variant));
    for pair in callbacks.windows(2) {
        if pair[0].variant == pair[1].variant {
            return Err(format!(
                "the callbacks `{}` and `{}` both become the event `{}`: rename one",
                pair[0].name, pair[1].name, pair[0].variant
            ));
        }
    }
    let Some(first) = callbacks.first() else {
        return Ok(None);
    };
    let media = first.media;
    if let Some(other) = callbacks.iter().find(|callback| callback.media != media) {
        return Err(format!(
            "the callbacks `{}` and `{}` are sent in different media types: one decoder reads              every event of an API, so they must share JSON or form",
            first.name, other.name
        ));
    }
    if callbacks.len() == 1 {
        let only = callbacks.remove(0);
        return Ok(Some(Events {
            media,
            tag: None,
            callbacks: vec![(only, None)],
        }));
    }
    // The properties each body requires with exactly one string value.
    let constants: Vec<BTreeMap<String, String>> = callbacks
        .iter()
        .map(|callback| single_values(doc, &callback.schema))
        .collect();
    let tags: Vec<&String> = constants[0]
        .keys()
        .filter(|property| {
            let values: BTreeSet<Option<&String>> = constants
                .iter()
                .map(|constants| constants.get(*property))
                .collect();
            values.len() == callbacks.len() && !values.contains(&None)
        })
        .collect();
    let tag = match tags.as_slice() {
        [tag] => (*tag).clone(),
        [] => {
            return Err(format!(
                "the callbacks ({}) share one URL, and nothing in their bodies tells them apart: \
                 give each body the same required property with one `enum` value of its own \
                 (the event's name)",
                callbacks
                    .iter()
                    .map(|callback| format!("`{}`", callback.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        several => {
            return Err(format!(
                "the callbacks' bodies are told apart by several properties ({}): keep one",
                several
                    .iter()
                    .map(|tag| format!("`{tag}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    };
    let callbacks = callbacks
        .into_iter()
        .zip(constants)
        .map(|(callback, constants)| {
            let value = constants.get(&tag).cloned();
            (callback, value)
        })
        .collect();
    Ok(Some(Events {
        media,
        tag: Some(tag),
        callbacks,
    }))
}

/// The required properties of `schema` whose schema allows exactly one
/// string: `event: {type: string, enum: [conversation.updated]}`.
fn single_values(doc: &Value, schema: &Value) -> BTreeMap<String, String> {
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = BTreeMap::new();
    if let Some(properties) = schema["properties"].as_object() {
        for (name, property) in properties {
            if !required.contains(name.as_str()) {
                continue;
            }
            let property = merged(doc, property, 0);
            if let Some([Value::String(value)]) = property["enum"].as_array().map(Vec::as_slice) {
                out.insert(name.clone(), value.clone());
            }
        }
    }
    out
}

/// Names for the inline schemas moved into `components.schemas`: one per
/// place in the document (a path-level parameter or a shared request body
/// is named once, for every operation that uses it), never a name taken.
struct Namer {
    named: std::collections::BTreeMap<String, String>,
    taken: std::collections::BTreeSet<String>,
}

impl Namer {
    fn name(&mut self, pointer: &str, wanted: &str) -> String {
        if let Some(name) = self.named.get(pointer) {
            return name.clone();
        }
        let mut name = wanted.to_owned();
        let mut counter = 2;
        while self.taken.contains(&name) || self.taken.contains(&type_name(&name)) {
            name = format!("{wanted}{counter}");
            counter += 1;
        }
        self.taken.insert(name.clone());
        self.named.insert(pointer.to_owned(), name.clone());
        name
    }
}

/// Method names the client already has.
const RESERVED_METHODS: [&str; 5] = ["builder", "clone", "fmt", "from_parts", "new"];

#[allow(clippy::too_many_arguments)]
fn lower_operation(
    doc: &Value,
    path: &str,
    method: &str,
    item: &Value,
    operation: &Value,
    error: Option<&ErrorBody>,
    at: &str,
    namer: &mut Namer,
) -> Result<Operation, String> {
    let id = operation["operationId"]
        .as_str()
        .ok_or("every operation needs an `operationId` (it names the method)")?
        .to_owned();
    let method_name = rust_name(&id);
    if RESERVED_METHODS.contains(&method_name.as_str()) {
        return Err(format!(
            "`operationId: {id}` becomes the method `{method_name}`, which the client already \
             has or reserves: rename the operation"
        ));
    }
    let pascal_id = pascal(&id);
    let mut hoists = Vec::new();

    // Operation-level parameters override path-level ones.
    let mut parameters: Vec<Parameter> = Vec::new();
    let lists = [
        (item.get("parameters"), format!("{}/parameters", parent(at))),
        (operation.get("parameters"), format!("{at}/parameters")),
    ];
    for (list, list_at) in lists {
        let Some(list) = list.and_then(Value::as_array) else {
            continue;
        };
        for (index, parameter) in list.iter().enumerate() {
            let parameter_at = format!("{list_at}/{index}");
            let written = resolve(doc, parameter);
            let name = written["name"].as_str().unwrap_or_default().to_owned();
            let location = match written["in"].as_str() {
                Some("path") => Location::Path,
                Some("query") => Location::Query,
                Some("header") => Location::Header,
                other => {
                    return Err(format!(
                        "parameter `{name}` is in `{}`: the generator sends path, query and \
                         header parameters only",
                        other.unwrap_or("?")
                    ));
                }
            };
            let schema_at = match parameter.get("$ref").and_then(Value::as_str) {
                Some(reference) => format!("{reference}/schema"),
                None => format!("{parameter_at}/schema"),
            };
            let written_schema = written
                .get("schema")
                .ok_or_else(|| format!("parameter `{name}` has no `schema`"))?;
            let ty = parameter_type(doc, written_schema, location, &name)?;
            let ty = match ty {
                Some(ty) => ty,
                None => {
                    // An inline enum: typify names it once it is a component.
                    let component =
                        namer.name(&schema_at, &format!("{pascal_id}{}", pascal(&name)));
                    hoists.push((schema_at, component.clone()));
                    ParamType::Generated(type_name(&component))
                }
            };
            check_serialization(written, location, &name)?;
            let lowered = Parameter {
                rust_name: rust_name(&name),
                required: location == Location::Path
                    || written["required"].as_bool().unwrap_or(false),
                description: written["description"].as_str().map(str::to_owned),
                schema: merged(doc, written_schema, 0),
                name,
                location,
                ty,
            };
            parameters.retain(|p| !(p.name == lowered.name && p.location == lowered.location));
            parameters.push(lowered);
        }
    }
    for parameter in &parameters {
        if ["self", "body", "request", "at", "root", "value"]
            .contains(&parameter.rust_name.as_str())
        {
            return Err(format!(
                "parameter `{}` becomes the Rust name `{}`, which the generated method uses for \
                 itself: the generator cannot take it (rename it in the spec, if the provider \
                 allows, or report this)",
                parameter.name, parameter.rust_name
            ));
        }
    }
    for (index, parameter) in parameters.iter().enumerate() {
        if let Some(twin) = parameters[..index]
            .iter()
            .find(|other| other.rust_name == parameter.rust_name)
        {
            return Err(format!(
                "parameters `{}` ({}) and `{}` ({}) both become the argument `{}`",
                twin.name,
                twin.location.as_str(),
                parameter.name,
                parameter.location.as_str(),
                parameter.rust_name
            ));
        }
    }
    // The path's own order: arguments follow the URL.
    let placeholders: Vec<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    for placeholder in &placeholders {
        if !parameters
            .iter()
            .any(|p| p.location == Location::Path && p.name == *placeholder)
        {
            return Err(format!(
                "the path names `{{{placeholder}}}`, which no path parameter declares"
            ));
        }
    }
    for parameter in &parameters {
        if parameter.location == Location::Path
            && !placeholders.iter().any(|name| *name == parameter.name)
        {
            return Err(format!(
                "path parameter `{}` is declared but the path `{path}` does not name it: it \
                 would be taken and never sent",
                parameter.name
            ));
        }
    }
    parameters.sort_by_key(|p| match p.location {
        Location::Path => (
            0,
            placeholders
                .iter()
                .position(|name| *name == p.name)
                .unwrap_or(usize::MAX),
        ),
        Location::Query => (1, 0),
        Location::Header => (2, 0),
    });

    let body = match operation.get("requestBody") {
        None => None,
        Some(body) => {
            let body = lower_body(
                doc,
                body,
                at,
                &format!("{pascal_id}Body"),
                namer,
                &mut hoists,
            )?;
            refuse_unchecked_alternatives(doc, &body.schema)?;
            Some(body)
        }
    };
    let mut callbacks = Vec::new();
    if let Some(written) = operation.get("callbacks").and_then(Value::as_object) {
        for (name, callback) in written {
            let callback_at = match callback.get("$ref").and_then(Value::as_str) {
                Some(reference) => reference.to_owned(),
                None => format!("{at}/callbacks/{}", escape(name)),
            };
            callbacks.push(
                lower_callback(
                    doc,
                    name,
                    resolve(doc, callback),
                    &callback_at,
                    namer,
                    &mut hoists,
                )
                .map_err(|problem| format!("callback `{name}`: {problem}"))?,
            );
        }
    }

    let mut success = Vec::new();
    let mut success_schema: Option<String> = None;
    let mut empty_success = false;
    let mut errors = Vec::new();
    let responses = operation["responses"]
        .as_object()
        .ok_or("the operation has no `responses`")?;
    for (key, response) in responses {
        let status = status_key(key)?;
        let response_at = match response.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference.to_owned(),
            None => format!("{at}/responses/{}", escape(key)),
        };
        let response = resolve(doc, response);
        let schema = response["content"][JSON].get("schema");
        let other_media = response["content"]
            .as_object()
            .is_some_and(|content| content.keys().any(|media| media != JSON));
        let is_success = match status {
            StatusKey::Code(code) => (200..300).contains(&code),
            StatusKey::Class(class) => class == 2,
            StatusKey::Default => false,
        };
        if is_success {
            if other_media {
                return Err(format!(
                    "response `{key}` is not JSON: the generator reads JSON success bodies only"
                ));
            }
            success.push(status);
            match schema {
                None => empty_success = true,
                Some(schema) => {
                    let component = match direct_component(schema) {
                        Some(name) => name,
                        None => {
                            let pointer = format!("{response_at}/content/{}/schema", escape(JSON));
                            let name = namer.name(&pointer, &format!("{pascal_id}Response"));
                            hoists.push((pointer, name.clone()));
                            name
                        }
                    };
                    match &success_schema {
                        Some(earlier) if *earlier != component => {
                            return Err(format!(
                                "its success responses have different bodies (`{earlier}`, \
                                 `{component}`): one success type per operation"
                            ));
                        }
                        _ => success_schema = Some(component),
                    }
                }
            }
        } else if let Some(schema) = schema {
            let documented = component_of(schema);
            match (documented, error) {
                (Some(name), Some(error)) if name == error.component => errors.push(status),
                _ => {
                    return Err(format!(
                        "error response `{key}` has a body that is not the API's one error \
                         schema (a `$ref` every error response shares)"
                    ));
                }
            }
        }
    }
    if success.is_empty() {
        return Err("the operation documents no success (2xx) response".to_owned());
    }
    if empty_success && success_schema.is_some() {
        return Err(
            "some of its success responses have a body and some do not: one success type per \
             operation"
                .to_owned(),
        );
    }
    Ok(Operation {
        method_name,
        method: method.to_owned(),
        path: path.to_owned(),
        summary: operation["summary"].as_str().map(str::to_owned),
        description: operation["description"].as_str().map(str::to_owned),
        parameters,
        body,
        success,
        success_schema,
        errors,
        hoists,
        callbacks,
        id,
    })
}

/// A request body (the operation's, or a callback's): one media type, JSON
/// or form, whose schema is a component or is moved into one named
/// `wanted` (or its `title`).
fn lower_body(
    doc: &Value,
    body: &Value,
    at: &str,
    wanted: &str,
    namer: &mut Namer,
    hoists: &mut Vec<(String, String)>,
) -> Result<Body, String> {
    let body_at = match body.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference.to_owned(),
        None => format!("{at}/requestBody"),
    };
    let body = resolve(doc, body);
    let content = body["content"]
        .as_object()
        .ok_or("`requestBody` has no content")?;
    let (media_type, media) = match content.iter().next() {
        Some(entry) if content.len() == 1 => entry,
        _ => {
            return Err("`requestBody` must have exactly one media type (JSON or form)".to_owned());
        }
    };
    let media = match media_type.as_str() {
        JSON => (Media::Json, media),
        FORM => (Media::Form, media),
        other => {
            return Err(format!(
                "request bodies of `{other}` are not supported: JSON or form only"
            ));
        }
    };
    let schema = media
        .1
        .get("schema")
        .ok_or("the request body has no schema")?;
    let component = match direct_component(schema) {
        Some(name) => name,
        None => {
            let wanted = schema["title"]
                .as_str()
                .map(type_name)
                .unwrap_or_else(|| wanted.to_owned());
            let pointer = format!("{body_at}/content/{}/schema", escape(media_type));
            let name = namer.name(&pointer, &wanted);
            hoists.push((pointer, name.clone()));
            name
        }
    };
    Ok(Body {
        media: media.0,
        component,
        schema: merged(doc, schema, 0),
    })
}

/// One callback: one URL expression with one operation, whose request
/// body is the event.
fn lower_callback(
    doc: &Value,
    name: &str,
    callback: &Value,
    at: &str,
    namer: &mut Namer,
    hoists: &mut Vec<(String, String)>,
) -> Result<Callback, String> {
    let expressions = callback
        .as_object()
        .ok_or("a callback is a map from a URL expression to a path item")?;
    let (expression, item) = match expressions.iter().next() {
        Some(entry) if expressions.len() == 1 => entry,
        _ => return Err("document one URL expression per callback".to_owned()),
    };
    let item = resolve(doc, item);
    let methods: Vec<&str> = METHODS
        .into_iter()
        .filter(|method| item.get(*method).is_some())
        .collect();
    let [method] = methods.as_slice() else {
        return Err(
            "document one operation per callback (the request the provider sends)".to_owned(),
        );
    };
    let operation = &item[*method];
    let body = operation
        .get("requestBody")
        .ok_or("its operation has no `requestBody`: the generator types a callback by its body")?;
    let variant = pascal(name);
    if syn::parse_str::<syn::Ident>(&variant).is_err() || variant == "Other" {
        return Err(format!(
            "the name becomes the event `{variant}`, which the `Event` enum cannot take"
        ));
    }
    let at = format!("{at}/{}/{method}", escape(expression));
    let body = lower_body(doc, body, &at, &format!("{variant}Event"), namer, hoists)?;
    Ok(Callback {
        name: name.to_owned(),
        variant,
        summary: operation["summary"].as_str().map(str::to_owned),
        description: operation["description"].as_str().map(str::to_owned),
        media: body.media,
        component: body.component,
        schema: body.schema,
    })
}

/// The component a schema that is only a `$ref` names. (Anything else,
/// a lone `allOf: [$ref]` with a description included, is moved into a
/// component of its own, so typify and the client agree on its name.)
fn direct_component(schema: &Value) -> Option<String> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix("#/components/schemas/"))
        .map(str::to_owned)
}

/// Only the serialisations the runtime sends: a path parameter as one
/// `simple` segment, a query parameter `form`-style with arrays as the key
/// repeated (`explode`), a header `simple`; `allowReserved` is not honoured.
fn check_serialization(parameter: &Value, location: Location, name: &str) -> Result<(), String> {
    let default_style = match location {
        Location::Query => "form",
        Location::Path | Location::Header => "simple",
    };
    if let Some(style) = parameter.get("style").and_then(Value::as_str)
        && style != default_style
    {
        return Err(format!(
            "parameter `{name}` asks for `style: {style}`; the generator sends {} parameters \
             as `{default_style}` only",
            location.as_str()
        ));
    }
    if parameter.get("explode") == Some(&Value::Bool(false)) && location == Location::Query {
        return Err(format!(
            "parameter `{name}` asks for `explode: false`; the generator sends a query array \
             as its key repeated (`explode: true`) only"
        ));
    }
    if parameter.get("allowReserved") == Some(&Value::Bool(true)) {
        return Err(format!(
            "parameter `{name}` asks for `allowReserved: true`; the generator always \
             percent-encodes reserved characters"
        ));
    }
    if location == Location::Header {
        let lower = name.to_ascii_lowercase();
        if ["accept", "content-type", "authorization", "user-agent"].contains(&lower.as_str()) {
            return Err(format!(
                "header parameter `{name}` is a header the client sets itself (OpenAPI says such \
                 parameters are ignored); describe it elsewhere"
            ));
        }
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        {
            return Err(format!(
                "header parameter `{name}` is not a valid header name"
            ));
        }
    }
    Ok(())
}

/// The component a `$ref` (or a lone `allOf: [$ref]`) names.
fn component_of(schema: &Value) -> Option<String> {
    let reference = match schema["allOf"].as_array().map(Vec::as_slice) {
        Some([only]) if schema.get("$ref").is_none() => only.get("$ref"),
        _ => schema.get("$ref"),
    };
    reference
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix("#/components/schemas/"))
        .map(str::to_owned)
}

fn status_key(key: &str) -> Result<StatusKey, String> {
    if key == "default" {
        return Ok(StatusKey::Default);
    }
    if let [class @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] = key.as_bytes() {
        return Ok(StatusKey::Class(u16::from(class - b'0')));
    }
    key.parse::<u16>()
        .ok()
        .filter(|code| (100..600).contains(code))
        .map(StatusKey::Code)
        .ok_or_else(|| format!("`{key}` is not a response status (`200`, `4XX` or `default`)"))
}

/// The Rust type of a parameter, or `None` for an inline enum that must
/// become a named component first.
fn parameter_type(
    doc: &Value,
    schema: &Value,
    location: Location,
    name: &str,
) -> Result<Option<ParamType>, String> {
    if let Some(component) = component_of(schema) {
        let target = resolve(doc, schema);
        let target = match target["allOf"].as_array().map(Vec::as_slice) {
            Some([only]) => resolve(doc, only),
            _ => target,
        };
        if target.get("enum").is_some() {
            return Ok(Some(ParamType::Generated(type_name(&component))));
        }
        return parameter_type(doc, &strip_ref(target), location, name);
    }
    let schema = merged(doc, schema, 0);
    if schema.get("enum").is_some() {
        return Ok(None);
    }
    let plain = |path: &str| Ok(Some(ParamType::Plain(path.to_owned())));
    let format = schema["format"].as_str().unwrap_or_default();
    match schema["type"].as_str() {
        Some("string") => match format {
            "uuid" => plain("::uuid::Uuid"),
            "date-time" => plain("::chrono::DateTime<::chrono::offset::Utc>"),
            "date" => plain("::chrono::naive::NaiveDate"),
            _ => plain(STRING),
        },
        Some("integer") => plain(match format {
            "int8" => "i8",
            "int16" => "i16",
            "int32" => "i32",
            "uint8" => "u8",
            "uint16" => "u16",
            "uint32" => "u32",
            "uint64" => "u64",
            _ => "i64",
        }),
        Some("number") => plain(if format == "float" { "f32" } else { "f64" }),
        Some("boolean") => plain("bool"),
        Some("array") if location == Location::Query => {
            let items = schema
                .get("items")
                .ok_or_else(|| format!("parameter `{name}` is an array without `items`"))?;
            match parameter_type(doc, items, location, name)? {
                Some(ParamType::List(_)) | None => Err(format!(
                    "parameter `{name}`: the generator sends arrays of plain values or named \
                     enums only"
                )),
                Some(item) => Ok(Some(ParamType::List(Box::new(item)))),
            }
        }
        other => Err(format!(
            "parameter `{name}` ({}) has a schema the generator cannot send as a {} \
             parameter (type `{}`): use a string, number, boolean or enum{}",
            location.as_str(),
            location.as_str(),
            other.unwrap_or("?"),
            if location == Location::Query {
                ", or an array of them"
            } else {
                ""
            }
        )),
    }
}

fn strip_ref(schema: &Value) -> Value {
    let mut copy = schema.clone();
    if let Some(map) = copy.as_object_mut() {
        map.remove("$ref");
    }
    copy
}

/// A constraint inside `oneOf`/`anyOf` depends on which alternative a
/// value is; the checks cannot tell, so such a body is refused rather than
/// its constraints dropped without a word.
fn refuse_unchecked_alternatives(doc: &Value, schema: &Value) -> Result<(), String> {
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array)
            && alternatives
                .iter()
                .any(|alternative| crate::surface::has_constraints(doc, alternative, 0))
        {
            return Err(format!(
                "the request body is a `{key}` whose alternatives carry constraints (lengths, \
                 patterns, counts, ranges); the generator cannot check those before sending, \
                 so it refuses them rather than drop them: move the constraints out of the \
                 alternatives or describe them in `description`"
            ));
        }
    }
    Ok(())
}

/// `#/paths/x/patch` → `#/paths/x`.
fn parent(at: &str) -> &str {
    at.rsplit_once('/').map_or(at, |(parent, _)| parent)
}

/// JSON pointer escaping of one segment.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use crate::codegen::test_support::crate_from;

    /// A `oneOf` request body whose alternatives carry constraints is
    /// refused by name rather than sent unchecked (the fixture
    /// `fixture-parameters` has one without constraints, which is sent).
    #[test]
    fn a_one_of_body_with_constraints_is_refused() {
        let body = |name: &str| {
            format!(
                r##"{head}    Unused: {{type: string}}
paths:
  /things:
    post:
      operationId: CreateThing
      requestBody:
        content:
          application/json:
            schema:
              oneOf:
                - {{type: object, properties: {{name: {name}}}, required: [name]}}
                - {{type: object, properties: {{size: {{type: integer}}}}, required: [size]}}
      responses:
        "204": {{description: Done}}
"##,
                head = crate::codegen::test_support::SPEC_HEAD,
            )
        };
        // Without constraints it generates; with one it is refused.
        crate_from("demo.yaml", &body("{type: string}")).unwrap();
        let constrained = body("{type: string, maxLength: 3}");
        let Err(error) = crate_from("demo.yaml", &constrained) else {
            panic!("the spec was accepted");
        };
        assert!(
            error.contains("the request body is a `oneOf` whose alternatives carry constraints"),
            "{error}"
        );
    }
}
