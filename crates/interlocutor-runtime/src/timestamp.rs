//! Timestamps in requests, written the way the providers' own libraries
//! write them: whole seconds in UTC with `Z` (`2024-05-06T05:08:09Z`).
//!
//! chrono's own serialization keeps fractions of a second
//! (`…09.123456Z`), which neither of Twilio's official libraries ever sends
//! and Twilio never returns. The generator puts
//! `#[serde(serialize_with = "interlocutor_runtime::whole_seconds")]` on
//! every request field that holds a timestamp; responses are read as sent.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::{FormNullable, Nullable};

/// A value holding timestamps that can be written in whole seconds.
pub trait WholeSeconds {
    /// Serializes `self`, every timestamp in it cut to the second.
    fn serialize_whole_seconds<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

/// `serialize_with` for a request field holding timestamps.
pub fn whole_seconds<T: WholeSeconds, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.serialize_whole_seconds(serializer)
}

/// The format Twilio's libraries use (`%Y-%m-%dT%H:%M:%SZ`): the fraction
/// is dropped, not rounded, as they drop it.
const FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";

impl WholeSeconds for DateTime<Utc> {
    fn serialize_whole_seconds<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.format(FORMAT))
    }
}

/// Serializes the value inside with [`WholeSeconds`].
struct Whole<'a, T>(&'a T);

impl<T: WholeSeconds> Serialize for Whole<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_whole_seconds(serializer)
    }
}

impl<T: WholeSeconds> WholeSeconds for Option<T> {
    fn serialize_whole_seconds<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            None => serializer.serialize_none(),
            Some(value) => serializer.serialize_some(&Whole(value)),
        }
    }
}

impl<T: WholeSeconds> WholeSeconds for Nullable<T> {
    fn serialize_whole_seconds<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_none(),
            Self::Value(value) => value.serialize_whole_seconds(serializer),
        }
    }
}

impl<T: WholeSeconds> WholeSeconds for FormNullable<T> {
    fn serialize_whole_seconds<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_str(""),
            Self::Value(value) => value.serialize_whole_seconds(serializer),
        }
    }
}

impl<T: WholeSeconds> WholeSeconds for Vec<T> {
    fn serialize_whole_seconds<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for value in self {
            seq.serialize_element(&Whole(value))?;
        }
        seq.end()
    }
}

impl<T: WholeSeconds> WholeSeconds for BTreeMap<String, T> {
    fn serialize_whole_seconds<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self {
            map.serialize_entry(key, &Whole(value))?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[derive(Serialize)]
    struct Body {
        #[serde(
            serialize_with = "whole_seconds",
            skip_serializing_if = "Option::is_none"
        )]
        at: Option<FormNullable<DateTime<Utc>>>,
        #[serde(serialize_with = "whole_seconds")]
        all: Vec<DateTime<Utc>>,
    }

    #[test]
    fn fractions_are_dropped_not_rounded() {
        let at = Utc
            .with_ymd_and_hms(2024, 5, 6, 5, 8, 9)
            .unwrap()
            .checked_add_signed(chrono::TimeDelta::microseconds(999_999))
            .unwrap();
        let body = Body {
            at: Some(FormNullable::Value(at)),
            all: vec![at],
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"at":"2024-05-06T05:08:09Z","all":["2024-05-06T05:08:09Z"]}"#
        );
        let cleared = Body {
            at: Some(FormNullable::Null),
            all: vec![],
        };
        assert_eq!(
            serde_json::to_string(&cleared).unwrap(),
            r#"{"at":"","all":[]}"#
        );
    }
}
