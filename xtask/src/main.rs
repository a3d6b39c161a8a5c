//! `cargo xtask`: maintainer tasks for the Interlocutor workspace.
//!
//! `cargo xtask generate` turns every `specs/*.yaml` into a client crate
//! under `crates/`, writes the facade's wiring (`facade.rs`: its manifest,
//! `src/apis.rs`, `src/apis.md`, `src/examples.md`,
//! `src/providers/mod.rs`) and the command line's operations (`cli.rs`),
//! and turns every `tests/fixture-specs/*.yaml` into an unpublished crate
//! under `tests/fixtures/` for the wire tests;
//! `cargo xtask generate --check` verifies that what is checked in is what
//! the specs produce, printing a diff when it is not. `cargo xtask bench`
//! times the generator and runs the client benchmark.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::Destination;

mod checks;
mod cli;
mod client;
mod codegen;
mod facade;
mod files;
mod mocks;
mod model;
mod names;
mod output;
/// The runtime's pattern compiler, so the generator accepts exactly what
/// the runtime runs.
#[path = "../../crates/interlocutor-runtime/src/pattern.rs"]
mod pattern;
mod rewrite;
mod runtime;
mod spec;
mod surface;
mod webhooks;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  generate           regenerate every client crate from specs/*.yaml, the facade's and
                     the command line's generated files, and the test fixtures from
                     tests/fixture-specs/*.yaml
  generate --check   fail with a diff if a generated file is stale; write nothing
  bench              time `generate` on the specs, then run the client benchmark
                     (interlocutor-bench, release build) and print its figures

options:
  --root DIR         the workspace to work on (default: this one)
";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut root = workspace_root();
    if let Some(at) = args.iter().position(|arg| arg == "--root") {
        if at + 1 >= args.len() {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
        root = PathBuf::from(args.remove(at + 1));
        args.remove(at);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["generate"] => generate(&root, Mode::Write),
        ["generate", "--check"] => generate(&root, Mode::Check),
        ["bench"] => bench(&root),
        ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Write,
    Check,
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Generates every crate in memory first, so that one bad spec leaves the
/// tree untouched, then writes (or compares) the files.
fn generate(root: &Path, mode: Mode) -> Result<(), String> {
    let plan = plan(root)?;
    match mode {
        Mode::Write => {
            let changed = output::write_all(root, &plan.files, &plan.orphans)?;
            println!(
                "generated {} crate(s) from specs/ and {} fixture(s) from {}/; {changed} \
                 file(s) changed",
                plan.specs,
                plan.fixtures,
                Destination::Fixture.specs()
            );
            Ok(())
        }
        Mode::Check => {
            let report = output::check_all(root, &plan.files, &plan.orphans)?;
            if report.is_empty() {
                println!(
                    "generated code is up to date with {} spec(s) and {} fixture spec(s)",
                    plan.specs, plan.fixtures
                );
                Ok(())
            } else {
                print!("{report}");
                Err(
                    "generated code is stale: run `cargo xtask generate` and commit the result"
                        .to_owned(),
                )
            }
        }
    }
}

/// `cargo xtask bench`: how long `generate` takes on the specs (computed
/// in memory, as `--check` does, so the tree is not touched), then the
/// client benchmark in a release build. Figures only: nothing is asserted.
fn bench(root: &Path) -> Result<(), String> {
    const RUNS: usize = 20;
    let mut times = Vec::with_capacity(RUNS);
    let (mut specs, mut fixtures) = (0, 0);
    for _ in 0..RUNS {
        let started = std::time::Instant::now();
        let plan = plan(root)?;
        times.push(started.elapsed());
        (specs, fixtures) = (plan.specs, plan.fixtures);
    }
    times.sort_unstable();
    println!(
        "xtask generate: {specs} specs and {fixtures} fixture specs in {:.1} ms (median of \
         {RUNS}; fastest {:.1} ms)\n",
        times[RUNS / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
    );
    let status = std::process::Command::new(env!("CARGO"))
        .current_dir(root)
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "interlocutor-bench",
        ])
        .status()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("the benchmark failed".to_owned())
    }
}

/// Everything `generate` would write, computed without touching the tree.
struct Plan {
    specs: usize,
    fixtures: usize,
    files: Vec<codegen::GeneratedFile>,
    orphans: Vec<PathBuf>,
}

fn plan(root: &Path) -> Result<Plan, String> {
    let mut specs = Vec::new();
    for destination in Destination::ALL {
        let found = files::find_specs(root, destination)?;
        specs.extend(found.into_iter().map(|path| (destination, path)));
    }
    let count = |wanted: Destination| specs.iter().filter(|(d, _)| *d == wanted).count();
    let (clients, fixtures) = (count(Destination::Client), count(Destination::Fixture));
    if clients == 0 {
        return Err("no specs/*.yaml found: nothing to generate".to_owned());
    }
    output::check_targets(root, &specs)?;
    let mut files = Vec::new();
    let mut apis = Vec::new();
    let mut errors = Vec::new();
    for (destination, spec_path) in &specs {
        match codegen::generate_crate(root, spec_path, *destination) {
            Ok((crate_files, api)) => {
                files.extend(crate_files);
                apis.extend(api);
            }
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(format!(
            "{}\nnothing was written.",
            errors.join("\n\nerror: ")
        ));
    }
    files.extend(facade::generate(root, &apis)?);
    // The command line, where the workspace has one.
    if root.join(cli::CLI).join("Cargo.toml").is_file() {
        let parts: Vec<_> = apis.iter().map(|api| api.cli.clone()).collect();
        files.push(codegen::GeneratedFile {
            path: Path::new(cli::CLI).join("src/operations.rs"),
            contents: cli::file(&parts)?,
        });
    }
    Ok(Plan {
        specs: clients,
        fixtures,
        orphans: output::orphaned_crates(root, &specs),
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace with Bird's spec alone: what these tests check needs
    /// one spec, and each `generate` then does a third of the work.
    fn scratch() -> tempfile::TempDir {
        scratch_with(&["bird-conversations.yaml"])
    }

    fn scratch_with(specs: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("specs")).unwrap();
        for spec in specs {
            std::fs::copy(
                workspace_root().join("specs").join(spec),
                dir.path().join("specs").join(spec),
            )
            .unwrap();
        }
        dir
    }

    fn read(root: &Path, path: &str) -> String {
        std::fs::read_to_string(root.join(path)).unwrap()
    }

    #[test]
    fn checked_in_crates_match_the_specs() {
        let plan = plan(&workspace_root()).unwrap();
        let report = output::check_all(&workspace_root(), &plan.files, &plan.orphans).unwrap();
        assert!(report.is_empty(), "run `cargo xtask generate`:\n{report}");
    }

    #[test]
    fn output_is_deterministic() {
        let root = scratch();
        generate(root.path(), Mode::Write).unwrap();
        let first = read(root.path(), "crates/bird-conversations/src/generated.rs");
        let again = plan(root.path()).unwrap();
        for file in &again.files {
            assert_eq!(
                read(root.path(), file.path.to_str().unwrap()),
                file.contents,
                "{} differs between two runs",
                file.path.display()
            );
        }
        assert!(first.contains("pub struct ConversationUpdate"));
    }

    /// A fixture spec would be a package of the same name as a client's.
    #[test]
    fn a_fixture_named_like_a_spec_is_refused() {
        let root = scratch();
        let fixtures = root.path().join(Destination::Fixture.specs());
        std::fs::create_dir_all(&fixtures).unwrap();
        std::fs::copy(
            root.path().join("specs/bird-conversations.yaml"),
            fixtures.join("bird-conversations.yaml"),
        )
        .unwrap();
        let Err(error) = plan(root.path()) else {
            panic!("the fixture was accepted");
        };
        assert!(
            error.contains(
                "specs/bird-conversations.yaml and tests/fixture-specs/bird-conversations.yaml \
                 share a name, so both would be the package `interlocutor-bird-conversations`"
            ),
            "{error}"
        );
        assert!(error.ends_with("nothing was written."), "{error}");

        // A fixture refused unread is named where it is.
        std::fs::remove_file(fixtures.join("bird-conversations.yaml")).unwrap();
        std::fs::create_dir(fixtures.join("folder.yaml")).unwrap();
        let Err(error) = plan(root.path()) else {
            panic!("the folder was read as a spec");
        };
        assert!(
            error.starts_with("tests/fixture-specs/folder.yaml: is not a regular file"),
            "{error}"
        );
    }

    #[test]
    fn a_spec_edit_is_caught_by_check_then_generated() {
        let root = scratch();
        generate(root.path(), Mode::Write).unwrap();
        let spec_path = root.path().join("specs/bird-conversations.yaml");
        let spec = std::fs::read_to_string(&spec_path).unwrap();
        let anchor = "    ConversationUpdate:\n      type: object\n";
        let at = spec.find(anchor).unwrap();
        let properties =
            at + spec[at..].find("      properties:\n").unwrap() + "      properties:\n".len();
        // A property no spec has: the test must not depend on what a real
        // spec leaves out.
        let name = (0..)
            .map(|n| format!("interlocutorEditProbe{n}"))
            .find(|name| !spec.contains(name.as_str()))
            .unwrap();
        let edited = format!(
            "{}        {name}:\n          type: string\n          description: How urgent the conversation is.\n{}",
            &spec[..properties],
            &spec[properties..]
        );
        std::fs::write(&spec_path, edited).unwrap();

        let stale = plan(root.path()).unwrap();
        let report = output::check_all(root.path(), &stale.files, &stale.orphans).unwrap();
        assert!(
            report.contains("--- a/crates/bird-conversations/src/generated.rs"),
            "{report}"
        );
        let field = format!(
            "+        pub {}: ::std::option::Option<::std::string::String>,",
            names::rust_name(&name)
        );
        assert!(report.contains(&field), "{report}");
        assert!(generate(root.path(), Mode::Check).is_err());

        generate(root.path(), Mode::Write).unwrap();
        let code = read(root.path(), "crates/bird-conversations/src/generated.rs");
        assert!(code.contains("///How urgent the conversation is."));
        generate(root.path(), Mode::Check).unwrap();
    }

    #[test]
    fn bidirectional_controls_and_bare_carriage_returns_in_spec_text_stay_text() {
        let root = scratch();
        let spec_path = root.path().join("specs/bird-conversations.yaml");
        let spec = std::fs::read_to_string(&spec_path).unwrap();
        let hostile = "\"a \\u202E b\\rc \\u2066 d\\u001B[2J\"";
        let edited = spec
            .replacen("title: Bird Conversations", &format!("title: {hostile}"), 1)
            .replacen(
                "      summary: Update conversation\n",
                &format!("      summary: {hostile}\n"),
                1,
            )
            .replacen(
                "        name:\n",
                &format!("        name:\n          description: {hostile}\n"),
                1,
            );
        assert_ne!(spec, edited);
        std::fs::write(&spec_path, edited).unwrap();
        generate(root.path(), Mode::Write).unwrap();
        for file in ["src/generated.rs", "src/lib.rs"] {
            let code = read(root.path(), &format!("crates/bird-conversations/{file}"));
            for raw in ['\u{202e}', '\u{2066}', '\r', '\u{1b}'] {
                assert!(!code.contains(raw), "{file} holds {raw:?}");
            }
            syn::parse_file(&code).unwrap_or_else(|error| panic!("{file}: {error}"));
        }
        let code = read(root.path(), "crates/bird-conversations/src/generated.rs");
        assert!(code.contains("a \\u{202e} b"), "the text is kept, escaped");
    }

    #[test]
    fn a_bad_spec_writes_nothing() {
        let root = scratch();
        std::fs::write(
            root.path().join("specs/zz-broken.yaml"),
            "openapi: 3.1.0\ninfo: {title: Broken, version: '1'}\npaths: {}\n",
        )
        .unwrap();
        let error = generate(root.path(), Mode::Write).unwrap_err();
        assert!(
            error.starts_with("specs/zz-broken.yaml: `openapi: 3.1.0` is not supported"),
            "{error}"
        );
        assert!(error.ends_with("nothing was written."), "{error}");
        assert!(!root.path().join("crates").exists());
    }

    #[test]
    fn a_progenitor_panic_becomes_an_error_naming_the_spec() {
        let root = scratch();
        let spec_path = root.path().join("specs/bird-conversations.yaml");
        let spec = std::fs::read_to_string(&spec_path).unwrap();
        let edited = spec.replace(
            "        platformStyle:\n          type: string\n",
            "        platformStyle:\n          not:\n            type: object\n            properties:\n              a: {type: string}\n",
        );
        assert_ne!(spec, edited);
        std::fs::write(&spec_path, edited).unwrap();
        let error = generate(root.path(), Mode::Write).unwrap_err();
        assert!(
            error.starts_with("specs/bird-conversations.yaml: progenitor stopped on a construct it does not support"),
            "{error}"
        );
        assert!(!root.path().join("crates").exists());
    }

    #[test]
    fn a_crate_whose_spec_is_gone_is_reported_then_removed() {
        let root = scratch_with(&["bird-conversations.yaml", "twilio-conversations-v2.yaml"]);
        generate(root.path(), Mode::Write).unwrap();
        std::fs::remove_file(root.path().join("specs/bird-conversations.yaml")).unwrap();
        let stale = plan(root.path()).unwrap();
        let report = output::check_all(root.path(), &stale.files, &stale.orphans).unwrap();
        assert_eq!(
            report,
            "crates/bird-conversations was generated from a spec that no longer exists\n"
        );
        generate(root.path(), Mode::Write).unwrap();
        assert!(!root.path().join("crates/bird-conversations").exists());
        assert!(root.path().join("crates/twilio-conversations-v2").exists());
        generate(root.path(), Mode::Check).unwrap();
    }
}
