//! The names typify and progenitor give schemas, properties and operations,
//! written once: every emitter names things through these.

/// The Rust name progenitor gives a parameter or method (typify's
/// `sanitize` in snake case).
pub fn rust_name(name: &str) -> String {
    use heck::ToSnakeCase;
    sanitize(name, |text| text.to_snake_case())
}

/// The Rust type name typify gives a component schema (`sanitize` in
/// Pascal case).
pub fn type_name(name: &str) -> String {
    use heck::ToPascalCase;
    sanitize(name, |text| text.to_pascal_case())
}

/// typify's `sanitize`: characters that cannot be in an identifier become
/// word breaks and the case is applied; a name that cannot start an
/// identifier gets `x` in front, and a keyword `_` behind (`type_`).
fn sanitize(name: &str, case: impl Fn(&str) -> String) -> String {
    let cleaned: String = name
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cased = case(&cleaned);
    let cased = match cased.chars().next() {
        Some(c) if c.is_alphabetic() || c == '_' => cased,
        _ => format!("{}{cased}", case("x")),
    };
    if syn::parse_str::<syn::Ident>(&cased).is_ok() {
        cased
    } else {
        format!("{cased}_")
    }
}

/// `statusCallbacks` → `StatusCallbacks`, `more_info` → `MoreInfo`: the
/// names typify gives inline types.
pub fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            let first = chars.next().expect("parts are not empty");
            first.to_ascii_uppercase().to_string() + chars.as_str()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_follow_progenitor() {
        assert_eq!(
            rust_name("PatchConversationById"),
            "patch_conversation_by_id"
        );
        assert_eq!(rust_name("UpdateConversation"), "update_conversation");
        assert_eq!(rust_name("type"), "type_");
        assert_eq!(rust_name("2fa"), "x2fa");
        assert_eq!(rust_name("list-things"), "list_things");
    }
}
