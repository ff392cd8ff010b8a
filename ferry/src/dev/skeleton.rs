//! What of a source file a markup patch cannot change: the file with the
//! static text, static elements and literal attributes of its `view!`
//! macros taken out. Two sources with the same skeleton compile to the
//! same logic, so the browser may keep a page whose markup was patched.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use rstml::node::{KeyedAttribute, Node, NodeAttribute, NodeElement};
use std::collections::HashSet;
use std::fmt::Write;

/// The skeleton of one Rust source file, as text. A file that does not
/// parse is its own skeleton: any change to it is a change of logic.
pub fn of_source(source: &str) -> String {
    match source.parse::<TokenStream>() {
        Ok(tokens) => {
            let mut out = String::new();
            write_stream(tokens, &mut out);
            out
        }
        Err(_) => source.to_owned(),
    }
}

/// Writes tokens, replacing the body of each `view! { … }` with its
/// skeleton and the line it starts on. The line is kept because Leptos
/// names each view by its file and line: a view that moved needs the
/// page rendered again, with the new names.
fn write_stream(tokens: TokenStream, out: &mut String) {
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Ident(ident) if ident == "view" => {
                let line = ident.span().start().line;
                out.push_str("view ");
                let bang =
                    tokens.next_if(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == '!'));
                if bang.is_none() {
                    continue;
                }
                match tokens.next() {
                    Some(TokenTree::Group(group)) => {
                        let _ = write!(out, "!@{line}[{}] ", of_view(group.stream()));
                    }
                    Some(other) => write_stream(other.into(), out),
                    None => {}
                }
            }
            TokenTree::Group(group) => {
                let (open, close) = delimiters(group.delimiter());
                out.push_str(open);
                write_stream(group.stream(), out);
                out.push_str(close);
            }
            other => {
                let _ = write!(out, "{other} ");
            }
        }
    }
}

fn delimiters(delimiter: Delimiter) -> (&'static str, &'static str) {
    match delimiter {
        Delimiter::Parenthesis => ("(", ")"),
        Delimiter::Brace => ("{", "}"),
        Delimiter::Bracket => ("[", "]"),
        Delimiter::None => ("", ""),
    }
}

/// The skeleton of a view's body: the Rust inside it (blocks, dynamic
/// attributes, components and their props) in order, and the elements
/// that hold any of it. Static text, literal attributes and elements with
/// nothing dynamic inside are what a patch can change, so they are left
/// out. A body rstml cannot read is kept whole.
fn of_view(tokens: TokenStream) -> String {
    let config = rstml::ParserConfig::new()
        .recover_block(true)
        .always_self_closed_elements(void_elements())
        .raw_text_elements(["script", "style"].into_iter().collect());
    let parser = rstml::Parser::new(config);
    let (nodes, errors) = parser.parse_recoverable(tokens.clone()).split_vec();
    if !errors.is_empty() {
        return tokens.to_string();
    }
    let mut out = String::new();
    for node in &nodes {
        write_node(node, &mut out);
    }
    out
}

fn write_node(node: &Node, out: &mut String) {
    match node {
        Node::Text(_) | Node::RawText(_) | Node::Comment(_) | Node::Doctype(_) => {}
        Node::Block(block) => {
            let _ = write!(out, "{{{}}}", block.to_token_stream());
        }
        Node::Fragment(fragment) => fragment
            .children
            .iter()
            .for_each(|child| write_node(child, out)),
        Node::Element(element) => write_element(element, out),
        Node::Custom(_) => {}
    }
}

fn write_element(element: &NodeElement<rstml::Infallible>, out: &mut String) {
    let name = element.name().to_string();
    let component = is_component(&name);
    let mut inner = String::new();
    for attribute in element.attributes() {
        match attribute {
            NodeAttribute::Block(block) => {
                let _ = write!(inner, "{{{}}}", block.to_token_stream());
            }
            NodeAttribute::Attribute(keyed) if component || !is_literal(keyed) => {
                let _ = write!(inner, "{} ", keyed.to_token_stream());
            }
            NodeAttribute::Attribute(_) => {}
        }
    }
    for child in element.children() {
        write_node(child, &mut inner);
    }
    // A component is Rust (a function call), so it stays even when
    // everything passed to it is literal.
    if component || !inner.is_empty() {
        let _ = write!(out, "<{name} {inner}>");
    }
}

/// A literal attribute on an HTML element (`class="card"`, `required`):
/// what a patch can set. Leptos's directives (`on:`, `class:`, `prop:`,
/// `bind:`, `node_ref` and the like) are code even with a literal value.
fn is_literal(attribute: &KeyedAttribute) -> bool {
    let key = attribute.key.to_string();
    let directive = key.contains(':') || key == "node_ref" || key.starts_with("use");
    !directive && (attribute.value().is_none() || attribute.value_literal_string().is_some())
}

/// Leptos's rule: a tag with a path or a capital letter is a component.
fn is_component(name: &str) -> bool {
    name.contains("::") || name.starts_with(|c: char| c.is_ascii_uppercase())
}

fn void_elements() -> HashSet<&'static str> {
    [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ]
    .into_iter()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::of_source;

    fn same(before: &str, after: &str) -> bool {
        of_source(before) == of_source(after)
    }

    const PAGE: &str = r#"
fn page() -> impl IntoView {
    let count = RwSignal::new(0);
    view! {
        <h1 class="title">"Counter"</h1>
        <p>"Count: " {move || count.get()}</p>
        <button on:click=move |_| count.update(|n| *n += 1)>"Add"</button>
        <Show when=move || true><em>"shown"</em></Show>
    }
}
"#;

    #[test]
    fn text_elements_and_literal_attributes_are_markup() {
        for edit in [
            PAGE.replace("\"Counter\"", "\"Tally\""),
            PAGE.replace("class=\"title\"", "class=\"big title\" id=\"top\""),
            PAGE.replace(
                "<h1 class=\"title\">\"Counter\"</h1>",
                "<h2>\"Counter\"</h2><hr/>",
            ),
            PAGE.replace("\"Count: \"", "<b>\"Count: \"</b>"),
            PAGE.replace("\"Add\"", "\"Add one\""),
            PAGE.replace("<em>\"shown\"</em>", "<strong>\"here\"</strong>"),
        ] {
            assert!(same(PAGE, &edit), "counted as logic:\n{edit}");
        }
    }

    #[test]
    fn code_anywhere_is_logic() {
        for edit in [
            PAGE.replace("RwSignal::new(0)", "RwSignal::new(1)"),
            PAGE.replace("count.get()}", "count.get() * 2}"),
            PAGE.replace("*n += 1", "*n += 2"),
            PAGE.replace("when=move || true", "when=move || false"),
            PAGE.replace("<Show", "<Show fallback=|| ()"),
            PAGE.replace("<button on:click", "<button class:on=true on:click"),
            PAGE.replace("<p>\"Count: \" {", "<span>\"Count: \" {")
                .replace("get()}</p>", "get()}</span>"),
        ] {
            assert!(!same(PAGE, &edit), "counted as markup:\n{edit}");
        }
    }

    #[test]
    fn a_view_that_moves_to_another_line_is_logic() {
        let moved = PAGE.replace("fn page()", "\nfn page()");
        assert!(!same(PAGE, &moved));
        let inside = PAGE.replace("<h1 class", "<hr/>\n        <h1 class");
        assert!(
            same(PAGE, &inside),
            "a line added inside the only view moves nothing"
        );
    }

    #[test]
    fn comments_and_layout_are_neither() {
        let relaid = PAGE
            .replace("    let count", "    // the count\n    let count")
            .replace("\n", "\n ");
        // Layout moved the view down a line, and that alone is logic.
        assert!(!same(PAGE, &relaid));
        let spaced = PAGE.replace("count.get()", "count . get ( )");
        assert!(same(PAGE, &spaced));
    }

    #[test]
    fn a_file_that_does_not_parse_is_its_own_skeleton() {
        assert_eq!(of_source("fn broken( {"), "fn broken( {");
    }
}
