//! An axum server that receives Bird's conversation events: each delivery
//! is verified, then decoded, in one call. (The README shows this file; a
//! test serves it on 127.0.0.1 and sends it signed and unsigned requests.)
//!
//! Run: `BIRD_SIGNING_KEY=… cargo run -p interlocutor --example axum_webhook`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use interlocutor::bird::conversations::webhooks::Event;
use interlocutor::bird::webhook::{Delivery, Verifier};

/// The URL of the webhook subscription, as registered with Bird: Bird signs
/// it, and behind a proxy it is not the URL this server sees.
pub const SUBSCRIPTION_URL: &str = "https://example.com/bird/events";

/// The routes, with the verifier built once.
pub fn router(verifier: Verifier) -> Router {
    Router::new()
        .route("/bird/events", post(bird_events))
        .with_state(Arc::new(verifier))
}

async fn bird_events(
    State(verifier): State<Arc<Verifier>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let delivery = Delivery::new(&method, SUBSCRIPTION_URL, &headers, &body);
    match verifier.event::<Event>(&delivery) {
        Ok(Event::ConversationUpdated(update)) => {
            let conversation = &update.payload;
            (StatusCode::OK, format!("updated {}", conversation.id))
        }
        // Created, deleted, or an event newer than this spec: acknowledged.
        Ok(event) => (StatusCode::OK, format!("received {}", event.name())),
        // Refused: forged, replayed, too large, or not an event.
        Err(error) => (error.http_status(), error.to_string()),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verifier = Verifier::new(std::env::var("BIRD_SIGNING_KEY")?)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, router(verifier)).await?;
    Ok(())
}
