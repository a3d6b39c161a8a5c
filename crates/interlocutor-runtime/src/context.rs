//! Per-client state that finishes every request before it is sent.

use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};

use crate::SecurityScheme;

/// What a generated client carries besides its base URL and HTTP client.
///
/// Generated crates hold it as progenitor's "inner" value and call
/// [`Context::prepare`] from their `ClientHooks::pre`, so the headers it adds
/// are on the `reqwest::Request` itself: hooks, test transports and
/// snapshots see exactly what goes on the wire (reqwest's default headers
/// would only be merged in at send time).
#[derive(Clone)]
pub struct Context {
    api: &'static str,
    scheme: SecurityScheme,
    authorization: HeaderValue,
    user_agent: HeaderValue,
    transport: Transport,
}

/// Where requests go.
#[derive(Clone, Debug)]
pub(crate) enum Transport {
    /// Over the network, through the client's `reqwest::Client`.
    Http,
    /// To an in-process script (the `testing` feature).
    #[cfg(feature = "testing")]
    Test(crate::testing::TestTransport),
}

/// Progenitor adds `api-version: <info.version>` to every request; neither
/// provider defines such a header, so it is removed.
const PROGENITOR_API_VERSION: HeaderName = HeaderName::from_static("api-version");

impl Context {
    pub(crate) fn new(
        api: &'static str,
        scheme: SecurityScheme,
        authorization: HeaderValue,
        user_agent: HeaderValue,
        transport: Transport,
    ) -> Self {
        Self {
            api,
            scheme,
            authorization,
            user_agent,
            transport,
        }
    }

    /// Adds auth and `User-Agent` and drops headers no provider asked for.
    pub fn prepare(&self, request: &mut reqwest::Request) {
        let headers = request.headers_mut();
        headers.remove(PROGENITOR_API_VERSION);
        headers.insert(AUTHORIZATION, self.authorization.clone());
        headers.insert(USER_AGENT, self.user_agent.clone());
    }

    /// Sends a prepared request; generated clients call it from their
    /// `ClientHooks::exec`.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        match &self.transport {
            Transport::Http => http.execute(request).await,
            #[cfg(feature = "testing")]
            Transport::Test(transport) => Ok(transport.respond(&request)),
        }
    }

    /// The crate name of the API this context belongs to.
    pub fn api(&self) -> &'static str {
        self.api
    }

    /// The `User-Agent` this client sends.
    pub fn user_agent(&self) -> &str {
        self.user_agent.to_str().unwrap_or_default()
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("api", &self.api)
            .field("auth", &format_args!("{} ** redacted **", self.scheme))
            .field("user_agent", &self.user_agent)
            .field("transport", &self.transport)
            .finish()
    }
}
