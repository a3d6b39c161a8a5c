//! Clients as the tests and the bench make them: test credentials, a client
//! of any API on a scripted transport or a server, and what one call gives.

use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::twilio::{self, conversations_v1, conversations_v2};
use interlocutor::uuid::Uuid;
use interlocutor::{ApiClient, ClientBuilder, Credentials, Error, Response, RetryPolicy, bird};

/// `http://127.0.0.1:<port>` for a port that was just free: nothing
/// listens on it, so a connection to it is refused.
pub fn refused_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("local address");
    format!("http://{address}")
}

/// `Basic base64(user:password)`, computed independently of the client.
pub fn basic_authorization(user: &str, password: &str) -> String {
    use base64::Engine as _;
    let pair = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// The Twilio account every Twilio test signs in with.
pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
/// Its auth token: a value no test output may contain.
pub const AUTH_TOKEN: &str = "0123456789abcdef0123456789abcdef";
/// A Twilio API key and its secret.
pub const API_KEY_SID: &str = "SKfedcba9876543210fedcba9876543210";
pub const API_KEY_SECRET: &str = "api-key-secret";
/// The Bird workspace and conversation the tests address.
pub const BIRD_WORKSPACE: &str = "b4e02c85-c6d2-4b15-8885-e09671799c61";
pub const BIRD_CONVERSATION: &str = "67e4d358-ca94-421e-98b7-448860df9d33";
/// The Bird access key every Bird test signs in with.
pub const ACCESS_KEY: &str = "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGhIj";

/// `twilio::account(ACCOUNT_SID, AUTH_TOKEN)`.
pub fn twilio_account() -> Credentials {
    twilio::account(ACCOUNT_SID, AUTH_TOKEN).expect("valid test credentials")
}

/// `bird::access_key(ACCESS_KEY)`.
pub fn bird_access_key() -> Credentials {
    bird::access_key(ACCESS_KEY).expect("a valid test access key")
}

/// A client under test, and the credentials its API takes.
pub trait TestApi: ApiClient + Sized {
    fn test_credentials() -> Credentials;
}

impl TestApi for conversations_v2::Client {
    fn test_credentials() -> Credentials {
        twilio_account()
    }
}

impl TestApi for conversations_v1::Client {
    fn test_credentials() -> Credentials {
        twilio_account()
    }
}

impl TestApi for bird::conversations::Client {
    fn test_credentials() -> Credentials {
        bird_access_key()
    }
}

/// A builder of `C` with its test credentials.
pub fn builder<C: TestApi>() -> ClientBuilder<C> {
    ClientBuilder::new(C::test_credentials())
}

/// A client of `C` answering from `transport`, with retries off.
pub fn scripted<C: TestApi>(transport: &TestTransport) -> C {
    scripted_with(transport, RetryPolicy::disabled())
}

/// A client of `C` answering from `transport`, retrying by `policy`.
pub fn scripted_with<C: TestApi>(transport: &TestTransport, policy: RetryPolicy) -> C {
    builder::<C>()
        .transport(transport.clone())
        .retry_policy(policy)
        .build()
        .expect("the test client builds")
}

/// A client of `C` calling the server at `base_url`, with retries off.
pub fn networked<C: TestApi>(base_url: &str) -> C {
    builder::<C>()
        .base_url(base_url)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("the test client builds")
}

/// A transport that answers once with `response`.
pub fn answering(response: ScriptedResponse) -> TestTransport {
    let transport = TestTransport::new();
    transport.push(response);
    transport
}

/// What a Twilio v2 update with nothing set makes of `response`.
pub async fn v2_answer(
    response: ScriptedResponse,
) -> Result<conversations_v2::types::Conversation, Error> {
    let client: conversations_v2::Client = scripted(&answering(response));
    let patch = conversations_v2::types::ConversationPatch::new();
    let result = client.patch_conversation_by_id("conv_1", patch).await;
    result.map(Response::into_inner)
}

/// What a Twilio v1 update with nothing set makes of `response`.
pub async fn v1_answer(
    response: ScriptedResponse,
) -> Result<conversations_v1::types::UserConversation, Error> {
    let client: conversations_v1::Client = scripted(&answering(response));
    let update = conversations_v1::types::UpdateUserConversationRequest::new();
    let result = client
        .update_user_conversation("user", "conversation", update)
        .await;
    result.map(Response::into_inner)
}

/// What a Bird update with nothing set makes of `response`.
pub async fn bird_answer(
    response: ScriptedResponse,
) -> Result<bird::conversations::types::Conversation, Error> {
    let client: bird::conversations::Client = scripted(&answering(response));
    let update = bird::conversations::types::ConversationUpdate::new();
    let result = client
        .update_conversation(Uuid::nil(), Uuid::nil(), update)
        .await;
    result.map(Response::into_inner)
}

/// The error a Twilio v2 update gets when the server answers once with
/// `response`.
pub async fn v2_error(response: ScriptedResponse) -> Error {
    v2_answer(response).await.expect_err("the call fails")
}
