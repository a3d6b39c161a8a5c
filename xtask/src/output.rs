//! Writing generated files safely, and comparing them with what is on disk.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::codegen::GeneratedFile;

/// Generated crates whose spec is gone: their `Cargo.toml` says they were
/// generated from a spec file that no longer exists.
pub fn orphaned_crates(root: &Path, specs: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let crates_dir = root.join("crates");
    let Ok(entries) = std::fs::read_dir(&crates_dir) else {
        return Ok(Vec::new());
    };
    let mut orphans = Vec::new();
    for entry in entries.flatten() {
        let manifest = entry.path().join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let Some(source) = text
            .lines()
            .find_map(|line| line.strip_prefix("generated-from = \""))
            .and_then(|rest| rest.strip_suffix('"'))
        else {
            continue;
        };
        if !specs.iter().any(|spec| spec == &root.join(source)) {
            orphans.push(
                entry
                    .path()
                    .strip_prefix(root)
                    .unwrap_or(&entry.path())
                    .to_path_buf(),
            );
        }
    }
    orphans.sort();
    Ok(orphans)
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
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let stage = |file: &GeneratedFile| -> Result<(PathBuf, PathBuf), String> {
        let path = root.join(&file.path);
        let parent = path
            .parent()
            .expect("generated files live in a crate directory");
        std::fs::create_dir_all(parent)
            .map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
        let temporary = path.with_extension("xtask-tmp");
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
