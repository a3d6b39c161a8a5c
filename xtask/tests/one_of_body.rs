//! A `oneOf` request body with constraints in its alternatives, refused by
//! the program as a whole: exit code 1, the reason named, nothing written.
//! (The fixture specs themselves are generated into `tests/fixtures/` and
//! called by the wire tests.)

use crate::common;

use common::workspace_root;

/// A `oneOf` request body whose alternatives carry constraints is refused
/// by name rather than sent unchecked.
#[test]
fn a_one_of_body_with_constraints_is_refused() {
    let root = workspace_root();
    let scratch = tempfile::tempdir().unwrap();
    let work = scratch.path();
    std::fs::create_dir_all(work.join("specs")).unwrap();
    let spec =
        std::fs::read_to_string(root.join("tests/fixture-specs/fixture-parameters.yaml")).unwrap();
    let constrained = spec.replace(
        "                    name: {type: string}",
        "                    name: {type: string, maxLength: 3}",
    );
    assert_ne!(spec, constrained);
    std::fs::write(work.join("specs/fixture-parameters.yaml"), constrained).unwrap();
    let (code, _, errors) = common::xtask_outcome(work, &["generate"]);
    assert_eq!(code, 1, "{errors}");
    assert!(
        errors.contains("the request body is a `oneOf` whose alternatives carry constraints"),
        "{errors}"
    );
    assert!(!work.join("crates").exists());
}
