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
            // What an identifier can hold (`²` is alphanumeric but cannot).
            if unicode_ident::is_xid_continue(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cased = case(&cleaned);
    let cased = match cased.chars().next() {
        Some(c) if unicode_ident::is_xid_start(c) || c == '_' => cased,
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

/// Spec text made safe for a doc comment: line breaks as `\n` (a bare CR
/// would end the comment's line and leave the rest as code), and control
/// and bidirectional characters (which rustc refuses in comments, and
/// which could make the docs read other than they are) escaped as
/// `\u{..}`.
pub fn doc_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control()
                || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_text_keeps_lines_and_escapes_controls() {
        assert_eq!(doc_text("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(doc_text("x\u{202e}y\u{1b}z"), "x\\u{202e}y\\u{1b}z");
    }

    #[test]
    fn names_are_always_identifiers() {
        for name in ["x²", "½", "a b", "9lives", "", "--", "type"] {
            let name = rust_name(name);
            assert!(syn::parse_str::<syn::Ident>(&name).is_ok(), "{name:?}");
        }
    }

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
