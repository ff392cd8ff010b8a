//! The `<link rel="preload">` tags of a split WASM's lazily loaded files
//! (`cargo leptos build --split`), added to the head from the page's own
//! render.
//!
//! Leptos 0.8 adds these tags itself after the render, from whichever
//! reactive owner the thread last had: under concurrent requests one page's
//! tags land in another page's head (a home page with 175 of them, another
//! page with none), and the browser loads a page's code in a waterfall. A
//! lazy view that calls [`preload_ran`] first thing names its own files
//! instead, and takes its names out of Leptos's list so Leptos's pass adds
//! nothing.

use std::collections::{BTreeSet, HashMap};

use leptos::{PrefetchLazyFn, WasmSplitManifest, nonce::use_nonce, prelude::*};
use leptos_meta::Link;

/// Adds the preload tags of the lazy functions that ran in this render so
/// far (a lazy route's own, when its view calls this first thing). Nothing
/// without a split WASM.
///
/// ```
/// use leptos::prelude::*;
///
/// fn view_of_a_lazy_route() -> impl IntoView {
///     ferry::split::preload_ran();
///     view! { <p>"The page"</p> }
/// }
/// ```
pub fn preload_ran() {
    let ran = forget_ran();
    if let Some(manifest) = use_context::<WasmSplitManifest>() {
        manifest
            .0
            .with_value(|(pkg, files, loader)| add_links(&ran, pkg, files, loader));
    }
}

/// Takes the lazy functions that ran in this render so far out of Leptos's
/// list, and adds no tags: for a page whose lazy code the browser does not
/// load (an islands page does not hydrate its routes).
pub fn forget_ran() -> Vec<&'static str> {
    use_context::<PrefetchLazyFn>()
        .and_then(|ran| ran.0.try_update_value(|ran| ran.drain().collect()))
        .unwrap_or_default()
}

/// `files` maps a lazy function to the split files it needs (several
/// functions share some); `loader` is wasm-split's script.
fn add_links(ran: &[&str], pkg: &str, files: &HashMap<String, Vec<String>>, loader: &str) {
    let files: BTreeSet<&String> = ran
        .iter()
        .flat_map(|name| files.get(*name).into_iter().flatten())
        .collect();
    if files.is_empty() {
        return;
    }
    let nonce = use_nonce()
        .map(|nonce| nonce.to_string())
        .unwrap_or_default();
    // Rendering a leptos_meta tag to HTML adds it to the head and writes
    // nothing where it stands.
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
