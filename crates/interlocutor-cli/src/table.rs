//! What the generated table (`operations.rs`) is made of, and how a
//! command line becomes the inputs of one call: parameters as text, the
//! body as JSON assembled from `--body` and the field flags, then read into
//! the request type with its own strict rules.

use std::str::FromStr;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::{ApiClient, ClientBuilder, Error, RetryPolicy};
use serde_json::{Map, Value};

/// One operation of a spec.
pub struct Operation {
    pub provider: &'static str,
    /// The API's module, kebab-cased (`conversations-v2`).
    pub api: &'static str,
    /// The operation's method, kebab-cased (`patch-conversation-by-id`).
    pub name: &'static str,
    pub summary: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub params: &'static [Param],
    pub has_body: bool,
    pub fields: &'static [Field],
}

/// A path, query or header parameter.
pub struct Param {
    pub wire: &'static str,
    pub flag: &'static str,
    pub place: Place,
    pub required: bool,
    /// A query parameter sent as its key repeated: the flag repeats.
    pub repeated: bool,
    pub help: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Path,
    Query,
    Header,
}

/// A top-level field of the request body.
pub struct Field {
    pub wire: &'static str,
    pub flag: &'static str,
    pub kind: Kind,
    /// The spec lets it be null: `--clear-<flag>` sends `null`.
    pub nullable: bool,
    pub help: &'static str,
}

/// How a field's flag value becomes JSON.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Number,
    Boolean,
    /// Any JSON (`--configuration '{"…": …}'`).
    Json,
    /// A map of text: `--set-<flag> key=value`, `--remove-<flag> key`.
    TextMap,
    /// A map of JSON values: `--set-<flag> key=<json>`, `--remove-<flag> key`.
    JsonMap,
}

impl Operation {
    /// The operation's subcommand: a flag per parameter and field.
    pub fn command(&self) -> Command {
        let mut command = Command::new(self.name)
            .about(self.summary)
            .long_about(format!(
                "{}\n\nSends `{} {}`.",
                self.summary, self.method, self.path
            ));
        for param in self.params {
            let place = match param.place {
                Place::Path => "path",
                Place::Query => "query",
                Place::Header => "header",
            };
            let mut arg = Arg::new(format!("param:{}", param.wire))
                .long(param.flag)
                .value_name(param.wire)
                .required(param.required)
                .help(
                    format!("{} (the {place} parameter `{}`)", param.help, param.wire)
                        .trim()
                        .to_owned(),
                );
            if param.repeated {
                arg = arg.action(ArgAction::Append);
            }
            command = command.arg(arg);
        }
        if self.has_body {
            command = command.arg(
                Arg::new("body")
                    .long("body")
                    .value_name("JSON|@FILE|-")
                    .help(
                        "The whole body as JSON: inline, `@file`, or `-` for stdin; the field \
                         flags then change it",
                    ),
            );
        }
        for field in self.fields {
            match field.kind {
                Kind::TextMap | Kind::JsonMap => {
                    command = command
                        .arg(
                            Arg::new(format!("set:{}", field.wire))
                                .long(format!("set-{}", field.flag))
                                .value_name("KEY=VALUE")
                                .action(ArgAction::Append)
                                .help(format!("Sets an entry of `{}`. {}", field.wire, field.help)),
                        )
                        .arg(
                            Arg::new(format!("remove:{}", field.wire))
                                .long(format!("remove-{}", field.flag))
                                .value_name("KEY")
                                .action(ArgAction::Append)
                                .help(format!("Removes an entry of `{}`", field.wire)),
                        );
                }
                _ => {
                    let value_name = match field.kind {
                        Kind::Integer => "INTEGER",
                        Kind::Number => "NUMBER",
                        Kind::Boolean => "true|false",
                        Kind::Json => "JSON",
                        _ => "TEXT",
                    };
                    command = command.arg(
                        Arg::new(format!("field:{}", field.wire))
                            .long(field.flag)
                            .value_name(value_name)
                            .help(field.help),
                    );
                }
            }
            if field.nullable {
                let others = match field.kind {
                    Kind::TextMap | Kind::JsonMap => {
                        vec![
                            format!("set:{}", field.wire),
                            format!("remove:{}", field.wire),
                        ]
                    }
                    _ => vec![format!("field:{}", field.wire)],
                };
                command = command.arg(
                    Arg::new(format!("clear:{}", field.wire))
                        .long(format!("clear-{}", field.flag))
                        .action(ArgAction::SetTrue)
                        .conflicts_with_all(others)
                        .help(format!("Sends `{}` as null (clears it)", field.wire)),
                );
            }
        }
        command
    }
}

/// What one call is made of: the operation's matches, read on demand.
pub struct Input<'a> {
    pub matches: &'a ArgMatches,
    /// The body as assembled from `--body` and the field flags.
    pub body: Option<Value>,
}

impl<'a> Input<'a> {
    /// Reads the matches of `operation`, assembling its body.
    pub fn new(operation: &'static Operation, matches: &'a ArgMatches) -> Result<Self, Error> {
        let body = if operation.has_body {
            Some(assemble_body(operation, matches)?)
        } else {
            None
        };
        Ok(Self { matches, body })
    }

    /// A required text parameter.
    pub fn text(&self, wire: &str) -> Result<String, Error> {
        self.optional_text(wire)
            .map(str::to_owned)
            .ok_or_else(|| invalid(format!("`{wire}` is required")))
    }

    /// An optional text parameter.
    pub fn optional_text(&self, wire: &str) -> Option<&str> {
        self.matches
            .get_one::<String>(&format!("param:{wire}"))
            .map(String::as_str)
    }

    /// A required parameter of another type, parsed from its text.
    pub fn parse<T: FromStr>(&self, wire: &str) -> Result<T, Error>
    where
        T::Err: std::fmt::Display,
    {
        self.optional_parse(wire)?
            .ok_or_else(|| invalid(format!("`{wire}` is required")))
    }

    /// An optional parameter of another type.
    pub fn optional_parse<T: FromStr>(&self, wire: &str) -> Result<Option<T>, Error>
    where
        T::Err: std::fmt::Display,
    {
        self.optional_text(wire)
            .map(|text| {
                text.parse()
                    .map_err(|error| invalid(format!("`{wire}`: {error}")))
            })
            .transpose()
    }

    /// A repeated parameter (its flag given once per value).
    pub fn list<T: FromStr>(&self, wire: &str) -> Result<Vec<T>, Error>
    where
        T::Err: std::fmt::Display,
    {
        self.matches
            .get_many::<String>(&format!("param:{wire}"))
            .into_iter()
            .flatten()
            .map(|text| {
                text.parse()
                    .map_err(|error| invalid(format!("`{wire}`: {error}")))
            })
            .collect()
    }

    /// A repeated parameter that may be left out.
    pub fn optional_list<T: FromStr>(&self, wire: &str) -> Result<Option<Vec<T>>, Error>
    where
        T::Err: std::fmt::Display,
    {
        let values = self.list(wire)?;
        Ok((!values.is_empty()).then_some(values))
    }

    /// The body, read into the request type with its own rules (unknown
    /// fields refused, values checked when the call is made).
    pub fn body<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        let body = self.body.clone().unwrap_or(Value::Object(Map::new()));
        serde_json::from_value(body).map_err(|error| invalid(format!("the body: {error}")))
    }

    /// A response body as JSON, for stdout.
    pub fn output(&self, body: &impl serde::Serialize) -> Value {
        serde_json::to_value(body).unwrap_or(Value::Null)
    }
}

/// A flag value or body the request cannot be made from, as the library's
/// one error: its message printed on one line, bounded, with what would
/// drive a terminal escaped (it may echo what was typed or read).
fn invalid(message: String) -> Error {
    Error::conversion(message)
}

/// A value given on the command line, as a refusal quotes it: its first
/// 80 characters, so that the reason after it is never what the error's
/// bound cuts off.
fn quoted(value: &str) -> String {
    let mut shown: String = value.chars().take(80).collect();
    if value.chars().nth(80).is_some() {
        shown.push('…');
    }
    shown
}

/// `--body`, then each field flag on top of it.
fn assemble_body(operation: &Operation, matches: &ArgMatches) -> Result<Value, Error> {
    let mut body = match matches.get_one::<String>("body") {
        None => Map::new(),
        Some(given) => {
            let text = if given == "-" {
                std::io::read_to_string(std::io::stdin())
                    .map_err(|error| invalid(format!("cannot read the body from stdin: {error}")))?
            } else if let Some(path) = given.strip_prefix('@') {
                std::fs::read_to_string(path).map_err(|error| {
                    invalid(format!("cannot read the body from {path}: {error}"))
                })?
            } else {
                given.clone()
            };
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(object)) => object,
                Ok(_) => return Err(invalid("the body is not a JSON object".to_owned())),
                Err(error) => return Err(invalid(format!("the body is not JSON: {error}"))),
            }
        }
    };
    for field in operation.fields {
        if field.nullable && matches.get_flag(&format!("clear:{}", field.wire)) {
            body.insert(field.wire.to_owned(), Value::Null);
        }
        match field.kind {
            Kind::TextMap | Kind::JsonMap => {
                let sets = matches
                    .get_many::<String>(&format!("set:{}", field.wire))
                    .into_iter()
                    .flatten();
                let removes = matches
                    .get_many::<String>(&format!("remove:{}", field.wire))
                    .into_iter()
                    .flatten();
                let mut entries = Vec::new();
                for set in sets {
                    let (key, value) = set.split_once('=').ok_or_else(|| {
                        invalid(format!(
                            "--set-{} takes KEY=VALUE, not `{}`",
                            field.flag,
                            quoted(set)
                        ))
                    })?;
                    let value = if field.kind == Kind::TextMap {
                        Value::String(value.to_owned())
                    } else {
                        serde_json::from_str(value).map_err(|error| {
                            invalid(format!("--set-{} {key}: not JSON: {error}", field.flag))
                        })?
                    };
                    entries.push((key.to_owned(), value));
                }
                for key in removes {
                    entries.push((key.clone(), Value::Null));
                }
                if entries.is_empty() {
                    continue;
                }
                let map = body
                    .entry(field.wire.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                let Value::Object(map) = map else {
                    return Err(invalid(format!(
                        "`{}` in --body is not an object, so entries cannot be set in it",
                        field.wire
                    )));
                };
                map.extend(entries);
            }
            kind => {
                let Some(text) = matches.get_one::<String>(&format!("field:{}", field.wire)) else {
                    continue;
                };
                let value = match kind {
                    Kind::Text => Value::String(text.clone()),
                    Kind::Integer => text.parse::<i64>().map(Value::from).map_err(|_| {
                        invalid(format!(
                            "--{}: `{}` is not an integer",
                            field.flag,
                            quoted(text)
                        ))
                    })?,
                    Kind::Number => text
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number)
                        .ok_or_else(|| {
                            invalid(format!(
                                "--{}: `{}` is not a number",
                                field.flag,
                                quoted(text)
                            ))
                        })?,
                    Kind::Boolean => text.parse::<bool>().map(Value::Bool).map_err(|_| {
                        invalid(format!(
                            "--{}: `{}` is not true or false",
                            field.flag,
                            quoted(text)
                        ))
                    })?,
                    _ => serde_json::from_str(text)
                        .map_err(|error| invalid(format!("--{}: not JSON: {error}", field.flag)))?,
                };
                body.insert(field.wire.to_owned(), value);
            }
        }
    }
    Ok(Value::Object(body))
}

/// The settings every call shares: base URL, retries, timeout, dry run.
pub struct Setup {
    pub base_url: Option<String>,
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    pub allow_insecure_http: bool,
    /// With `--dry-run`, the transport that records the request instead
    /// of sending it.
    pub dry_run: Option<TestTransport>,
    /// The provider of the operation being called (for its base URL
    /// variables).
    pub provider: &'static str,
}

impl Setup {
    /// Builds a client with the settings.
    pub fn client<C: ApiClient>(&self, mut builder: ClientBuilder<C>) -> Result<C, Error> {
        let base_url = match &self.base_url {
            Some(url) => Some(url.clone()),
            None if self.provider == "twilio" => interlocutor::twilio::base_url_from_env()?,
            None => None,
        };
        if let Some(url) = base_url {
            builder = builder.base_url(url);
        }
        if let Some(timeout) = self.timeout {
            builder = builder.request_timeout(timeout);
        }
        if let Some(retries) = self.max_retries {
            builder = builder
                .retry_policy(RetryPolicy::default().max_attempts(retries.saturating_add(1)));
        }
        builder = builder.allow_insecure_http(self.allow_insecure_http);
        if let Some(transport) = &self.dry_run {
            // Answered with a status no API documents: the call ends as soon
            // as its request is recorded.
            transport.push(ScriptedResponse::empty(599));
            builder = builder
                .retry_policy(RetryPolicy::disabled())
                .transport(transport.clone());
        }
        Ok(builder.build()?)
    }
}
