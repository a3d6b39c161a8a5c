//! `cargo xtask generate` as a program, on a spec it refuses and on stale
//! generated code: the exit code, the report, and not one file touched.
//! What each refusal says is unit-tested beside the checks.

use crate::common;

use common::{tree, xtask_outcome as xtask};

/// Edits `specs/twilio-conversations-v2.yaml`, runs `generate`, and returns
/// its error output after checking that it failed, changed nothing and
/// named the spec first.
fn refused_edit(edit: impl Fn(&str) -> String) -> String {
    let scratch = common::generated_scratch();
    let spec = scratch.path().join("specs/twilio-conversations-v2.yaml");
    let original = std::fs::read_to_string(&spec).unwrap();
    let edited = edit(&original);
    assert_ne!(original, edited, "the edit changed nothing");
    std::fs::write(&spec, edited).unwrap();
    let stderr = common::refused(scratch.path());
    assert!(
        stderr.starts_with("error: specs/twilio-conversations-v2.yaml"),
        "{stderr}"
    );
    stderr
}

/// What every refusal does as a program (the refusal messages are unit
/// tests beside the checks, in `spec.rs`): exit code 1, one paragraph that
/// starts with the file (here with the line and column of malformed YAML)
/// and ends with "nothing was written.", and not one file touched.
#[test]
fn a_refused_spec_exits_1_names_its_file_and_touches_nothing() {
    let stderr = refused_edit(|spec| spec.replacen("  title: Twilio", "  title: [Twilio", 1));
    // The `[` opened on line 3 is found unclosed at the `:` of line 4.
    assert!(
        stderr.starts_with("error: specs/twilio-conversations-v2.yaml:4:10: malformed YAML"),
        "{stderr}"
    );
}

#[test]
fn check_reports_a_diff_and_exits_non_zero() {
    let scratch = common::generated_scratch();
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
