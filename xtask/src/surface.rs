//! The types a user meets: progenitor's (typify's) output, made pleasant
//! and safe to grow from the spec and the generated types alone:
//!
//! - **Types that can grow.** Every struct and enum in `types` is
//!   `#[non_exhaustive]`, so a property or enum value added to a spec is a
//!   minor release for code that builds values through the methods below.
//! - **Builders with plain values.** Each struct gets `new(required...)`
//!   and a setter per field taking `impl Into<T>` (`.name("Support")`); an
//!   optional nullable field also gets `clear_<field>()` (sends null, or
//!   `Key=` in a form); a map field gets `set_<field>(key, value)` and, when
//!   its values may be null (a merge patch), `remove_<field>(key)`.
//! - **Checked before sending.** Every request body type implements the
//!   runtime's `Validate` from its schema's constraints (lengths, patterns,
//!   item and entry counts, numeric bounds). The spec rewrite removes those
//!   constraints before typify runs, so fields are plain `String`s and the
//!   setters cannot fail; the check runs when the request is made.
//!
//! The operations themselves are emitted from the model (`client.rs`);
//! this module adds what the types need.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Api;
use crate::names::type_name;
use crate::spec::{merged, resolve};
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;
use syn::{Fields, GenericArgument, Ident, Item, ItemStruct, PathArguments, Type};

const RUNTIME: &str = crate::runtime::IDENT;

/// Adds the surface to `types` (progenitor's types module) and returns
/// the names of the types that implement `Validate`. `doc` is the spec as
/// written, before the rewrites: the constraints the checks are made from
/// live there.
pub fn apply(types: &mut Vec<Item>, doc: &Value, api: &Api) -> Result<BTreeSet<String>, String> {
    let runtime = Ident::new(RUNTIME, Span::call_site());
    mark_non_exhaustive(types);
    name_the_accepted_values(types);
    // Before the structs are read: their setters carry the fields' docs.
    document_fields_and_variants(types);

    let mut roots = Vec::new();
    let mut request_roots = BTreeSet::new();
    let mut response_roots = BTreeSet::new();
    for operation in &api.operations {
        if let Some(body) = &operation.body {
            let name = type_name(&body.component);
            request_roots.insert(name.clone());
            roots.push((name, body.schema.clone()));
        }
        if let Some(schema) = &operation.success_schema {
            response_roots.insert(type_name(schema));
        }
    }
    if let Some(error) = &api.error {
        response_roots.insert(type_name(&error.component));
    }
    // Events are received, like responses: read liberally, built for
    // fixtures with `with_` setters.
    for (callback, _) in api.events.iter().flat_map(|events| &events.callbacks) {
        response_roots.insert(type_name(&callback.component));
    }
    let responses = {
        let structs = named_structs(types);
        let newtypes = newtype_structs(types);
        let responses = reachable(&structs, &newtypes, response_roots.clone());
        let requests = reachable(&structs, &newtypes, request_roots);
        for item in types.iter_mut() {
            if let Item::Struct(item) = item {
                let name = item.ident.to_string();
                if requests.contains(&name) && !responses.contains(&name) {
                    explicit_empty_arrays(item);
                }
            }
        }
        responses
    };
    let structs = named_structs(types);
    let newtypes = newtype_structs(types);
    roots.retain(|(name, _)| structs.contains_key(name));
    let mut added: Vec<Item> = Vec::new();
    for (name, item) in &structs {
        added.push(builder_impl(
            item,
            &runtime,
            &newtypes,
            responses.contains(name),
        )?);
    }

    let mut checks = Checks {
        doc,
        runtime: &runtime,
        structs: &structs,
        newtypes: &newtypes,
        pending: roots,
        done: BTreeSet::new(),
        impls: Vec::new(),
    };
    checks.run()?;
    added.extend(checks.impls);
    let requests = checks.done;

    // A request type refuses fields it does not know when it is read (a
    // typo would otherwise vanish: `{"nmae": "x"}` read as `{}`), unless a
    // response uses it too and must stay liberal.
    let responses = reachable(&structs, &newtypes, response_roots);
    for item in types.iter_mut() {
        if let Item::Struct(item) = item {
            let name = item.ident.to_string();
            let flattened = match &item.fields {
                Fields::Named(fields) => fields.named.iter().any(is_flattened),
                _ => true,
            };
            if requests.contains(&name) && !responses.contains(&name) && !flattened {
                item.attrs
                    .push(syn::parse_quote!(#[serde(deny_unknown_fields)]));
            }
            if requests.contains(&name) {
                whole_second_timestamps(item, &runtime);
            }
            present_nulls(item, &runtime);
        }
    }
    types.extend(added);
    Ok(requests)
}

/// An optional array of a request type is `Option<Vec<T>>`, not typify's
/// `Vec<T>` skipped when empty: a user who sets `[]` (to empty a list)
/// must see `[]` on the wire; only an untouched field is left out.
fn explicit_empty_arrays(item: &mut ItemStruct) {
    for field in item.fields.iter_mut() {
        if argument(&field.ty, "Vec").is_none() {
            continue;
        }
        let mut skipped_when_empty = false;
        for attr in field.attrs.iter_mut() {
            if !attr.path().is_ident("serde") {
                continue;
            }
            let Ok(list) = attr.meta.require_list() else {
                continue;
            };
            let Ok(nested) = list.parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            ) else {
                continue;
            };
            let mut kept = syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::new();
            for meta in nested {
                match &meta {
                    syn::Meta::NameValue(pair) if pair.path.is_ident("skip_serializing_if") => {
                        skipped_when_empty = true;
                        kept.push(syn::parse_quote!(
                            skip_serializing_if = "::std::option::Option::is_none"
                        ));
                    }
                    _ => kept.push(meta),
                }
            }
            *attr = syn::parse_quote!(#[serde(#kept)]);
        }
        if skipped_when_empty {
            let ty = &field.ty;
            field.ty = syn::parse_quote!(::std::option::Option<#ty>);
        }
    }
}

/// Every `Option<Nullable<T>>` field gets `#[serde(default, deserialize_with
/// = "…deserialize_present")]`: without it serde reads `"name": null` as
/// `None`, and a PATCH body read from JSON would silently turn "clear" into
/// "leave unchanged".
fn present_nulls(item: &mut ItemStruct, runtime: &Ident) {
    let path = format!("::{runtime}::deserialize_present");
    for field in item.fields.iter_mut() {
        let three_state = argument(&field.ty, "Option").and_then(nullable).is_some();
        if three_state {
            field
                .attrs
                .push(syn::parse_quote!(#[serde(default, deserialize_with = #path)]));
        }
    }
}

/// The checks of one value (`value`, of type `&ty`) against `schema`: a
/// parameter's, emitted into its operation's method.
pub fn value_checks(
    doc: &Value,
    schema: &Value,
    ty: &Type,
    owner: &str,
) -> Result<TokenStream, String> {
    let runtime = Ident::new(RUNTIME, Span::call_site());
    let structs = BTreeMap::new();
    let newtypes = BTreeMap::new();
    let mut checks = Checks {
        doc,
        runtime: &runtime,
        structs: &structs,
        newtypes: &newtypes,
        pending: Vec::new(),
        done: BTreeSet::new(),
        impls: Vec::new(),
    };
    checks.value(&quote!(value), ty, schema, owner)
}

/// Timestamps in a request go out in whole seconds, as the providers'
/// own libraries send them (see the runtime's `whole_seconds`).
fn whole_second_timestamps(item: &mut ItemStruct, runtime: &Ident) {
    let path = format!("::{runtime}::whole_seconds");
    for field in item.fields.iter_mut() {
        if idents_in(&field.ty.to_token_stream()).contains("DateTime") {
            field
                .attrs
                .push(syn::parse_quote!(#[serde(serialize_with = #path)]));
        }
    }
}

/// Every identifier in `tokens`, groups included.
fn idents_in(tokens: &TokenStream) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for token in tokens.clone() {
        match token {
            TokenTree::Ident(ident) => {
                found.insert(ident.to_string());
            }
            TokenTree::Group(group) => found.extend(idents_in(&group.stream())),
            _ => {}
        }
    }
    found
}

/// The struct types reachable from `roots` through field types.
fn reachable(
    structs: &BTreeMap<String, ItemStruct>,
    newtypes: &BTreeMap<String, Type>,
    roots: BTreeSet<String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut pending: Vec<String> = roots.into_iter().collect();
    while let Some(name) = pending.pop() {
        let types: Vec<TokenStream> = if let Some(item) = structs.get(&name) {
            item.fields.iter().map(|f| f.ty.to_token_stream()).collect()
        } else if let Some(inner) = newtypes.get(&name) {
            vec![inner.to_token_stream()]
        } else {
            continue;
        };
        if !seen.insert(name) {
            continue;
        }
        for ty in types {
            pending.extend(idents_in(&ty));
        }
    }
    seen
}

fn named_structs(items: &[Item]) -> BTreeMap<String, ItemStruct> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(item) if matches!(item.fields, Fields::Named(_)) => {
                Some((item.ident.to_string(), item.clone()))
            }
            _ => None,
        })
        .collect()
}

/// `struct Name(pub T)`: typify's wrappers, e.g. of a free-form object.
fn newtype_structs(items: &[Item]) -> BTreeMap<String, Type> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(item) => match &item.fields {
                Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                    Some((item.ident.to_string(), fields.unnamed[0].ty.clone()))
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn mark_non_exhaustive(items: &mut [Item]) {
    for item in items {
        let (attrs, named) = match item {
            Item::Struct(item) => {
                let named = matches!(item.fields, Fields::Named(_));
                (&mut item.attrs, named)
            }
            Item::Enum(item) => (&mut item.attrs, true),
            _ => continue,
        };
        if named {
            attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
        derive_partial_eq(attrs);
        // `JsonSchema` only with the crate's `schemars` feature: schemars
        // and its derive are not compiled into every build.
        attrs.push(syn::parse_quote!(
            #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
        ));
    }
}

/// A string that is not one of an enum's values (`"active".parse::<
/// ConversationStatus>()`) is refused naming the type and the values it
/// accepts, not as typify's bare "invalid value": the catch-all arm of each
/// enum's `FromStr` (which its `TryFrom` impls call) says so.
fn name_the_accepted_values(items: &mut [Item]) {
    for item in items {
        let Item::Impl(block) = item else { continue };
        let Some((trait_path, _)) = &block.trait_ else {
            continue;
        };
        if trait_path
            .segments
            .last()
            .is_none_or(|last| last.ident != "FromStr")
        {
            continue;
        }
        let Some(type_name) = last_ident(&block.self_ty) else {
            continue;
        };
        for member in &mut block.items {
            let syn::ImplItem::Fn(function) = member else {
                continue;
            };
            for statement in &mut function.block.stmts {
                let syn::Stmt::Expr(syn::Expr::Match(matching), _) = statement else {
                    continue;
                };
                let accepted: Vec<String> = matching
                    .arms
                    .iter()
                    .filter_map(|arm| match &arm.pat {
                        syn::Pat::Lit(syn::PatLit {
                            lit: syn::Lit::Str(text),
                            ..
                        }) => Some(format!("`{}`", text.value())),
                        _ => None,
                    })
                    .collect();
                let expected = format!(
                    "is not a {type_name}: expected one of {}",
                    accepted.join(", ")
                );
                for arm in &mut matching.arms {
                    if matches!(arm.pat, syn::Pat::Wild(_)) {
                        *arm.body = syn::parse_quote!(::std::result::Result::Err(
                            ::std::format!(
                                "{:?} {}",
                                value.chars().take(100).collect::<::std::string::String>(),
                                #expected
                            )
                            .into()
                        ));
                    }
                }
            }
        }
    }
}

/// `PartialEq` among the derives, so users can compare bodies in tests
/// (`assert_eq!(patch, expected)`).
fn derive_partial_eq(attrs: &mut [syn::Attribute]) {
    type Paths = syn::punctuated::Punctuated<syn::Path, syn::Token![,]>;
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(mut paths) = attr.parse_args_with(Paths::parse_terminated) else {
            continue;
        };
        let has = paths.iter().any(|path| {
            path.segments
                .last()
                .is_some_and(|last| last.ident == "PartialEq")
        });
        if !has {
            paths.push(syn::parse_quote!(PartialEq));
            *attr = syn::parse_quote!(#[derive(#paths)]);
        }
        return;
    }
}

/// Every field and variant documented, so `missing_docs` holds for
/// generated crates: a field that only refers to another type (typify
/// writes no doc for a `$ref`) takes that type's doc; a variant its value
/// on the wire.
fn document_fields_and_variants(items: &mut [Item]) {
    let mut type_docs: BTreeMap<String, Vec<syn::Attribute>> = BTreeMap::new();
    for item in items.iter() {
        let (ident, attrs) = match item {
            Item::Struct(item) => (&item.ident, &item.attrs),
            Item::Enum(item) => (&item.ident, &item.attrs),
            _ => continue,
        };
        let docs: Vec<syn::Attribute> = doc_attrs(attrs).into_iter().cloned().collect();
        if !docs.is_empty() {
            type_docs.insert(ident.to_string(), docs);
        }
    }
    let has_doc = |attrs: &[syn::Attribute]| attrs.iter().any(|a| a.path().is_ident("doc"));
    for item in items.iter_mut() {
        match item {
            Item::Struct(item) => {
                for field in item.fields.iter_mut() {
                    if has_doc(&field.attrs) || !matches!(field.vis, syn::Visibility::Public(_)) {
                        continue;
                    }
                    let referred = idents_in(&field.ty.to_token_stream())
                        .into_iter()
                        .find_map(|ident| type_docs.get(&ident).cloned());
                    match referred {
                        Some(docs) => field.attrs.extend(docs),
                        None => {
                            let doc = match &field.ident {
                                Some(_) => format!("The `{}` property.", wire_name(field)),
                                None => "The value.".to_owned(),
                            };
                            field.attrs.push(syn::parse_quote!(#[doc = #doc]));
                        }
                    }
                }
            }
            Item::Enum(item) => {
                for variant in &mut item.variants {
                    if has_doc(&variant.attrs) {
                        continue;
                    }
                    let mut value = variant.ident.to_string();
                    for attr in &variant.attrs {
                        if attr.path().is_ident("serde") {
                            let _ = attr.parse_nested_meta(|meta| {
                                if meta.path.is_ident("rename") {
                                    let renamed: syn::LitStr = meta.value()?.parse()?;
                                    value = renamed.value();
                                }
                                Ok(())
                            });
                        }
                    }
                    let doc = format!("`{value}`");
                    variant.attrs.push(syn::parse_quote!(#[doc = #doc]));
                }
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------
// Types of fields

/// The one type argument of `ty` when its last segment is `name<T>`.
fn argument<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let arguments = last_segment_arguments(ty, name)?;
    match arguments.as_slice() {
        [only] => Some(only),
        _ => None,
    }
}

/// The value type of a `BTreeMap<K, V>` or `HashMap<K, V>`.
fn map_value(ty: &Type) -> Option<&Type> {
    ["BTreeMap", "HashMap"].iter().find_map(|name| {
        match last_segment_arguments(ty, name)?.as_slice() {
            [_, value] => Some(*value),
            _ => None,
        }
    })
}

fn last_segment_arguments<'a>(ty: &'a Type, name: &str) -> Option<Vec<&'a Type>> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    Some(
        arguments
            .args
            .iter()
            .filter_map(|argument| match argument {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
    )
}

/// `Nullable<T>` or `FormNullable<T>`: the wrapper's name and `T`.
fn nullable(ty: &Type) -> Option<(&'static str, &Type)> {
    ["Nullable", "FormNullable"]
        .into_iter()
        .find_map(|name| argument(ty, name).map(|inner| (name, inner)))
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last()?;
            matches!(last.arguments, PathArguments::None).then(|| last.ident.to_string())
        }
        _ => None,
    }
}

fn is_json_map(ty: &Type) -> bool {
    let Type::Path(path) = ty else { return false };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    segments == ["serde_json", "Map"]
}

/// Whether serde fills the field when it is absent: `Option`, or a
/// `#[serde(default)]` collection. Anything else is required.
fn is_optional(field: &syn::Field) -> bool {
    argument(&field.ty, "Option").is_some()
        || field.attrs.iter().any(|attr| {
            attr.path().is_ident("serde") && {
                let mut found = false;
                let _ = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("default") {
                        found = true;
                    }
                    if meta.input.peek(syn::Token![=]) {
                        let _: syn::Expr = meta.value()?.parse()?;
                    }
                    Ok(())
                });
                found
            }
        })
}

/// The property name on the wire: `#[serde(rename = "...")]` or the field.
fn wire_name(field: &syn::Field) -> String {
    for attr in &field.attrs {
        if !attr.path().is_ident("serde") {
            continue;
        }
        let mut renamed = None;
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                renamed = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
        if let Some(renamed) = renamed {
            return renamed;
        }
    }
    field
        .ident
        .as_ref()
        .map(|ident| ident.to_string().trim_start_matches("r#").to_owned())
        .unwrap_or_default()
}

fn is_flattened(field: &syn::Field) -> bool {
    field.attrs.iter().any(|attr| {
        attr.path().is_ident("serde") && attr.to_token_stream().to_string().contains("flatten")
    })
}

fn doc_attrs(attrs: &[syn::Attribute]) -> Vec<&syn::Attribute> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .collect()
}

// ---------------------------------------------------------------------------
// Builders

/// `new` and one method per field. A request type's setters are named
/// like its fields (`.name("Support")`), with `maybe_<field>` to set one
/// from an `Option`; a response type's are `with_<field>`, so that no
/// method of a response reads like an accessor (`c.status()`) and is a
/// setter: they are there to build fixtures for tests.
fn builder_impl(
    item: &ItemStruct,
    runtime: &Ident,
    newtypes: &BTreeMap<String, Type>,
    response: bool,
) -> Result<Item, String> {
    let name = &item.ident;
    let Fields::Named(fields) = &item.fields else {
        unreachable!("named_structs keeps named fields only")
    };
    let mut required_params = Vec::new();
    let mut initializers = Vec::new();
    let mut methods = Vec::new();
    let mut method_names: BTreeMap<String, usize> = BTreeMap::new();
    let mut claim = |ident: &Ident| *method_names.entry(ident.to_string()).or_default() += 1;
    claim(&format_ident!("new"));

    for field in &fields.named {
        let ident = field.ident.as_ref().expect("named fields have names");
        let plain = ident.to_string();
        let plain = plain.trim_start_matches("r#");
        let ty = &field.ty;
        let docs = doc_attrs(&field.attrs);
        // A blank line between the setter's sentence and the field's docs.
        let separator = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
        let wire = wire_name(field);
        let into = quote!(::std::convert::Into::into);

        // Each method made below, and its name for the clash check.
        let mut add = |(name, method): (Ident, TokenStream)| {
            claim(&name);
            methods.push(method);
        };
        // `name(value)`: stores `stored` (an expression of `value`, which
        // is `impl Into<value_ty>`) in the field.
        let setter_name = if response {
            format_ident!("with_{plain}")
        } else {
            ident.clone()
        };
        let setter = |name: &Ident, value_ty: &TokenStream, stored: TokenStream| {
            let sets = format!("Sets `{wire}`.");
            let method = quote! {
                #[doc = #sets]
                #separator
                #(#docs)*
                pub fn #name(mut self, value: impl ::std::convert::Into<#value_ty>) -> Self {
                    self.#ident = #stored;
                    self
                }
            };
            (name.clone(), method)
        };

        if !is_optional(field) {
            required_params.push(quote!(#ident: impl ::std::convert::Into<#ty>));
            initializers.push(quote!(#ident: #into(#ident)));
            add(setter(&setter_name, &quote!(#ty), quote!(#into(value))));
            continue;
        }
        initializers.push(quote!(#ident: ::std::default::Default::default()));
        // `maybe_<field>(Option<value>)`: the setter when `Some`, nothing
        // when `None` (never a clear).
        let maybe = |value_ty: &TokenStream| {
            let name = format_ident!("maybe_{plain}");
            let doc = format!(
                "Sets `{wire}` when `value` is `Some`; `None` leaves the field as it is (it \
                 does not clear it)."
            );
            let method = quote! {
                #[doc = #doc]
                pub fn #name(
                    self,
                    value: ::std::option::Option<impl ::std::convert::Into<#value_ty>>,
                ) -> Self {
                    match value {
                        ::std::option::Option::Some(value) => self.#setter_name(value),
                        ::std::option::Option::None => self,
                    }
                }
            };
            (name, method)
        };

        // `set_<field>(key, value)` on a map: inserts `stored` (an
        // expression of `value`) under `key` in the map `map`.
        let entry_setter = |value_ty: &TokenStream, map: TokenStream, stored: TokenStream| {
            let set = format_ident!("set_{plain}");
            let sets_entry = format!("Sets the entry `key` of `{wire}` to `value`.");
            let method = quote! {
                #[doc = #sets_entry]
                #separator
                #(#docs)*
                pub fn #set(
                    mut self,
                    key: impl ::std::convert::Into<::std::string::String>,
                    value: impl ::std::convert::Into<#value_ty>,
                ) -> Self {
                    #map.insert(#into(key), #stored);
                    self
                }
            };
            (set, method)
        };

        if let Some(inner) = argument(ty, "Option") {
            if let Some((wrapper, value)) = nullable(inner) {
                let wrapper = format_ident!("{wrapper}");
                add(setter(
                    &setter_name,
                    &quote!(#value),
                    quote!(::std::option::Option::Some(::#runtime::#wrapper::Value(#into(value)))),
                ));
                if !response {
                    add(maybe(&quote!(#value)));
                }
                let clear = format_ident!("clear_{plain}");
                let null_text = if wrapper == "FormNullable" {
                    "an empty value (`Key=`), a form's null"
                } else {
                    "`null`"
                };
                let clears = format!("Clears `{wire}`: sends it as {null_text}.");
                let method = quote! {
                    #[doc = #clears]
                    pub fn #clear(mut self) -> Self {
                        self.#ident = ::std::option::Option::Some(::#runtime::#wrapper::Null);
                        self
                    }
                };
                add((clear, method));
            } else {
                add(setter(
                    &setter_name,
                    &quote!(#inner),
                    quote!(::std::option::Option::Some(#into(value))),
                ));
                if !response {
                    add(maybe(&quote!(#inner)));
                }
                // A free-form object (typify's newtype over a JSON map) is
                // also filled one entry at a time, with any JSON value.
                let wraps_json_map = last_ident(inner)
                    .and_then(|name| newtypes.get(&name))
                    .is_some_and(is_json_map);
                if wraps_json_map {
                    add(entry_setter(
                        &quote!(::serde_json::Value),
                        quote!(self.#ident.get_or_insert_with(|| #inner(::serde_json::Map::new())).0),
                        quote!(#into(value)),
                    ));
                }
            }
            continue;
        }

        if let Some(value) = map_value(ty) {
            match argument(value, "Option") {
                Some(inner) => {
                    add(entry_setter(
                        &quote!(#inner),
                        quote!(self.#ident),
                        quote!(::std::option::Option::Some(#into(value))),
                    ));
                    let remove = format_ident!("remove_{plain}");
                    let removes = format!(
                        "Deletes the entry `key` of `{wire}` on the server: sends it as `null`, \
                         which a merge patch reads as \"delete\"."
                    );
                    let method = quote! {
                        #[doc = #removes]
                        pub fn #remove(mut self, key: impl ::std::convert::Into<::std::string::String>) -> Self {
                            self.#ident.insert(#into(key), ::std::option::Option::None);
                            self
                        }
                    };
                    add((remove, method));
                }
                None => add(entry_setter(
                    &quote!(#value),
                    quote!(self.#ident),
                    quote!(#into(value)),
                )),
            }
            continue;
        }

        if is_json_map(ty) {
            add(entry_setter(
                &quote!(::serde_json::Value),
                quote!(self.#ident),
                quote!(#into(value)),
            ));
            continue;
        }

        // A collection serde fills in when absent (`Vec<T>`).
        add(setter(&setter_name, &quote!(#ty), quote!(#into(value))));
    }

    let clashes: Vec<&String> = method_names
        .iter()
        .filter(|(_, count)| **count > 1)
        .map(|(name, _)| name)
        .collect();
    if !clashes.is_empty() {
        return Err(format!(
            "the builder methods of `{name}` would clash: {} named twice (a property's name \
             collides with `new` or with the `set_`/`clear_`/`remove_` method of another); \
             rename one of the properties",
            clashes
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    let new_doc = if required_params.is_empty() {
        format!("A `{name}` with every field left out; the methods below fill it in.")
    } else {
        format!("A `{name}` with its required fields; the methods below fill in the optional ones.")
    };
    Ok(syn::parse_quote! {
        impl #name {
            #[doc = #new_doc]
            #[allow(clippy::new_without_default)]
            pub fn new(#(#required_params),*) -> Self {
                Self { #(#initializers),* }
            }
            #(#methods)*
        }
    })
}

/// A constraint inside `oneOf`/`anyOf` depends on which alternative a
/// value is; the checks cannot tell, so such a spec is refused rather than
/// its constraints dropped without a word.
fn refuse_unchecked_alternatives(
    doc: &Value,
    schema: &Value,
    owner: &str,
    property: &str,
) -> Result<(), String> {
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array)
            && alternatives
                .iter()
                .any(|alternative| has_constraints(doc, alternative, 0))
        {
            return Err(format!(
                "`{owner}.{property}` is a `{key}` whose alternatives carry constraints \
                 (lengths, patterns, counts, ranges); the generator cannot check those before \
                 sending, so it refuses them rather than drop them: move the constraints \
                 out of the alternatives or describe them in `description`"
            ));
        }
    }
    Ok(())
}

/// Whether `schema` or anything nested in it carries a constraint.
pub fn has_constraints(doc: &Value, schema: &Value, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    let schema = resolve(doc, schema);
    let Some(map) = schema.as_object() else {
        return false;
    };
    if crate::rewrite::CONSTRAINTS
        .iter()
        .any(|keyword| map.contains_key(*keyword))
    {
        return true;
    }
    let nested = map
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|properties| properties.values())
        .chain(
            ["items", "additionalProperties"]
                .iter()
                .filter_map(|key| map.get(*key)),
        )
        .chain(
            ["allOf", "oneOf", "anyOf"]
                .iter()
                .filter_map(|key| map.get(*key).and_then(Value::as_array))
                .flatten(),
        );
    nested
        .into_iter()
        .any(|child| has_constraints(doc, child, depth + 1))
}

struct Checks<'a> {
    doc: &'a Value,
    runtime: &'a Ident,
    structs: &'a BTreeMap<String, ItemStruct>,
    newtypes: &'a BTreeMap<String, Type>,
    /// Struct types still to check, with their schema.
    pending: Vec<(String, Value)>,
    /// The request types checked so far.
    done: BTreeSet<String>,
    impls: Vec<Item>,
}

impl Checks<'_> {
    fn run(&mut self) -> Result<(), String> {
        while let Some((name, schema)) = self.pending.pop() {
            if !self.done.insert(name.clone()) {
                continue;
            }
            let item = self.structs[&name].clone();
            let Fields::Named(fields) = &item.fields else {
                continue;
            };
            let mut body = Vec::new();
            for field in &fields.named {
                if is_flattened(field) {
                    continue;
                }
                let wire = wire_name(field);
                let Some(property) = schema["properties"].get(&wire) else {
                    continue;
                };
                let property = &merged(self.doc, property, 0);
                refuse_unchecked_alternatives(self.doc, property, &name, &wire)?;
                let ident = field.ident.as_ref().expect("named");
                let checks = self.value(&quote!(value), &field.ty, property, &name)?;
                if !checks.is_empty() {
                    body.push(quote! {
                        {
                            let at = &at.property(#wire);
                            let value = &self.#ident;
                            #checks
                        }
                    });
                }
            }
            let ident = &item.ident;
            let runtime = self.runtime;
            let unused = body.is_empty().then(|| quote!(let _ = at;));
            self.impls.push(syn::parse_quote! {
                impl ::#runtime::Validate for #ident {
                    fn validate_at(
                        &self,
                        at: &::#runtime::Field<'_>,
                    ) -> ::std::result::Result<(), ::#runtime::Invalid> {
                        #unused
                        #(#body)*
                        ::std::result::Result::Ok(())
                    }
                }
            });
        }
        Ok(())
    }

    /// Checks of `value` (an expression of type `&ty`) against `schema`.
    fn value(
        &mut self,
        value: &TokenStream,
        ty: &Type,
        schema: &Value,
        owner: &str,
    ) -> Result<TokenStream, String> {
        let runtime = self.runtime;
        let check = quote!(::#runtime::validate::check);
        if let Some(inner) = argument(ty, "Option") {
            let checks = self.value(&quote!(value), inner, schema, owner)?;
            return Ok(if checks.is_empty() {
                checks
            } else {
                quote!(if let ::std::option::Option::Some(value) = #value { #checks })
            });
        }
        if let Some((wrapper, inner)) = nullable(ty) {
            let wrapper = format_ident!("{wrapper}");
            let checks = self.value(&quote!(value), inner, schema, owner)?;
            return Ok(if checks.is_empty() {
                checks
            } else {
                quote!(if let ::#runtime::#wrapper::Value(value) = #value { #checks })
            });
        }
        if let Some(inner) = argument(ty, "Box") {
            let checks = self.value(&quote!(value), inner, schema, owner)?;
            return Ok(if checks.is_empty() {
                checks
            } else {
                quote!({ let value = &**#value; #checks })
            });
        }
        if let Some(inner) = argument(ty, "Vec") {
            let mut out = TokenStream::new();
            let (min, max) = (bound(schema, "minItems"), bound(schema, "maxItems"));
            if min.is_some() || max.is_some() {
                let (min, max) = (option(min), option(max));
                out.extend(quote!(#check::items(#value.len(), #min, #max, at)?;));
            }
            let items = schema
                .get("items")
                .map_or(Value::Null, |items| merged(self.doc, items, 0));
            let items = &items;
            let checks = self.value(&quote!(value), inner, items, owner)?;
            if !checks.is_empty() {
                out.extend(quote! {
                    for (index, value) in #value.iter().enumerate() {
                        let at = &at.index(index);
                        #checks
                    }
                });
            }
            return Ok(out);
        }
        if let Some(inner) = map_value(ty) {
            let mut out = TokenStream::new();
            let (min, max) = (
                bound(schema, "minProperties"),
                bound(schema, "maxProperties"),
            );
            if min.is_some() || max.is_some() {
                let (min, max) = (option(min), option(max));
                // In a merge patch a null deletes: only set entries count.
                let count = if argument(inner, "Option").is_some() {
                    quote!(#value.values().filter(|value| value.is_some()).count())
                } else {
                    quote!(#value.len())
                };
                out.extend(quote!(#check::properties(#count, #min, #max, at)?;));
            }
            if let Some(names) = schema.get(crate::checks::PROPERTY_NAMES) {
                let names = &merged(self.doc, names, 0);
                out.extend(self.key_checks(names, owner)?);
            }
            let values = match schema.get("additionalProperties") {
                Some(values) if values.is_object() => merged(self.doc, values, 0),
                _ => Value::Null,
            };
            let values = &values;
            let checks = self.value(&quote!(value), inner, values, owner)?;
            if !checks.is_empty() {
                out.extend(quote! {
                    for (key, value) in #value.iter() {
                        let at = &at.key(key);
                        #checks
                    }
                });
            }
            return Ok(out);
        }
        if is_json_map(ty) {
            let mut out = TokenStream::new();
            let (min, max) = (
                bound(schema, "minProperties"),
                bound(schema, "maxProperties"),
            );
            if min.is_some() || max.is_some() {
                let (min, max) = (option(min), option(max));
                out.extend(quote!(#check::properties(#value.len(), #min, #max, at)?;));
            }
            if let Some(names) = schema.get(crate::checks::PROPERTY_NAMES) {
                let names = &merged(self.doc, names, 0);
                out.extend(self.key_checks(names, owner)?);
            }
            if schema
                .get("additionalProperties")
                .is_some_and(|values| has_constraints(self.doc, values, 0))
            {
                return Err(format!(
                    "`{owner}`: the values of a free-form object carry constraints the \
                     generator cannot check (their type is any JSON); describe them in \
                     `description` or give the values a type"
                ));
            }
            return Ok(out);
        }
        let Some(last) = last_ident(ty) else {
            return Ok(TokenStream::new());
        };
        match last.as_str() {
            "String" => {
                let mut out = TokenStream::new();
                let (min, max) = (bound(schema, "minLength"), bound(schema, "maxLength"));
                if min.is_some() || max.is_some() {
                    let (min, max) = (option(min), option(max));
                    out.extend(quote!(#check::length(#value, #min, #max, at)?;));
                }
                // The formats a string keeps after typify (a `uuid` or a
                // `date-time` is typed, and so checked when it is made).
                if schema.get("format").and_then(Value::as_str) == Some("uri") {
                    out.extend(quote!(#check::uri(#value, at)?;));
                }
                if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                    compiles(pattern, owner)?;
                    out.extend(quote! {
                        {
                            static PATTERN: ::#runtime::validate::Pattern =
                                ::#runtime::validate::Pattern::new(#pattern);
                            #check::pattern(#value, &PATTERN, at)?;
                        }
                    });
                }
                Ok(out)
            }
            "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => {
                let min = integer_bound(schema, "minimum", "exclusiveMinimum", owner)?;
                let max = integer_bound(schema, "maximum", "exclusiveMaximum", owner)?;
                if min.is_none() && max.is_none() {
                    return Ok(TokenStream::new());
                }
                let (min, max) = (option(min), option(max));
                Ok(
                    quote!(#check::int_range(::std::primitive::i128::from(*#value), #min, #max, at)?;),
                )
            }
            "f32" | "f64" => {
                let min = numeric_bound(schema, "minimum", "exclusiveMinimum");
                let max = numeric_bound(schema, "maximum", "exclusiveMaximum");
                if min.is_none() && max.is_none() {
                    return Ok(TokenStream::new());
                }
                let (min, max) = (option(min), option(max));
                Ok(quote!(#check::range(*#value as f64, #min, #max, at)?;))
            }
            name if self.structs.contains_key(name) => {
                self.pending.push((name.to_owned(), schema.clone()));
                Ok(quote!(::#runtime::Validate::validate_at(#value, at)?;))
            }
            name if self.newtypes.contains_key(name) => {
                let inner = self.newtypes[name].clone();
                let checks = self.value(&quote!(value), &inner, schema, owner)?;
                Ok(if checks.is_empty() {
                    checks
                } else {
                    quote!({ let value = &#value.0; #checks })
                })
            }
            _ => Ok(TokenStream::new()),
        }
    }
}

impl Checks<'_> {
    /// `x-interlocutor-property-names`: every key of the map at `at` (in
    /// `value`).
    fn key_checks(&self, names: &Value, owner: &str) -> Result<TokenStream, String> {
        let runtime = self.runtime;
        let check = quote!(::#runtime::validate::check);
        let mut per_key = TokenStream::new();
        let (min, max) = (bound(names, "minLength"), bound(names, "maxLength"));
        if min.is_some() || max.is_some() {
            let (min, max) = (option(min), option(max));
            per_key.extend(quote!(#check::key_length(key, #min, #max, at)?;));
        }
        if let Some(pattern) = names.get("pattern").and_then(Value::as_str) {
            compiles(pattern, owner)?;
            per_key.extend(quote! {
                {
                    static PATTERN: ::#runtime::validate::Pattern =
                        ::#runtime::validate::Pattern::new(#pattern);
                    #check::key_pattern(key, &PATTERN, at)?;
                }
            });
        }
        Ok(if per_key.is_empty() {
            per_key
        } else {
            quote!(for key in value.keys() { #per_key })
        })
    }
}

/// Refuses a pattern the runtime could not compile, now rather than when
/// a request is checked.
fn compiles(pattern: &str, owner: &str) -> Result<(), String> {
    regress::Regex::with_flags(pattern, "u").map_err(|error| {
        format!(
            "the pattern `{pattern}` in `{owner}` is not a regular expression (ECMA 262, as \
             OpenAPI specifies): {error}"
        )
    })?;
    crate::pattern::compile(pattern).map(drop).map_err(|error| {
        format!(
            "the pattern `{pattern}` in `{owner}` cannot be checked in time linear in the value \
             (look-around and back-references need backtracking, which a hostile value can make \
             take minutes): {error}"
        )
    })
}

fn bound(schema: &Value, key: &str) -> Option<usize> {
    schema
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

/// `minimum` with `exclusiveMinimum: true` (OpenAPI 3.0's boolean form).
fn numeric_bound(schema: &Value, key: &str, exclusive: &str) -> Option<TokenStream> {
    let limit = schema.get(key).and_then(Value::as_f64)?;
    let exclusive = schema
        .get(exclusive)
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Some(quote!((#limit, #exclusive)))
}

/// An integer's bound, exactly: a JSON integer (any size serde reads), or
/// refused (a fractional bound on an integer is a spec mistake, and one
/// past i128 cannot be compared).
fn integer_bound(
    schema: &Value,
    key: &str,
    exclusive: &str,
    owner: &str,
) -> Result<Option<TokenStream>, String> {
    let Some(limit) = schema.get(key) else {
        return Ok(None);
    };
    let exact = limit
        .as_i64()
        .map(i128::from)
        .or_else(|| limit.as_u64().map(i128::from))
        .ok_or_else(|| {
            format!(
                "`{owner}`: `{key}: {limit}` on an integer is not a whole number the generator \
                 can compare exactly; write it as an integer"
            )
        })?;
    let exclusive = schema
        .get(exclusive)
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let exact = proc_macro2::Literal::i128_suffixed(exact);
    Ok(Some(quote!((#exact, #exclusive))))
}

fn option<T: ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(value) => quote!(::std::option::Option::Some(#value)),
        None => quote!(::std::option::Option::None),
    }
}

#[cfg(test)]
mod tests {

    /// A one-operation spec whose request body has `properties`.
    fn spec(properties: &str) -> String {
        format!(
            r##"
{head}    Error: {{type: object, properties: {{code: {{type: integer}}}}}}
    Patch:
      type: object
      properties:
{properties}
paths:
  /things/{{id}}:
    patch:
      operationId: UpdateThing
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string, format: uuid}}}}
      requestBody:
        content:
          application/json:
            schema: {{$ref: "#/components/schemas/Patch"}}
      responses:
        "204": {{description: Done}}
        "400":
          description: Bad
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Error"}}
"##,
            head = crate::codegen::test_support::SPEC_HEAD,
        )
    }

    fn generate(properties: &str) -> Result<String, String> {
        crate::codegen::test_support::generated(&spec(properties))
    }

    #[test]
    fn setters_checks_and_wrappers_come_from_the_spec() {
        let code = generate(
            "        name: {type: string, nullable: true, maxLength: 4, pattern: '^[a-z]+$'}\n        \
             tags: {type: array, maxItems: 2, items: {type: string, minLength: 1}}\n        \
             level: {type: integer, minimum: 1, maximum: 9}",
        )
        .unwrap();
        for expected in [
            "pub fn name(",
            "pub fn clear_name(mut self) -> Self",
            "pub fn tags(",
            "pub fn level(mut self, value: impl ::std::convert::Into<i64>) -> Self",
            "check::length(value,::std::option::Option::None,::std::option::Option::Some(4usize),at,)",
            "::interlocutor_runtime::validate::Pattern::new(\"^[a-z]+$\",)",
            "check::items(",
            "check::int_range(",
            "id: impl ::std::fmt::Display",
            "body: impl ::std::borrow::Borrow<types::Patch>",
            "::interlocutor_runtime::Response<()>",
            "pub async fn update_thing(",
            "self.context.outgoing(",
            "self.context.call_without_body::<types::Error>(&self.http,&OPERATION,request)",
            "let id: ::uuid::Uuid = ::interlocutor_runtime::path_param(\"id\", &id)",
        ] {
            let flat: String = code.split_whitespace().collect();
            let expected: String = expected.split_whitespace().collect();
            assert!(flat.contains(&expected), "missing `{expected}` in:\n{code}");
        }
        // The constraint moved from the type to the check: a plain String.
        assert!(code.contains("::interlocutor_runtime::Nullable<::std::string::String>"));
    }

    #[test]
    fn constraints_in_all_of_members_are_checked_and_in_alternatives_refused() {
        let code = generate(
            "        combo:\n          allOf:\n            - {type: object, properties: {a: {type: string, maxLength: 2}}}\n            \
             - {type: object, properties: {b: {type: string, pattern: '^\\p{L}+$'}}}",
        )
        .unwrap();
        let flat: String = code.split_whitespace().collect();
        assert!(flat.contains("Some(2usize)"), "{code}");
        assert!(flat.contains("Pattern::new(\"^\\\\p{L}+$\",)"), "{code}");

        let error = generate(
            "        choice:\n          oneOf:\n            - {type: string, maxLength: 2}\n            - {type: integer}",
        )
        .unwrap_err();
        assert!(
            error.contains("`Patch.choice` is a `oneOf` whose alternatives carry constraints"),
            "{error}"
        );
    }

    #[test]
    fn a_required_nullable_property_must_be_given_and_may_be_null() {
        let required = spec("        must: {type: string, nullable: true}").replace(
            "    Patch:\n      type: object\n",
            "    Patch:\n      type: object\n      required: [must]\n",
        );
        let code = &crate::codegen::test_support::generated(&required).unwrap();
        let flat: String = code.split_whitespace().collect();
        assert!(
            flat.contains("pubmust:::interlocutor_runtime::Nullable<::std::string::String>,"),
            "{code}"
        );
        assert!(
            flat.contains("pubfnnew(must:impl::std::convert::Into<::interlocutor_runtime::Nullable<::std::string::String>,>,)"),
            "{code}"
        );
    }

    #[test]
    fn clashing_builder_methods_are_refused() {
        for properties in [
            "        new: {type: string}",
            "        size: {type: integer, nullable: true}\n        clear_size: {type: integer}",
        ] {
            let error = generate(properties).unwrap_err();
            assert!(
                error.contains("the builder methods of `Patch` would clash"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_pattern_that_is_not_a_regular_expression_is_refused() {
        let error = generate("        name: {type: string, pattern: '[a-'}").unwrap_err();
        assert!(
            error.contains("the pattern `[a-` in `Patch` is not a regular expression"),
            "{error}"
        );
    }

    #[test]
    fn constraints_are_checked_exactly_or_refused() {
        let code = generate(
            "        attrs:\n          type: object\n          additionalProperties: true\n          \
             x-interlocutor-property-names: {maxLength: 16, pattern: '^[a-z]+$'}\n        \
             big: {type: integer, format: int64, maximum: 9007199254740992}",
        )
        .unwrap();
        let flat: String = code.split_whitespace().collect();
        for expected in [
            "forkeyinvalue.keys(){",
            "check::key_length(key,::std::option::Option::None,::std::option::Option::Some(16usize),at,)",
            "check::key_pattern(key,&PATTERN,at,)",
            "check::int_range(::std::primitive::i128::from(*value),::std::option::Option::None,::std::option::Option::Some((9007199254740992i128,false)),at,)",
        ] {
            assert!(flat.contains(expected), "missing `{expected}` in:\n{code}");
        }
        let error = generate("        big: {type: integer, maximum: 1.5}").unwrap_err();
        assert!(
            error.contains("`maximum: 1.5` on an integer is not a whole number"),
            "{error}"
        );
        let error = generate(
            "        attrs: {type: object, additionalProperties: {type: string, maxLength: 3}}",
        );
        // A map of strings is typed, and its values checked.
        assert!(error.is_ok(), "{error:?}");
    }

    #[test]
    fn a_recursive_type_generates_and_is_checked() {
        let code = generate(
            "        node: {$ref: '#/components/schemas/Node'}\n    Node:\n      type: object\n      \
             properties:\n        label: {type: string, maxLength: 8}\n        children:\n          \
             type: array\n          maxItems: 3\n          items: {$ref: '#/components/schemas/Node'}",
        )
        .unwrap();
        assert!(
            code.contains("impl ::interlocutor_runtime::Validate for Node"),
            "{code}"
        );
        let flat: String = code.split_whitespace().collect();
        assert!(flat.contains("check::items(value.len(),::std::option::Option::None,::std::option::Option::Some(3usize),at,)"), "{code}");
    }

    #[test]
    fn all_of_cycles_are_refused_by_name() {
        for schemas in [
            "    A:\n      allOf: [{$ref: '#/components/schemas/A'}]",
            "    A:\n      allOf: [{$ref: '#/components/schemas/B'}]\n    B:\n      allOf: [{$ref: '#/components/schemas/A'}]",
        ] {
            let error = generate(&format!(
                "        a: {{$ref: '#/components/schemas/A'}}\n{schemas}"
            ))
            .unwrap_err();
            assert!(
                error.contains("#/components/schemas/A") && error.contains("cycle"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_pattern_that_needs_backtracking_is_refused() {
        for pattern in ["^(?=a)a+$", "^(a)\\1$"] {
            let error = generate(&format!(
                "        name: {{type: string, pattern: '{pattern}'}}"
            ))
            .unwrap_err();
            assert!(
                error.contains("cannot be checked in time linear in the value"),
                "{pattern}: {error}"
            );
        }
    }
}
