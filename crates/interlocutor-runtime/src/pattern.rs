//! Spec patterns (ECMA 262, as OpenAPI says) run by the `regex` crate,
//! whose matching takes time linear in the input: a pattern such as
//! `^(a+)+$` cannot make a check take seconds, or block an executor. The
//! constructs that need backtracking (look-around, back-references) have no
//! linear-time match; the generator refuses a spec that uses them.
//!
//! One file, compiled into both the runtime and the generator (`xtask`
//! includes it by path), so what the generator accepts is what the runtime
//! runs.

/// Compiles an ECMA 262 pattern (Unicode mode) for linear-time matching.
pub fn compile(source: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(&translate(source))
        .size_limit(1 << 20)
        .build()
        .map_err(|error| match error {
            regex::Error::Syntax(message) => message,
            regex::Error::CompiledTooBig(limit) => {
                format!("it compiles to more than {limit} bytes")
            }
            other => other.to_string(),
        })
}

/// Rewrites the escapes whose meaning differs: in ECMA 262, `\d`, `\w`
/// and `\b` are ASCII even in Unicode mode, in `regex` they are Unicode.
fn translate(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 16);
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str("[0-9]"),
            Some('D') => out.push_str("[^0-9]"),
            Some('w') => out.push_str("[0-9A-Za-z_]"),
            Some('W') => out.push_str("[^0-9A-Za-z_]"),
            Some('b') => out.push_str("(?-u:\\b)"),
            Some('B') => out.push_str("(?-u:\\B)"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecma_classes_stay_ascii_and_unicode_properties_work() {
        let digits = compile(r"^\d+$").unwrap();
        assert!(digits.is_match("0123"));
        assert!(
            !digits.is_match("٠١٢"),
            "Arabic-Indic digits are not \\d in ECMA 262"
        );
        let word = compile(r"^\w+$").unwrap();
        assert!(word.is_match("a_Z9"));
        assert!(!word.is_match("é"));
        let letters = compile(r"^\p{L}+$").unwrap();
        assert!(letters.is_match("Zoë"));
        let escaped = compile(r"^a\\d$").unwrap();
        assert!(
            escaped.is_match("a\\d"),
            "an escaped backslash is not an escape"
        );
    }

    #[test]
    fn backtracking_constructs_are_refused() {
        assert!(compile(r"^(?=a)a$").is_err());
        assert!(compile(r"^(a)\1$").is_err());
    }
}
