//! What the xtask integration tests share: the workspace, scratch copies
//! of it, and running the generator or cargo on them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The workspace this xtask belongs to.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits below the root")
        .to_path_buf()
}

/// The sources the facade and the clients need, copied to `to`: the root
/// manifest (with `crates/*` as its only members), the lock file, the specs
/// and `crates/` without the command line (`interlocutor-cli`), whose
/// tests use the workspace's own test helpers, which are not copied.
pub fn copy_workspace(to: &Path) {
    let root = workspace_root();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let real = r#"members = ["crates/*", "xtask", "tests", "tests/fixtures/*", "bench"]"#;
    assert!(manifest.contains(real), "the workspace members changed");
    std::fs::create_dir_all(to).unwrap();
    std::fs::write(
        to.join("Cargo.toml"),
        manifest.replace(real, r#"members = ["crates/*"]"#),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), to.join("Cargo.lock")).unwrap();
    copy_dir(&root.join("specs"), &to.join("specs"));
    copy_dir(&root.join("crates"), &to.join("crates"));
    std::fs::remove_dir_all(to.join("crates/interlocutor-cli")).unwrap();
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

/// The workspace's own target directory: where the xtask binary these
/// tests run was built (`<target>/<profile>/xtask`), wherever
/// `CARGO_TARGET_DIR` or a config put it. (Scratch builds use the dev
/// profile: after `cargo test --release` they build its dependencies once
/// in `<target>/debug`.)
fn target_dir() -> PathBuf {
    let exe = Path::new(env!("CARGO_BIN_EXE_xtask"));
    exe.parent()
        .and_then(Path::parent)
        .expect("the xtask binary sits in <target>/<profile>/")
        .to_path_buf()
}

/// Variables `cargo test` sets for a test process, which a build script
/// may watch (`ring`'s watches `CARGO_MANIFEST_DIR` and `CARGO_PKG_*`):
/// a nested cargo that saw them would rerun that script and rebuild what
/// depends on it, here and again in the workspace's next build.
fn is_set_for_tests(name: &str) -> bool {
    const EXACT: [&str; 8] = [
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_MANIFEST_LINKS",
        "CARGO_CRATE_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_TARGET_TMPDIR",
        "CARGO_RUSTC_CURRENT_DIR",
        "OUT_DIR",
    ];
    EXACT.contains(&name) || name.starts_with("CARGO_PKG_") || name.starts_with("CARGO_BIN_")
}

/// Makes `dir` the root of a user's workspace: `manifest` (its package or
/// `[workspace]` table) with the workspace's `[profile.*]` tables and lock
/// file, since cargo reuses a compiled dependency only when it was built
/// with the same settings and version.
pub fn user_workspace(dir: &Path, manifest: &str) {
    let root = workspace_root();
    let real = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let profiles = real
        .find("\n[profile.")
        .map(|start| &real[start..])
        .expect("the workspace's manifest sets its profiles");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("Cargo.toml"), format!("{manifest}{profiles}")).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

/// `cargo build --quiet --package <package>` in `dir`, building in the
/// workspace's own target directory, so that the scratch crates reuse
/// every dependency the workspace compiled with the same features, and
/// compile only their own crates and what they need with other features
/// (a user's `tokio` line, a build without TLS).
///
/// The copied crates have the workspace's crate names, and cargo tells
/// two builds of a path crate apart by its path relative to the root of
/// the workspace that builds it (its absolute path when it lies outside
/// that root): so the crates that are built (a user's) are a workspace of
/// their own beside the copies in `copied`, never among them, and the
/// copies, outside its root, can never take the place of the workspace's
/// own `crates/…` in the shared directory.
///
/// `RUSTFLAGS` is passed on as it is, since dependencies built with other
/// flags would not be reused: with `-D warnings` a warning in a copy or
/// in a README example fails these tests too.
///
/// Only the generated clients keep incremental state: a spec edit changes
/// them and nothing else, and the state of every copy of the runtime and
/// the facade would only take room.
pub fn build(dir: &Path, package: &str, copied: &Path) -> Output {
    let mut command = Command::new(env!("CARGO"));
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_set_for_tests) {
            command.env_remove(name);
        }
    }
    command.args(["build", "--quiet", "--package", package]);
    command.args(["--config", "profile.dev.incremental=false"]);
    for client in generated_clients(copied) {
        command.args([
            "--config",
            &format!("profile.dev.package.{client}.incremental=true"),
        ]);
    }
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap()
}

/// The package names of the generated clients among `crates` (those with
/// a `src/generated.rs`).
fn generated_clients(crates: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(crates).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("src/generated.rs").exists() {
            continue;
        }
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        let name = manifest
            .lines()
            .find_map(|line| line.strip_prefix("name = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .expect("a generated manifest names its package");
        names.push(name.to_owned());
    }
    names
}

/// The `<name> = ...` line the README gives for a dependency (`tokio` in
/// its `[dependencies]` block, `axum` beside the webhook handler).
pub fn readme_dependency(readme: &str, name: &str) -> String {
    readme
        .lines()
        .find(|line| line.starts_with(&format!("{name} = ")))
        .unwrap_or_else(|| panic!("the README names no `{name} = ...` dependency"))
        .to_owned()
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

/// A scratch workspace for the generator's refusals and guards: Twilio
/// v2's spec (each case needs one spec, and then each `generate` is a
/// fraction of the real one) and a copy of the hand-written runtime crate
/// (something that must stay untouched), with `generate` run on them.
///
/// It is generated once per test process and written out afresh for
/// each caller: every case starts from the same files, and does not pay
/// for the same `generate` again.
pub fn generated_scratch() -> tempfile::TempDir {
    static GENERATED: OnceLock<Vec<(PathBuf, Vec<u8>)>> = OnceLock::new();
    let files = GENERATED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = workspace_root();
        std::fs::create_dir_all(dir.path().join("specs")).unwrap();
        std::fs::copy(
            root.join("specs/twilio-conversations-v2.yaml"),
            dir.path().join("specs/twilio-conversations-v2.yaml"),
        )
        .unwrap();
        copy_dir(
            &root.join("crates/interlocutor-runtime"),
            &dir.path().join("crates/interlocutor-runtime"),
        );
        let (code, _, stderr) = xtask_outcome(dir.path(), &["generate"]);
        assert_eq!(code, 0, "{stderr}");
        files_below(dir.path())
            .into_iter()
            .map(|path| {
                let contents = std::fs::read(&path).unwrap();
                (
                    path.strip_prefix(dir.path()).unwrap().to_path_buf(),
                    contents,
                )
            })
            .collect()
    });
    let dir = tempfile::tempdir().unwrap();
    for (relative, contents) in files {
        let path = dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    dir
}

/// Runs `generate` expecting a refusal that leaves `crates/` untouched;
/// returns the error output.
pub fn refused(root: &Path) -> String {
    let before = tree(root);
    let (code, stdout, stderr) = xtask_outcome(root, &["generate"]);
    assert_eq!(code, 1, "stdout: {stdout}\nstderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.trim_end().ends_with("nothing was written."),
        "{stderr}"
    );
    assert_eq!(before, tree(root), "a refused spec must not touch any file");
    stderr
}

/// Every file under `root/crates` with its contents and modification
/// time: what a refused spec must leave as it was.
pub fn tree(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    files_below(&root.join("crates"))
        .into_iter()
        .map(|path| {
            let modified = path.metadata().unwrap().modified().unwrap();
            let contents = std::fs::read(&path).unwrap();
            (path, (contents, modified))
        })
        .collect()
}

/// The paths of every file below `dir`.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}
