//! The README's quick start is the notes app the other tests drive: its
//! first Rust snippet is `tests/notes/quick_start.rs`, word for word.

#[test]
fn the_quick_start_is_the_tested_notes_app() {
    let readme = include_str!("../README.md");
    let start = readme.find("```rust\n").expect("a Rust snippet") + "```rust\n".len();
    let length = readme[start..].find("```").expect("the snippet ends");
    let snippet = &readme[start..start + length];
    let app = include_str!("notes/quick_start.rs");
    assert!(
        snippet == app,
        "the README's first Rust snippet and tests/notes/quick_start.rs differ: \
         change both, or copy one over the other"
    );
}
