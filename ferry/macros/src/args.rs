//! The attribute's arguments: `revalidates`, `check` and `guard` are ferry's, `client`
//! is ferry's to choose, and everything else goes to Leptos's `#[server]`
//! unchanged.

use proc_macro2::{Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::Expr;

/// What a mutation said it changes.
pub enum Revalidates {
    /// `revalidates = all`.
    All,
    /// `revalidates = <tags>`: anything that iterates over `ferry::Tag`s.
    Tags(Box<Expr>),
}

pub struct Args {
    /// The arguments for `#[server]`, one token stream each.
    pub passed: Vec<TokenStream>,
    pub revalidates: Option<Revalidates>,
    /// `name = Struct`: the struct `#[server]` generates, when renamed.
    pub struct_name: Option<syn::Ident>,
    /// `check = path::to_fn`: the rules of the arguments, run in the
    /// browser before sending and on the server before the body.
    pub check: Option<Box<Expr>>,
    /// `guard = path::to_async_fn`: who may call, checked on the server
    /// before anything else.
    pub guard: Option<Box<Expr>>,
    /// `guard(pattern) = f`: where the guard's value goes, for the body.
    pub guard_binding: Option<Box<syn::Pat>>,
    /// `keep = [field, ...]`: the arguments a `check =` refusal keeps to
    /// refill the form (in the no-JavaScript redirect's URL).
    pub keep: Vec<syn::Ident>,
    /// `input = MultipartFormData`: registered so that the server refuses
    /// a body it cannot read as multipart with 400.
    pub multipart: bool,
    /// The codec `input = ...` names (its last path segment), if any.
    pub input: Option<String>,
}

impl Args {
    pub fn parse(attr: TokenStream, mutation: bool) -> syn::Result<Self> {
        let mut args = Args {
            passed: Vec::new(),
            revalidates: None,
            struct_name: None,
            check: None,
            guard: None,
            guard_binding: None,
            keep: Vec::new(),
            multipart: false,
            input: None,
        };
        for segment in split_on_commas(attr) {
            if let Some((binding, value)) = bound_guard(&segment)? {
                args.guard_binding = Some(binding);
                args.guard = Some(function(value, "guard")?);
                continue;
            }
            match key_of(&segment).as_deref() {
                Some("client") => {
                    let message = "ferry chooses the client from the kind of call: \
                                   remove `client = ...`";
                    return Err(spanned(segment, message));
                }
                Some("revalidates") if !mutation => {
                    let message = "a read changes nothing: use #[ferry::mutation] \
                                   to revalidate";
                    return Err(spanned(segment, message));
                }
                Some("revalidates") => args.revalidates = Some(revalidates(segment)?),
                Some("check") => args.check = Some(function(segment, "check")?),
                Some("keep") => args.keep = kept(segment)?,
                Some("guard") => args.guard = Some(function(segment, "guard")?),
                Some("name") => {
                    let value: TokenStream = segment.clone().into_iter().skip(2).collect();
                    args.struct_name = Some(syn::parse2(value)?);
                    args.passed.push(segment);
                }
                Some("input") => {
                    args.input = segment
                        .clone()
                        .into_iter()
                        .skip(2)
                        .fold(None, |last, token| match token {
                            TokenTree::Ident(ident) => Some(ident.to_string()),
                            _ => last,
                        });
                    args.multipart |= segment.clone().into_iter().any(
                        |token| matches!(token, TokenTree::Ident(ident) if ident == "MultipartFormData"),
                    );
                    args.passed.push(segment);
                }
                _ => args.passed.push(segment),
            }
        }
        if mutation && args.revalidates.is_none() {
            return Err(syn::Error::new(
                proc_macro2::Span::call_site(),
                "a mutation must say what it changes: add `revalidates = [TAG, ...]` \
                 (the tags of the queries to refresh), `revalidates = []` or \
                 `revalidates = all`",
            ));
        }
        Ok(args)
    }
}

/// The function a `key = function` segment names.
fn function(segment: TokenStream, key: &str) -> syn::Result<Box<Expr>> {
    let value: TokenStream = segment.clone().into_iter().skip(2).collect();
    if value.is_empty() {
        return Err(spanned(segment, &format!("`{key} = ` needs a function")));
    }
    Ok(Box::new(syn::parse2(value)?))
}

/// `guard(pattern) = f`: the pattern the guard's value is bound to, and the
/// segment from `=` on (so it reads as `guard = f`). `None` for any other
/// segment.
fn bound_guard(segment: &TokenStream) -> syn::Result<Option<(Box<syn::Pat>, TokenStream)>> {
    let mut tokens = segment.clone().into_iter();
    let (Some(TokenTree::Ident(key)), Some(TokenTree::Group(group))) =
        (tokens.next(), tokens.next())
    else {
        return Ok(None);
    };
    if key != "guard" || group.delimiter() != proc_macro2::Delimiter::Parenthesis {
        return Ok(None);
    }
    let pattern = syn::parse::Parser::parse2(syn::Pat::parse_single, group.stream())?;
    let rest: TokenStream = std::iter::once(TokenTree::Ident(key))
        .chain(tokens)
        .collect();
    Ok(Some((Box::new(pattern), rest)))
}

/// `keep = [a, b]`: the names, none of which may look like a secret (they
/// would travel in URLs, access logs and `Referer` headers).
fn kept(segment: TokenStream) -> syn::Result<Vec<syn::Ident>> {
    let value: TokenStream = segment.clone().into_iter().skip(2).collect();
    let list: syn::ExprArray = syn::parse2(value).map_err(|_| {
        spanned(
            &segment,
            "`keep = [field, ...]` names the arguments to keep",
        )
    })?;
    let mut names = Vec::new();
    for element in list.elems {
        let syn::Expr::Path(path) = &element else {
            return Err(spanned(&element, "`keep` takes argument names"));
        };
        let Some(name) = path.path.get_ident() else {
            return Err(spanned(&element, "`keep` takes argument names"));
        };
        if looks_secret(&name.to_string()) {
            return Err(spanned(
                name,
                "this looks like a secret: a kept value travels in the redirect's URL, \
                 access logs and Referer headers, so the user types it again instead",
            ));
        }
        names.push(name.clone());
    }
    Ok(names)
}

/// Whether an argument's name says it holds a secret.
fn looks_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let anywhere = ["password", "secret", "token"];
    let whole_word = ["pin", "cvc", "cvv", "card", "otp"];
    anywhere.iter().any(|word| name.contains(word))
        || name.split('_').any(|part| whole_word.contains(&part))
}

/// `revalidates = all` or `revalidates = <expression>`.
fn revalidates(segment: TokenStream) -> syn::Result<Revalidates> {
    let value: TokenStream = segment.into_iter().skip(2).collect();
    if value.is_empty() {
        return Err(spanned(value, "`revalidates = ` needs a value"));
    }
    if value.to_string() == "all" {
        return Ok(Revalidates::All);
    }
    syn::parse2::<Expr>(value).map(|expr| Revalidates::Tags(Box::new(expr)))
}

/// The `key` of a `key = value` segment.
fn key_of(segment: &TokenStream) -> Option<String> {
    let mut tokens = segment.clone().into_iter();
    let key = match tokens.next()? {
        TokenTree::Ident(ident) => ident.to_string(),
        _ => return None,
    };
    match tokens.next()? {
        TokenTree::Punct(p) if p.as_char() == '=' && p.spacing() == Spacing::Alone => Some(key),
        _ => None,
    }
}

/// Splits at top-level commas. Brackets are groups already; angle brackets
/// are not (`protocol = Http<Json, Json>`), so their depth is counted.
fn split_on_commas(attr: TokenStream) -> Vec<TokenStream> {
    let mut segments = Vec::new();
    let mut current = Vec::new();
    let mut angles = 0usize;
    for token in attr {
        if let TokenTree::Punct(p) = &token {
            match p.as_char() {
                '<' => angles += 1,
                '>' => angles = angles.saturating_sub(1),
                ',' if angles == 0 => {
                    segments.push(current.drain(..).collect());
                    continue;
                }
                _ => {}
            }
        }
        current.push(token);
    }
    if !current.is_empty() {
        segments.push(current.into_iter().collect());
    }
    segments
}

fn spanned(tokens: impl ToTokens, message: &str) -> syn::Error {
    syn::Error::new_spanned(tokens, message)
}
