//! Finding and reading spec files: only regular files inside the
//! workspace, bounded in size, in a stable order.

use std::path::{Path, PathBuf};

use crate::codegen::Destination;

/// The largest spec read: Twilio's biggest published description is under
/// 1 MiB; anything near this is a mistake (or `/dev/zero`).
pub const MAX_SPEC_BYTES: u64 = 16 * 1024 * 1024;

/// The spec files of `destination` under `root`, sorted, so output never
/// depends on directory order: every `*.yaml` or `*.yml` (in any case)
/// that is a regular file inside the workspace, under the size limit.
/// Anything else named like a spec (a FIFO, a directory, a link out of the
/// workspace, a huge file) is refused by name, never read. A folder that
/// is not there holds none.
pub fn find_specs(root: &Path, destination: Destination) -> Result<Vec<PathBuf>, String> {
    let dir = root.join(destination.specs());
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(&dir)
        .map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    let workspace = root
        .canonicalize()
        .map_err(|error| format!("cannot resolve the workspace {}: {error}", root.display()))?;
    let mut specs = Vec::new();
    let mut refused = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|error| format!("cannot read {}: {error}", dir.display()))?
            .path();
        let is_spec = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        if !is_spec {
            continue;
        }
        let shown = format!(
            "{}/{}",
            destination.specs(),
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        match readable(&path, &workspace) {
            Ok(()) => specs.push(path),
            Err(problem) => refused.push(format!("{shown}: {problem}")),
        }
    }
    if !refused.is_empty() {
        return Err(format!(
            "{}\nnothing was written.",
            refused.join("\nerror: ")
        ));
    }
    specs.sort();
    Ok(specs)
}

/// Why `path` cannot be read as a spec, if it cannot.
fn readable(path: &Path, workspace: &Path) -> Result<(), String> {
    // Where it really is, through any link on the way (the file, or
    // `specs/` itself): inside the workspace, or refused.
    let target = path
        .canonicalize()
        .map_err(|error| format!("cannot be resolved (a broken link?): {error}"))?;
    if !target.starts_with(workspace) {
        return Err(format!(
            "is {}, outside the workspace (through a symbolic link); refused, not read (copy \
             the spec in)",
            target.display()
        ));
    }
    let metadata = std::fs::metadata(path).map_err(|error| format!("cannot read: {error}"))?;
    if !metadata.is_file() {
        return Err(
            "is not a regular file (a directory, a FIFO or a device); refused, not read".to_owned(),
        );
    }
    if metadata.len() > MAX_SPEC_BYTES {
        return Err(format!(
            "is {} bytes, over the limit of {MAX_SPEC_BYTES}; refused, not read",
            metadata.len()
        ));
    }
    Ok(())
}

/// The text of a spec, read with the size limit enforced while reading
/// (the file may have grown since it was listed).
pub(crate) fn read_spec(path: &Path) -> Result<String, String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|error| format!("cannot read: {error}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_SPEC_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot read: {error}"))?;
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        return Err(format!("is over the limit of {MAX_SPEC_BYTES} bytes"));
    }
    let text = String::from_utf8(bytes).map_err(|_| "is not UTF-8 text".to_owned())?;
    // A byte order mark is not part of the YAML document.
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
}
