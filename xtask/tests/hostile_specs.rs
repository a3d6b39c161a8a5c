//! What a hostile review found the generator did with ordinary but unlucky
//! specs, one test each; every one failed before its fix. Each runs the
//! real binary on a scratch workspace and checks that nothing it must not
//! touch was touched.

use crate::common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{refused, xtask_outcome as xtask};

fn v2_spec(root: &Path) -> String {
    std::fs::read_to_string(root.join("specs/twilio-conversations-v2.yaml")).unwrap()
}

// 1. The generator only ever writes or removes crates it generated.

#[test]
fn a_spec_named_like_a_hand_written_crate_is_refused() {
    let root = common::generated_scratch();
    std::fs::write(
        root.path().join("specs/interlocutor-runtime.yaml"),
        v2_spec(root.path()),
    )
    .unwrap();
    let stderr = refused(root.path());
    assert!(
        stderr.contains(
            "specs/interlocutor-runtime.yaml: would write into crates/interlocutor-runtime, \
             which holds files the generator did not write"
        ),
        "{stderr}"
    );

    // `runtime.yaml` would be the package `interlocutor-runtime`.
    std::fs::remove_file(root.path().join("specs/interlocutor-runtime.yaml")).unwrap();
    std::fs::write(root.path().join("specs/runtime.yaml"), v2_spec(root.path())).unwrap();
    let stderr = refused(root.path());
    assert!(
        stderr.contains("would generate the package `interlocutor-runtime`"),
        "{stderr}"
    );

    // And with the spec gone, the hand-written crate is never an orphan.
    std::fs::remove_file(root.path().join("specs/runtime.yaml")).unwrap();
    let (code, stdout, stderr) = xtask(root.path(), &["generate"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains("removed"), "{stdout}");
    assert!(
        root.path()
            .join("crates/interlocutor-runtime/src/lib.rs")
            .exists()
    );
}

// 2. Spec text is data in the generated TOML and Rust, never code.

#[test]
fn spec_text_cannot_inject_toml_or_rust() {
    let root = common::generated_scratch();
    let hostile_title = "Mini \"Quoted\" API\"\nbuild = \"evil.rs\"\n[dependencies]\nevil = \"1\"";
    let spec = v2_spec(root.path())
        .replace(
            "  title: Twilio Conversation Orchestrator\n",
            &format!(
                "  title: {}\n",
                serde_json::to_string(&format!("{hostile_title}\n*/ pub fn evil() {{}} /*"))
                    .unwrap()
            ),
        )
        .replace(
            "  - url: https://conversations.twilio.com\n",
            // (Braces would be refused as server variables: none here.)
            "  - url: 'https://conversations.twilio.com/\";fn/**/evil();const/**/X:&str=\"'\n",
        );
    std::fs::write(root.path().join("specs/twilio-conversations-v2.yaml"), spec).unwrap();
    let (code, _, stderr) = xtask(root.path(), &["generate"]);
    assert_eq!(code, 0, "{stderr}");

    let manifest = std::fs::read_to_string(
        root.path()
            .join("crates/twilio-conversations-v2/Cargo.toml"),
    )
    .unwrap();
    // The manifest still has exactly one [dependencies] table and no
    // `build` key: the title is one escaped string.
    assert_eq!(
        manifest
            .lines()
            .filter(|line| line.trim() == "[dependencies]")
            .count(),
        1,
        "{manifest}"
    );
    assert!(
        !manifest.lines().any(|line| line.starts_with("build")),
        "{manifest}"
    );
    assert!(
        manifest.contains(r#"Mini \"Quoted\" API\"\nbuild = \"evil.rs\""#),
        "{manifest}"
    );

    let lib = std::fs::read_to_string(
        root.path()
            .join("crates/twilio-conversations-v2/src/lib.rs"),
    )
    .unwrap();
    let parsed = syn::parse_file(&lib).expect("lib.rs parses");
    let functions: Vec<String> = parsed
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Fn(function) => Some(function.sig.ident.to_string()),
            _ => None,
        })
        .collect();
    assert!(functions.is_empty(), "injected functions: {functions:?}");
    // The client's base URL is in the generated code, as a string literal.
    // (A URL with white space is refused outright; quotes are data.)
    let generated = std::fs::read_to_string(
        root.path()
            .join("crates/twilio-conversations-v2/src/generated.rs"),
    )
    .unwrap();
    let parsed = syn::parse_file(&generated).expect("generated.rs parses");
    assert!(
        !parsed
            .items
            .iter()
            .any(|item| matches!(item, syn::Item::Fn(_))),
        "an injected function"
    );
    let flat: String = generated.split_whitespace().collect();
    assert!(
        flat.contains(
            r#"base_url:"https://conversations.twilio.com/\";fn/**/evil();const/**/X:&str=\"","#
        ),
        "{generated}"
    );
}

// 3. Two specs for one crate are refused before anything is written.

#[test]
fn two_specs_for_one_crate_are_refused() {
    let root = common::generated_scratch();
    std::fs::write(root.path().join("specs/mini.yaml"), v2_spec(root.path())).unwrap();
    std::fs::write(root.path().join("specs/mini.yml"), v2_spec(root.path())).unwrap();
    let stderr = refused(root.path());
    assert!(
        stderr.contains("specs/mini.yaml and specs/mini.yml would all generate crates/mini"),
        "{stderr}"
    );
}

// 4. A `$ref` cycle is named, not a stack overflow.

#[test]
fn a_reference_cycle_between_responses_is_refused() {
    let root = common::generated_scratch();
    let spec = v2_spec(root.path()).replace(
        "    NotFound:\n      description: Not Found\n",
        "    NotFound:\n      $ref: '#/components/responses/Missing'\n    Missing:\n      $ref: '#/components/responses/NotFound'\n    Unused:\n      description: Not Found\n",
    );
    std::fs::write(root.path().join("specs/twilio-conversations-v2.yaml"), spec).unwrap();
    let stderr = refused(root.path());
    assert!(stderr.contains("a `$ref` or `allOf` cycle"), "{stderr}");
    assert!(
        stderr.contains("#/components/responses/NotFound -> #/components/responses/Missing")
            || stderr.contains("#/components/responses/Missing -> #/components/responses/NotFound"),
        "{stderr}"
    );
}

// 5. Only regular files inside the workspace, with a size cap.

#[cfg(unix)]
#[test]
fn unbounded_blocking_and_outside_inputs_are_refused_unread() {
    let root = common::generated_scratch();
    // Endless: /dev/zero.
    std::os::unix::fs::symlink("/dev/zero", root.path().join("specs/zero.yaml")).unwrap();
    // Blocking: a FIFO nobody writes to.
    let fifo = root.path().join("specs/pipe.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // Outside the workspace.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.yaml"), v2_spec(root.path())).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("x.yaml"),
        root.path().join("specs/outside.yaml"),
    )
    .unwrap();
    // Huge: over the size limit.
    let huge = std::fs::File::create(root.path().join("specs/huge.yaml")).unwrap();
    huge.set_len(17 * 1024 * 1024).unwrap();

    let started = std::time::Instant::now();
    let stderr = refused(root.path());
    // Not a timing target: a guard that nothing blocked on the FIFO.
    assert!(started.elapsed() < Duration::from_secs(60));
    for expected in [
        "specs/zero.yaml: is /dev/zero, outside the workspace (through a symbolic link)",
        "specs/pipe.yaml: is not a regular file",
        "specs/outside.yaml: is /",
        "specs/huge.yaml: is 17825792 bytes, over the limit",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}

// 6. Specs that would generate code that does not compile are refused.

#[test]
fn parameters_that_would_not_compile_are_refused() {
    let root = common::generated_scratch();
    let spec = v2_spec(root.path()).replace(
        "        - name: Sid\n          in: path\n",
        "        - name: body\n          in: query\n          schema: {type: string}\n        - name: thingId\n          in: query\n          schema: {type: string}\n        - name: thing_id\n          in: query\n          schema: {type: string}\n        - name: Sid\n          in: path\n",
    );
    std::fs::write(root.path().join("specs/twilio-conversations-v2.yaml"), spec).unwrap();
    let stderr = refused(root.path());
    assert!(
        stderr.contains(
            "the parameters `thingId` and `thing_id` all become the Rust argument `thing_id`"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("a parameter named `body` collides with the request body"),
        "{stderr}"
    );
}

#[test]
fn a_schema_that_is_only_a_reference_to_itself_is_refused() {
    let root = common::generated_scratch();
    let spec = v2_spec(root.path()).replace(
        "  schemas:\n",
        "  schemas:\n    Loop:\n      $ref: '#/components/schemas/Loop'\n",
    );
    std::fs::write(root.path().join("specs/twilio-conversations-v2.yaml"), spec).unwrap();
    let stderr = refused(root.path());
    assert!(
        stderr.contains(
            "#/components/schemas/Loop: a `$ref` or `allOf` cycle (#/components/schemas/Loop -> #/components/schemas/Loop)"
        ),
        "{stderr}"
    );
}

// 7. Upper-case extensions, a byte order mark, user info in a server URL.

/// A property no spec has, so the v2 crate's files change.
fn grow_v2(root: &Path) {
    let path = root.join("specs/twilio-conversations-v2.yaml");
    let spec = std::fs::read_to_string(&path).unwrap();
    let grown = spec.replacen(
        "  schemas:\n",
        "  schemas:\n    LinkProbe:\n      type: object\n      properties:\n        probe: {type: string}\n",
        1,
    );
    assert_ne!(spec, grown);
    std::fs::write(path, grown).unwrap();
}

#[test]
fn generated_files_are_never_written_through_a_symbolic_link() {
    // `src/` of a generated crate pointing at the runtime's sources.
    let root = common::generated_scratch();
    let runtime_src = root.path().join("crates/interlocutor-runtime/src");
    let runtime_lib = std::fs::read(runtime_src.join("lib.rs")).unwrap();
    let v2_src = root.path().join("crates/twilio-conversations-v2/src");
    std::fs::remove_dir_all(&v2_src).unwrap();
    std::os::unix::fs::symlink(&runtime_src, &v2_src).unwrap();
    grow_v2(root.path());
    let stderr = refused(root.path());
    assert!(
        stderr.contains("crates/twilio-conversations-v2/src is a symbolic link; the generator does not write through links"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(runtime_src.join("lib.rs")).unwrap(),
        runtime_lib
    );
    assert!(!runtime_src.join("generated.rs").exists());

    // A whole crate directory pointing outside the workspace.
    let root = common::generated_scratch();
    let outside = tempfile::tempdir().unwrap();
    let v2 = root.path().join("crates/twilio-conversations-v2");
    common::copy_dir(&v2, outside.path());
    let before = std::fs::read(outside.path().join("src/generated.rs")).unwrap();
    std::fs::remove_dir_all(&v2).unwrap();
    std::os::unix::fs::symlink(outside.path(), &v2).unwrap();
    grow_v2(root.path());
    let stderr = refused(root.path());
    assert!(
        stderr.contains("crates/twilio-conversations-v2 is a symbolic link"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(outside.path().join("src/generated.rs")).unwrap(),
        before
    );
}

#[test]
fn a_specs_directory_linked_outside_the_workspace_is_not_read() {
    let root = common::generated_scratch();
    let outside = tempfile::tempdir().unwrap();
    common::copy_dir(&root.path().join("specs"), outside.path());
    std::fs::remove_dir_all(root.path().join("specs")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path().join("specs")).unwrap();
    let stderr = refused(root.path());
    assert!(
        stderr.contains("outside the workspace (through a symbolic link)"),
        "{stderr}"
    );
}

#[test]
fn upper_case_extensions_and_byte_order_marks_are_read() {
    let root = common::generated_scratch();
    std::fs::write(
        root.path().join("specs/mini.YAML"),
        format!("\u{feff}{}", v2_spec(root.path())),
    )
    .unwrap();
    let (code, stdout, stderr) = xtask(root.path(), &["generate"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("generated 2 crate(s)"), "{stdout}");
    assert!(root.path().join("crates/mini/src/generated.rs").exists());
}

#[test]
fn a_server_url_with_user_info_is_refused() {
    let root = common::generated_scratch();
    let spec = v2_spec(root.path()).replace(
        "  - url: https://conversations.twilio.com\n",
        "  - url: https://AC123:s3cret@conversations.twilio.com\n",
    );
    std::fs::write(root.path().join("specs/twilio-conversations-v2.yaml"), spec).unwrap();
    let stderr = refused(root.path());
    assert!(
        stderr.contains("`servers[0].url` carries user info"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
}
