//! The glue every generated client needs, written once.

/// Defines a generated API's `Client`: its fields, `builder`, and
/// [`ApiClient`](crate::ApiClient), which lets [`ClientBuilder`](crate::ClientBuilder)
/// make one. Each generated `lib.rs` calls it once with the API's data; the
/// generated operations are methods of this `Client` that call
/// [`Context::call`](crate::Context::call).
///
/// ```ignore
/// interlocutor_runtime::api_client! {
///     /// Client for Bird Conversations.
///     client: Client,
///     api: "interlocutor-bird-conversations",
///     provider: "Bird",
///     base_url: "https://api.bird.com",
///     path_prefix: "workspaces",
///     security: interlocutor_runtime::SecurityScheme::Token { scheme: "AccessKey" },
/// }
/// ```
#[macro_export]
macro_rules! api_client {
    (
        $(#[$attr:meta])*
        client: $client:ident,
        api: $api:literal,
        provider: $provider:literal,
        base_url: $base_url:literal,
        path_prefix: $path_prefix:literal,
        security: $security:expr $(,)?
    ) => {
        $(#[$attr])*
        #[derive(Clone, Debug)]
        pub struct $client {
            base_url: ::std::string::String,
            http: $crate::http::reqwest::Client,
            context: $crate::Context,
        }

        impl $client {
            #[doc = concat!(
                "Starts building a client for the production base URL (`",
                $base_url,
                "`); override it with `base_url`."
            )]
            pub fn builder(credentials: $crate::Credentials) -> $crate::ClientBuilder<Self> {
                $crate::ClientBuilder::new(credentials)
            }

        }

        // What `ClientBuilder` needs; not for users, so not on the page.
        #[doc(hidden)]
        impl $crate::ApiClient for $client {
            const API: &'static str = $api;
            const PROVIDER: &'static str = $provider;
            const DEFAULT_BASE_URL: &'static str = $base_url;
            const PATH_PREFIX: &'static str = $path_prefix;
            const SECURITY: $crate::SecurityScheme = $security;

            fn from_parts(
                base_url: &str,
                http: $crate::http::reqwest::Client,
                context: $crate::Context,
            ) -> Self {
                Self {
                    base_url: base_url.to_owned(),
                    http,
                    context,
                }
            }
        }
    };
}
