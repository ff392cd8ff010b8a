//! What the OpenAPI document (ferry's `openapi` feature) needs of each
//! function: its path, name, doc comment, how its arguments travel and
//! their schemas, its result's schema, its guard and what it revalidates.
//! Emitted inside `ferry::__with_openapi!`, which drops it when ferry's
//! feature is off. A type without `JsonSchema` gets a schema that says so.

use proc_macro2::{TokenStream as Tokens, TokenTree};
use quote::quote;
use syn::ItemFn;

use crate::args::{Args, Revalidates};

/// The registration of one function; nothing for one whose arguments are
/// patterns (the document could not name them).
pub fn register(
    args: &Args,
    name: &syn::Ident,
    function: &ItemFn,
    output: &syn::Type,
    read: bool,
) -> Tokens {
    let Some(arguments) = typed_arguments(function) else {
        return Tokens::new();
    };
    let function_name = function.sig.ident.to_string();
    let doc = doc_comment(function);
    let (encoding, schemas) = encoding(args, &arguments);
    let (success, ferry_error) = result_types(output);
    let success = match success {
        Some(ty) => schema_of(&ty),
        None => quote!(::ferry::__private::any_schema("the function's result")),
    };
    let guarded = args.guard.is_some();
    let revalidates = revalidates(args, &arguments, read);
    quote! {
        ::ferry::__with_openapi! {
            ::ferry::__private::inventory::submit! {
                ::ferry::__private::Operation {
                    path: <#name as ::leptos::server_fn::ServerFn>::PATH,
                    name: #function_name,
                    doc: #doc,
                    read: #read,
                    encoding: #encoding,
                    arguments: |g: &mut ::ferry::__private::schemars::SchemaGenerator| {
                        let _ = &g;
                        ::std::vec![#(#schemas),*]
                    },
                    output: |g: &mut ::ferry::__private::schemars::SchemaGenerator| {
                        let _ = &g;
                        #success
                    },
                    ferry_error: #ferry_error,
                    guarded: #guarded,
                    revalidates: #revalidates,
                }
            }
        }
    }
}

/// Each argument's name and type, if every one is a plain name.
fn typed_arguments(function: &ItemFn) -> Option<Vec<(syn::Ident, syn::Type)>> {
    function
        .sig
        .inputs
        .iter()
        .map(|input| match input {
            syn::FnArg::Typed(typed) => match &*typed.pat {
                syn::Pat::Ident(binding) => Some((binding.ident.clone(), (*typed.ty).clone())),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

/// The function's `///` lines, as one text.
fn doc_comment(function: &ItemFn) -> String {
    let lines: Vec<String> = function
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }),
                ..
            }) => Some(text.value()),
            _ => None,
        })
        .map(|line| line.strip_prefix(' ').unwrap_or(&line).to_owned())
        .collect();
    lines.join("\n")
}

/// How the arguments travel (from `input = ...`), and their schemas.
fn encoding(args: &Args, arguments: &[(syn::Ident, syn::Type)]) -> (Tokens, Vec<Tokens>) {
    let schemas = || {
        arguments
            .iter()
            .map(|(name, ty)| {
                let name = name.to_string();
                let required = !is_option(ty);
                let schema = schema_of(ty);
                quote!((#name, #schema, #required))
            })
            .collect()
    };
    let encoding = quote!(::ferry::__private::Encoding);
    match args.input.as_deref() {
        None | Some("PostUrl") => (quote!(#encoding::Form), schemas()),
        Some("GetUrl") => (quote!(#encoding::Query), schemas()),
        Some("Json" | "PostJson") => (quote!(#encoding::Json), schemas()),
        // A multipart function reads its fields itself: no typed arguments.
        Some("MultipartFormData") => (quote!(#encoding::Multipart), Vec::new()),
        Some(_) => (
            quote!(#encoding::Other("application/octet-stream")),
            Vec::new(),
        ),
    }
}

/// The type's schema when it implements `JsonSchema`, and one that says it
/// does not otherwise (the document stays whole; the type's gap shows).
fn schema_of(ty: &syn::Type) -> Tokens {
    quote! {{
        #[allow(unused_imports)]
        use ::ferry::__private::{WithSchema as _, WithoutSchema as _};
        (&::ferry::__private::SchemaOf::<#ty>::new()).schema(g)
    }}
}

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path)
        if path.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// `T` of `Result<T, E>`, and whether `E` is `ferry::Error`.
fn result_types(output: &syn::Type) -> (Option<syn::Type>, bool) {
    let syn::Type::Path(path) = output else {
        return (None, false);
    };
    let Some(last) = path.path.segments.last() else {
        return (None, false);
    };
    let syn::PathArguments::AngleBracketed(generics) = &last.arguments else {
        return (None, false);
    };
    let mut types = generics.args.iter().filter_map(|arg| match arg {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    let success = types.next().cloned();
    let ferry_error = types.next().is_some_and(|error| {
        let text = quote!(#error).to_string().replace(' ', "");
        text == "ferry::Error" || text == "::ferry::Error"
    });
    (success, ferry_error)
}

/// What a mutation revalidates: tags known at start-up, or the expression
/// as written when it uses the arguments.
fn revalidates(args: &Args, arguments: &[(syn::Ident, syn::Type)], read: bool) -> Tokens {
    let revalidates = quote!(::ferry::__private::Revalidates);
    match (&args.revalidates, read) {
        (_, true) | (None, _) => quote!(#revalidates::Read),
        (Some(Revalidates::All), _) => quote!(#revalidates::All),
        (Some(Revalidates::Tags(expr)), _) => {
            let tokens = quote!(#expr);
            if mentions(tokens.clone(), arguments) {
                let text = tokens.to_string();
                quote!(#revalidates::FromArguments(#text))
            } else {
                quote!(#revalidates::Tags(|| {
                    ::ferry::__private::tag_names(::ferry::Revalidation::tags(#expr))
                }))
            }
        }
    }
}

/// Whether the tokens name one of the arguments.
fn mentions(tokens: Tokens, arguments: &[(syn::Ident, syn::Type)]) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => arguments.iter().any(|(name, _)| *name == ident),
        TokenTree::Group(group) => mentions(group.stream(), arguments),
        _ => false,
    })
}
