//! Checking a request against the constraints its spec documents, before
//! it is sent.
//!
//! A value the provider would refuse with a 400 (a metadata value over 512
//! characters, 21 status callbacks where 20 are allowed) is refused here
//! instead, with the field named, so the mistake shows up in the caller's
//! own error rather than as a round trip and a provider error code. The
//! generator writes a [`Validate`] impl for every request body type from its
//! schema (`maxLength`, `pattern`, `maxItems`, `maxProperties`, `minimum`...);
//! nothing here is written per field.

use std::fmt;
use std::sync::OnceLock;

/// A request body type whose documented constraints can be checked.
pub trait Validate {
    /// Checks `self`, which sits at `at` in the request.
    fn validate_at(&self, at: &Field<'_>) -> Result<(), Invalid>;

    /// Checks `self` as a whole request body.
    fn validate(&self) -> Result<(), Invalid> {
        self.validate_at(&Field::Root)
    }
}

/// Where a value sits in a request body, as the provider names it
/// (`configuration.statusCallbacks[3].url`). Built on the stack while
/// checking and turned into text only when a check fails.
#[derive(Clone, Copy, Debug)]
pub enum Field<'a> {
    /// The body itself.
    Root,
    /// A property of an object.
    Property(&'a Field<'a>, &'static str),
    /// An item of an array.
    Index(&'a Field<'a>, usize),
    /// An entry of a map.
    Key(&'a Field<'a>, &'a str),
}

impl<'a> Field<'a> {
    /// The property `name` of the object at `self`.
    pub fn property(&'a self, name: &'static str) -> Field<'a> {
        Field::Property(self, name)
    }

    /// The item `index` of the array at `self`.
    pub fn index(&'a self, index: usize) -> Field<'a> {
        Field::Index(self, index)
    }

    /// The entry `key` of the map at `self`.
    pub fn key(&'a self, key: &'a str) -> Field<'a> {
        Field::Key(self, key)
    }
}

impl fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Root => f.write_str("the request body"),
            Field::Property(Field::Root, name) => f.write_str(name),
            Field::Property(parent, name) => write!(f, "{parent}.{name}"),
            Field::Index(parent, index) => write!(f, "{parent}[{index}]"),
            Field::Key(parent, key) => {
                let plain = !key.is_empty()
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                // A quoted key is escaped, backticks included, so the
                // rendered field never holds one (`Invalid` quotes the field
                // in backticks) and stays on one line.
                let quoted = || format!("{key:?}").replace('`', "\\u{60}");
                match (parent, plain) {
                    (Field::Root, true) => f.write_str(key),
                    (_, true) => write!(f, "{parent}.{key}"),
                    (_, false) => write!(f, "{parent}[{}]", excerpt(&quoted(), 80)),
                }
            }
        }
    }
}

/// `text` cut to `limit` characters: a map key comes from the caller and
/// may be as long as a request allows.
fn excerpt(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// A request value that breaks a documented constraint: which field, and
/// what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    field: String,
    problem: String,
}

impl Invalid {
    /// `problem` is a predicate: `"is longer than 512 characters"`.
    pub fn new(at: &Field<'_>, problem: impl Into<String>) -> Self {
        Self {
            field: at.to_string(),
            problem: problem.into(),
        }
    }

    /// The field, as the provider names it (`metadata.tier`).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.field, self.problem)
    }
}

impl std::error::Error for Invalid {}

/// A `pattern` from a spec, compiled the first time it is used. The
/// generator compiles every pattern when it writes the code, so a pattern
/// that reaches a client always compiles.
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<regex::Regex>>,
}

impl Pattern {
    /// A pattern in ECMA 262 syntax, as OpenAPI specifies, matched with the
    /// `u` flag (JSON Schema patterns are Unicode-aware: `\p{L}` is a
    /// letter, not the text `p{L}`), in time linear in the value (see
    /// `pattern.rs`).
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    fn matches(&self, value: &str) -> bool {
        self.compiled
            .get_or_init(|| crate::pattern::compile(self.source).ok())
            .as_ref()
            .is_some_and(|regex| regex.is_match(value))
    }
}

/// The checks generated `Validate` impls call, one per keyword.
pub mod check {
    use super::{Field, Invalid, Pattern};

    /// `minLength` / `maxLength`, counted in characters as JSON Schema does.
    pub fn length(
        value: &str,
        min: Option<usize>,
        max: Option<usize>,
        at: &Field<'_>,
    ) -> Result<(), Invalid> {
        // Bytes bound characters from above: skip counting when they fit.
        if min.is_none() && max.is_some_and(|max| value.len() <= max) {
            return Ok(());
        }
        let count = value.chars().count();
        if let Some(max) = max.filter(|max| count > *max) {
            return Err(Invalid::new(
                at,
                format!("is longer than {max} characters ({count})"),
            ));
        }
        if let Some(min) = min.filter(|min| count < *min) {
            return Err(Invalid::new(
                at,
                format!("is shorter than {min} characters ({count})"),
            ));
        }
        Ok(())
    }

    /// `pattern`.
    pub fn pattern(value: &str, pattern: &Pattern, at: &Field<'_>) -> Result<(), Invalid> {
        if pattern.matches(value) {
            Ok(())
        } else {
            Err(Invalid::new(
                at,
                format!("does not match the pattern `{}`", pattern.source),
            ))
        }
    }

    /// `propertyNames: {minLength, maxLength}`: the key of an entry of the
    /// map at `at`.
    pub fn key_length(
        key: &str,
        min: Option<usize>,
        max: Option<usize>,
        at: &Field<'_>,
    ) -> Result<(), Invalid> {
        length(key, min, max, at).map_err(|invalid| {
            Invalid::new(
                at,
                format!("has the key {}, which {}", shown_key(key), invalid.problem),
            )
        })
    }

    /// `propertyNames: {pattern}`.
    pub fn key_pattern(key: &str, pattern: &Pattern, at: &Field<'_>) -> Result<(), Invalid> {
        super::check::pattern(key, pattern, at).map_err(|invalid| {
            Invalid::new(
                at,
                format!("has the key {}, which {}", shown_key(key), invalid.problem),
            )
        })
    }

    fn shown_key(key: &str) -> String {
        super::excerpt(&format!("{key:?}"), 80)
    }

    /// `minItems` / `maxItems`.
    pub fn items(
        count: usize,
        min: Option<usize>,
        max: Option<usize>,
        at: &Field<'_>,
    ) -> Result<(), Invalid> {
        counted(count, min, max, at, "has", "items")
    }

    /// `minProperties` / `maxProperties`. For a merge patch (a map whose
    /// values may be null) only the entries it sets count: a null deletes.
    pub fn properties(
        count: usize,
        min: Option<usize>,
        max: Option<usize>,
        at: &Field<'_>,
    ) -> Result<(), Invalid> {
        counted(count, min, max, at, "sets", "entries")
    }

    /// A count within bounds: "`at` {verb} {count} {noun}; at most …".
    fn counted(
        count: usize,
        min: Option<usize>,
        max: Option<usize>,
        at: &Field<'_>,
        verb: &str,
        noun: &str,
    ) -> Result<(), Invalid> {
        let bound = match (max, min) {
            (Some(max), _) if count > max => format!("at most {max} are allowed"),
            (_, Some(min)) if count < min => format!("at least {min} are required"),
            _ => return Ok(()),
        };
        Err(Invalid::new(at, format!("{verb} {count} {noun}; {bound}")))
    }

    /// `format: uri`: an absolute URI (RFC 3986), such as a callback URL.
    pub fn uri(value: &str, at: &Field<'_>) -> Result<(), Invalid> {
        match url::Url::parse(value) {
            Ok(_) => Ok(()),
            Err(error) => Err(Invalid::new(
                at,
                format!("is not an absolute URI (`format: uri`): {error}"),
            )),
        }
    }

    /// `minimum` / `maximum` of an integer, compared exactly (as `f64`, a
    /// value past 2^53 would round onto the bound).
    pub fn int_range(
        value: i128,
        min: Option<(i128, bool)>,
        max: Option<(i128, bool)>,
        at: &Field<'_>,
    ) -> Result<(), Invalid> {
        bounds(value, min, max, at)
    }

    /// `minimum` / `maximum` and their exclusive forms of a floating-point
    /// number (integers go through [`int_range`], compared exactly).
    pub fn range(
        value: f64,
        min: Option<(f64, bool)>,
        max: Option<(f64, bool)>,
        at: &Field<'_>,
    ) -> Result<(), Invalid> {
        if value.is_nan() {
            // JSON has no NaN: serde_json would send `null`.
            return Err(Invalid::new(at, "is NaN, which JSON cannot carry"));
        }
        bounds(value, min, max, at)
    }

    /// The bound checks `range` and `int_range` share.
    fn bounds<T: PartialOrd + std::fmt::Display>(
        value: T,
        min: Option<(T, bool)>,
        max: Option<(T, bool)>,
        at: &Field<'_>,
    ) -> Result<(), Invalid> {
        if let Some((min, exclusive)) = min {
            let below = if exclusive { value <= min } else { value < min };
            if below {
                let relation = if exclusive {
                    "greater than"
                } else {
                    "at least"
                };
                return Err(Invalid::new(at, format!("must be {relation} {min}")));
            }
        }
        if let Some((max, exclusive)) = max {
            let above = if exclusive { value >= max } else { value > max };
            if above {
                let relation = if exclusive { "less than" } else { "at most" };
                return Err(Invalid::new(at, format!("must be {relation} {max}")));
            }
        }
        Ok(())
    }
}

/// A path parameter given as anything printable, as text: refused, with
/// its name, when it is empty, `.` or `..`, which no URL can carry as a
/// segment (they would address another resource).
pub fn path_text(name: &'static str, value: &dyn fmt::Display) -> Result<String, Invalid> {
    let text = value.to_string();
    let problem = match text.as_str() {
        "" => "is empty, which would address another resource",
        "." | ".." => "is `.` or `..`, which a URL cannot carry as a segment",
        _ => return Ok(text),
    };
    Err(Invalid::new(&Field::Property(&Field::Root, name), problem))
}

/// Reads a path parameter given as anything printable (`&str`, `String`,
/// `Uuid`...) into the type the spec declares, so a Bird id can be passed
/// as the string it arrived in; a value that does not parse names the
/// parameter.
pub fn path_param<T>(name: &'static str, value: &dyn fmt::Display) -> Result<T, Invalid>
where
    T: std::str::FromStr,
    T::Err: fmt::Display,
{
    value.to_string().parse().map_err(|error: T::Err| {
        Invalid::new(
            &Field::Property(&Field::Root, name),
            format!("is not a valid {}: {error}", short_type_name::<T>()),
        )
    })
}

/// `Uuid` rather than `uuid::Uuid`, for messages.
fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_checked() {
        let root = Field::Root;
        let at = root.property("url");
        assert!(check::uri("https://example.com/hook?a=1", &at).is_ok());
        let refused = check::uri("not a url", &at).unwrap_err();
        assert!(
            refused.problem().starts_with("is not an absolute URI"),
            "{refused}"
        );
        assert!(check::uri("/relative", &at).is_err());
    }

    #[test]
    fn integer_bounds_are_compared_exactly() {
        let root = Field::Root;
        let at = root.property("big");
        let limit = 1_i128 << 53;
        assert!(check::int_range(limit, None, Some((limit, false)), &at).is_ok());
        // As f64, 2^53 + 1 rounds to 2^53 and would pass.
        assert!(check::int_range(limit + 1, None, Some((limit, false)), &at).is_err());
        assert!(check::int_range(i128::from(u64::MAX), Some((0, true)), None, &at).is_ok());
    }

    #[test]
    fn a_pattern_that_backtracks_exponentially_runs_in_linear_time() {
        // With a backtracking engine this takes minutes (15 s at 24
        // characters, doubling with each one): the test would not end.
        let pattern = Pattern::new("^(a+)+$");
        let hostile = format!("{}!", "a".repeat(5_000));
        let root = Field::Root;
        let at = root.property("name");
        assert!(check::pattern(&hostile, &pattern, &at).is_err());
        assert!(check::pattern(&"a".repeat(5_000), &pattern, &at).is_ok());
    }

    #[test]
    fn fields_render_as_the_provider_names_them() {
        let root = Field::Root;
        let configuration = root.property("configuration");
        let callbacks = configuration.property("statusCallbacks");
        let third = callbacks.index(3);
        let url = third.property("url");
        assert_eq!(url.to_string(), "configuration.statusCallbacks[3].url");
        let metadata = root.property("metadata");
        assert_eq!(metadata.key("tier").to_string(), "metadata.tier");
        assert_eq!(metadata.key("a.b c").to_string(), r#"metadata["a.b c"]"#);
        assert_eq!(metadata.key("a` b").to_string(), r#"metadata["a\u{60} b"]"#);
        assert!(metadata.key(&"x ".repeat(50_000)).to_string().len() < 100);
        assert_eq!(root.to_string(), "the request body");
    }

    #[test]
    fn each_keyword_names_the_field_and_the_rule() {
        let root = Field::Root;
        let at = root.property("name");
        let long = "é".repeat(513);
        assert_eq!(
            check::length(&long, None, Some(512), &at)
                .unwrap_err()
                .to_string(),
            "`name` is longer than 512 characters (513)"
        );
        // 512 two-byte characters are 1024 bytes and still fit.
        assert!(check::length(&"é".repeat(512), None, Some(512), &at).is_ok());
        assert!(check::length("", Some(1), None, &at).is_err());
        static SID: Pattern = Pattern::new("^AC[0-9a-f]{32}$");
        assert!(check::pattern(&format!("AC{}", "0".repeat(32)), &SID, &at).is_ok());
        assert_eq!(
            check::pattern("ACxyz", &SID, &at).unwrap_err().problem(),
            "does not match the pattern `^AC[0-9a-f]{32}$`"
        );
        assert!(check::items(20, None, Some(20), &at).is_ok());
        assert_eq!(
            check::items(21, None, Some(20), &at).unwrap_err().problem(),
            "has 21 items; at most 20 are allowed"
        );
        assert!(check::properties(9, None, Some(8), &at).is_err());
        let metadata = root.property("metadata");
        assert_eq!(
            check::key_length(&"k".repeat(129), None, Some(128), &metadata)
                .unwrap_err()
                .to_string(),
            format!(
                "`metadata` has the key \"{}…, which is longer than 128 characters (129)",
                "k".repeat(79)
            )
        );
        static KEY: Pattern = Pattern::new("^[A-Za-z0-9._-]+$");
        assert_eq!(
            check::key_pattern("a b", &KEY, &metadata)
                .unwrap_err()
                .to_string(),
            "`metadata` has the key \"a b\", which does not match the pattern `^[A-Za-z0-9._-]+$`"
        );
        assert!(check::range(0.0, Some((0.0, false)), None, &at).is_ok());
        assert!(check::range(0.0, Some((0.0, true)), None, &at).is_err());
        assert!(check::range(5.0, None, Some((5.0, true)), &at).is_err());
        assert!(check::range(f64::NAN, None, None, &at).is_err());
    }

    #[test]
    fn path_params_parse_or_name_the_parameter() {
        let id: u32 = path_param("index", &"42").unwrap();
        assert_eq!(id, 42);
        let text: String = path_param("sid", &"a/b").unwrap();
        assert_eq!(text, "a/b");
        assert_eq!(path_text("Sid", &"a/b").unwrap(), "a/b");
        for hostile in ["", ".", ".."] {
            assert_eq!(path_text("Sid", &hostile).unwrap_err().field(), "Sid");
        }
        let error = path_param::<u32>("index", &"forty").unwrap_err();
        assert_eq!(error.field(), "index");
        assert!(
            error.problem().starts_with("is not a valid u32: "),
            "{error}"
        );
    }
}
