//! The app's layout, held: its modules depend on one another one way (no
//! circle, so each area can be read, and split into a crate, from the
//! bottom up), and it never depends on a server-only crate under
//! `services/` (so their code stays out of the WASM, and an edit there
//! rebuilds only the server).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const APP: &str = env!("CARGO_MANIFEST_DIR");

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).expect("a readable source folder") {
        let path = entry.expect("a readable entry").path();
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// The top-level module `file` (relative to `src/`) belongs to: `cart` for
/// `cart/views.rs`; none for `lib.rs`, the crate root above them all.
fn module_of(file: &Path) -> Option<String> {
    let first = file.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib").then(|| name.to_owned())
}

/// The top-level modules `code` names as `crate::module`, or inside
/// `crate::{...}`; comments are left out.
fn named(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = BTreeSet::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (at, _) in line.match_indices("crate::") {
            let rest = &line[at + "crate::".len()..];
            match rest.strip_prefix('{') {
                Some(group) => {
                    let group = group.split('}').next().unwrap_or_default();
                    found.extend(group.split(',').map(ident));
                }
                None => {
                    found.insert(ident(rest));
                }
            }
        }
    }
    found.retain(|m| !m.is_empty() && m != "self");
    found
}

/// Which top-level modules each one names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(APP).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&src) {
        let Some(module) = module_of(file.strip_prefix(&src).unwrap()) else {
            continue;
        };
        let code = fs::read_to_string(&file).expect("a readable source file");
        let names = graph.entry(module.clone()).or_default();
        names.extend(named(&code).into_iter().filter(|m| *m != module));
    }
    graph
}

/// A circle in `graph`, as the modules along it, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        at: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| m == at) {
            let mut found = path[start..].to_vec();
            found.push(at.to_owned());
            return Some(found);
        }
        if !done.insert(at.to_owned()) {
            return None;
        }
        path.push(at.to_owned());
        for next in graph.get(at).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_app_modules_depend_one_way() {
    let graph = graph();
    assert!(
        graph.contains_key("counter"),
        "the layout was not read: {graph:?}"
    );
    if let Some(circle) = circle(&graph) {
        panic!(
            "app/src's modules form a circle: {}. Move what both need below \
             them (ids, tags, visitor), or what needs both above them (like \
             header.rs and checkout.rs).",
            circle.join(" -> ")
        );
    }
}

#[test]
fn a_circle_is_found() {
    let graph = BTreeMap::from([
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["c".to_owned()])),
        ("c".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]);
    assert_eq!(circle(&graph).unwrap(), ["a", "b", "c", "a"]);
    let line = BTreeMap::from([("a".to_owned(), BTreeSet::from(["b".to_owned()]))]);
    assert_eq!(circle(&line), None);
    assert_eq!(
        named("use crate::{cart::Cart, ids::ProductId};\n// crate::x\nlet a = crate::tags::CART;"),
        BTreeSet::from(["cart".to_owned(), "ids".to_owned(), "tags".to_owned()])
    );
}

/// The package names of the crates under `services/`.
fn server_only_packages() -> BTreeSet<String> {
    let services = Path::new(APP).join("../services");
    let mut names = BTreeSet::new();
    for entry in fs::read_dir(&services).expect("the services folder") {
        let manifest = entry.unwrap().path().join("Cargo.toml");
        if let Ok(text) = fs::read_to_string(&manifest) {
            let parsed: toml::Table = text.parse().expect("a valid manifest");
            names.insert(parsed["package"]["name"].as_str().unwrap().to_owned());
        }
    }
    names
}

#[test]
fn the_app_never_depends_on_a_server_only_crate() {
    let server_only = server_only_packages();
    assert!(server_only.contains("counter-service"), "{server_only:?}");
    let manifest: toml::Table = fs::read_to_string(Path::new(APP).join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        for (name, spec) in manifest
            .get(section)
            .and_then(|s| s.as_table())
            .into_iter()
            .flatten()
        {
            let package = spec.get("package").and_then(|p| p.as_str()).unwrap_or(name);
            let path = spec
                .get("path")
                .and_then(|p| p.as_str())
                .unwrap_or_default();
            assert!(
                !server_only.contains(package) && !path.contains("services/"),
                "app/Cargo.toml's [{section}] names {name}, a server-only crate: \
                 declare a trait in the app and provide it from the server instead \
                 (services/README.md)"
            );
        }
    }
}
