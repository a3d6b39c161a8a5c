//! The client's operations, emitted from the model: one method per
//! operation that checks its inputs, describes the request and hands it to
//! the runtime's one pipeline (`Context::call`). Also the error body's
//! `ProviderError` impl and the conversion of the types' parse errors.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Api, Location, Media, Operation, ParamType, Parameter, StatusKey};
use crate::names::{rust_name, type_name};
use crate::runtime;

/// Where the facade shows an API's client, for doc examples a user can
/// copy: `interlocutor::twilio::conversations_v2`.
pub fn facade_path(api: &Api) -> String {
    format!(
        "interlocutor::{}::{}",
        api.wiring.provider, api.wiring.module
    )
}

/// The operations' `impl Client` block. `validated` lists the types that
/// implement `Validate` (request bodies and what they contain).
pub fn operations(
    api: &Api,
    validated: &BTreeSet<String>,
    doc: &serde_json::Value,
) -> Result<TokenStream, String> {
    let mut methods = Vec::new();
    for operation in &api.operations {
        methods.push(
            method(api, operation, validated, doc)
                .map_err(|error| format!("operation `{}`: {error}", operation.id))?,
        );
    }
    Ok(quote! {
        impl Client {
            #(#methods)*
        }
    })
}

fn method(
    api: &Api,
    operation: &Operation,
    validated: &BTreeSet<String>,
    doc: &serde_json::Value,
) -> Result<TokenStream, String> {
    let rt = runtime::path();
    let name = format_ident!("{}", operation.method_name);
    let mut params = Vec::new();
    let mut prelude = Vec::new();
    let mut query = Vec::new();
    for parameter in &operation.parameters {
        let ident = format_ident!("{}", parameter.rust_name);
        let shown = &parameter.name;
        let ty = param_type(&parameter.ty);
        match parameter.location {
            Location::Path => {
                params.push(quote!(#ident: impl ::std::fmt::Display));
                let check = checks(doc, parameter, &ident, &ty, &operation.method_name)?;
                if !parameter.ty.is_text() {
                    prelude.push(quote! {
                        let #ident: #ty = #rt::path_param(#shown, &#ident)
                            .map_err(|invalid| self.context.invalid(invalid))?;
                    });
                } else if !check.is_empty() {
                    // Its constraints read it as text; without any, it is
                    // encoded into the URL as it prints, with no copy.
                    prelude.push(quote! {
                        let #ident = #rt::path_text(#shown, &#ident)
                            .map_err(|invalid| self.context.invalid(invalid))?;
                    });
                }
                prelude.push(check);
            }
            Location::Query | Location::Header => {
                let text = parameter.ty.is_text();
                let given = match (parameter.required, text) {
                    (true, true) => quote!(&str),
                    (true, false) => quote!(#ty),
                    (false, true) => quote!(::std::option::Option<&str>),
                    (false, false) => quote!(::std::option::Option<#ty>),
                };
                params.push(quote!(#ident: #given));
                let owned = if parameter.required {
                    quote!(#ty)
                } else {
                    quote!(::std::option::Option<#ty>)
                };
                // Checked as its declared type; a `&str` reads as the
                // `String` the checks expect (they take `&str`).
                prelude.push(checks(
                    doc,
                    parameter,
                    &ident,
                    &owned,
                    &operation.method_name,
                )?);
                let add = if parameter.location == Location::Query {
                    quote!(query)
                } else {
                    quote!(header)
                };
                query.push(quote!(.#add(#shown, &#ident)?));
            }
        }
    }

    let mut body_arg = TokenStream::new();
    let mut body_set = TokenStream::new();
    if let Some(body) = &operation.body {
        let body_type = format_ident!("{}", type_name(&body.component));
        params.push(quote!(body: impl ::std::borrow::Borrow<types::#body_type>));
        body_arg = quote! {
            let body: &types::#body_type = ::std::borrow::Borrow::borrow(&body);
        };
        if validated.contains(&body_type.to_string()) {
            body_arg.extend(quote! {
                #rt::Validate::validate(body).map_err(|invalid| self.context.invalid(invalid))?;
            });
        }
        body_set = match body.media {
            Media::Json => quote!(.json(body)?),
            Media::Form => quote!(.form(body)?),
        };
    }

    let error_type = match &api.error {
        Some(error) => {
            let ident = format_ident!("{}", type_name(&error.component));
            quote!(types::#ident)
        }
        None => quote!(#rt::NoErrorBody),
    };
    let (output, call) = match &operation.success_schema {
        Some(schema) => {
            let ident = format_ident!("{}", type_name(schema));
            (
                quote!(types::#ident),
                quote!(call::<types::#ident, #error_type>),
            )
        }
        None => (quote!(()), quote!(call_without_body::<#error_type>)),
    };

    let url = url_expression(operation)?;
    let http_method = format_ident!("{}", operation.method.to_ascii_uppercase());
    let id = &operation.method_name;
    let success = operation.success.iter().map(status_tokens);
    let errors = operation.errors.iter().map(status_tokens);
    let docs = docs(api, operation);
    Ok(quote! {
        #(#[doc = #docs])*
        pub async fn #name(&self, #(#params),*) -> #rt::Result<#rt::Response<#output>> {
            static OPERATION: #rt::Operation = #rt::Operation {
                id: #id,
                success: &[#(#success),*],
                errors: &[#(#errors),*],
            };
            #(#prelude)*
            #body_arg
            let request = self.context.outgoing(
                #rt::http::reqwest::Method::#http_method,
                &self.base_url,
            )
            #url
            #(#query)*
            #body_set;
            self.context.#call(&self.http, &OPERATION, request).await
        }
    })
}

/// `.path("/v2/Conversations/").segment("Sid", &sid)?`: the path template,
/// its parameters percent-encoded into it as one segment each (text as it
/// is, a typed value as it goes on the wire).
fn url_expression(operation: &Operation) -> Result<TokenStream, String> {
    let mut calls = TokenStream::new();
    let mut rest = operation.path.as_str();
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|at| open + at)
            .ok_or_else(|| format!("the path `{}` has an unclosed `{{`", operation.path))?;
        let literal = &rest[..open];
        if !literal.is_empty() {
            calls.extend(quote!(.path(#literal)));
        }
        let name = &rest[open + 1..close];
        let ident = format_ident!("{}", rust_name(name));
        let text = operation
            .parameters
            .iter()
            .find(|parameter| parameter.location == Location::Path && parameter.name == name)
            .is_none_or(|parameter| parameter.ty.is_text());
        calls.extend(if text {
            quote!(.segment(#name, &#ident)?)
        } else {
            quote!(.segment_value(#name, &#ident)?)
        });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        calls.extend(quote!(.path(#rest)));
    }
    Ok(calls)
}

fn status_tokens(status: &StatusKey) -> TokenStream {
    let rt = runtime::path();
    match status {
        StatusKey::Code(code) => quote!(#rt::Status::Code(#code)),
        StatusKey::Class(class) => quote!(#rt::Status::Class(#class)),
        StatusKey::Default => quote!(#rt::Status::Default),
    }
}

fn param_type(ty: &ParamType) -> TokenStream {
    match ty {
        ParamType::Plain(path) => path.parse().expect("the model's paths are Rust paths"),
        ParamType::Generated(name) => {
            let ident = format_ident!("{name}");
            quote!(types::#ident)
        }
        ParamType::List(item) => {
            let item = param_type(item);
            quote!(::std::vec::Vec<#item>)
        }
    }
}

/// The parameter's own constraints (a SID's pattern), from the spec as
/// written, run on the value the method holds.
fn checks(
    doc: &serde_json::Value,
    parameter: &Parameter,
    ident: &syn::Ident,
    ty: &TokenStream,
    method: &str,
) -> Result<TokenStream, String> {
    let rt = runtime::path();
    let ty: syn::Type =
        syn::parse2(ty.clone()).map_err(|error| format!("internal error: {error}"))?;
    let owner = format!("{method}({})", parameter.name);
    let body = crate::surface::value_checks(doc, &parameter.schema, &ty, &owner)?;
    if body.is_empty() {
        return Ok(body);
    }
    let shown = &parameter.name;
    Ok(quote! {
        (|| -> ::std::result::Result<(), #rt::Invalid> {
            let root = #rt::Field::Root;
            let at = &root.property(#shown);
            let value = &#ident;
            #body
            ::std::result::Result::Ok(())
        })()
        .map_err(|invalid| self.context.invalid(invalid))?;
    })
}

/// The method's docs: the spec's summary and description, the request,
/// the arguments, and an example that compiles in a user's crate (the
/// facade's paths, nothing else).
fn docs(api: &Api, operation: &Operation) -> Vec<String> {
    let mut lines = Vec::new();
    let mut paragraph = |text: &str| {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        let text = crate::names::doc_text(text);
        lines.extend(text.trim().lines().map(|line| format!(" {line}")));
    };
    if let Some(summary) = &operation.summary {
        paragraph(summary);
    }
    if let Some(description) = &operation.description
        && operation.summary.as_deref().map(str::trim) != Some(description.trim())
    {
        paragraph(description);
    }
    paragraph(&format!(
        "Sends `{} {}`.",
        operation.method.to_ascii_uppercase(),
        operation.path
    ));
    let mut arguments: Vec<String> = operation
        .parameters
        .iter()
        .map(|parameter| {
            let description = parameter
                .description
                .as_deref()
                .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            format!(
                "- `{}`: the {} parameter `{}`{}{}",
                parameter.rust_name,
                parameter.location.as_str(),
                parameter.name,
                if parameter.required {
                    ""
                } else {
                    " (optional)"
                },
                if description.is_empty() {
                    String::new()
                } else {
                    format!(". {description}")
                }
            )
        })
        .collect();
    if let Some(body) = &operation.body {
        arguments.push(format!(
            "- `body`: the request body, [`types::{}`], by value or by reference",
            type_name(&body.component)
        ));
    }
    if !arguments.is_empty() {
        paragraph(&format!("Arguments:\n{}", arguments.join("\n")));
    }
    if let Some(example) = example(api, operation) {
        paragraph(&format!("# Example\n\n{example}"));
    }
    lines
}

/// A compiled example, when every argument has a plain value to show
/// (the facade compiles each as a doc test: `src/examples.md`).
pub fn example(api: &Api, operation: &Operation) -> Option<String> {
    let module = facade_path(api);
    let mut arguments = Vec::new();
    for parameter in &operation.parameters {
        arguments.push(match (&parameter.location, &parameter.ty) {
            (Location::Path, ParamType::Plain(path)) if path == "::uuid::Uuid" => {
                "\"00000000-0000-0000-0000-000000000000\"".to_owned()
            }
            (Location::Path, _) => format!("{:?}", parameter.name),
            (_, _) if !parameter.required => "None".to_owned(),
            (_, ty) if ty.is_text() => format!("{:?}", parameter.name),
            _ => return None,
        });
    }
    if let Some(body) = &operation.body {
        let all_optional = body.schema["required"]
            .as_array()
            .is_none_or(|required| required.is_empty());
        if !all_optional || body.schema.get("properties").is_none() {
            return None;
        }
        arguments.push(format!("types::{}::new()", type_name(&body.component)));
    }
    let provider = &api.wiring.provider;
    Some(format!(
        "```no_run\n\
         # async fn example() -> interlocutor::Result<()> {{\n\
         use {module}::{{Client, types}};\n\
         use interlocutor::{provider};\n\
         \n\
         let client = Client::builder({provider}::from_env()?).build()?;\n\
         let response = client.{}({}).await?;\n\
         println!(\"{{:?}}\", *response);\n\
         # Ok(())\n\
         # }}\n\
         ```",
        operation.method_name,
        arguments.join(", ")
    ))
}

/// The error body's `ProviderError` impl and the conversion of the types'
/// parse errors into the one error.
pub fn error_impls(api: &Api) -> TokenStream {
    let rt = runtime::path();
    let mut out = quote! {
        impl ::std::convert::From<types::error::ConversionError> for #rt::Error {
            fn from(error: types::error::ConversionError) -> Self {
                #rt::Error::conversion(error)
            }
        }
    };
    let Some(error) = &api.error else {
        return out;
    };
    let ident = format_ident!("{}", type_name(&error.component));
    // A required property's field is the value itself, an optional one's
    // an `Option` of it.
    let field =
        |wire: &Option<String>, convert: &dyn Fn(TokenStream, bool) -> TokenStream| match wire {
            Some(wire) => {
                let field = format_ident!("{}", rust_name(wire));
                convert(quote!(self.#field), error.required.contains(wire))
            }
            None => quote!(::std::option::Option::None),
        };
    let code = field(
        &error.code,
        &|value, _| quote!(#rt::IntoErrorCode::into_error_code(#value)),
    );
    let text = |value: TokenStream, required: bool| {
        if required {
            quote!(::std::option::Option::Some(#value))
        } else {
            value
        }
    };
    let message = field(&error.message, &text);
    let more_info = field(&error.more_info, &text);
    let details = field(
        &error.details,
        &|value, _| quote!(::serde_json::to_value(&#value).ok().filter(|value| !value.is_null())),
    );
    let properties = &error.properties;
    out.extend(quote! {
        impl #rt::ProviderError for types::#ident {
            const FIELDS: &'static [&'static str] = &[#(#properties),*];

            fn fields(self) -> #rt::ProviderErrorFields {
                let mut fields = #rt::ProviderErrorFields::default();
                fields.code = #code;
                fields.message = #message;
                fields.more_info = #more_info;
                fields.details = #details;
                fields
            }
        }
    });
    out
}
