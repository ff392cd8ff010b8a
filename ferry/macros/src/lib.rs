//! `#[ferry::read]` and `#[ferry::mutation]`: Leptos's `#[server]` with the
//! client chosen by the kind of call, so a read can never revalidate and a
//! mutation cannot forget to say what it changed. And `#[ferry::island]`,
//! a component that is an island only in an islands build.

mod args;
mod openapi;

use convert_case::{Case, Converter};
use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::{ItemFn, ReturnType, parse_macro_input};

use args::{Args, Revalidates};

/// A component that is interactive on its own in an islands build (ferry's
/// `islands` feature: Leptos's `#[island]`, its props serialized into the
/// page) and an ordinary `#[component]` in a fully hydrated one, so one
/// codebase builds either way. Takes Leptos's `#[island]` arguments.
#[proc_macro_attribute]
pub fn island(attr: TokenStream, item: TokenStream) -> TokenStream {
    let attr = Tokens::from(attr);
    let mut function = parse_macro_input!(item as ItemFn);
    if !cfg!(feature = "islands") {
        return quote! { #[::leptos::component] #function }.into();
    }
    // Counts the island in, so the page knows when all are interactive.
    let started = syn::parse_quote! { ::ferry::islands::island_started(); };
    function.block.stmts.insert(0, started);
    quote! { #[::leptos::island(#attr)] #function }.into()
}

/// A server function that only reads. It is sent with `ferry::ReadClient`,
/// which never refetches anything, and `ferry::revalidate` inside it is
/// refused (logged, and ignored). `check = rules` and `guard = f` work as
/// in `#[ferry::mutation]`. Takes every argument of Leptos's `#[server]` but
/// `client`.
#[proc_macro_attribute]
pub fn read(attr: TokenStream, item: TokenStream) -> TokenStream {
    let args = match Args::parse(attr.into(), false) {
        Ok(args) => args,
        Err(err) => return err.into_compile_error().into(),
    };
    let mut function = parse_macro_input!(item as ItemFn);
    let name = struct_name(&args, &function);
    let output = match output_type(&function) {
        Ok(output) => output,
        Err(err) => return err.into_compile_error().into(),
    };
    let record = record_arguments(&name, &function);
    let (check_impl, check) = match checks(&args, &name, &function) {
        Ok(found) => found,
        Err(err) => return err.into_compile_error().into(),
    };
    let body = &function.block;
    // Marked as a read while its own body runs, and no longer after: a
    // mutation that calls a read helper may still revalidate.
    let guard = guard(&args);
    let status = answer_status();
    function.block = syn::parse_quote!({
        // One block, so a guard's or a check's refusal gets its status too.
        ::ferry::__private::began();
        let __ferry_result: #output = async move {
            #(#guard)*
            #(#check)*
            #(#record)*
            ::ferry::__private::enter_read();
            let __ferry_result: #output = async #body.await;
            ::ferry::__private::leave_read();
            __ferry_result
        }
        .await;
        #status
        __ferry_result
    });
    let register = register_read(&name);
    let function_path = register_function(&name);
    let multipart = register_multipart(&args, &name);
    let typed = typed_call(&name, &function, &output, Kind::Read);
    let described = openapi::register(&args, &name, &function, &output, true);
    let server = server(&args, quote!(::ferry::ReadClient), &function);
    quote!(#server #register #function_path #multipart #check_impl #typed #described).into()
}

/// What the function returns; a server function must say (`Result<T, E>`).
fn output_type(function: &ItemFn) -> syn::Result<Box<syn::Type>> {
    match &function.sig.output {
        ReturnType::Type(_, ty) => Ok(ty.clone()),
        ReturnType::Default => Err(syn::Error::new_spanned(
            &function.sig,
            "a server function returns Result<T, E>",
        )),
    }
}

/// The struct `#[server]` makes for the function, named as it names it.
fn struct_name(args: &Args, function: &ItemFn) -> syn::Ident {
    args.struct_name.clone().unwrap_or_else(|| {
        let pascal = Converter::new()
            .from_case(Case::Snake)
            .to_case(Case::UpperCamel)
            .convert(function.sig.ident.to_string());
        syn::Ident::new(&pascal, function.sig.ident.span())
    })
}

/// `impl ferry::Check` for the function's struct (the rules of `check =`,
/// or none), and the statements that run those rules first on the server.
/// A refusal keeps the arguments as the error's values, to refill the form.
fn checks(
    args: &Args,
    name: &syn::Ident,
    function: &ItemFn,
) -> syn::Result<(Tokens, Vec<syn::Stmt>)> {
    let Some(check) = &args.check else {
        if let Some(kept) = args.keep.first() {
            return Err(syn::Error::new_spanned(
                kept,
                "`keep` says what a `check =` refusal keeps: add `check = rules`",
            ));
        }
        return Ok((quote!(impl ::ferry::Check for #name {}), Vec::new()));
    };
    let Some((fields, bindings)) = plain_arguments(function) else {
        return Err(syn::Error::new_spanned(
            &function.sig.inputs,
            "`check =` needs plain argument names (`quantity: i64`, not patterns)",
        ));
    };
    if let Some(unknown) = args.keep.iter().find(|name| !fields.contains(name)) {
        return Err(syn::Error::new_spanned(
            unknown,
            "`keep` names an argument the function does not take",
        ));
    }
    let keep = args.keep.iter().map(|name| name.to_string());
    let check_impl = quote! {
        impl ::ferry::Check for #name {
            fn check(&self) -> ::core::result::Result<(), ::ferry::Error> {
                (#check)(self)
            }
        }
    };
    let statements = syn::parse_quote! {
        let __ferry_arguments = #name { #(#fields),* };
        if let ::core::result::Result::Err(__ferry_refused) =
            ::ferry::Check::check(&__ferry_arguments)
        {
            return ::core::result::Result::Err(::core::convert::From::from(
                ::ferry::__private::refused(__ferry_refused, &__ferry_arguments, &[#(#keep),*]),
            ));
        }
        // A read rebuilds the struct after this (to record it): a `mut`
        // binding here may never be mutated.
        #[allow(non_shorthand_field_patterns, unused_mut)]
        let #name { #(#fields: #bindings),* } = __ferry_arguments;
    };
    Ok((check_impl, statements))
}

/// The statements that run `guard = f` first: `f().await`, and its error,
/// if any, is the call's answer. With `guard(pattern) = f`, its value is
/// bound to `pattern` for the body, which need not ask again.
fn guard(args: &Args) -> Vec<syn::Stmt> {
    let Some(guard) = &args.guard else {
        return Vec::new();
    };
    let binding = match &args.guard_binding {
        Some(pattern) => quote!(#pattern),
        None => quote!(_),
    };
    syn::parse_quote! {
        let #binding = match (#guard)().await {
            ::core::result::Result::Ok(__ferry_allowed) => __ferry_allowed,
            ::core::result::Result::Err(__ferry_refused) => {
                return ::core::result::Result::Err(::core::convert::From::from(__ferry_refused));
            }
        };
    }
}

/// After the body: a failed call whose error type implements
/// `ferry::ErrorStatus` answers with the status it gives (any other error
/// type keeps Leptos's 500), whether the body, the guard or the check
/// failed.
fn answer_status() -> Tokens {
    quote! {
        if let ::core::result::Result::Err(__ferry_failed) = &__ferry_result {
            #[allow(unused_imports)]
            use ::ferry::__private::{NoStatus as _, SetStatus as _};
            (&::ferry::__private::StatusOf(__ferry_failed)).set_status();
        }
    }
}

/// The arguments' names and binding patterns, if every one is a plain name.
fn plain_arguments(function: &ItemFn) -> Option<(Vec<syn::Ident>, Vec<syn::PatIdent>)> {
    let mut fields = Vec::new();
    let mut bindings = Vec::new();
    for input in &function.sig.inputs {
        let syn::FnArg::Typed(typed) = input else {
            return None;
        };
        let syn::Pat::Ident(binding) = &*typed.pat else {
            return None;
        };
        if binding.by_ref.is_some() || binding.subpat.is_some() {
            return None;
        }
        fields.push(binding.ident.clone());
        bindings.push(binding.clone());
    }
    Some((fields, bindings))
}

/// When a page is rendered to learn its reads (a mutation's redirect
/// target), records the key the browser will send for this call: the
/// arguments go into the function's struct and come back out, unchanged.
/// Nothing happens for arguments that are not plain names.
fn record_arguments(name: &syn::Ident, function: &ItemFn) -> Vec<syn::Stmt> {
    let Some((fields, bindings)) = plain_arguments(function) else {
        return Vec::new();
    };
    syn::parse_quote! {
        let __ferry_arguments = #name { #(#fields),* };
        if ::ferry::__private::capturing() {
            #[allow(unused_imports)]
            use ::ferry::__private::{Record as _, Skip as _};
            (&::ferry::__private::Probe(&__ferry_arguments)).record();
        }
        #[allow(non_shorthand_field_patterns)]
        let #name { #(#fields: #bindings),* } = __ferry_arguments;
    }
}

/// Which kind of call a function is.
enum Kind {
    Read,
    Mutation,
}

/// `impl ferry::Read` (or `ferry::Mutation`) for the function's struct:
/// the call, with its arguments, that a query fetches (or an optimistic
/// change runs). None when an argument is a pattern, which the struct
/// cannot give back by name: such a function cannot be queried.
fn typed_call(name: &syn::Ident, function: &ItemFn, output: &syn::Type, kind: Kind) -> Tokens {
    let Some((fields, _)) = plain_arguments(function) else {
        return Tokens::new();
    };
    let ident = &function.sig.ident;
    let sealed = quote!(impl ::ferry::__private::Sealed for #name {});
    match kind {
        Kind::Read => quote! {
            #sealed
            impl ::ferry::Read for #name {
                type Output = #output;
                fn fetch(self) -> impl ::core::future::Future<Output = #output> + ::core::marker::Send + 'static {
                    let #name { #(#fields),* } = self;
                    #ident(#(#fields),*)
                }
            }
        },
        Kind::Mutation => quote! {
            #sealed
            impl ::ferry::Mutation for #name {
                type Output = #output;
                fn call(self) -> impl ::core::future::Future<Output = #output> + 'static {
                    let #name { #(#fields),* } = self;
                    #ident(#(#fields),*)
                }
            }
        },
    }
}

/// On the server, lists the read's path, so that a mutation's response may
/// answer it inline (only reads ever are).
fn register_read(name: &syn::Ident) -> Tokens {
    quote! {
        ::ferry::__on_server! {
            ::ferry::__private::inventory::submit! {
                ::ferry::__private::ReadPath(
                    <#name as ::leptos::server_fn::ServerFn>::PATH
                )
            }
        }
    }
}

/// On the server, lists the path of every ferry function, so that a call
/// whose arguments did not parse gets 400 whatever its error type.
fn register_function(name: &syn::Ident) -> Tokens {
    quote! {
        ::ferry::__on_server! {
            ::ferry::__private::inventory::submit! {
                ::ferry::__private::FunctionPath(
                    <#name as ::leptos::server_fn::ServerFn>::PATH
                )
            }
        }
    }
}

/// On the server, lists the path of a function that takes
/// `multipart/form-data`, so that a body without a readable boundary gets
/// 400 before server_fn reads it (it would panic).
fn register_multipart(args: &Args, name: &syn::Ident) -> Tokens {
    if !args.multipart {
        return Tokens::new();
    }
    quote! {
        ::ferry::__on_server! {
            ::ferry::__private::inventory::submit! {
                ::ferry::__private::MultipartPath(
                    <#name as ::leptos::server_fn::ServerFn>::PATH
                )
            }
        }
    }
}

/// A server function that changes data, and says which: `revalidates =
/// [TAG, other(id)]` (tags built from the arguments are worked out before
/// the body runs), `revalidates = []` when the page shows nothing it
/// changed, or `revalidates = all`. Leaving it out does not compile. When
/// the call succeeds the tags travel back with the response; a failed call
/// revalidates nothing. `check = rules` names a function
/// `fn(&Struct) -> Result<(), ferry::Error>` that `ferry::Form` runs in the
/// browser before sending and the server runs before the body; `keep =
/// [field, ...]` names the arguments its refusal keeps to refill the form
/// without JavaScript (none otherwise). `guard = f`
/// names an async `fn() -> Result<T, ferry::Error>` (signed in, an admin)
/// that the server runs before anything else; its error is the call's
/// answer, and with `guard(account) = f` its value is `account` in the body
/// (see `ferry::guard`). Takes every argument of Leptos's
/// `#[server]` but `client`.
#[proc_macro_attribute]
pub fn mutation(attr: TokenStream, item: TokenStream) -> TokenStream {
    let args = match Args::parse(attr.into(), true) {
        Ok(args) => args,
        Err(err) => return err.into_compile_error().into(),
    };
    let mut function = parse_macro_input!(item as ItemFn);
    let output = match output_type(&function) {
        Ok(output) => output,
        Err(err) => return err.into_compile_error().into(),
    };
    let revalidates = match &args.revalidates {
        Some(Revalidates::All) => quote!(::ferry::Revalidation::All),
        Some(Revalidates::Tags(expr)) => quote!(::ferry::Revalidation::tags(#expr)),
        None => unreachable!("Args::parse requires revalidates for a mutation"),
    };
    let name = struct_name(&args, &function);
    let (check_impl, check) = match checks(&args, &name, &function) {
        Ok(found) => found,
        Err(err) => return err.into_compile_error().into(),
    };
    let body = &function.block;
    let guard = guard(&args);
    let status = answer_status();
    function.block = syn::parse_quote!({
        // One block, so a guard's or a check's refusal gets its status too.
        ::ferry::__private::began();
        let __ferry_result: #output = async move {
            #(#guard)*
            #(#check)*
            // Worked out first: the body may move the arguments the tags use.
            let __ferry_revalidates: ::ferry::Revalidation = #revalidates;
            let __ferry_result: #output = async #body.await;
            ::ferry::__private::declare_if_ok(&__ferry_result, __ferry_revalidates);
            __ferry_result
        }
        .await;
        #status
        __ferry_result
    });
    let multipart = register_multipart(&args, &name);
    let function_path = register_function(&name);
    let typed = typed_call(&name, &function, &output, Kind::Mutation);
    let described = openapi::register(&args, &name, &function, &output, false);
    let server = server(&args, quote!(::ferry::Client), &function);
    quote!(#server #multipart #function_path #check_impl #typed #described).into()
}

/// The function under Leptos's `#[server]`, with ferry's client.
fn server(args: &Args, client: Tokens, function: &ItemFn) -> Tokens {
    let passed = &args.passed;
    let comma = (!passed.is_empty()).then(|| quote!(,));
    quote! {
        #[::leptos::server(#(#passed),* #comma client = #client)]
        #function
    }
}
