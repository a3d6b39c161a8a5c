//! `cargo xtask`: maintainer tasks for the Interlocutor workspace.
//!
//! `cargo xtask generate` turns every `specs/*.yaml` into a client crate
//! under `crates/`; `cargo xtask generate --check` verifies that what is
//! checked in is what the specs produce, printing a diff when it is not.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod codegen;
mod output;
mod spec;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  generate           regenerate every client crate from specs/*.yaml
  generate --check   fail with a diff if a generated file is stale; write nothing
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["generate"] => generate(&workspace_root(), Mode::Write),
        ["generate", "--check"] => generate(&workspace_root(), Mode::Check),
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
    let specs = spec::find_specs(&root.join("specs"))?;
    if specs.is_empty() {
        return Err("no specs/*.yaml found: nothing to generate".to_owned());
    }
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for spec_path in &specs {
        match codegen::generate_crate(root, spec_path) {
            Ok(crate_files) => files.extend(crate_files),
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(format!(
            "{}\nnothing was written.",
            errors.join("\n\nerror: ")
        ));
    }
    let stale_crates = output::orphaned_crates(root, &specs)?;
    match mode {
        Mode::Write => {
            let changed = output::write_all(root, &files, &stale_crates)?;
            println!(
                "generated {} crate(s) from {} spec(s); {changed} file(s) changed",
                specs.len(),
                specs.len()
            );
            Ok(())
        }
        Mode::Check => {
            let report = output::check_all(root, &files, &stale_crates)?;
            if report.is_empty() {
                println!("generated code is up to date with {} spec(s)", specs.len());
                Ok(())
            } else {
                print!("{report}");
                Err("generated code is stale: run `cargo xtask generate` and commit the result"
                    .to_owned())
            }
        }
    }
}
