//! Reading headers the way a sender who joined them would have written them.

/// Every value of a header, joined by commas, as one would be if the
/// sender had joined them; `None` when there is none.
pub(crate) fn joined(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}
