//! Adding an API is one spec file and one command: a fourth spec dropped
//! into a scratch copy of the workspace, `cargo xtask generate`, and a
//! program using the facade with the new feature reaches the client as
//! `interlocutor::<provider>::<module>::Client`, its errors converting into
//! `interlocutor::Error`, with no other edit; `cargo build` proves it. The
//! spec is the fixture `tests/fixture-specs/acme-tickets.yaml`, whose
//! client the wire tests call (`fixtures.rs`), so what it does when it runs
//! is proven there, in the workspace's own build.
//!
//! The program turns off the default features, so it is also the build
//! without a TLS backend: a client and its build error compile (what such
//! a build refuses is the runtime's unit test of `tls_available`).

use crate::common;

use common::{persist, succeeded, workspace_root, xtask};

/// The program a user of the fourth API writes: built, not run (what the
/// client does is `tests/tests/fixtures.rs`'s test of the same spec).
const PROGRAM: &str = r#"
use interlocutor::acme::tickets::{Client, types};

#[tokio::main]
pub async fn main() -> interlocutor::Result<()> {
    let credentials = interlocutor::Credentials::token("t0ken", "token")?;
    let client = Client::builder(credentials).base_url("http://127.0.0.1:9").build()?;
    let patch = types::TicketPatch::new().title("Printer on fire").labels(vec![]);
    if let Err(error) = client.update_ticket("T-1", patch).await {
        let _code: Option<&interlocutor::ErrorCode> = error.code();
    }
    let _support: &str = interlocutor::acme::support_address();
    Ok(())
}
"#;

#[test]
fn a_fourth_spec_is_one_file_and_one_command() {
    let root = workspace_root();
    let scratch = tempfile::tempdir().unwrap();
    let stage = scratch.path();
    common::copy_workspace(stage);

    // The one file, and the one command; and, as the README says, a
    // provider's helpers are one more file, with no other edit.
    std::fs::copy(
        root.join("tests/fixture-specs/acme-tickets.yaml"),
        stage.join("specs/acme-tickets.yaml"),
    )
    .unwrap();
    std::fs::write(
        stage.join("crates/interlocutor/src/providers/acme.rs"),
        "//! Acme's helpers.\n\n/// Where Acme's support is.\npub fn support_address() -> &'static str {\n    \"support@acme.example\"\n}\n",
    )
    .unwrap();
    let stdout = succeeded(&xtask(stage, &["generate"]));
    assert!(
        stdout.contains("wrote crates/acme-tickets/src/lib.rs"),
        "{stdout}"
    );
    assert!(
        stdout.contains("wrote crates/interlocutor/Cargo.toml"),
        "{stdout}"
    );
    assert!(
        stdout.contains("wrote crates/interlocutor/src/apis.rs"),
        "{stdout}"
    );
    assert!(
        stdout.contains("wrote crates/interlocutor/src/providers/mod.rs"),
        "{stdout}"
    );
    // What is generated is what `--check` guards.
    let check = xtask(stage, &["generate", "--check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // The program is the root of a workspace of its own, beside the copy
    // (see `common::build`), with the README's `tokio` line and no default
    // feature of the facade: no TLS backend.
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let tokio = common::readme_dependency(&readme, "tokio");
    common::user_workspace(
        &stage.join("program"),
        &format!(
            "[package]\nname = \"program\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\ninterlocutor = {{ path = \"../crates/interlocutor\", \
             default-features = false, features = [\"acme-tickets\"] }}\n\
             {tokio}\n\n[workspace]\n"
        ),
    );
    // A library: built, nothing to link.
    std::fs::create_dir_all(stage.join("program/src")).unwrap();
    std::fs::write(stage.join("program/src/lib.rs"), PROGRAM).unwrap();
    let work = persist(stage, "fourth-api");
    succeeded(&common::build(
        &work.join("program"),
        "program",
        &work.join("crates"),
    ));
}
