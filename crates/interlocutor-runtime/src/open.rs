//! Response types that survive tomorrow's API: enum values this client does
//! not know yet.

#[cfg(feature = "schemars")]
use std::borrow::Cow;
use std::fmt;

#[cfg(feature = "schemars")]
use schemars::{JsonSchema, r#gen::SchemaGenerator, schema::Schema};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An enum value in a response: one this client knows, or a value the
/// provider added after the spec was written (kept, not an error).
///
/// Requests stay strictly typed; only responses use `Open`.
///
/// ```
/// # use interlocutor_runtime as interlocutor;
/// use interlocutor::Open;
///
/// fn describe<T: std::fmt::Debug>(status: &Open<T>) -> String {
///     match status {
///         Open::Known(status) => format!("{status:?}"),
///         Open::Unknown(new) => format!("a status this client does not know yet: {new}"),
///     }
/// }
/// let archived: Open<()> = Open::Unknown("ARCHIVED".to_owned());
/// assert_eq!(describe(&archived), "a status this client does not know yet: ARCHIVED");
/// assert_eq!(archived.unknown(), Some("ARCHIVED"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Open<T> {
    /// A value the spec lists.
    Known(T),
    /// A value the spec does not list, exactly as received.
    Unknown(String),
}

impl<T> Open<T> {
    /// The known value, if it is one.
    pub fn known(&self) -> Option<&T> {
        match self {
            Self::Known(value) => Some(value),
            Self::Unknown(_) => None,
        }
    }

    /// The raw value, if the client does not know it.
    pub fn unknown(&self) -> Option<&str> {
        match self {
            Self::Known(_) => None,
            Self::Unknown(raw) => Some(raw),
        }
    }
}

impl<T: PartialEq> PartialEq<T> for Open<T> {
    fn eq(&self, other: &T) -> bool {
        self.known() == Some(other)
    }
}

impl<T> From<T> for Open<T> {
    fn from(value: T) -> Self {
        Self::Known(value)
    }
}

impl<T: fmt::Display> fmt::Display for Open<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Known(value) => value.fmt(f),
            Self::Unknown(raw) => f.write_str(raw),
        }
    }
}

impl<T: Serialize> Serialize for Open<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Known(value) => value.serialize(serializer),
            Self::Unknown(raw) => serializer.serialize_str(raw),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Open<T> {
    /// Reads the string where it lies in the input when it can: a known
    /// value is decoded without allocating; only an unknown one is copied.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(OpenVisitor(std::marker::PhantomData))
    }
}

struct OpenVisitor<T>(std::marker::PhantomData<T>);

impl<T: DeserializeOwned> OpenVisitor<T> {
    fn read(raw: &str) -> Open<T> {
        let known =
            T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(raw));
        match known {
            Ok(value) => Open::Known(value),
            Err(_) => Open::Unknown(raw.to_owned()),
        }
    }
}

impl<T: DeserializeOwned> serde::de::Visitor<'_> for OpenVisitor<T> {
    type Value = Open<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, raw: &str) -> Result<Open<T>, E> {
        Ok(Self::read(raw))
    }

    fn visit_string<E: serde::de::Error>(self, raw: String) -> Result<Open<T>, E> {
        Ok(match Self::read(&raw) {
            Open::Unknown(_) => Open::Unknown(raw),
            known => known,
        })
    }
}

#[cfg(feature = "schemars")]
impl<T: JsonSchema> JsonSchema for Open<T> {
    fn schema_name() -> String {
        format!("Open_{}", T::schema_name())
    }

    fn schema_id() -> Cow<'static, str> {
        Cow::Owned(format!("Open<{}>", T::schema_id()))
    }

    /// Any string: the listed values are what this client knows, not all
    /// the provider may send.
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        String::json_schema(generator)
    }

    fn is_referenceable() -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Serialize, Debug, PartialEq, Clone, Copy)]
    enum Level {
        #[serde(rename = "default")]
        Default,
        #[serde(rename = "muted")]
        Muted,
    }

    #[test]
    fn open_keeps_unknown_values_and_round_trips() {
        let values: Vec<Open<Level>> =
            serde_json::from_str(r#"["default","muted","loud"]"#).unwrap();
        assert_eq!(values[0], Level::Default);
        assert_eq!(values[1].known(), Some(&Level::Muted));
        assert_eq!(values[2].unknown(), Some("loud"));
        assert_eq!(
            serde_json::to_string(&values).unwrap(),
            r#"["default","muted","loud"]"#
        );
        assert!(serde_json::from_str::<Open<Level>>("7").is_err());
    }
}
