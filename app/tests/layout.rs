//! The app's layout, held: its crates (this one, and one per area under
//! `app/`) depend on one another one way (cargo refuses a circle of crates;
//! this checks the modules inside each, and that the cores name no area),
//! and none depends on a server-only crate under `services/` (so their
//! code stays out of the WASM, and an edit there rebuilds only the server).

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

/// The folders of the app's crates: this one and each `app/<area>`.
fn app_crates() -> Vec<PathBuf> {
    let mut crates = vec![PathBuf::from(APP)];
    for entry in fs::read_dir(APP).expect("the app folder") {
        let path = entry.expect("a readable entry").path();
        if path.join("Cargo.toml").is_file() {
            crates.push(path);
        }
    }
    crates
}

/// A crate's manifest, parsed.
fn manifest(dir: &Path) -> toml::Table {
    fs::read_to_string(dir.join("Cargo.toml"))
        .expect("a readable manifest")
        .parse()
        .expect("a valid manifest")
}

/// The package names of the app's crates.
fn app_packages() -> BTreeSet<String> {
    app_crates()
        .iter()
        .map(|dir| {
            manifest(dir)["package"]["name"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// Each dependency of the crate at `dir` (any section), as its package name
/// and path.
fn dependencies(dir: &Path) -> Vec<(String, String, String)> {
    let manifest = manifest(dir);
    let mut found = Vec::new();
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
            found.push((section.to_owned(), package.to_owned(), path.to_owned()));
        }
    }
    found
}

/// Which top-level modules of the crate at `dir` each one names.
fn graph(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let src = dir.join("src");
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
fn the_modules_of_each_app_crate_depend_one_way() {
    let crates = app_crates();
    assert!(
        crates.iter().any(|dir| dir.ends_with("counter")),
        "the layout was not read: {crates:?}"
    );
    for dir in crates {
        let graph = graph(&dir);
        assert!(!graph.is_empty(), "no modules read in {}", dir.display());
        if let Some(circle) = circle(&graph) {
            panic!(
                "{}'s modules form a circle: {}. Move what both need below \
                 them, or what needs both above them (like app/src/header.rs \
                 and checkout.rs).",
                dir.display(),
                circle.join(" -> ")
            );
        }
    }
}

#[test]
fn the_cores_name_no_area() {
    let app = app_packages();
    for (core, allowed) in [("core", &[][..]), ("shop-core", &["app-core"][..])] {
        let dir = Path::new(APP).join(core);
        if !dir.is_dir() {
            continue; // the minimal app has no shop
        }
        for (section, package, _) in dependencies(&dir) {
            assert!(
                !app.contains(&package) || allowed.contains(&package.as_str()),
                "app/{core}/Cargo.toml's [{section}] names {package}: the cores \
                 sit below every area, so an edit in one rebuilds no other"
            );
        }
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
    for dir in app_crates() {
        for (section, package, path) in dependencies(&dir) {
            assert!(
                !server_only.contains(&package) && !path.contains("services/"),
                "{}/Cargo.toml's [{section}] names {package}, a server-only crate: \
                 declare a trait in the app and provide it from the server instead \
                 (services/README.md)",
                dir.display()
            );
        }
    }
}
