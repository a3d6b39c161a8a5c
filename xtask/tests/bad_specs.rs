//! `cargo xtask generate` on specs it must refuse: one paragraph naming the
//! file and the construct, a non-zero exit, and not one file touched.

use crate::common;

use common::{copy_dir, tree, workspace_root, xtask_outcome as xtask};

/// A scratch workspace with the real specs, already generated once.
fn generated_scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&workspace_root().join("specs"), &dir.path().join("specs"));
    let (code, _, stderr) = xtask(dir.path(), &["generate"]);
    assert_eq!(code, 0, "{stderr}");
    dir
}

/// Edits `specs/twilio-conversations-v2.yaml`, runs `generate`, and returns
/// its error output after checking that it failed and changed nothing.
fn refused(edit: impl Fn(&str) -> String) -> String {
    let scratch = generated_scratch();
    let spec = scratch.path().join("specs/twilio-conversations-v2.yaml");
    let original = std::fs::read_to_string(&spec).unwrap();
    let edited = edit(&original);
    assert_ne!(original, edited, "the edit changed nothing");
    std::fs::write(&spec, edited).unwrap();
    let before = tree(scratch.path());
    let (code, stdout, stderr) = xtask(scratch.path(), &["generate"]);
    assert_eq!(code, 1, "stdout: {stdout}\nstderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.starts_with("error: specs/twilio-conversations-v2.yaml"),
        "{stderr}"
    );
    assert!(
        stderr.trim_end().ends_with("nothing was written."),
        "{stderr}"
    );
    assert_eq!(
        before,
        tree(scratch.path()),
        "a refused spec must not touch any file"
    );
    stderr
}

#[test]
fn malformed_yaml_gives_line_and_column() {
    let stderr = refused(|spec| spec.replacen("  title: Twilio", "  title: [Twilio", 1));
    // The `[` opened on line 3 is found unclosed at the `:` of line 4.
    assert!(
        stderr.starts_with("error: specs/twilio-conversations-v2.yaml:4:10: malformed YAML"),
        "{stderr}"
    );
    assert!(stderr.contains("malformed YAML"), "{stderr}");
}

#[test]
fn openapi_3_1_is_refused() {
    let stderr = refused(|spec| spec.replacen("openapi: 3.0.3", "openapi: 3.1.0", 1));
    assert!(
        stderr.contains("`openapi: 3.1.0` is not supported"),
        "{stderr}"
    );
}

#[test]
fn a_missing_operation_id_is_named() {
    let stderr = refused(|spec| spec.replacen("      operationId: PatchConversationById\n", "", 1));
    assert!(
        stderr.contains(
            "#/paths/~1v2~1Conversations~1{Sid}/patch: the operation has no `operationId`"
        ),
        "{stderr}"
    );
}

#[test]
fn error_responses_with_different_schemas_are_refused() {
    let stderr = refused(|spec| {
        spec.replacen(
            "        '503':\n          $ref: '#/components/responses/ServiceUnavailable'\n",
            "        '503':\n          description: Service Unavailable\n",
            1,
        )
    });
    assert!(
        stderr.contains("error responses use different bodies"),
        "{stderr}"
    );
    assert!(stderr.contains("503 -> no body"), "{stderr}");
}

#[test]
fn an_unsupported_string_format_is_named() {
    // The first `format: uri` is StatusCallbackConfig's `url`.
    let stderr =
        refused(|spec| spec.replacen("          format: uri\n", "          format: uri-map\n", 1));
    assert!(
        stderr.contains("unsupported format `uri-map` on a `string`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("#/components/schemas/StatusCallbackConfig/properties/url"),
        "{stderr}"
    );
}

#[test]
fn check_reports_a_diff_and_exits_non_zero() {
    let scratch = generated_scratch();
    let spec = scratch.path().join("specs/twilio-conversations-v2.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        text.replace("Participant name.", "The participant's name."),
    )
    .unwrap();
    let before = tree(scratch.path());
    let (code, stdout, stderr) = xtask(scratch.path(), &["generate", "--check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("-        ///Participant name."), "{stdout}");
    assert!(
        stdout.contains("+        ///The participant's name."),
        "{stdout}"
    );
    assert!(stderr.contains("generated code is stale"), "{stderr}");
    assert_eq!(before, tree(scratch.path()));
}
