//! `interlocutor`: every operation of every spec from the command line.
//!
//! `interlocutor <provider> <api> <operation> [flags]`: path, query and
//! header parameters and each top-level body field are flags, generated
//! from the specs with their descriptions as help (`operations.rs`); the
//! rest is here. Credentials come from the variables the providers'
//! `from_env` reads. The response is printed as JSON on stdout; an error
//! as one line on stderr, with an exit code per kind:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 2 | the command line is wrong (unknown flag, missing argument) |
//! | 3 | the request was refused before sending (a value breaks the spec, a bad `--body`) |
//! | 4 | credentials or configuration (a variable not set, a bad base URL) |
//! | 5 | the API answered with an error status (4xx, 5xx), after retries |
//! | 6 | the API could not be reached (connection, timeout) |
//! | 7 | the API's answer could not be read (or was a success it does not document) |

// Written by `cargo xtask generate` (prettyplease's layout, not rustfmt's).
#[rustfmt::skip]
mod operations;
// Some kinds (query parameters, numbers) no spec of today has: the
// generated table uses what its specs need.
#[allow(dead_code)]
mod table;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use interlocutor::ErrorKind;
use interlocutor::testing::TestTransport;
use serde_json::Value;

use table::{Input, Setup};

fn cli() -> Command {
    let mut root = Command::new("interlocutor")
        .about("Every operation of the Twilio and Bird conversation APIs")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .global(true)
                .value_name("URL")
                .help("Send to another base URL (default: the spec's; Twilio: TWILIO_EDGE/TWILIO_REGION)"),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print the request that would be sent (Authorization redacted) and send nothing"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .global(true)
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(u64).range(1..))
                .help("Time allowed for each attempt"),
        )
        .arg(
            Arg::new("max-retries")
                .long("max-retries")
                .global(true)
                .value_name("N")
                .value_parser(clap::value_parser!(u32))
                .help("Retries of a rate-limited or unavailable call (default: the library's)"),
        )
        .arg(
            Arg::new("allow-insecure-http")
                .long("allow-insecure-http")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Allow a plain http:// base URL that is not loopback"),
        )
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(clap::value_parser!(clap_complete::Shell)),
                ),
        );
    for provider in first_seen(operations::OPERATIONS.iter().map(|op| op.provider)) {
        let mut provider_command = Command::new(provider)
            .about(format!("The {provider} APIs"))
            .subcommand_required(true);
        let apis = operations::OPERATIONS
            .iter()
            .filter(|op| op.provider == provider)
            .map(|op| op.api);
        for api in first_seen(apis) {
            let mut api_command = Command::new(api)
                .about(format!("The {provider} {api} API"))
                .subcommand_required(true);
            for operation in operations::OPERATIONS
                .iter()
                .filter(|op| op.provider == provider && op.api == api)
            {
                api_command = api_command.subcommand(operation.command());
            }
            provider_command = provider_command.subcommand(api_command);
        }
        root = root.subcommand(provider_command);
    }
    root
}

/// Each name once, in the order the table first names it.
fn first_seen(names: impl Iterator<Item = &'static str>) -> Vec<&'static str> {
    let mut seen: Vec<&'static str> = Vec::new();
    for name in names {
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen
}

fn main() -> ExitCode {
    let matches = match cli().try_get_matches() {
        Ok(matches) => matches,
        // Help and version are what was asked for.
        Err(error) if !error.use_stderr() => error.exit(),
        // Anything else on one line, as every other error.
        Err(error) => {
            let text = error.to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or("error: the command line is wrong");
            eprintln!("{first} (see --help)");
            return ExitCode::from(2);
        }
    };
    if let Some(("completions", sub)) = matches.subcommand() {
        let shell = *sub
            .get_one::<clap_complete::Shell>("shell")
            .expect("required");
        clap_complete::generate(shell, &mut cli(), "interlocutor", &mut std::io::stdout());
        return ExitCode::SUCCESS;
    }
    let Some((operation, matches)) = chosen(&matches) else {
        eprintln!("error: no operation chosen");
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            return ExitCode::from(4);
        }
    };
    runtime.block_on(run(operation, matches))
}

/// The operation the subcommands name, and its matches.
fn chosen(matches: &ArgMatches) -> Option<(&'static table::Operation, &ArgMatches)> {
    let (provider, matches) = matches.subcommand()?;
    let (api, matches) = matches.subcommand()?;
    let (name, matches) = matches.subcommand()?;
    let operation = operations::OPERATIONS
        .iter()
        .find(|op| op.provider == provider && op.api == api && op.name == name)?;
    Some((operation, matches))
}

async fn run(operation: &'static table::Operation, matches: &ArgMatches) -> ExitCode {
    // A flag value or body the request cannot be made from: refused
    // before sending, as the library refuses one (exit 3).
    let input = match Input::new(operation, matches) {
        Ok(input) => input,
        Err(error) => return failure(&error),
    };
    let dry_run = matches.get_flag("dry-run").then(TestTransport::new);
    let setup = Setup {
        base_url: matches.get_one::<String>("base-url").cloned(),
        timeout: matches
            .get_one::<u64>("timeout")
            .map(|s| Duration::from_secs(*s)),
        max_retries: matches.get_one::<u32>("max-retries").copied(),
        allow_insecure_http: matches.get_flag("allow-insecure-http"),
        dry_run: dry_run.clone(),
        provider: operation.provider,
    };
    let result = operations::call(operation, &input, &setup).await;
    if let Some(transport) = dry_run {
        // Refused before sending: nothing was recorded, and the refusal
        // is the answer.
        return match (transport.last_request(), &result) {
            (Some(request), _) => {
                println!("{}", pretty(&dry_run_view(&request)));
                ExitCode::SUCCESS
            }
            (None, Err(error)) => failure(error),
            (None, Ok(_)) => {
                eprintln!("error: the dry run recorded no request");
                ExitCode::from(7)
            }
        };
    }
    match result {
        Ok(output) => {
            if !output.is_null() {
                println!("{}", pretty(&output));
            }
            ExitCode::SUCCESS
        }
        Err(error) => failure(&error),
    }
}

fn failure(error: &interlocutor::Error) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(exit_code(error))
}

/// The exit code of each kind of error (the table in the crate docs).
fn exit_code(error: &interlocutor::Error) -> u8 {
    match error.kind() {
        ErrorKind::InvalidRequest => 3,
        ErrorKind::Credentials | ErrorKind::Configuration => 4,
        ErrorKind::Api => 5,
        // An error status without the documented body is still the API's
        // answer; a success it does not document (or a redirect) is not.
        ErrorKind::UnexpectedResponse if error.status().is_some_and(|status| status >= 400) => 5,
        ErrorKind::Transport => 6,
        _ => 7,
    }
}

/// The request as it would go on the wire: method, URL (where
/// `--base-url` or a region sends it), path, query, headers
/// (the credentials of `Authorization` redacted) and body.
fn dry_run_view(request: &interlocutor::testing::RecordedRequest) -> Value {
    let headers: serde_json::Map<String, Value> = request
        .redacted_headers()
        .into_iter()
        .map(|(name, value)| (name, Value::String(value)))
        .collect();
    let body = String::from_utf8_lossy(&request.body).into_owned();
    serde_json::json!({
        "method": request.method,
        "url": request.url,
        "path": request.path,
        "query": request.query,
        "headers": headers,
        "body": body,
    })
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}
