//! The facade's wiring, generated from every spec: adding an API is one
//! spec file and `cargo xtask generate`.
//!
//! Two files of `crates/interlocutor` are written here, never by hand:
//! `Cargo.toml` (from the hand-written `Cargo.template.toml`, plus one
//! feature and one optional dependency per API) and `src/apis.rs` (one
//! module per provider re-exporting its clients beside the provider's
//! hand-written helpers in `src/providers/<provider>.rs`, if any). Both
//! are covered by `--check`. (Each API's error body is wired into the one
//! error in its own crate: see `client::error_impls`.)

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::codegen::GeneratedFile;
use crate::spec::Wiring;

/// One generated client, as the facade sees it.
#[derive(Clone)]
pub struct Api {
    /// `interlocutor-twilio-conversations-v2`.
    pub crate_name: String,
    /// `twilio-conversations-v2`, under `crates/`.
    pub dir: String,
    pub title: String,
    pub wiring: Wiring,
}

const FACADE: &str = "crates/interlocutor";
const FEATURES_MARKER: &str = "# @generated features";
const DEPENDENCIES_MARKER: &str = "# @generated dependencies";

/// The facade's generated files, or why they cannot be made. A workspace
/// without the facade (a scratch copy holding only clients) gets none.
pub fn generate(root: &Path, apis: &[Api]) -> Result<Vec<GeneratedFile>, String> {
    let template_path = root.join(FACADE).join("Cargo.template.toml");
    let Ok(template) = std::fs::read_to_string(&template_path) else {
        return Ok(Vec::new());
    };
    check_unique(apis)?;
    let version = workspace_version(root)?;
    Ok(vec![
        GeneratedFile {
            path: Path::new(FACADE).join("Cargo.toml"),
            contents: manifest(&template, apis, &version)?,
        },
        GeneratedFile {
            path: Path::new(FACADE).join("src/apis.rs"),
            contents: apis_rs(root, apis),
        },
    ])
}

/// Two APIs with one feature or one module path would not compile.
fn check_unique(apis: &[Api]) -> Result<(), String> {
    let mut features: BTreeMap<&str, &str> = BTreeMap::new();
    let mut modules: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    let mut problems = Vec::new();
    // A provider with several APIs gets a feature of its own name.
    let umbrellas: Vec<&str> = providers(apis)
        .into_iter()
        .filter(|(_, members)| members.len() > 1)
        .map(|(provider, _)| provider)
        .collect();
    for api in apis {
        let wiring = &api.wiring;
        if umbrellas.contains(&wiring.feature.as_str()) {
            problems.push(format!(
                "crates/{}: the feature name `{}` is the feature that turns on every `{}` API",
                api.dir, wiring.feature, wiring.feature
            ));
        }
        if let Some(other) = features.insert(&wiring.feature, &api.dir) {
            problems.push(format!(
                "specs for crates/{other} and crates/{} both ask for the feature `{}`; give one \
                 another `x-interlocutor.feature`",
                api.dir, wiring.feature
            ));
        }
        if let Some(other) = modules.insert((&wiring.provider, &wiring.module), &api.dir) {
            problems.push(format!(
                "specs for crates/{other} and crates/{} both ask for `interlocutor::{}::{}`; \
                 give one another `x-interlocutor.module`",
                api.dir, wiring.provider, wiring.module
            ));
        }
        // The features the facade's template declares itself.
        if [
            "default",
            "testing",
            "tracing",
            "schemars",
            "rustls",
            "native-tls",
        ]
        .contains(&wiring.feature.as_str())
        {
            problems.push(format!(
                "crates/{}: the feature name `{}` is the facade's own",
                api.dir, wiring.feature
            ));
        }
    }
    crate::output::nothing_written_unless_none(&problems)
}

/// `version` of `[workspace.package]`, for the path dependencies.
fn workspace_version(root: &Path) -> Result<String, String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|error| format!("cannot read Cargo.toml: {error}"))?;
    manifest
        .split("[workspace.package]")
        .nth(1)
        .and_then(|section| {
            section
                .lines()
                .take_while(|line| !line.starts_with('['))
                .find_map(|line| line.trim().strip_prefix("version = \""))
        })
        .and_then(|rest| rest.strip_suffix('"'))
        .map(str::to_owned)
        .ok_or_else(|| "Cargo.toml has no `version` in `[workspace.package]`".to_owned())
}

/// The features of each provider: an umbrella feature when it has several
/// APIs (and no API already has its name).
fn providers(apis: &[Api]) -> BTreeMap<&str, Vec<&Api>> {
    let mut providers: BTreeMap<&str, Vec<&Api>> = BTreeMap::new();
    for api in apis {
        providers.entry(&api.wiring.provider).or_default().push(api);
    }
    providers
}

fn umbrella<'a>(provider: &'a str, apis: &[&Api]) -> Option<&'a str> {
    let taken = apis.iter().any(|api| api.wiring.feature == provider);
    (apis.len() > 1 && !taken).then_some(provider)
}

fn manifest(template: &str, apis: &[Api], version: &str) -> Result<String, String> {
    let providers = providers(apis);
    let mut default = Vec::new();
    let mut features = String::new();
    for (provider, members) in &providers {
        match umbrella(provider, members) {
            Some(name) => {
                default.push(name.to_owned());
                let list: Vec<String> = members
                    .iter()
                    .map(|api| format!("{:?}", api.wiring.feature))
                    .collect();
                let _ = writeln!(features, "{name} = [{}]", list.join(", "));
            }
            None => default.extend(members.iter().map(|api| api.wiring.feature.clone())),
        }
        for api in members {
            let _ = writeln!(
                features,
                "{} = [\"dep:{}\"]",
                api.wiring.feature, api.crate_name
            );
        }
    }
    default.push("rustls".to_owned());
    default.push("tracing".to_owned());
    let schemars: Vec<String> = std::iter::once("\"interlocutor-runtime/schemars\"".to_owned())
        .chain(
            apis.iter()
                .map(|api| format!("\"{}?/schemars\"", api.crate_name)),
        )
        .collect();
    let _ = writeln!(
        features,
        "# `JsonSchema` for every request and response type.\nschemars = [{}]",
        schemars.join(", ")
    );
    let default: Vec<String> = default.iter().map(|f| format!("{f:?}")).collect();
    let features = format!("default = [{}]\n{features}", default.join(", "));
    let dependencies: String = apis
        .iter()
        .map(|api| {
            format!(
                "{} = {{ path = \"../{}\", version = \"{version}\", optional = true }}\n",
                api.crate_name, api.dir
            )
        })
        .collect();
    let replace = |text: &str, marker: &str, with: &str| -> Result<String, String> {
        let start = text
            .find(marker)
            .ok_or_else(|| format!("{FACADE}/Cargo.template.toml has no `{marker}` line"))?;
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |newline| start + newline + 1);
        Ok(format!("{}{with}{}", &text[..start], &text[end..]))
    };
    let body = template
        .split_once("\n[package]")
        .map(|(_, rest)| format!("[package]{rest}"))
        .unwrap_or_else(|| template.to_owned());
    let body = replace(&body, FEATURES_MARKER, &features)?;
    let body = replace(&body, DEPENDENCIES_MARKER, &dependencies)?;
    Ok(format!(
        "# @generated by `cargo xtask generate` from Cargo.template.toml and specs/. Do not edit.\n{body}"
    ))
}

fn apis_rs(root: &Path, apis: &[Api]) -> String {
    let mut out = String::from(
        "// @generated by `cargo xtask generate` from specs/. Do not edit.\n\
         //! One module per provider: its generated clients and its hand-written\n\
         //! helpers (`src/providers/<provider>.rs`).\n",
    );
    for (provider, members) in providers(apis) {
        let any: Vec<String> = members
            .iter()
            .map(|api| format!("feature = {:?}", api.wiring.feature))
            .collect();
        let cfg = match any.as_slice() {
            [only] => format!("#[cfg({only})]"),
            _ => format!("#[cfg(any({}))]", any.join(", ")),
        };
        let helpers = root
            .join(FACADE)
            .join(format!("src/providers/{provider}.rs"))
            .exists();

        let name = &members[0].wiring.provider_name;
        let titles: Vec<String> = members
            .iter()
            .map(|api| format!("`{}`", api.title))
            .collect();
        let doc = format!("{name}: the {} API clients.", titles.join(", "));
        let _ = write!(
            out,
            "\n#[doc = {}]\n{cfg}\npub mod {provider} {{\n",
            crate::codegen::rust_string(&doc)
        );
        if helpers {
            let _ = writeln!(
                out,
                "    #[doc(inline)]\n    pub use crate::providers::{provider}::*;"
            );
        }
        for api in &members {
            let _ = writeln!(
                out,
                "\n    #[doc = {}]\n    #[cfg(feature = {:?})]\n    #[doc(inline)]\n    pub use ::{} as {};",
                crate::codegen::rust_string(&format!("The {} API.", api.title)),
                api.wiring.feature,
                api.crate_name.replace('-', "_"),
                api.wiring.module,
            );
        }
        out.push_str("}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(dir: &str, provider: &str, module: &str, feature: &str) -> Api {
        Api {
            crate_name: format!("interlocutor-{dir}"),
            dir: dir.to_owned(),
            title: dir.to_owned(),
            wiring: Wiring {
                provider: provider.to_owned(),
                provider_name: provider.to_owned(),
                module: module.to_owned(),
                feature: feature.to_owned(),
                error_schema: None,
                error_code: None,
                error_message: None,
                error_more_info: None,
                error_details: None,
            },
        }
    }

    #[test]
    fn a_feature_named_like_a_providers_umbrella_or_the_facades_own_is_refused() {
        let twilio = [
            api("twilio-a", "twilio", "a", "twilio-a"),
            api("twilio-b", "twilio", "b", "twilio-b"),
        ];
        let mut clash = twilio.to_vec();
        clash.push(api("acme-tickets", "acme", "tickets", "twilio"));
        let error = check_unique(&clash).unwrap_err();
        assert!(
            error.contains(
                "the feature name `twilio` is the feature that turns on every `twilio` API"
            ),
            "{error}"
        );
        for own in [
            "default",
            "testing",
            "tracing",
            "schemars",
            "rustls",
            "native-tls",
        ] {
            let mut clash = twilio.to_vec();
            clash.push(api("acme-tickets", "acme", "tickets", own));
            let error = check_unique(&clash).unwrap_err();
            assert!(error.contains("is the facade's own"), "{own}: {error}");
        }
        // A provider with one API may name its feature after itself.
        let mut fine = twilio.to_vec();
        fine.push(api("bird-conversations", "bird", "conversations", "bird"));
        check_unique(&fine).unwrap();
    }
}
