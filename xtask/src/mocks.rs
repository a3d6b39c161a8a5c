//! A client crate's `mock` module (with its `testing` feature), emitted
//! from the model: a `Mock` with one expectation builder per operation,
//! typed by the operation's parameters, body, success and error types, on
//! top of the runtime's `testing::MockSet`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Api, Location, Media, StatusKey};
use crate::names::{pascal, type_name};
use crate::runtime;

/// The `mock` module.
pub fn module(api: &Api) -> TokenStream {
    let rt = runtime::path();
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    for operation in &api.operations {
        let method = format_ident!("{}", operation.method_name);
        let builder = format_ident!("{}Expectation", pascal(&operation.method_name));
        let shape = format_ident!("{}", operation.method_name.to_uppercase());
        let name = &operation.method_name;
        let http_method = operation.method.to_ascii_uppercase();
        let path = &operation.path;
        let form = operation
            .body
            .as_ref()
            .is_some_and(|body| body.media == Media::Form);
        let method_doc = format!(
            " Expects `{name}` (`{http_method} {path}`): every call that matches what the \
             returned builder is given is answered by its responses."
        );
        methods.push(quote! {
            #[doc = #method_doc]
            pub fn #method(&self) -> #builder {
                static #shape: #rt::testing::mock::OperationShape = #rt::testing::mock::OperationShape {
                    name: #name,
                    method: #http_method,
                    path: #path,
                    form: #form,
                };
                #builder(self.set.expect(&#shape))
            }
        });
        let mut setters = Vec::new();
        for parameter in &operation.parameters {
            if parameter.location != Location::Path {
                continue;
            }
            let setter = format_ident!("{}", parameter.rust_name);
            let wire = &parameter.name;
            let doc = format!(" Matches only calls whose path parameter `{wire}` is `value`.");
            setters.push(quote! {
                #[doc = #doc]
                pub fn #setter(self, value: impl ::std::fmt::Display) -> Self {
                    self.0.path_param(#wire, value);
                    self
                }
            });
        }
        if let Some(body) = &operation.body {
            let ty = format_ident!("{}", type_name(&body.component));
            setters.push(quote! {
                /// Matches only calls whose body has every field `body`
                /// sets, with the same value; the fields it leaves out are
                /// not looked at.
                pub fn body(self, body: &super::types::#ty) -> Self {
                    self.0.body(body);
                    self
                }
            });
        }
        let status = operation
            .success
            .iter()
            .find_map(|key| match key {
                StatusKey::Code(code) => Some(*code),
                _ => None,
            })
            .unwrap_or(200);
        match &operation.success_schema {
            Some(schema) => {
                let ty = format_ident!("{}", type_name(schema));
                let doc =
                    format!(" Answers with `value` and HTTP {status}, then the next response.");
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn respond(self, value: &super::types::#ty) -> Self {
                        self.0.respond(#rt::testing::ScriptedResponse::json(#status, value));
                        self
                    }
                });
            }
            None => {
                let doc = format!(" Answers with an empty HTTP {status}, then the next response.");
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn respond(self) -> Self {
                        self.0.respond(#rt::testing::ScriptedResponse::empty(#status));
                        self
                    }
                });
            }
        }
        if let Some(error) = &api.error {
            let ty = format_ident!("{}", type_name(&error.component));
            setters.push(quote! {
                /// Answers with the API's documented error body and `status`.
                pub fn respond_error(self, status: u16, error: &super::types::#ty) -> Self {
                    self.0.respond(#rt::testing::ScriptedResponse::json(status, error));
                    self
                }
            });
        }
        let builder_doc = format!(" An expectation of `{name}`, from [`Mock::{name}`].");
        builders.push(quote! {
            #[doc = #builder_doc]
            pub struct #builder(#rt::testing::mock::ExpectationHandle);

            impl #builder {
                #(#setters)*

                /// Answers with `status` and an empty body (a 429, a 503).
                pub fn respond_status(self, status: u16) -> Self {
                    self.0.respond(#rt::testing::ScriptedResponse::empty(status));
                    self
                }

                /// Answers with any scripted response.
                pub fn respond_with(self, response: #rt::testing::ScriptedResponse) -> Self {
                    self.0.respond(response);
                    self
                }

                /// Delays the response added last (on tokio's clock).
                pub fn delay(self, delay: ::std::time::Duration) -> Self {
                    self.0.delay(delay);
                    self
                }

                /// Expects exactly `times` calls: [`Mock::verify`] checks it,
                /// and a call beyond it is not matched.
                pub fn times(self, times: usize) -> Self {
                    self.0.times(times);
                    self
                }
            }
        });
    }
    let module_doc = format!(
        " Typed mocks of the {} API's operations (the `testing` feature).\n\n \
         A [`Mock`](mock::Mock) answers the client it is handed to (`Client::builder(credentials)\
         .transport(mock.transport())`): each expectation matches an operation by its path \
         parameters and body fields and answers with typed responses, in order (the last one \
         again for every later call). Expectations are tried in the order they were set up, \
         and the first that matches answers: give each its own parameters or body, or one \
         expectation a sequence of responses. A call no expectation matches is answered with a 501 \
         whose body names the operations and what did not match; [`Mock::verify`](mock::Mock::verify) checks the \
         call counts. The transport still records every request as it went on the wire.",
        crate::names::doc_text(&api.title).trim()
    );
    quote! {
        #[doc = #module_doc]
        #[cfg(feature = "testing")]
        pub mod mock {
            /// The expectations of one test, and the transport that answers by them.
            #[derive(Clone, Default)]
            pub struct Mock {
                set: #rt::testing::mock::MockSet,
            }

            impl Mock {
                /// A mock with no expectations.
                pub fn new() -> Self {
                    Self::default()
                }

                /// The transport to build the client with; its record is
                /// the wire.
                pub fn transport(&self) -> #rt::testing::TestTransport {
                    self.set.transport()
                }

                /// Panics, naming each, if an expectation was not called as
                /// often as it says, was never called, or left responses
                /// unused.
                pub fn verify(&self) {
                    self.set.verify();
                }

                #(#methods)*
            }

            #(#builders)*
        }
    }
}
