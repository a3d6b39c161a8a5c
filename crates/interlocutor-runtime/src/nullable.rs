//! Values that may be explicitly null, for PATCH-style request bodies.
//!
//! A generated request struct types an optional, nullable property as
//! `Option<Nullable<T>>`, which has the three states a PATCH needs:
//!
//! | Rust value                      | on the wire (JSON)  | meaning               |
//! |---------------------------------|---------------------|-----------------------|
//! | `None`                          | property absent     | leave unchanged       |
//! | `Some(Nullable::Null)`          | `"name": null`      | clear the field       |
//! | `Some(Nullable::Value(v))`      | `"name": v`         | set the field to `v`  |
//!
//! Form-encoded bodies have no `null`: Twilio's own clients send a null as an
//! empty value (`LastReadMessageIndex=`), which is what [`FormNullable`] does.
//! The generator picks the type from the request's media type, so a user
//! only ever sees the one that is right for the endpoint.

#[cfg(feature = "schemars")]
use std::borrow::Cow;

#[cfg(feature = "schemars")]
use schemars::{JsonSchema, r#gen::SchemaGenerator, schema::Schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! nullable_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name<T> {
            /// An explicit null: the field is cleared.
            Null,
            /// A value: the field is set to it.
            Value(T),
        }

        impl<T> $name<T> {
            /// Whether this is an explicit null.
            pub fn is_null(&self) -> bool {
                matches!(self, Self::Null)
            }

            /// The value, if this is not a null.
            pub fn value(&self) -> Option<&T> {
                match self {
                    Self::Null => None,
                    Self::Value(value) => Some(value),
                }
            }

            /// Converts into an `Option`, forgetting that a null was explicit.
            pub fn into_option(self) -> Option<T> {
                match self {
                    Self::Null => None,
                    Self::Value(value) => Some(value),
                }
            }

            /// Maps the value, keeping a null as it is.
            pub fn map<U>(self, f: impl FnOnce(T) -> U) -> $name<U> {
                match self {
                    Self::Null => $name::Null,
                    Self::Value(value) => $name::Value(f(value)),
                }
            }
        }

        impl<T> From<T> for $name<T> {
            fn from(value: T) -> Self {
                Self::Value(value)
            }
        }

        impl<T> From<Option<T>> for $name<T> {
            /// `None` becomes an explicit null.
            fn from(value: Option<T>) -> Self {
                value.map_or(Self::Null, Self::Value)
            }
        }

        #[cfg(feature = "schemars")]
        impl<T: JsonSchema> JsonSchema for $name<T> {
            fn schema_name() -> String {
                format!("Nullable_{}", T::schema_name())
            }

            fn schema_id() -> Cow<'static, str> {
                Cow::Owned(format!("Nullable<{}>", T::schema_id()))
            }

            fn json_schema(generator: &mut SchemaGenerator) -> Schema {
                <Option<T>>::json_schema(generator)
            }

            fn is_referenceable() -> bool {
                false
            }
        }
    };
}

nullable_type! {
    /// A JSON value that is either `null` or a `T`.
    ///
    /// A request field of this type is `Option<Nullable<T>>`: `None`
    /// leaves the field out (unchanged), `Some(Nullable::Null)` sends
    /// `null` (cleared). The generated `clear_<field>()` sets the latter.
    ///
    /// ```
    /// # use interlocutor_runtime as interlocutor;
    /// use interlocutor::Nullable;
    /// use interlocutor::serde_json;
    ///
    /// let clear: Nullable<String> = Nullable::Null;
    /// assert_eq!(serde_json::to_string(&clear).unwrap(), "null");
    /// let set = Nullable::Value("Support".to_owned());
    /// assert_eq!(serde_json::to_string(&set).unwrap(), r#""Support""#);
    /// ```
    Nullable
}

nullable_type! {
    /// A form (`application/x-www-form-urlencoded`) value that is either
    /// null, sent as an empty value (`Key=`), or a `T`.
    ///
    /// ```
    /// # use interlocutor_runtime as interlocutor;
    /// use interlocutor::FormNullable;
    /// use interlocutor::serde_json;
    ///
    /// // In a form body this is `LastReadMessageIndex=`.
    /// let clear: FormNullable<i64> = FormNullable::Null;
    /// assert_eq!(serde_json::to_string(&clear).unwrap(), r#""""#);
    /// ```
    FormNullable
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_none(),
            Self::Value(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Self::from)
    }
}

impl<T: Serialize> Serialize for FormNullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // serde_urlencoded drops a `None` field entirely; an empty string
            // keeps the key and sends no value, which is Twilio's null.
            Self::Null => serializer.serialize_str(""),
            Self::Value(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for FormNullable<T> {
    /// Reads `null`, and the empty string a `FormNullable::Null` is written
    /// as, as [`FormNullable::Null`], so a request body round-trips through
    /// JSON. (For a text value, an empty string is Twilio's null anyway.)
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, bound(deserialize = "T: Deserialize<'de>"))]
        enum Repr<T> {
            Empty(EmptyString),
            Value(T),
        }
        Ok(match Option::<Repr<T>>::deserialize(deserializer)? {
            None | Some(Repr::Empty(_)) => Self::Null,
            Some(Repr::Value(value)) => Self::Value(value),
        })
    }
}

/// Only `""`.
struct EmptyString;

impl<'de> Deserialize<'de> for EmptyString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        if text.is_empty() {
            Ok(Self)
        } else {
            Err(serde::de::Error::custom("not an empty string"))
        }
    }
}

/// `deserialize_with` for an `Option<Nullable<T>>` field: a present `null`
/// becomes `Some(Nullable::Null)` instead of `None`, so a request body read
/// from JSON keeps "clear this field" apart from "leave it unchanged". The
/// generator adds it, with `default`, to every such field.
pub fn deserialize_present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct JsonPatch {
        #[serde(
            default,
            deserialize_with = "deserialize_present",
            skip_serializing_if = "Option::is_none"
        )]
        name: Option<Nullable<String>>,
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct FormPatch {
        #[serde(rename = "Index", default, skip_serializing_if = "Option::is_none")]
        index: Option<FormNullable<i64>>,
        #[serde(rename = "Other", default, skip_serializing_if = "Option::is_none")]
        other: Option<String>,
    }

    #[test]
    fn json_has_three_states() {
        let cases = [
            (None, "{}"),
            (Some(Nullable::Null), r#"{"name":null}"#),
            (Some(Nullable::Value("x".to_owned())), r#"{"name":"x"}"#),
        ];
        for (name, json) in cases {
            assert_eq!(serde_json::to_string(&JsonPatch { name }).unwrap(), json);
        }
    }

    #[test]
    fn form_has_three_states() {
        let cases = [
            (None, "Other=o"),
            (Some(FormNullable::Null), "Index=&Other=o"),
            (Some(FormNullable::Value(42)), "Index=42&Other=o"),
        ];
        for (index, form) in cases {
            let patch = FormPatch {
                index,
                other: Some("o".to_owned()),
            };
            assert_eq!(serde_urlencoded::to_string(&patch).unwrap(), form);
        }
    }

    #[test]
    fn form_arrays_are_repeated_keys() {
        #[derive(Serialize)]
        struct Webhook {
            #[serde(rename = "Filters")]
            filters: Vec<String>,
            #[serde(rename = "Index", skip_serializing_if = "Option::is_none")]
            index: Option<FormNullable<i64>>,
            #[serde(rename = "Method")]
            method: &'static str,
        }
        let body = Webhook {
            filters: vec!["onMessageAdded".into(), "on Participant&Added".into()],
            index: Some(FormNullable::Null),
            method: "POST",
        };
        let sent = serde_html_form::to_string(&body).unwrap();
        assert_eq!(
            sent,
            "Filters=onMessageAdded&Filters=on+Participant%26Added&Index=&Method=POST"
        );
    }

    #[test]
    fn null_reads_back_as_null() {
        let read = |json| serde_json::from_str::<JsonPatch>(json).unwrap().name;
        assert_eq!(
            read(r#"{"name":"x"}"#),
            Some(Nullable::Value("x".to_owned()))
        );
        assert_eq!(read(r#"{"name":null}"#), Some(Nullable::Null));
        assert_eq!(read("{}"), None);
        let index: FormNullable<i64> = serde_json::from_str("null").unwrap();
        assert_eq!(index, FormNullable::Null);
        // What `Null` is written as reads back as `Null`.
        let written = serde_json::to_string(&FormNullable::<i64>::Null).unwrap();
        assert_eq!(written, r#""""#);
        let index: FormNullable<i64> = serde_json::from_str(&written).unwrap();
        assert_eq!(index, FormNullable::Null);
        let index: FormNullable<i64> = serde_json::from_str("42").unwrap();
        assert_eq!(index, FormNullable::Value(42));
    }

    #[test]
    fn conversions() {
        assert_eq!(Nullable::from(Some(3)), Nullable::Value(3));
        assert_eq!(Nullable::<u8>::from(None), Nullable::Null);
        assert_eq!(Nullable::Value(2).map(|v| v * 2).value(), Some(&4));
        assert!(FormNullable::<u8>::Null.is_null());
        assert_eq!(FormNullable::Value(1).into_option(), Some(1));
    }
}
