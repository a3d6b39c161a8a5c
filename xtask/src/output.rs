//! Writing generated files safely, and comparing them with what is on disk.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::codegen::{Destination, GeneratedFile};

/// The `generated-from` spec a crate's manifest names, if the generator
/// wrote it: what tells a generated crate from a hand-written one.
fn generated_from(manifest: &str) -> Option<&str> {
    let metadata = manifest.split("[package.metadata.interlocutor]").nth(1)?;
    metadata
        .lines()
        .find_map(|line| line.trim().strip_prefix("generated-from = \""))
        .and_then(|rest| rest.strip_suffix('"'))
}

/// The package name a manifest declares.
fn package_name(manifest: &str) -> Option<&str> {
    manifest
        .lines()
        .find_map(|line| line.trim().strip_prefix("name = \""))
        .and_then(|rest| rest.strip_suffix('"'))
}

/// Refuses, before anything is written, specs that would write where they
/// must not: two specs for one package (`foo.yaml` and `foo.yml`, or a
/// fixture named like a spec), a spec whose crate directory holds a crate
/// the generator did not write (`specs/interlocutor-runtime.yaml`), or
/// whose package name is taken by one (`specs/runtime.yaml` would be
/// `interlocutor-runtime`).
pub fn check_targets(root: &Path, specs: &[(Destination, PathBuf)]) -> Result<(), String> {
    let mut problems = Vec::new();
    // Each package with the specs that would generate it: (shown, where, stem).
    type Source = (String, Destination, String);
    let mut by_package: std::collections::BTreeMap<String, Vec<Source>> = Default::default();
    for (destination, spec) in specs {
        let stem = spec
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let shown = format!(
            "{}/{}",
            destination.specs(),
            spec.file_name().unwrap_or_default().to_string_lossy()
        );
        by_package
            .entry(format!("{}{stem}", crate::codegen::CRATE_PREFIX))
            .or_default()
            .push((shown, *destination, stem));
    }
    let mut hand_written: std::collections::BTreeMap<String, String> = Default::default();
    for member in ["tests", "bench", "xtask"] {
        if let Ok(text) = std::fs::read_to_string(root.join(member).join("Cargo.toml"))
            && let Some(name) = package_name(&text)
        {
            hand_written.insert(name.to_owned(), member.to_owned());
        }
    }
    if let Ok(entries) = std::fs::read_dir(root.join("crates")) {
        for entry in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path().join("Cargo.toml")) else {
                continue;
            };
            if generated_from(&text).is_none()
                && let Some(name) = package_name(&text)
            {
                let shown = format!("crates/{}", entry.file_name().to_string_lossy());
                hand_written.insert(name.to_owned(), shown);
            }
        }
    }
    for (package, sources) in &by_package {
        let (first, destination, stem) = &sources[0];
        let crate_dir = destination.crates();
        if sources.len() > 1 {
            let shown: Vec<&str> = sources.iter().map(|(shown, ..)| shown.as_str()).collect();
            problems.push(if sources.iter().all(|(_, other, _)| other == destination) {
                format!(
                    "{} would all generate {crate_dir}/{stem}; keep one",
                    shown.join(" and ")
                )
            } else {
                format!(
                    "{} share a name, so both would be the package `{package}`; rename the fixture",
                    shown.join(" and ")
                )
            });
            continue;
        }
        let dir = root.join(crate_dir).join(stem);
        if dir.exists() {
            let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
            if generated_from(&manifest).is_none() {
                problems.push(format!(
                    "{first}: would write into {crate_dir}/{stem}, which holds files the generator \
                     did not write (its Cargo.toml has no `generated-from`); rename the spec"
                ));
                continue;
            }
        }
        if let Some(owner) = hand_written.get(package) {
            problems.push(format!(
                "{first}: would generate the package `{package}`, the name of the hand-written \
                 {owner}; rename the spec"
            ));
        }
    }
    nothing_written_unless_none(&problems)
}

/// All the problems at once, so one run shows everything to fix before
/// anything is written.
pub fn nothing_written_unless_none(problems: &[String]) -> Result<(), String> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\nnothing was written.",
            problems.join("\nerror: ")
        ))
    }
}

/// Generated crates whose spec is gone: their `Cargo.toml` says they were
/// generated from a spec file that no longer exists.
pub fn orphaned_crates(root: &Path, specs: &[(Destination, PathBuf)]) -> Vec<PathBuf> {
    let mut orphans = Vec::new();
    for destination in Destination::ALL {
        let Ok(entries) = std::fs::read_dir(root.join(destination.crates())) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path().join("Cargo.toml")) else {
                continue;
            };
            let Some(source) = generated_from(&text) else {
                continue;
            };
            if !specs.iter().any(|(_, spec)| spec == &root.join(source)) {
                orphans.push(
                    entry
                        .path()
                        .strip_prefix(root)
                        .unwrap_or(&entry.path())
                        .to_path_buf(),
                );
            }
        }
    }
    orphans.sort();
    orphans
}

/// Writes every file whose contents changed and removes orphaned crates.
/// All new contents go to temporary files first and are renamed into place
/// only once every one is written, so a failure (a full disk) leaves the
/// tree as it was rather than a crate half old, half new. Returns how many
/// files changed.
pub fn write_all(
    root: &Path,
    files: &[GeneratedFile],
    orphans: &[PathBuf],
) -> Result<usize, String> {
    let changed: Vec<&GeneratedFile> = files
        .iter()
        .filter(|file| {
            std::fs::read_to_string(root.join(&file.path))
                .ok()
                .as_deref()
                != Some(file.contents.as_str())
        })
        .collect();
    for file in &changed {
        no_links_on_the_way(root, &file.path)?;
    }
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let stage = |file: &GeneratedFile| -> Result<(PathBuf, PathBuf), String> {
        let path = root.join(&file.path);
        let parent = path
            .parent()
            .expect("generated files live in a crate directory");
        std::fs::create_dir_all(parent)
            .map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
        // The whole name kept: `apis.rs` and `apis.md` must not share one.
        let mut temporary = path.clone().into_os_string();
        temporary.push(".xtask-tmp");
        let temporary = PathBuf::from(temporary);
        std::fs::write(&temporary, &file.contents)
            .map_err(|error| format!("cannot write {}: {error}", temporary.display()))?;
        Ok((temporary, path))
    };
    for file in &changed {
        match stage(file) {
            Ok(pair) => staged.push(pair),
            Err(error) => {
                for (temporary, _) in &staged {
                    let _ = std::fs::remove_file(temporary);
                }
                return Err(format!("{error}; nothing was written"));
            }
        }
    }
    for ((temporary, path), file) in staged.iter().zip(&changed) {
        std::fs::rename(temporary, path)
            .map_err(|error| format!("cannot replace {}: {error}", path.display()))?;
        println!("wrote {}", file.path.display());
    }
    for orphan in orphans {
        std::fs::remove_dir_all(root.join(orphan))
            .map_err(|error| format!("cannot remove {}: {error}", orphan.display()))?;
        println!("removed {} (its spec is gone)", orphan.display());
    }
    Ok(changed.len() + orphans.len())
}

/// Refuses to write `relative` if any directory on the way to it under
/// `root`, or the file itself, is a symbolic link: through one, a generated
/// file would land in a hand-written crate or outside the workspace.
fn no_links_on_the_way(root: &Path, relative: &Path) -> Result<(), String> {
    let mut at = root.to_path_buf();
    for component in relative.components() {
        at.push(component);
        match std::fs::symlink_metadata(&at) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                return Err(format!(
                    "{} is a symbolic link; the generator does not write through links (it \
                     would write to {}); replace the link with a directory or remove it\n\
                     nothing was written.",
                    at.strip_prefix(root).unwrap_or(&at).display(),
                    at.canonicalize()
                        .map(|target| target.display().to_string())
                        .unwrap_or_else(|_| "a place that does not exist".to_owned())
                ));
            }
            Ok(_) => {}
            // Not there yet: created as a plain directory or file.
            Err(_) => break,
        }
    }
    Ok(())
}

/// A unified diff of every stale file, empty when everything is current.
pub fn check_all(
    root: &Path,
    files: &[GeneratedFile],
    orphans: &[PathBuf],
) -> Result<String, String> {
    let mut report = String::new();
    for file in files {
        let path = root.join(&file.path);
        let current = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(error) => return Err(format!("cannot read {}: {error}", path.display())),
        };
        if current == file.contents {
            continue;
        }
        let shown = file.path.display().to_string().replace('\\', "/");
        let diff = TextDiff::from_lines(&current, &file.contents);
        let _ = write!(
            report,
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
        );
    }
    for orphan in orphans {
        let _ = writeln!(
            report,
            "{} was generated from a spec that no longer exists",
            orphan.display()
        );
    }
    Ok(report)
}
