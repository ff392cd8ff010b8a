//! The scripts in the shell's head: Leptos's `HydrationScripts`, and in an
//! islands build the page patch, started when [`Load`] says.

use leptos::prelude::*;

/// When an islands page loads its WASM.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Load {
    /// When the visitor first points at, touches or focuses an island (the
    /// default). The first load is the HTML and the stylesheet: forms post
    /// without script until the islands are live, and a click on a button
    /// that does nothing without script (`type="button"`, or outside any
    /// form) made meanwhile runs once they are. The WASM is downloaded
    /// then, so that interaction waits for it.
    #[default]
    OnInteraction,
    /// As soon as the browser is idle after loading the page (Leptos's own
    /// choice): the WASM is part of every first load.
    OnIdle,
}

/// The shell's scripts, in place of Leptos's `HydrationScripts`: Leptos's
/// own in a fully hydrated build; in an islands build, Leptos's islands
/// script and ferry's page patch (idiomorph and the patch, about 4.3 KB
/// gzip), which morphs the page into the one a mutation's answer brings,
/// loaded when `load` says.
///
/// ```
/// use leptos::prelude::*;
///
/// fn head(options: LeptosOptions) -> impl IntoView {
///     view! { <ferry::islands::HydrationScripts options /> }
/// }
/// ```
#[component]
pub fn HydrationScripts(
    /// The site's options, for the names of the JS and WASM files.
    options: LeptosOptions,
    /// When an islands page loads its WASM; ignored by a fully hydrated
    /// build, which renders nothing live without it.
    #[prop(optional)]
    load: Load,
) -> impl IntoView {
    #[cfg(feature = "islands")]
    {
        use leptos::either::Either;
        let nonce = leptos::nonce::use_nonce();
        let patch = concat!(include_str!("idiomorph.min.js"), include_str!("patch.js"));
        let scripts = view! {
            <leptos::prelude::HydrationScripts options islands=true />
            <script nonce=nonce.clone()>{patch}</script>
        };
        match load {
            Load::OnIdle => Either::Left(scripts),
            // Inert inside a template: the loader starts them.
            Load::OnInteraction => Either::Right(view! {
                <template id="ferry-islands">{scripts}</template>
                <script nonce=nonce>{include_str!("load.js")}</script>
            }),
        }
    }
    #[cfg(not(feature = "islands"))]
    {
        let _ = load;
        view! { <leptos::prelude::HydrationScripts options /> }
    }
}
