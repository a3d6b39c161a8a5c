//! A user's crate, written from the README, compiles against a copy of the
//! workspace whose specs grew.
//!
//! Every Rust example of the README becomes a module of a fresh crate
//! outside this workspace whose only dependencies are the README's own
//! `[dependencies]` lines: `interlocutor` (by path; with `testing` only for
//! the examples that use it), `tokio`, and the `axum` line the webhook
//! section gives. So an example that needs a crate or a feature the README
//! does not name fails here.
//!
//! The crate is built against a scratch copy of the workspace whose specs
//! gained a request property, an enum value and a response field,
//! regenerated: code written the README's way must not notice, which is
//! what makes such a change a minor release. (Against the clients as they
//! are, the README's examples and each operation's example are doc tests
//! of the facade, in the workspace's own build.)
//!
//! Beside the README's examples, the crate holds the generated operations'
//! examples (the facade's `src/examples.md`, as the grown copy lists them),
//! the doc examples of the runtime (as a user of the facade writes them)
//! and a program that matches on the error of a call with no
//! conversion. (A build without a TLS backend is the fourth API's program,
//! `fourth_api.rs`.)
//!
//! The crates are built (`cargo build`) from scratch workspaces kept under
//! `target/scratch` (see `common::persist`), in the workspace's own target
//! directory (see `common::build`): they reuse the dependencies the
//! workspace compiled with the same features, and a later run builds only
//! what changed.

use crate::common;

use std::path::Path;

use common::{persist, workspace_root};
use serde_json::{Value, json};

/// A fenced code block of the README.
struct Example {
    line: usize,
    code: String,
}

/// The README's Rust code blocks, with rustdoc's hidden-line markers
/// (`# `) removed as rustdoc removes them.
fn rust_examples(readme: &str) -> Vec<Example> {
    let mut examples = Vec::new();
    let mut current: Option<Example> = None;
    // Inside a block of another language, whose closing fence must not be
    // taken for an untagged opening one.
    let mut in_other = false;
    for (index, line) in readme.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut current {
            None => {
                let Some(info) = trimmed.strip_prefix("```") else {
                    continue;
                };
                if in_other {
                    in_other = false;
                // As rustdoc reads a fence: untagged, or tagged `rust`
                // among other attributes (`rust,no_run`, `no_run`...).
                } else if is_rust(info) {
                    current = Some(Example {
                        line: index + 1,
                        code: String::new(),
                    });
                } else {
                    in_other = true;
                }
            }
            Some(example) => {
                if trimmed.starts_with("```") {
                    examples.push(current.take().expect("in a block"));
                    continue;
                }
                let indent = &line[..line.len() - trimmed.len()];
                let code_line = match trimmed.strip_prefix('#') {
                    Some("") => indent.to_owned(),
                    Some(rest) if rest.starts_with(' ') => format!("{indent}{}", &rest[1..]),
                    _ => line.to_owned(),
                };
                example.code.push_str(&code_line);
                example.code.push('\n');
            }
        }
    }
    examples
}

/// Whether rustdoc compiles a block with this info string and expects it
/// to compile: no language named, or `rust`, or only rustdoc's own
/// attributes (`ignore` and `compile_fail` blocks are not meant to).
fn is_rust(info: &str) -> bool {
    const ATTRIBUTES: [&str; 5] = [
        "rust",
        "no_run",
        "should_panic",
        "edition2021",
        "edition2024",
    ];
    info.split([',', ' ', '\t'])
        .filter(|tag| !tag.is_empty())
        .all(|tag| ATTRIBUTES.contains(&tag))
}

/// Whether an example needs the `testing` feature: the test transport, or
/// a client's typed mocks.
fn needs_testing(code: &str) -> bool {
    code.contains("interlocutor::testing") || code.contains("mock::Mock")
}

/// Writes the user crates into `dir`: `plain` holds the examples that do
/// not use `interlocutor::testing` or a mock, `testing` those that do (with the
/// `testing` feature, as the README's dev-dependency line says).
fn write_user_crates(dir: &Path, interlocutor: &Path, readme: &str) {
    let examples = rust_examples(readme);
    assert!(examples.len() >= 5, "the README lost its examples");
    let runtime = interlocutor
        .parent()
        .expect("crates/")
        .join("interlocutor-runtime/src");
    let mut documented = Vec::new();
    for module in RUNTIME_MODULES {
        let source = runtime.join(module);
        let docs = doc_text(&std::fs::read_to_string(&source).unwrap());
        for mut example in rust_examples(&docs) {
            // The runtime's examples name it as the facade does, through a
            // hidden alias the facade's users do not need.
            example.code = example
                .code
                .replace(RUNTIME_ALIAS, "")
                .replace("interlocutor_runtime::", "interlocutor::");
            documented.push((source.clone(), example));
        }
    }
    // The operations' examples, as the generator lists them for the
    // facade's doc tests.
    let listed = interlocutor.join("src/examples.md");
    let operations = rust_examples(&std::fs::read_to_string(&listed).unwrap());
    assert!(
        operations.len() >= 3,
        "the generated operations lost their examples"
    );
    documented.extend(
        operations
            .into_iter()
            .map(|example| (listed.clone(), example)),
    );
    // The README's dependency lines, as a user copies them.
    let dependencies = ["tokio", "axum"]
        .map(|name| common::readme_dependency(readme, name))
        .join("\n");
    common::user_workspace(
        dir,
        "[workspace]\nresolver = \"3\"\nmembers = [\"plain\", \"testing\"]\n",
    );
    for (name, features) in [("plain", ""), ("testing", ", features = [\"testing\"]")] {
        std::fs::create_dir_all(dir.join(name).join("src")).unwrap();
        std::fs::write(
            dir.join(name).join("Cargo.toml"),
            format!(
                "[package]\nname = \"readme-{name}\"\nedition = \"2024\"\npublish = false\n\n\
                 [dependencies]\ninterlocutor = {{ path = {path:?}{features} }}\n{dependencies}\n",
                path = interlocutor.display().to_string(),
            ),
        )
        .unwrap();
        let readme_programs = examples.iter().map(|example| {
            (
                format!("readme_line_{}", example.line),
                format!("README.md, line {}", example.line),
                example.code.as_str(),
            )
        });
        let doc_programs = documented
            .iter()
            .enumerate()
            .map(|(index, (source, example))| {
                (
                    format!("doc_{index}"),
                    format!("{}, line {}", source.display(), example.line),
                    example.code.as_str(),
                )
            });
        let error_match = (name == "plain").then(|| {
            (
                "error_match".to_owned(),
                "A call's error, matched".to_owned(),
                ERROR_MATCH,
            )
        });
        // Each program a module of one library: one crate to build, not
        // one per example, and nothing to link.
        let mut main = String::from(
            "//! The README's examples and the doc examples, each a module.\n\
             #![allow(dead_code, unused)]\n",
        );
        for (module, origin, code) in readme_programs.chain(doc_programs).chain(error_match) {
            if module != "error_match" && needs_testing(code) != (name == "testing") {
                continue;
            }
            // A fragment, or an `async fn` with hidden lines: rustdoc wraps
            // it in `fn main`, and so do we.
            let code = if code.contains("fn main") {
                code.to_owned()
            } else {
                format!("fn main() {{\n{code}}}\n")
            };
            main.push_str(&format!("\n/// {origin}.\nmod {module} {{\n{code}}}\n"));
        }
        std::fs::write(dir.join(name).join("src/lib.rs"), main).unwrap();
    }
}

/// A call's error, matched and passed on with no conversion.
const ERROR_MATCH: &str = r#"
use interlocutor::twilio::{self, conversations_v2::{Client, types}};
use interlocutor::ErrorKind;

async fn close(client: &Client, id: &str) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    let patch = types::ConversationPatch::new().status(types::ConversationStatus::Closed);
    match client.patch_conversation_by_id(id, patch).await {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::Api && e.status() == Some(404) => Ok(false),
        Err(e) if e.is_not_found() || e.is_conflict() => Ok(false),
        Err(e) if e.is_rate_limited() || e.is_unauthorized() || e.is_forbidden() => Err(e.into()),
        Err(e) => Err(Box::new(e)),
    }
}

#[tokio::main]
async fn main() -> interlocutor::Result<()> {
    let client = Client::builder(twilio::from_env()?).build()?;
    let _ = close(&client, "conv_1").await;
    let patch = types::ConversationPatch::new();
    client.patch_conversation_by_id("conv_1", &patch).await?;
    Ok(())
}
"#;

/// The line the runtime's examples start with so they read as a user of the
/// facade writes them.
const RUNTIME_ALIAS: &str = "use interlocutor_runtime as interlocutor;";

/// The runtime's modules whose items, with their doc examples, the facade
/// re-exports. (The facade's own examples are its doc tests.)
const RUNTIME_MODULES: [&str; 5] = [
    "builder.rs",
    "error.rs",
    "nullable.rs",
    "open.rs",
    "response.rs",
];

/// The text of a file's doc comments (`///` and `//!`), one block after
/// another, as rustdoc reads them.
fn doc_text(source: &str) -> String {
    let mut docs = String::new();
    for line in source.lines() {
        let trimmed = line.trim_start();
        let text = trimmed
            .strip_prefix("///")
            .or_else(|| trimmed.strip_prefix("//!"));
        match text {
            Some(text) => {
                docs.push_str(text.strip_prefix(' ').unwrap_or(text));
                docs.push('\n');
            }
            None => docs.push('\n'),
        }
    }
    docs
}

/// `cargo build` of one user crate against the copy in `grown`; panics
/// with cargo's output on failure.
fn build(dir: &Path, package: &str, grown: &Path) {
    let output = common::build(dir, package, &grown.join("crates"));
    assert!(
        output.status.success(),
        "the README examples in {}/{package} do not compile:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn readme_examples_compile_in_a_fresh_crate_after_the_specs_grow() {
    let root = workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let scratch = tempfile::tempdir().unwrap();

    // A copy whose specs grew, regenerated.
    let stage = scratch.path().join("grown");
    common::copy_workspace(&stage);
    for spec in std::fs::read_dir(stage.join("specs")).unwrap() {
        grow_spec(&spec.unwrap().path());
    }
    common::succeeded(&common::xtask(&stage, &["generate"]));
    let generated =
        std::fs::read_to_string(stage.join("crates/twilio-conversations-v2/src/generated.rs"))
            .unwrap();
    assert!(
        generated.contains(GROWN_PROPERTY_FIELD),
        "the spec did not grow"
    );
    let grown = persist(&stage, "grown");

    let stage = scratch.path().join("users");
    write_user_crates(&stage, &grown.join("crates/interlocutor"), &readme);
    let users = persist(&stage, "users");
    build(&users, "readme-plain", &grown);
    build(&users, "readme-testing", &grown);
}

/// What `grow_spec` adds, named so that no real spec has it.
const GROWN_PROPERTY: &str = "interlocutorGrowthProbe";
const GROWN_PROPERTY_FIELD: &str = "interlocutor_growth_probe";
const GROWN_ENUM_VALUE: &str = "INTERLOCUTOR_GROWTH_PROBE";

/// Adds, to every operation of the spec at `path`, an optional property to
/// its request body and a field to its success response; and a value to
/// every string enum among the components.
fn grow_spec(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut doc: Value = serde_yaml::from_str(&text).unwrap();
    let mut targets = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            if let Some(content) = operation["requestBody"]["content"].as_object() {
                for media in content.values() {
                    targets.push(media["schema"].clone());
                }
            }
            if let Some(content) = operation["responses"]["200"]["content"].as_object() {
                for media in content.values() {
                    targets.push(media["schema"].clone());
                }
            }
        }
    }
    for target in targets {
        let name = target["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .expect("the specs name their bodies");
        let properties = doc["components"]["schemas"][name]["properties"]
            .as_object_mut()
            .unwrap();
        assert!(!properties.contains_key(GROWN_PROPERTY));
        properties.insert(
            GROWN_PROPERTY.to_owned(),
            json!({"type": "string", "description": "Added by the growth test."}),
        );
    }
    for schema in doc["components"]["schemas"]
        .as_object_mut()
        .unwrap()
        .values_mut()
    {
        if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) {
            values.push(json!(GROWN_ENUM_VALUE));
        }
    }
    std::fs::write(path, serde_yaml::to_string(&doc).unwrap()).unwrap();
}
