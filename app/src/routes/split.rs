//! The server's `<link rel="preload">` tags for a lazy page's split WASM
//! files, added to the head while the page renders (`ferry::split`: Leptos
//! 0.8's own tags can land in another request's page).

/// Adds the preload tags of the page's own split files, when called first
/// thing in its lazy view. An islands page does not hydrate its route, so
/// there its files are only taken out of Leptos's list.
pub fn preload_own_files() {
    if ferry::ISLANDS {
        ferry::split::forget_ran();
    } else {
        ferry::split::preload_ran();
    }
}
