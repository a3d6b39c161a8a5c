//! The structs a careful engineer would decode each seed response into by
//! hand: the same fields and field types as the generated ones (timestamps
//! as `DateTime<Utc>`, ids as `Uuid`), enums as plain strings.

#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V2Conversation {
    pub id: Option<String>,
    pub account_id: Option<String>,
    pub configuration_id: Option<String>,
    pub status: Option<String>,
    pub name: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub configuration: Option<V2Configuration>,
    #[serde(default)]
    pub participants: Vec<V2Participant>,
    pub metadata: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V2Configuration {
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub conversation_grouping_type: Option<String>,
    pub memory_store_id: Option<String>,
    #[serde(default)]
    pub channel_settings: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub status_callbacks: Vec<V2StatusCallback>,
    #[serde(default)]
    pub intelligence_configuration_ids: Vec<String>,
    pub memory_extraction_enabled: Option<bool>,
    pub conversations_v1_bridge: Option<V2Bridge>,
}

#[derive(Deserialize)]
pub struct V2StatusCallback {
    pub url: String,
    pub method: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V2Bridge {
    pub service_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V2Participant {
    pub id: String,
    pub conversation_id: String,
    pub account_id: String,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub profile_id: Option<String>,
    #[serde(default)]
    pub addresses: Vec<V2Address>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V2Address {
    pub channel: String,
    pub address: String,
    pub channel_id: Option<String>,
}

#[derive(Deserialize)]
pub struct V1UserConversation {
    pub account_sid: Option<String>,
    pub attributes: Option<String>,
    pub chat_service_sid: Option<String>,
    pub conversation_sid: Option<String>,
    pub conversation_state: Option<String>,
    pub created_by: Option<String>,
    pub date_created: Option<DateTime<Utc>>,
    pub date_updated: Option<DateTime<Utc>>,
    pub friendly_name: Option<String>,
    pub last_read_message_index: Option<i64>,
    pub links: Option<BTreeMap<String, String>>,
    pub notification_level: Option<String>,
    pub participant_sid: Option<String>,
    pub timers: Option<serde_json::Value>,
    pub unique_name: Option<String>,
    pub unread_messages_count: Option<i64>,
    pub url: Option<String>,
    pub user_sid: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BirdConversation {
    pub id: Uuid,
    pub name: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub visibility: String,
    pub accessibility: String,
    pub style: Option<String>,
    pub featured_participants: Vec<BirdParticipant>,
    pub active_participant_count: i64,
    pub pending_participant_count: Option<i64>,
    pub initiating_participant: Option<BirdParticipant>,
    pub channel_id: Uuid,
    pub last_message: Option<BirdMessage>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub platform_style: String,
    pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BirdParticipant {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: Option<String>,
    pub display_name: Option<String>,
    pub avatar_url: Option<String>,
    pub contact: Option<BirdContact>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BirdContact {
    pub identifier_key: Option<String>,
    pub identifier_value: Option<String>,
    pub platform_address: Option<String>,
    pub platform_address_selector: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BirdMessage {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub preview: Option<BirdPreview>,
    pub recipients: Option<Vec<BirdRecipient>>,
    pub status: Option<String>,
    pub sender: Option<BirdParticipant>,
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
pub struct BirdPreview {
    pub text: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BirdRecipient {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub id: Option<Uuid>,
    pub identifier_key: Option<String>,
    pub identifier_value: Option<String>,
    pub platform_address: Option<String>,
    pub contact_annotation: Option<BirdAnnotation>,
}

#[derive(Deserialize)]
pub struct BirdAnnotation {
    pub name: Option<String>,
}
