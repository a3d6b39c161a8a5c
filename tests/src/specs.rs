//! The operations under test and the examples their specs hold, read from
//! `specs/` once per process, so the tests decode exactly what the specs
//! document.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use serde_json::Value;

/// One operation of one spec, so tests name it once.
#[derive(Clone, Copy, Debug)]
pub struct Endpoint {
    pub spec: &'static str,
    pub path: &'static str,
    pub method: &'static str,
}

/// Twilio Conversations v2: `PATCH /v2/Conversations/{Sid}`.
pub const TWILIO_V2: Endpoint = Endpoint {
    spec: "twilio-conversations-v2.yaml",
    path: "/v2/Conversations/{Sid}",
    method: "patch",
};

/// Twilio Conversations v1: `POST /v1/Users/{UserSid}/Conversations/{ConversationSid}`.
pub const TWILIO_V1: Endpoint = Endpoint {
    spec: "twilio-conversations-v1.yaml",
    path: "/v1/Users/{UserSid}/Conversations/{ConversationSid}",
    method: "post",
};

/// Bird: `PATCH /workspaces/{workspaceId}/conversations/{conversationId}`.
pub const BIRD: Endpoint = Endpoint {
    spec: "bird-conversations.yaml",
    path: "/workspaces/{workspaceId}/conversations/{conversationId}",
    method: "patch",
};

impl Endpoint {
    /// The `example` of the response with `status` in the spec: the
    /// providers' own examples, as transcribed into it.
    pub fn example(&self, status: &str) -> Value {
        let doc = spec(self.spec);
        let mut response = &doc["paths"][self.path][self.method]["responses"][status];
        if let Some(reference) = response["$ref"].as_str() {
            let pointer = reference.strip_prefix('#').expect("a local reference");
            response = doc.pointer(pointer).expect("the reference resolves");
        }
        let example = &response["content"]["application/json"]["example"];
        assert!(
            !example.is_null(),
            "{} has no example for {status}",
            self.spec
        );
        example.clone()
    }
}

/// The spec file `name` of `specs/`.
fn spec(name: &str) -> &'static Value {
    specs()
        .get(name)
        .unwrap_or_else(|| panic!("specs/{name} does not exist"))
}

/// Every spec of `specs/` by file name, read and parsed once per test
/// binary.
fn specs() -> &'static BTreeMap<String, Value> {
    static SPECS: LazyLock<BTreeMap<String, Value>> = LazyLock::new(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
        std::fs::read_dir(&dir)
            .expect("the specs folder")
            .map(|entry| entry.expect("a spec file").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
            .map(|path| {
                let text = std::fs::read_to_string(&path).expect("the spec exists");
                let doc = serde_yaml::from_str(&text).expect("the spec is YAML");
                (
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    doc,
                )
            })
            .collect()
    });
    &SPECS
}

/// Every example of a callback's body in the specs: (spec file stem,
/// callback name, media type, example), in file order.
pub fn callback_examples() -> Vec<(String, String, String, Value)> {
    let mut out = Vec::new();
    for (file, doc) in specs() {
        let stem = file.strip_suffix(".yaml").unwrap().to_owned();
        let operations = doc["paths"].as_object().into_iter().flatten();
        for operation in operations.flat_map(|(_, item)| item.as_object().into_iter().flatten()) {
            let callbacks = operation.1["callbacks"].as_object().into_iter().flatten();
            for (name, callback) in callbacks {
                let items = callback.as_object().into_iter().flatten();
                for request in items.flat_map(|(_, item)| item.as_object().into_iter().flatten()) {
                    let content = request.1["requestBody"]["content"].as_object();
                    for (media, body) in content.into_iter().flatten() {
                        if let Some(example) = body.get("example") {
                            out.push((stem.clone(), name.clone(), media.clone(), example.clone()));
                        }
                    }
                }
            }
        }
    }
    out
}

/// The example of one callback (see [`callback_examples`]).
pub fn callback_example(spec: &str, callback: &str) -> Value {
    callback_examples()
        .into_iter()
        .find(|(stem, name, _, _)| stem == spec && name == callback)
        .map(|(_, _, _, example)| example)
        .unwrap_or_else(|| panic!("{spec} has no example for the callback {callback}"))
}

/// A flat JSON object as a form body, as Twilio sends its webhooks: each
/// value as its text, an array as its key repeated.
pub fn form_encode(example: &Value) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in example.as_object().expect("a form example is an object") {
        let values = match value {
            Value::Array(values) => values.clone(),
            other => vec![other.clone()],
        };
        for value in values {
            match value {
                Value::String(text) => form.append_pair(name, &text),
                other => form.append_pair(name, &other.to_string()),
            };
        }
    }
    form.finish()
}
