//! A client crate's `webhooks` module, emitted from the model's events:
//! one `Event` enum, a variant per callback of the spec, that the runtime's
//! `webhook::Event` trait decodes from a body the facade's verifiers have
//! checked.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Api, Media};
use crate::names::{doc_text, type_name};
use crate::runtime;

/// The `webhooks` module, or nothing for an API without callbacks.
pub fn module(api: &Api) -> TokenStream {
    let Some(events) = &api.events else {
        return TokenStream::new();
    };
    let rt = runtime::path();
    let (media, read) = match events.media {
        Media::Json => (quote!(Json), quote!(json)),
        Media::Form => (quote!(Form), quote!(form)),
    };
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut names = Vec::new();
    for (callback, value) in &events.callbacks {
        let variant = format_ident!("{}", callback.variant);
        let ty = format_ident!("{}", type_name(&callback.component));
        let mut docs: Vec<String> = Vec::new();
        for text in [&callback.summary, &callback.description]
            .into_iter()
            .flatten()
        {
            if docs.iter().any(|known| known.trim() == text.trim()) {
                continue;
            }
            if !docs.is_empty() {
                docs.push(String::new());
            }
            docs.push(doc_text(text).trim().to_owned());
        }
        let named = match value {
            Some(value) => format!("`{value}`: the spec's callback `{}`.", callback.name),
            None => format!("The spec's callback `{}`.", callback.name),
        };
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.push(named);
        let docs = docs.iter().map(|line| format!(" {line}"));
        variants.push(quote! {
            #(#[doc = #docs])*
            #variant(super::types::#ty),
        });
        let name = value.clone().unwrap_or_else(|| callback.name.clone());
        names.push(quote!(Self::#variant(_) => #name,));
        if let Some(value) = value {
            arms.push(quote!(#value => Self::#variant(#rt::webhook::#read(body)?),));
        }
    }
    let (other, decode, other_name) = match &events.tag {
        Some(tag) => {
            let tag_read = format_ident!("{read}_tag");
            let doc = format!(
                " An event this version of the spec does not describe, by its `{tag}`. The \
                 verified body is still yours: `Verified::body`."
            );
            (
                quote! {
                    #[doc = #doc]
                    Other(::std::string::String),
                },
                quote! {
                    let name = #rt::webhook::#tag_read(body, #tag)?;
                    Ok(match name.as_str() {
                        #(#arms)*
                        _ => Self::Other(name),
                    })
                },
                quote!(Self::Other(name) => name,),
            )
        }
        None => {
            let (callback, _) = &events.callbacks[0];
            let variant = format_ident!("{}", callback.variant);
            (
                TokenStream::new(),
                quote!(Ok(Self::#variant(#rt::webhook::#read(body)?))),
                TokenStream::new(),
            )
        }
    };
    let module_doc = format!(
        " The requests the {} API sends to your server (the spec's `callbacks`).\n\n \
         Read one with the provider's verifier (`{}::webhook::Verifier::event`), which checks \
         the signature before decoding: never decode a body that was not verified.",
        doc_text(&api.title).trim(),
        crate::client::facade_path(api)
            .rsplit_once("::")
            .map(|(provider, _)| provider.to_owned())
            .unwrap_or_default(),
    );
    quote! {
        #[doc = #module_doc]
        pub mod webhooks {
            /// One event, by the callback the spec documents it with.
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            #[allow(clippy::large_enum_variant)]
            pub enum Event {
                #(#variants)*
                #other
            }

            impl Event {
                /// The event's name, as the provider sends it.
                pub fn name(&self) -> &str {
                    match self {
                        #(#names)*
                        #other_name
                    }
                }
            }

            impl #rt::webhook::Event for Event {
                const MEDIA: #rt::webhook::Media = #rt::webhook::Media::#media;

                fn decode(body: &[u8]) -> ::std::result::Result<Self, #rt::webhook::DecodeError> {
                    #decode
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// A one-operation spec whose operation has `callbacks` (YAML at the
    /// operation's indentation) and extra `schemas`.
    fn spec(callbacks: &str, schemas: &str) -> String {
        format!(
            r##"
{head}    Thing: {{type: object, properties: {{name: {{type: string}}}}}}
{schemas}
paths:
  /things/{{id}}:
    patch:
      operationId: UpdateThing
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
      responses:
        "200":
          description: Done
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Thing"}}
      callbacks:
{callbacks}
"##,
            head = crate::codegen::test_support::SPEC_HEAD,
        )
    }

    /// A callback named `name` whose body is `media` with `schema`.
    fn callback(name: &str, media: &str, schema: &str) -> String {
        format!(
            r#"        {name}:
          "{{$request.body#/url}}":
            post:
              requestBody:
                content:
                  {media}:
                    schema: {schema}
              responses:
                "200": {{description: Received}}
"#
        )
    }

    fn generate(callbacks: &str, schemas: &str) -> Result<String, String> {
        crate::codegen::test_support::generated(&spec(callbacks, schemas))
    }

    const EVENTS: &str = r##"    Created:
      type: object
      required: [kind, thing]
      properties:
        kind: {type: string, enum: [thing.created]}
        thing: {$ref: "#/components/schemas/Thing"}
        level: {type: string, enum: [low, high]}
    Deleted:
      type: object
      required: [kind]
      properties:
        kind: {type: string, enum: [thing.deleted]}"##;

    #[test]
    fn callbacks_become_one_event_enum_told_apart_by_their_tag() {
        let callbacks = callback(
            "thingCreated",
            "application/json",
            r##"{$ref: "#/components/schemas/Created"}"##,
        ) + &callback(
            "thingDeleted",
            "application/json",
            r##"{$ref: "#/components/schemas/Deleted"}"##,
        );
        let code = generate(&callbacks, EVENTS).unwrap();
        for expected in [
            "pub mod webhooks {",
            "ThingCreated(super::types::Created),",
            "ThingDeleted(super::types::Deleted),",
            "Other(::std::string::String),",
            "webhook::json_tag(body, \"kind\")?",
            "\"thing.created\" => {",
            // Events are received: enums stay open, fixtures get `with_`.
            "pub level: ::std::option::Option<::interlocutor_runtime::Open<CreatedLevel>>",
            "pub fn with_thing(",
        ] {
            assert!(code.contains(expected), "missing {expected:?} in:\n{code}");
        }
    }

    #[test]
    fn one_callback_needs_no_tag_and_an_inline_body_is_named() {
        let callbacks = callback(
            "statusChanged",
            "application/x-www-form-urlencoded",
            "{type: object, properties: {Status: {type: string}}}",
        );
        let code = generate(&callbacks, "").unwrap();
        assert!(
            code.contains("StatusChanged(super::types::StatusChangedEvent),"),
            "{code}"
        );
        assert!(code.contains("webhook::Media::Form"), "{code}");
        assert!(!code.contains("Other("), "{code}");
    }

    #[test]
    fn callbacks_the_generator_cannot_type_are_refused_by_name() {
        let created = r##"{$ref: "#/components/schemas/Created"}"##;
        let cases = [
            (
                callback("thingCreated", "text/plain", "{type: string}"),
                "callback `thingCreated`: request bodies of `text/plain` are not supported",
            ),
            (
                "        thingCreated:\n          \"{$request.body#/url}\":\n            post:\n              responses:\n                \"200\": {description: Received}\n".to_owned(),
                "callback `thingCreated`: its operation has no `requestBody`",
            ),
            (
                callback("thingCreated", "application/json", created)
                    + &callback("thingAgain", "application/json", created),
                "the callbacks (`thingAgain`, `thingCreated`) share one URL, and nothing in their \
                 bodies tells them apart",
            ),
            (
                callback("thingCreated", "application/json", created)
                    + &callback(
                        "thingDeleted",
                        "application/x-www-form-urlencoded",
                        r##"{$ref: "#/components/schemas/Deleted"}"##,
                    ),
                "are sent in different media types",
            ),
            (
                callback("other", "application/json", created),
                "callback `other`: the name becomes the event `Other`",
            ),
            (
                callback("1st", "application/json", created),
                "callback `1st`: the name becomes the event `1st`",
            ),
        ];
        for (callbacks, expected) in cases {
            let error = generate(&callbacks, EVENTS).unwrap_err();
            assert!(
                error.contains(expected),
                "expected {expected:?} in: {error}"
            );
            assert!(error.starts_with("specs/demo.yaml"), "{error}");
        }
    }
}
