//! Expectations per operation, answered on top of a [`TestTransport`]:
//! what the generated `mock::Mock` of each client is made of. Requests are
//! still recorded as they would go on the wire; an expectation matches an
//! operation's method and path, then the path parameters and body fields
//! it was given, and answers with its responses in order (the last one
//! again for every later call).

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, MutexGuard};

use super::{RecordedRequest, ScriptedResponse, TestTransport};

/// What an expectation needs to know of its operation.
#[doc(hidden)]
#[derive(Debug)]
pub struct OperationShape {
    /// The client method's name.
    pub name: &'static str,
    pub method: &'static str,
    /// The path template (`/v2/Conversations/{Sid}`).
    pub path: &'static str,
    /// The body is a form (else JSON).
    pub form: bool,
}

/// The expectations of one mock, answering its transport's requests.
#[doc(hidden)]
#[derive(Clone)]
pub struct MockSet {
    transport: TestTransport,
    expectations: Arc<Mutex<Vec<Expectation>>>,
}

struct Expectation {
    shape: &'static OperationShape,
    path_params: Vec<(&'static str, String)>,
    body: Vec<(String, serde_json::Value)>,
    responses: VecDeque<ScriptedResponse>,
    last: Option<ScriptedResponse>,
    times: Option<usize>,
    calls: usize,
    /// Calls it matched with no response to give.
    unanswered: usize,
}

impl Default for MockSet {
    fn default() -> Self {
        Self::new()
    }
}

impl MockSet {
    pub fn new() -> Self {
        let set = Self {
            transport: TestTransport::new(),
            expectations: Arc::default(),
        };
        let expectations = Arc::clone(&set.expectations);
        set.transport
            .answer_with(Arc::new(move |request: &RecordedRequest| {
                answer(&mut lock(&expectations), request)
            }));
        set
    }

    /// The transport to hand to `ClientBuilder::transport`.
    pub fn transport(&self) -> TestTransport {
        self.transport.clone()
    }

    /// A new expectation for `shape`, answered in the order added.
    pub fn expect(&self, shape: &'static OperationShape) -> ExpectationHandle {
        let mut expectations = lock(&self.expectations);
        expectations.push(Expectation {
            shape,
            path_params: Vec::new(),
            body: Vec::new(),
            responses: VecDeque::new(),
            last: None,
            times: None,
            calls: 0,
            unanswered: 0,
        });
        ExpectationHandle {
            expectations: Arc::clone(&self.expectations),
            index: expectations.len() - 1,
        }
    }

    /// Panics, naming each, if an expectation was not called as often as
    /// it says (`times`), was never called, or left responses unused.
    pub fn verify(&self) {
        let expectations = lock(&self.expectations);
        let mut problems = String::new();
        for expectation in expectations.iter() {
            let name = expectation.shape.name;
            if expectation.unanswered > 0 {
                let _ = writeln!(
                    problems,
                    "- `{name}` matched {} call(s) and had no response to give",
                    expectation.unanswered
                );
            }
            match expectation.times {
                Some(times) if expectation.calls != times => {
                    let _ = writeln!(
                        problems,
                        "- `{name}` was called {} time(s), expected {times}",
                        expectation.calls
                    );
                }
                None if expectation.calls == 0 => {
                    let _ = writeln!(problems, "- `{name}` was never called");
                }
                _ if !expectation.responses.is_empty() => {
                    let _ = writeln!(
                        problems,
                        "- `{name}` was called {} time(s) and left {} response(s) unused",
                        expectation.calls,
                        expectation.responses.len()
                    );
                }
                _ => {}
            }
        }
        assert!(
            problems.is_empty(),
            "interlocutor mock: expectations not met:\n{problems}"
        );
    }
}

/// One expectation, changed in place by the generated builder methods.
#[doc(hidden)]
pub struct ExpectationHandle {
    expectations: Arc<Mutex<Vec<Expectation>>>,
    index: usize,
}

impl ExpectationHandle {
    fn with(&self, change: impl FnOnce(&mut Expectation)) {
        change(&mut lock(&self.expectations)[self.index]);
    }

    /// Matches only requests whose path parameter `name` is `value`.
    pub fn path_param(&self, name: &'static str, value: impl std::fmt::Display) {
        let value = value.to_string();
        self.with(|expectation| expectation.path_params.push((name, value)));
    }

    /// Matches only requests whose body has every field `body` sets, with
    /// the same value (fields it leaves out are not looked at).
    ///
    /// # Panics
    ///
    /// When `body` is not an object once serialised: a matcher that looks
    /// at nothing would let every call through.
    pub fn body(&self, body: &impl serde::Serialize) {
        let fields: Vec<(String, serde_json::Value)> = match serde_json::to_value(body) {
            Ok(serde_json::Value::Object(fields)) => fields.into_iter().collect(),
            Ok(other) => panic!("interlocutor mock: a body to match is an object, not {other}"),
            Err(error) => {
                panic!("interlocutor mock: the body to match does not serialise: {error}")
            }
        };
        self.with(|expectation| expectation.body.extend(fields));
    }

    /// Adds a response to the sequence.
    pub fn respond(&self, response: ScriptedResponse) {
        self.with(|expectation| {
            expectation.responses.push_back(response);
        });
    }

    /// Delays the response added last.
    pub fn delay(&self, delay: std::time::Duration) {
        self.with(|expectation| {
            if let Some(last) = expectation.responses.back_mut() {
                *last = last.clone().delayed(delay);
            }
        });
    }

    /// Expects exactly `times` calls; more are not matched.
    pub fn times(&self, times: usize) {
        self.with(|expectation| expectation.times = Some(times));
    }
}

fn lock(expectations: &Mutex<Vec<Expectation>>) -> MutexGuard<'_, Vec<Expectation>> {
    expectations.lock().unwrap_or_else(|e| e.into_inner())
}

/// The response of the first expectation that matches, or a `501` that
/// says why none did.
fn answer(expectations: &mut [Expectation], request: &RecordedRequest) -> ScriptedResponse {
    let mut reasons = Vec::new();
    for expectation in expectations.iter_mut() {
        match mismatch(expectation, request) {
            Some(reason) => {
                if expectation
                    .shape
                    .method
                    .eq_ignore_ascii_case(&request.method)
                {
                    reasons.push(format!("- `{}`: {reason}", expectation.shape.name));
                }
            }
            None => {
                expectation.calls += 1;
                let response = match expectation.responses.pop_front() {
                    Some(response) => {
                        expectation.last = Some(response.clone());
                        response
                    }
                    None => match &expectation.last {
                        Some(last) => last.clone(),
                        None => {
                            expectation.unanswered += 1;
                            ScriptedResponse::text(
                                501,
                                format!(
                                    "interlocutor mock: `{}` matched but has no response",
                                    expectation.shape.name
                                ),
                            )
                        }
                    },
                };
                return response;
            }
        }
    }
    let mut message = format!(
        "interlocutor mock: no expectation matched {} {}",
        request.method, request.path
    );
    if reasons.is_empty() {
        message.push_str(" (no expectation for that method)");
    }
    for reason in reasons {
        message.push('\n');
        message.push_str(&reason);
    }
    ScriptedResponse::text(501, message)
}

/// Why `request` is not `expectation`'s, or `None` when it is.
fn mismatch(expectation: &Expectation, request: &RecordedRequest) -> Option<String> {
    let shape = expectation.shape;
    if !shape.method.eq_ignore_ascii_case(&request.method) {
        return Some(format!("expects {}", shape.method));
    }
    let template: Vec<&str> = shape.path.trim_start_matches('/').split('/').collect();
    let actual: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
    // A base URL with a path (`https://gateway/twilio`) puts segments in
    // front of the operation's: the template matches the end.
    let Some(extra) = actual.len().checked_sub(template.len()) else {
        return Some(format!("the path is not {}", shape.path));
    };
    let actual = &actual[extra..];
    let mut params = Vec::new();
    for (want, got) in template.iter().zip(actual) {
        match want
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'))
        {
            Some(name) => {
                let decoded = percent_encoding::percent_decode_str(got).decode_utf8_lossy();
                params.push((name, decoded.into_owned()));
            }
            None if want == got => {}
            None => return Some(format!("the path is not {}", shape.path)),
        }
    }
    for (name, want) in &expectation.path_params {
        let got = params
            .iter()
            .find(|(param, _)| param == name)
            .map(|(_, value)| value.as_str())
            .unwrap_or_default();
        if got != want {
            return Some(format!("`{name}` is {got:?}, expected {want:?}"));
        }
    }
    if !expectation.body.is_empty() {
        let fields: Vec<(String, serde_json::Value)> = if shape.form {
            // Every value of a key, in order: a list is the key repeated.
            let pairs = request.form_pairs().unwrap_or_default();
            let mut fields: Vec<(String, serde_json::Value)> = Vec::new();
            for (name, value) in pairs {
                match fields.iter_mut().find(|(field, _)| *field == name) {
                    Some((_, serde_json::Value::Array(values))) => {
                        values.push(serde_json::Value::String(value));
                    }
                    Some((_, single)) => {
                        let first = single.take();
                        *single =
                            serde_json::Value::Array(vec![first, serde_json::Value::String(value)]);
                    }
                    None => fields.push((name, serde_json::Value::String(value))),
                }
            }
            fields
        } else {
            match request.body_json() {
                Some(serde_json::Value::Object(fields)) => fields.into_iter().collect(),
                _ => Vec::new(),
            }
        };
        for (name, want) in &expectation.body {
            let got = fields
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, v)| v);
            let same = match (got, shape.form) {
                (Some(got), false) => got == want,
                // A form carries text: compare the values as they are sent.
                (Some(got), true) => form_values(got) == form_values(want),
                _ => false,
            };
            if !same {
                let shown = got.map_or("absent".to_owned(), |got| got.to_string());
                return Some(format!("body field `{name}` is {shown}, expected {want}"));
            }
        }
    }
    if expectation
        .times
        .is_some_and(|times| expectation.calls >= times)
    {
        return Some(format!(
            "already called {} time(s), as many as it expects",
            expectation.calls
        ));
    }
    None
}

/// A value as the form's texts: a list as each item, null as empty.
fn form_values(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::Array(items) => items.iter().flat_map(form_values).collect(),
        serde_json::Value::String(text) => vec![text.clone()],
        serde_json::Value::Null => vec![String::new()],
        other => vec![other.to_string()],
    }
}
