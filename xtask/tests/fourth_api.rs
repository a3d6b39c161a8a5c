//! Adding an API is one spec file and one command: a fourth spec dropped
//! into a scratch copy of the workspace, `cargo xtask generate`, and the
//! facade built with the new feature reaches the client as
//! `interlocutor::<provider>::<module>::Client`, its errors converting into
//! `interlocutor::Error`, with no other edit.

use crate::common;

use common::{
    cargo, copy_dir, copy_library_crates, persist, scratch_manifest, succeeded, workspace_root,
    xtask,
};

/// A small JSON API with no `x-interlocutor` block: everything the facade
/// needs comes from the file name (`acme-tickets`) and the error schema.
const ACME: &str = r#"
openapi: 3.0.3
info: {title: Acme Tickets, version: '1'}
servers: [{url: 'https://api.acme.example'}]
security: [{token: []}]
paths:
  /tickets/{ticketId}:
    patch:
      operationId: UpdateTicket
      parameters:
        - {name: ticketId, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/TicketPatch'}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Ticket'}
        '404':
          description: Not found
          content:
            application/json:
              schema: {$ref: '#/components/schemas/AcmeError'}
components:
  securitySchemes:
    token: {type: http, scheme: Bearer}
  schemas:
    TicketPatch:
      type: object
      properties:
        title: {type: string, nullable: true, maxLength: 80}
        labels: {type: array, items: {type: string}}
    Ticket:
      type: object
      properties:
        id: {type: string}
        title: {type: string, nullable: true}
    AcmeError:
      type: object
      properties:
        code: {type: string}
        message: {type: string}
"#;

const PROGRAM: &str = r#"
use interlocutor::acme::tickets::{Client, types};
use interlocutor::testing::{ScriptedResponse, TestTransport};

#[tokio::main(flavor = "current_thread")]
async fn main() -> interlocutor::Result<()> {
    let transport = TestTransport::new();
    transport.push(ScriptedResponse::json(404, &interlocutor::serde_json::json!({
        "code": "TicketNotFound", "message": "No such ticket",
    })));
    let credentials = interlocutor::Credentials::token("t0ken", "token")?;
    let client = Client::builder(credentials).transport(transport.clone()).build()?;
    let error = client
        .update_ticket("T-1", types::TicketPatch::new().title("Printer on fire").labels(vec![]))
        .await
        .unwrap_err();
    println!("{error}");
    println!("{}", interlocutor::acme::support_address());
    println!("{:?}", error.code());
    println!("{}", transport.requests()[0].body_text().unwrap());
    Ok(())
}
"#;

#[test]
fn a_fourth_spec_is_one_file_and_one_command() {
    let root = workspace_root();
    let scratch = tempfile::tempdir().unwrap();
    let stage = scratch.path();
    copy_dir(&root.join("specs"), &stage.join("specs"));
    copy_library_crates(&root, stage);
    std::fs::copy(root.join("README.md"), stage.join("README.md")).unwrap();
    scratch_manifest(stage, r#"["crates/*", "program"]"#);

    // The one file, and the one command; and, as the README says, a
    // provider's helpers are one more file, with no other edit.
    std::fs::write(stage.join("specs/acme-tickets.yaml"), ACME).unwrap();
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

    std::fs::create_dir_all(stage.join("program/src")).unwrap();
    std::fs::write(
        stage.join("program/Cargo.toml"),
        "[package]\nname = \"program\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n\
         interlocutor = { path = \"../crates/interlocutor\", default-features = false, \
         features = [\"acme-tickets\", \"testing\"] }\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n",
    )
    .unwrap();
    std::fs::write(stage.join("program/src/main.rs"), PROGRAM).unwrap();
    let work = persist(stage, "fourth-api");
    let output = succeeded(&cargo(&work, &["run", "--quiet", "--package", "program"]));
    assert_eq!(
        output,
        "Acme error TicketNotFound (HTTP 404): No such ticket\n\
         support@acme.example\n\
         Some(Text(\"TicketNotFound\"))\n\
         {\"labels\":[],\"title\":\"Printer on fire\"}\n"
    );
}
