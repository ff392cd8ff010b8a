//! Tells the app whether this WASM build is split (`cargo leptos build
//! --split`): only then do the pages other than `/` load lazily, because a
//! lazy route in a WASM that was not split imports files that do not exist,
//! and the page would never hydrate. cargo-leptos links the WASM with
//! `--emit-relocs` exactly when it splits it, so that is the sign.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(split)");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let wasm = std::env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|family| family == "wasm");
    if wasm
        && flags
            .split('\x1f')
            .any(|flag| flag.contains("--emit-relocs"))
    {
        println!("cargo::rustc-cfg=split");
    }
}
