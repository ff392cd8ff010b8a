//! The `<link rel="preload">` tags of a split WASM's lazily loaded files
//! (`cargo leptos build --split`), added to the head from the page's own
//! render.
//!
//! Leptos 0.8 adds these tags itself after the render, from whichever
//! reactive owner the thread last had: under concurrent requests one page's
//! tags land in another page's head (a `/` with 175 of them, a `/cart` with
//! none), and the browser loads a page's code in a waterfall. A lazy view
//! that calls [`preload_ran`] first thing names its own files instead, and
//! takes its names out of Leptos's list so Leptos's pass adds nothing.

use std::collections::{BTreeSet, HashMap};

use leptos::{PrefetchLazyFn, WasmSplitManifest, nonce::use_nonce, prelude::*};
use leptos_meta::Link;

/// Adds the preload tags of the lazy functions that ran in this render so
/// far (a lazy route's own, when its view calls this first thing), and
/// returns their names. Nothing without a split WASM.
///
/// ```
/// use leptos::prelude::*;
///
/// fn view_of_a_lazy_route() -> impl IntoView {
///     ferry::split::preload_ran(true);
///     view! { <p>"The page"</p> }
/// }
/// ```
///
/// With `add` false it only takes the names out of Leptos's list: an
/// islands page does not hydrate its routes, so their files are not needed.
pub fn preload_ran(add: bool) -> Vec<&'static str> {
    let Some(ran) = use_context::<PrefetchLazyFn>() else {
        return Vec::new();
    };
    let ran: Vec<&'static str> = ran
        .0
        .try_update_value(|ran| ran.drain().collect())
        .unwrap_or_default();
    if add {
        preload_where(|name| ran.contains(&name));
    }
    ran
}

/// Adds the preload tags of every lazy function whose name `wanted`
/// accepts, and of wasm-split's loader. Nothing without a split WASM.
fn preload_where(wanted: impl Fn(&str) -> bool) {
    if let Some(manifest) = use_context::<WasmSplitManifest>() {
        manifest
            .0
            .with_value(|(pkg, files, loader)| add_links(&wanted, pkg, files, loader));
    }
}

/// `files` maps a lazy function to the split files it needs (several
/// functions share some); `loader` is wasm-split's script.
fn add_links(
    wanted: &dyn Fn(&str) -> bool,
    pkg: &str,
    files: &HashMap<String, Vec<String>>,
    loader: &str,
) {
    let files: BTreeSet<&String> = files
        .iter()
        .filter(|(name, _)| wanted(name))
        .flat_map(|(_, files)| files)
        .collect();
    if files.is_empty() {
        return;
    }
    let nonce = use_nonce()
        .map(|nonce| nonce.to_string())
        .unwrap_or_default();
    // Rendering a leptos_meta tag to HTML adds it to the head and writes
    // nothing where it stands; leptos_meta keeps one tag per `href`.
    for file in files {
        let href = format!("{pkg}/{file}.wasm");
        let _ = view! {
            <Link rel="preload" href as_="fetch" type_="application/wasm" crossorigin=nonce.clone() />
        }
        .to_html();
    }
    let href = format!("{pkg}/{loader}");
    let _ = view! { <Link rel="modulepreload" href crossorigin=nonce /> }.to_html();
}
