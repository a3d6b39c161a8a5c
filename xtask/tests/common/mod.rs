//! What the xtask integration tests share: the workspace, scratch copies
//! of it, and running the generator or cargo on them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace this xtask belongs to.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits below the root")
        .to_path_buf()
}

/// `crates/` of the workspace at `root`, copied to `to/crates` without the
/// command line (`interlocutor-cli`): a scratch workspace builds the
/// libraries, and the command line's tests use the workspace's own test
/// helpers, which are not copied.
pub fn copy_library_crates(root: &Path, to: &Path) {
    copy_dir(&root.join("crates"), &to.join("crates"));
    std::fs::remove_dir_all(to.join("crates/interlocutor-cli")).unwrap();
}

/// The sources the facade and the clients need, copied to `to`: the root
/// manifest (with `members` in place of the real ones), the lock file, the
/// specs and the library crates.
pub fn copy_workspace(root: &Path, to: &Path, members: &str) {
    scratch_manifest(to, members);
    copy_dir(&root.join("specs"), &to.join("specs"));
    copy_library_crates(root, to);
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Writes the root manifest of a scratch workspace at `to`, with
/// `members` in place of the real ones, and the real lock file beside it.
pub fn scratch_manifest(to: &Path, members: &str) {
    let root = workspace_root();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let real = r#"members = ["crates/*", "xtask", "tests", "tests/fixtures/*", "bench"]"#;
    assert!(manifest.contains(real), "the workspace members changed");
    std::fs::create_dir_all(to).unwrap();
    std::fs::write(
        to.join("Cargo.toml"),
        manifest.replace(real, &format!("members = {members}")),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), to.join("Cargo.lock")).unwrap();
}

/// `cargo xtask <args> --root <root>`, through the built binary.
pub fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

/// Makes `target/scratch/<name>` an exact copy of `stage` and returns it.
///
/// A scratch workspace is assembled afresh in a temporary directory, then
/// mirrored here: a file whose content did not change keeps its
/// modification time, so cargo, which judges sources by it, rebuilds only
/// what a change touched instead of every copied crate on every run.
/// (Scratch workspaces share `target/user-crates`; a crate copied into two
/// of them at the same relative path must be the same in both, as the
/// runtime is, or be built with other features, for cargo tells them apart
/// by that path and their features only.)
pub fn persist(stage: &Path, name: &str) -> PathBuf {
    let dir = workspace_root().join("target/scratch").join(name);
    mirror(stage, &dir);
    dir
}

fn mirror(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let mut wanted = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        wanted.insert(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if target.is_file() {
                std::fs::remove_file(&target).unwrap();
            }
            mirror(&entry.path(), &target);
        } else {
            let content = std::fs::read(entry.path()).unwrap();
            if target.is_dir() {
                std::fs::remove_dir_all(&target).unwrap();
            }
            if std::fs::read(&target).ok().as_deref() != Some(content.as_slice()) {
                std::fs::write(&target, content).unwrap();
            }
        }
    }
    for entry in std::fs::read_dir(to).unwrap() {
        let entry = entry.unwrap();
        if !wanted.contains(&entry.file_name()) {
            let path = entry.path();
            if path.is_dir() {
                std::fs::remove_dir_all(path).unwrap();
            } else {
                std::fs::remove_file(path).unwrap();
            }
        }
    }
}

/// `cargo <args>` in `dir`, building in `target/user-crates`: a target
/// directory of its own, since the scratch crates have the names and
/// relative paths of the workspace's own and cargo tells two builds of a
/// crate apart by those and its features only. Incremental from one run
/// to the next (see [`persist`]).
pub fn cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .current_dir(dir)
        .args(args)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/user-crates"),
        )
        .env_remove("RUSTFLAGS")
        // Scratch crates are checked, not edited: incremental state would
        // only take room (a quarter of the directory).
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .unwrap()
}

/// Panics with the output's error stream unless it succeeded.
pub fn succeeded(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `cargo xtask <args> --root <root>`: its exit code, output and errors.
pub fn xtask_outcome(root: &Path, args: &[&str]) -> (i32, String, String) {
    let output = xtask(root, args);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Every file under `root/crates` with its contents and modification
/// time: what a refused spec must leave as it was.
pub fn tree(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    let mut files = BTreeMap::new();
    let mut pending = vec![root.join("crates")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let modified = path.metadata().unwrap().modified().unwrap();
                files.insert(path.clone(), (std::fs::read(&path).unwrap(), modified));
            }
        }
    }
    files
}
