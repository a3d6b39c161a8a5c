//! The glue every generated client needs, written once.

/// Plugs a generated progenitor `Client` into the runtime: `builder`,
/// [`ApiClient`](crate::ApiClient), and the `ClientHooks` that hand each
/// request to [`Context`](crate::Context) (auth, `User-Agent`, retries,
/// bounded bodies). Each generated `lib.rs` calls it once; the impls must
/// live in the generated crate (the orphan rule), their text lives here.
///
/// ```ignore
/// interlocutor_runtime::api_client! {
///     client: Client,
///     api: "interlocutor-bird-conversations",
///     base_url: "https://api.bird.com",
///     security: interlocutor_runtime::SecurityScheme::Token { scheme: "AccessKey" },
/// }
/// ```
#[macro_export]
macro_rules! api_client {
    (
        client: $client:ident,
        api: $api:literal,
        base_url: $base_url:literal,
        security: $security:expr $(,)?
    ) => {
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

        impl $crate::ApiClient for $client {
            const API: &'static str = $api;
            const DEFAULT_BASE_URL: &'static str = $base_url;
            const SECURITY: $crate::SecurityScheme = $security;

            fn from_parts(
                base_url: &str,
                http: $crate::reexports::reqwest::Client,
                context: $crate::Context,
            ) -> Self {
                Self::new_with_client(base_url, http, context)
            }
        }

        impl $crate::reexports::progenitor_client::ClientHooks<$crate::Context> for $client {
            async fn pre<E>(
                &self,
                request: &mut $crate::reexports::reqwest::Request,
                _info: &$crate::reexports::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), $crate::reexports::progenitor_client::Error<E>> {
                $crate::reexports::progenitor_client::ClientInfo::inner(self)
                    .prepare(request)
                    .map_err($crate::reexports::progenitor_client::Error::InvalidRequest)
            }

            async fn exec(
                &self,
                request: $crate::reexports::reqwest::Request,
                info: &$crate::reexports::progenitor_client::OperationInfo,
            ) -> $crate::reexports::reqwest::Result<$crate::reexports::reqwest::Response> {
                let client = $crate::reexports::progenitor_client::ClientInfo::client(self);
                // Boxed: the retry loop's state is kilobytes, and every
                // future that awaits it would otherwise carry (and copy) it.
                ::std::boxed::Box::pin(
                    $crate::reexports::progenitor_client::ClientInfo::inner(self)
                        .execute(client, request, info.operation_id),
                )
                .await
            }

            async fn post<E>(
                &self,
                result: &$crate::reexports::reqwest::Result<$crate::reexports::reqwest::Response>,
                _info: &$crate::reexports::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), $crate::reexports::progenitor_client::Error<E>> {
                match $crate::reexports::progenitor_client::ClientInfo::inner(self).check(result) {
                    Some(response) => Err(
                        $crate::reexports::progenitor_client::Error::UnexpectedResponse(response),
                    ),
                    None => Ok(()),
                }
            }
        }
    };
}
