//! The one cart query the app provides, and the header's badge that reads
//! it. The cart page, which checks out too, is `crate::checkout`'s.

use leptos::prelude::*;

use super::{Cart, CartLine, GetCart};

/// The visitor's cart, fetched once per page and shared by the badge, the
/// cart page and the product page. Tagged `cart`: every mutation of the
/// cart declares that tag, and this refetches. Private: one visitor's cart
/// changing does not drop the catalog page kept for visitors without one.
#[derive(Clone, Copy)]
pub struct CartResource(CartQuery);

/// The cart query's type.
pub type CartQuery = ferry::Query<Result<Cart, ferry::Error>>;

/// Creates the shared cart query (called once, in `App`).
pub fn provide_cart() {
    provide_context(CartResource(ferry::visitor_query(
        [super::CART],
        GetCart {},
    )));
}

/// The shared cart query.
pub fn use_cart() -> CartQuery {
    expect_context::<CartResource>().0
}

/// The cart query of an island that shows the cart: in an islands build,
/// one of the island's own (the page's is not in the browser there; its
/// components find this one with [`use_cart`]); the page's otherwise.
pub fn island_cart() -> CartQuery {
    if ferry::ISLANDS {
        provide_cart();
    }
    use_cart()
}

/// Shows the cart with `quantity` more of `line`'s product at once, until
/// the add's call settles it: on `cart`, or, for an island that holds no
/// cart query, on every query of the cart on the page (the badge's).
pub fn optimistic_add(
    cart: Option<CartQuery>,
    line: &CartLine,
    quantity: u32,
) -> ferry::OptimisticChange {
    let line = CartLine {
        quantity,
        ..line.clone()
    };
    let change = move |cart: &mut Result<Cart, ferry::Error>| {
        if let Ok(cart) = cart {
            cart.add(line.clone());
        }
    };
    match cart {
        Some(cart) => cart.optimistic(change),
        None => ferry::optimistic_for(GetCart {}, change),
    }
}

/// "Cart (3)" in the header, on every page: an island of its own in an
/// islands build.
#[ferry::island]
pub fn CartBadge() -> impl IntoView {
    let cart = island_cart();
    let count = move || {
        cart.get()
            .and_then(Result::ok)
            .map_or(0, |cart| cart.item_count())
    };
    view! {
        <a class="cart-link" href="/cart">
            "Cart "
            <Suspense fallback=|| view! { <span class="badge">"…"</span> }>
                // Announced when it changes: the outcome of every add.
                <span class="badge" data-testid="cart-count" aria-live="polite">{count}</span>
            </Suspense>
        </a>
    }
}
