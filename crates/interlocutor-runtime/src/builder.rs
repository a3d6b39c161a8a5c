//! Building a generated client: base URL, credentials, HTTP client.

use std::fmt;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::HeaderValue;
use url::{Host, Url};

use crate::context::Transport;
use crate::retry::{RetryEvent, RetryObserver};
use crate::{Context, CredentialError, Credentials, RetryPolicy, SecurityScheme};

/// What the generator emits for each client crate so [`ClientBuilder`] can
/// build its `Client` without knowing anything else about it.
pub trait ApiClient: Sized {
    /// The crate name, used in `User-Agent` and `Debug` output.
    const API: &'static str;
    /// The provider's name, for error messages (`"Twilio"`).
    const PROVIDER: &'static str;
    /// The first `servers` entry of the spec.
    const DEFAULT_BASE_URL: &'static str;
    /// The first path segment every operation starts with (`v2`), or `""`:
    /// a base URL that already ends with it is refused, as every request
    /// would go to `/v2/v2/…`.
    const PATH_PREFIX: &'static str = "";
    /// The spec's security scheme.
    const SECURITY: SecurityScheme;

    /// Assembles the client from parts the builder has already validated.
    fn from_parts(base_url: &str, http: reqwest::Client, context: Context) -> Self;
}

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one attempt of a request, response included.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default largest response body read (10 MiB); a larger one is an error.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;

/// A `reqwest` client builder with what every client's own has: the
/// default timeouts, no redirects (reqwest would turn a redirected POST or
/// PATCH into a GET without its body and report the GET's success) and,
/// with the `rustls` feature, ring installed as the process's crypto
/// provider unless one is already (a reqwest client built before any
/// provider is installed panics). Start here to build one for
/// [`ClientBuilder::http_client`] with settings of your own.
///
/// For a plain `http://` base URL, add `.no_proxy()` as the clients' own
/// does: through a proxy, the credentials of a plain-http request are
/// readable by the proxy.
///
/// ```
/// # use interlocutor_runtime as interlocutor;
/// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
///
/// let http = interlocutor::http::client_builder()
///     .pool_idle_timeout(Duration::from_secs(30))
///     .build()?;
/// # let _ = http;
/// # Ok(())
/// # }
/// # demo().unwrap();
/// ```
pub fn client_builder() -> reqwest::ClientBuilder {
    #[cfg(feature = "rustls")]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one first: either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
        .timeout(DEFAULT_REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
}

/// Builds a generated `Client` with credentials checked and a clean base URL.
///
/// Reached as `Client::builder(credentials)` on each generated client:
///
/// ```no_run
/// # use interlocutor_runtime as interlocutor;
/// # fn demo<C: interlocutor::ApiClient>(
/// #     credentials: interlocutor::Credentials,
/// # ) -> interlocutor::Result<C> {
/// use std::time::Duration;
///
/// let client = interlocutor::ClientBuilder::<C>::new(credentials)
///     .base_url("https://conversations.dublin.ie1.twilio.com/")
///     .request_timeout(Duration::from_secs(10))
///     .app_name("support-desk/2.1")
///     .build()?;
/// # Ok(client)
/// # }
/// ```
pub struct ClientBuilder<C> {
    credentials: Credentials,
    base_url: Option<String>,
    allow_insecure_http: bool,
    http: Option<reqwest::Client>,
    connect_timeout: Duration,
    request_timeout: Duration,
    app_name: Option<String>,
    transport: Transport,
    retry: RetryPolicy,
    on_retry: Option<RetryObserver>,
    max_response_bytes: usize,
    client: PhantomData<fn() -> C>,
}

impl<C: ApiClient> ClientBuilder<C> {
    /// Starts a builder for the production base URL.
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            base_url: None,
            allow_insecure_http: false,
            http: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            app_name: None,
            transport: Transport::Http,
            retry: RetryPolicy::default(),
            on_retry: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            client: PhantomData,
        }
    }

    /// Sends requests to another base URL: a regional edge, a proxy, a test
    /// server. A trailing `/` is ignored; a path stem is kept.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Allows plain `http://` to a host that is not loopback. Credentials
    /// then cross the network in clear text; only for trusted networks.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Uses a `reqwest::Client` of your own (proxies, TLS roots, pools).
    /// Its own timeouts, redirect policy and proxy settings apply as they
    /// are: [`Self::connect_timeout`] and [`Self::request_timeout`] are then
    /// ignored, and so is the rule that keeps plain-`http://` requests away
    /// from proxies. Start from [`crate::http::client_builder`]: it sets
    /// the default timeouts and no redirects (a followed redirect turns an
    /// update into a GET), and installs the TLS crypto provider a reqwest
    /// client needs.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, response included (default 30 s).
    /// Retries get a fresh timeout each. [`RetryPolicy::budget`] decides
    /// whether a retry starts, so a call lasts at most about the budget
    /// plus one attempt.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How to retry (default: [`RetryPolicy::default`]);
    /// [`RetryPolicy::disabled`] turns retries off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Calls `observer` before each retry, with why and how long it waits:
    /// the place to log or count retries.
    pub fn on_retry(mut self, observer: impl Fn(&RetryEvent) + Send + Sync + 'static) -> Self {
        self.on_retry = Some(RetryObserver(std::sync::Arc::new(observer)));
        self
    }

    /// The largest response body the client reads (default 10 MiB); a
    /// larger one is an error, and is not read into memory.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Appends `name` (e.g. `"billing/2.3"`) to the `User-Agent`, so the
    /// provider's logs show which of your services made a request.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.app_name = Some(name.into());
        self
    }

    /// Sends every request to `transport` instead of the network: the
    /// client records and answers in process (see the `testing` module, feature `testing`).
    #[cfg(feature = "testing")]
    pub fn transport(mut self, transport: crate::testing::TestTransport) -> Self {
        self.transport = Transport::Test(transport);
        self
    }

    /// Whether requests go to a test transport (no network, no TLS).
    fn is_test_transport(&self) -> bool {
        #[cfg(feature = "testing")]
        if matches!(self.transport, Transport::Test(_)) {
            return true;
        }
        false
    }

    /// Checks everything and builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        let base_url = self.base_url.as_deref().unwrap_or(C::DEFAULT_BASE_URL);
        let base_url = normalize_base_url(base_url, self.allow_insecure_http)?;
        // Without a TLS backend every https request would fail, and be
        // retried as a transport error: say so once, here, by name.
        tls_available(
            cfg!(any(feature = "rustls", feature = "native-tls")),
            &base_url,
            self.http.is_some(),
            self.is_test_transport(),
        )?;
        if !C::PATH_PREFIX.is_empty()
            && base_url
                .rsplit('/')
                .next()
                .is_some_and(|last| last == C::PATH_PREFIX)
            && base_url.matches('/').count() > 2
        {
            return Err(BuildError::InvalidBaseUrl {
                url: redact_url(&base_url),
                reason: "it already ends with the path segment every operation starts with (such \
                         as `/v2`), which each request would then repeat; give it without that \
                         segment",
            });
        }
        let authorization = self.credentials.authorization(C::SECURITY)?;

        let mut user_agent = format!("interlocutor/{} ({})", env!("CARGO_PKG_VERSION"), C::API);
        if let Some(app_name) = &self.app_name {
            user_agent.push(' ');
            user_agent.push_str(app_name);
        }
        let user_agent =
            HeaderValue::try_from(user_agent).map_err(|_| BuildError::InvalidAppName)?;

        if self.http.is_some() && self.is_test_transport() {
            // Its default headers would be on the wire but not in the
            // record, and a TestTransport never uses it anyway.
            return Err(BuildError::HttpClient(
                "a TestTransport answers in place of the HTTP client, so `http_client` and \
                 `transport` cannot be combined: what the custom client adds (default \
                 headers) could not be recorded"
                    .to_owned(),
            ));
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut http = client_builder()
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.request_timeout);
                // Through a proxy, a plain-http request (credentials
                // included) is readable by the proxy; over https the proxy
                // only relays an encrypted tunnel. So the proxy variables
                // (`HTTPS_PROXY`, `ALL_PROXY`) apply to https base URLs only.
                if base_url.starts_with("http://") {
                    http = http.no_proxy();
                }
                // A client whose base URL is plain http never verifies a
                // certificate (it follows no redirect and takes no proxy),
                // and a test transport never uses this client: neither
                // loads the platform's root certificates, which is most of
                // the cost of building a client.
                #[cfg(any(feature = "rustls", feature = "native-tls"))]
                if base_url.starts_with("http://") || self.is_test_transport() {
                    http = http.tls_certs_only(Vec::new());
                }
                http.build()
                    .map_err(|error| BuildError::HttpClient(error.to_string()))?
            }
        };
        let context = Context {
            api: C::API,
            provider: C::PROVIDER,
            scheme: C::SECURITY,
            authorization,
            user_agent,
            transport: self.transport,
            retry: self.retry,
            on_retry: self.on_retry,
            max_response_bytes: self.max_response_bytes,
        };
        Ok(C::from_parts(&base_url, http, context))
    }
}

/// Why a build without a TLS backend refuses an https base URL.
const NO_TLS_BACKEND: &str = "this build has no TLS backend, so it cannot call an https URL: \
                              enable the `rustls` or `native-tls` feature of `interlocutor` (one \
                              is on by default)";

/// Refuses a client that needs a TLS backend this build has not got
/// (`has_tls`, the features): an https base URL, on the HTTP client it
/// builds (not one the caller gave, nor a test transport).
fn tls_available(
    has_tls: bool,
    base_url: &str,
    own_http_client: bool,
    test_transport: bool,
) -> Result<(), BuildError> {
    if has_tls || !base_url.starts_with("https://") || own_http_client || test_transport {
        Ok(())
    } else {
        Err(BuildError::HttpClient(NO_TLS_BACKEND.to_owned()))
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("base_url", &self.base_url.as_deref().map(redact_url))
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("app_name", &self.app_name)
            .field("transport", &self.transport)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// The URL with any `user:password@`, query and fragment replaced: they
/// may carry a token, and a URL is printed in errors and `Debug` output.
/// Something that is not an http(s) URL is not shown at all:
/// `AC…:token@host` (no scheme) parses with `AC…` as its scheme and the
/// token in its path.
#[doc(hidden)]
pub fn redact_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut url) if matches!(url.scheme(), "http" | "https") => {
            if !url.username().is_empty() || url.password().is_some() {
                let _ = url.set_username("redacted");
                let _ = url.set_password(None);
            }
            if url.query().is_some() {
                url.set_query(Some("redacted"));
            }
            if url.fragment().is_some() {
                url.set_fragment(Some("redacted"));
            }
            url.to_string()
        }
        _ if raw.contains(['@', ':', '?', '#', '%']) => {
            "<not shown: not an http(s) URL>".to_owned()
        }
        _ => raw.to_owned(),
    }
}

/// Validates a base URL and returns it without a trailing `/`, because the
/// generated code appends paths that start with `/`.
fn normalize_base_url(raw: &str, allow_insecure_http: bool) -> Result<String, BuildError> {
    let invalid = |reason: &'static str| BuildError::InvalidBaseUrl {
        url: redact_url(raw),
        reason,
    };
    let url = Url::parse(raw).map_err(|_| invalid("it is not an absolute URL"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it carries user info; pass credentials to the builder instead",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it has a query or a fragment"));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(invalid(
                "plain http would send credentials in clear text; use https, a loopback \
                 host, or ClientBuilder::allow_insecure_http",
            ));
        }
        _ => return Err(invalid("its scheme is neither https nor http")),
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// A client could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL was refused; the reason says why.
    InvalidBaseUrl {
        /// The URL as given, with user info, query and fragment redacted.
        url: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// The credentials were refused.
    Credentials(CredentialError),
    /// The application name cannot be sent in a `User-Agent` header.
    InvalidAppName,
    /// reqwest could not build its client (e.g. no TLS backend).
    HttpClient(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidBaseUrl { url, reason } => {
                write!(f, "invalid base URL `{url}`: {reason}")
            }
            Self::Credentials(error) => write!(f, "invalid credentials: {error}"),
            Self::InvalidAppName => {
                f.write_str("the application name has characters a User-Agent header cannot carry")
            }
            Self::HttpClient(error) => write!(f, "cannot build the HTTP client: {error}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Credentials(error) => Some(error),
            _ => None,
        }
    }
}

impl From<CredentialError> for BuildError {
    fn from(error: CredentialError) -> Self {
        Self::Credentials(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_slashes_are_dropped_and_stems_kept() {
        let cases = [
            (
                "https://conversations.twilio.com",
                "https://conversations.twilio.com",
            ),
            (
                "https://conversations.twilio.com/",
                "https://conversations.twilio.com",
            ),
            (
                "https://proxy.example/twilio/",
                "https://proxy.example/twilio",
            ),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("http://[::1]:9/", "http://[::1]:9"),
            ("http://localhost:9", "http://localhost:9"),
        ];
        for (raw, expected) in cases {
            assert_eq!(normalize_base_url(raw, false).unwrap(), expected);
        }
    }

    #[test]
    fn unsafe_or_odd_urls_are_refused() {
        let cases = [
            "conversations.twilio.com",
            "ftp://example.com",
            "http://example.com",
            "https://example.com/?region=eu",
            "https://example.com/#x",
        ];
        for raw in cases {
            let error = normalize_base_url(raw, false).unwrap_err();
            assert!(error.to_string().starts_with("invalid base URL"), "{error}");
        }
        assert_eq!(
            normalize_base_url("http://10.1.2.3/", true).unwrap(),
            "http://10.1.2.3"
        );
    }

    #[test]
    fn urls_are_echoed_without_user_info_query_or_fragment() {
        for raw in [
            "https://AC1:s3cret@example.com",
            "https://example.com/?token=s3cret",
            "https://example.com/#s3cret",
        ] {
            let error = normalize_base_url(raw, false).unwrap_err();
            assert!(!error.to_string().contains("s3cret"), "{error}");
            assert!(error.to_string().contains("redacted"), "{error}");
        }
        // No scheme: `AC…` parses as the scheme, the token as the path.
        for raw in [
            "AC0123456789abcdef0123456789abcdef:s3cret@conversations.twilio.com",
            "ftp://AC1:s3cret@example.com",
            "AC1:s3cret",
        ] {
            let error = normalize_base_url(raw, false).unwrap_err();
            assert!(
                !format!("{error} {error:?}").contains("s3cret"),
                "{error:?}"
            );
            assert!(!format!("{error}").contains("AC0123"), "{error}");
        }
        assert_eq!(
            redact_url("conversations.twilio.com"),
            "conversations.twilio.com"
        );
    }

    /// What a build without `rustls` or `native-tls` refuses (that such a
    /// build compiles is the xtask's fourth-API test): an https base URL on
    /// the client's own HTTP client, and nothing else, as a configuration
    /// error naming both features.
    #[test]
    fn without_tls_only_https_on_the_clients_own_http_client_is_refused() {
        let refused = tls_available(false, "https://api.example.com", false, false).unwrap_err();
        let error = crate::Error::from(refused);
        assert_eq!(error.kind(), crate::ErrorKind::Configuration);
        let message = error.to_string();
        assert!(
            message.contains("no TLS backend")
                && message.contains("`rustls`")
                && message.contains("`native-tls`"),
            "{message}"
        );
        assert!(tls_available(false, "http://127.0.0.1:8080", false, false).is_ok());
        assert!(tls_available(false, "https://api.example.com", true, false).is_ok());
        assert!(tls_available(false, "https://api.example.com", false, true).is_ok());
        assert!(tls_available(true, "https://api.example.com", false, false).is_ok());
    }
}
