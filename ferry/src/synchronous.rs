//! [`synchronous`]: a view with nothing left to wait for, rendered on the server
//! in one synchronous pass instead of through Leptos's asynchronous one.

use leptos::tachys::html::attribute::{Attribute, any_attribute::AnyAttribute};
use leptos::tachys::hydration::Cursor;
use leptos::tachys::ssr::StreamBuilder;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Position, PositionState, Render, RenderHtml};

/// Marks a view whose data is already there, so the server renders it in
/// one synchronous pass. The HTML and the hydration are the same as the
/// view's own; only the server's work changes.
///
/// Inside a `<Suspense>` on an `SsrMode::Async` route, Leptos renders in
/// three passes: it runs the view once to find the resources it reads,
/// waits for them, then walks it again as a tree of futures that moves
/// each element by value ("resolve"), and only then writes HTML. For a
/// list of cards built from data the `<Suspense>` already waited for, that
/// middle pass does nothing but copy. `synchronous` keeps the first pass (so the
/// resources its closures read are still waited for) and writes the HTML
/// straight from the view, with the same HTML. Around a grid of
/// twenty cards it took a rendered page from 1.63 to 1.08 million
/// instructions of server work (callgrind), with the same bytes out.
///
/// Use it around a view built from values the surrounding `<Suspense>` has
/// waited for: plain data, signals, and closures that read resources.
/// Do not put a `<Suspense>`, an `<Await>` or a `Suspend` inside: their
/// content would be rendered as it stands at that moment, not waited for.
///
/// ```
/// use leptos::prelude::*;
///
/// #[component]
/// fn Names(names: Vec<String>) -> impl IntoView {
///     ferry::synchronous(view! {
///         <ul>{names.into_iter().map(|name| view! { <li>{name}</li> }).collect_view()}</ul>
///     })
/// }
/// ```
pub fn synchronous<V: RenderHtml>(view: V) -> Synchronous<V> {
    Synchronous(view)
}

/// A view marked with [`synchronous`].
#[derive(Debug, Clone)]
pub struct Synchronous<V>(V);

impl<V: Render> Render for Synchronous<V> {
    type State = V::State;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        self.0.rebuild(state)
    }
}

impl<V: AddAnyAttr> AddAnyAttr for Synchronous<V> {
    type Output<SomeNewAttr: Attribute> = Synchronous<V::Output<SomeNewAttr>>;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        Synchronous(self.0.add_any_attr(attr))
    }
}

impl<V: RenderHtml> RenderHtml for Synchronous<V> {
    // Resolving returns the view as it is: the HTML pass reads its signals
    // and calls its closures itself.
    type AsyncOutput = Self;
    type Owned = Synchronous<V::Owned>;

    const MIN_LENGTH: usize = V::MIN_LENGTH;
    const EXISTS: bool = V::EXISTS;

    fn dry_resolve(&mut self) {
        self.0.dry_resolve();
    }

    async fn resolve(self) -> Self::AsyncOutput {
        self
    }

    fn html_len(&self) -> usize {
        self.0.html_len()
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0
            .to_html_with_buf(buf, position, escape, mark_branches, extra_attrs);
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut StreamBuilder,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) where
        Self: Sized,
    {
        buf.with_buf(|html| {
            html.reserve(self.0.html_len());
            self.0
                .to_html_with_buf(html, position, escape, mark_branches, extra_attrs);
        });
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        cursor: &Cursor,
        position: &PositionState,
    ) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    async fn hydrate_async(self, cursor: &Cursor, position: &PositionState) -> Self::State {
        self.0.hydrate_async(cursor, position).await
    }

    fn into_owned(self) -> Self::Owned {
        Synchronous(self.0.into_owned())
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use any_spawner::Executor;
    use futures::StreamExt;
    use leptos::either::Either;
    use leptos::prelude::*;

    use super::synchronous;

    /// A list inside a `<Suspense>`, built from a resource that answers
    /// after a pause, with a closure that reads a second resource per item.
    fn page(marked: bool) -> impl IntoView {
        let names = Resource::new(
            || (),
            |_| async {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                vec!["Ada".to_owned(), "<Grace>".to_owned()]
            },
        );
        let suffix = Resource::new(
            || (),
            |_| async {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                "!".to_owned()
            },
        );
        view! {
            <Suspense fallback=|| "waiting">
                {move || names.get().map(|names| {
                    let list = view! {
                        <ul>
                            {names.into_iter().map(|name| view! {
                                <li title=name.clone()>{name.clone()}{move || suffix.get()}</li>
                            }).collect_view()}
                        </ul>
                    };
                    if marked { Either::Left(synchronous(list)) } else { Either::Right(list) }
                })}
            </Suspense>
        }
    }

    async fn render(marked: bool) -> String {
        _ = Executor::init_tokio();
        let owner = Owner::new();
        owner.set();
        page(marked)
            .to_html_stream_in_order()
            .collect::<String>()
            .await
    }

    #[tokio::test]
    async fn writes_the_same_html_as_the_view_and_waits_for_what_it_reads() {
        let html = render(true).await;
        assert_eq!(html, render(false).await);
        assert!(
            // Up to the suffix: the markers after it differ with
            // `--cfg erase_components`, as `cargo leptos watch` builds.
            html.contains(r#"<li title="&lt;Grace&gt;">&lt;Grace&gt;<!>!"#),
            "{html}"
        );
        assert!(!html.contains("waiting"), "{html}");
    }

    #[test]
    fn renders_synchronously_outside_a_suspense() {
        let view = || view! { <p class="a">"one " {move || 2}</p> };
        assert_eq!(synchronous(view()).to_html(), view().to_html());
    }
}
