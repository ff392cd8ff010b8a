//! The server's `<link rel="preload">` tags for a lazy page's split WASM
//! files, added to the head while the page renders.
//!
//! Leptos 0.8 adds these tags after the render, from whichever reactive
//! owner the thread last had: under concurrent requests one page's tags go
//! into another page's head (a `/` with 175 of them, a `/cart` with none).
//! Here the page names its own files from the render's own context, and
//! takes the lazy functions it recorded out of Leptos's list, so that
//! Leptos's pass finds nothing to misplace.

use std::collections::{BTreeSet, HashMap};

use leptos::{nonce::use_nonce, prelude::*, PrefetchLazyFn, WasmSplitManifest};
use leptos_meta::Link;

/// Adds the preload tags for the lazy functions that ran in this render so
/// far (the page's own, when called first thing in its lazy view) to the
/// document's head. Nothing when the WASM is not split (no manifest).
pub fn preload_own_files() {
    let Some(ran) = use_context::<PrefetchLazyFn>() else {
        return;
    };
    let lazy: Vec<&'static str> = ran
        .0
        .try_update_value(|ran| ran.drain().collect())
        .unwrap_or_default();
    if let Some(manifest) = use_context::<WasmSplitManifest>() {
        manifest
            .0
            .with_value(|(pkg, files, loader)| add_links(&lazy, pkg, files, loader));
    }
}

/// `files` maps a lazy function to the split files it needs (several
/// functions share some); `loader` is wasm-split's script.
fn add_links(lazy: &[&str], pkg: &str, files: &HashMap<String, Vec<String>>, loader: &str) {
    let files: BTreeSet<&String> = lazy
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
