//! The cart page, its line controls, and the site header with its badge, all
//! reading the one cart resource the app provides.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos::tachys::view::keyed::keyed;

use super::{get_cart, Cart, CartLine, RemoveLine, SetQuantity};
use crate::catalog::ProductId;
use crate::components::{field_marks, ErrorNotice};
use crate::orders::line_field;
use crate::orders::views::CheckoutForm;
use crate::orders::Checkout;

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
    provide_context(CartResource(ferry::private_query([super::CART], get_cart)));
}

/// The shared cart query.
pub fn use_cart() -> CartQuery {
    expect_context::<CartResource>().0
}

/// Shows the cart with `quantity` more of `line`'s product at once, until
/// the add's call settles it.
pub fn expect_added(cart: CartQuery, line: &CartLine, quantity: u32) -> ferry::Expected {
    let line = CartLine {
        quantity,
        ..line.clone()
    };
    cart.expect(move |cart| {
        if let Ok(cart) = cart {
            cart.add(line.clone());
        }
    })
}

/// "Cart (3)" in the header, on every page.
#[component]
pub fn CartBadge() -> impl IntoView {
    let cart = use_cart();
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

/// `/cart`: lines, quantities, totals and the checkout button.
#[component]
pub fn CartPage() -> impl IntoView {
    let cart = use_cart();
    let set = ServerAction::<SetQuantity>::new();
    let remove = ServerAction::<RemoveLine>::new();
    let checkout = ServerAction::<Checkout>::new();
    view! {
        <h1>"Your cart"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || cart.get().map(|result| match result {
                Ok(cart) if cart.lines.is_empty() => EitherOf3::A(view! {
                    <p>"Your cart is empty. " <a href="/">"Browse the catalog"</a></p>
                }),
                Ok(cart) => EitherOf3::B(view! { <CartTable cart set remove checkout /> }),
                Err(error) => EitherOf3::C(view! { <ErrorNotice error /> }),
            })}
        </Suspense>
    }
}

#[component]
fn CartTable(
    cart: Cart,
    set: ServerAction<SetQuantity>,
    remove: ServerAction<RemoveLine>,
    checkout: ServerAction<Checkout>,
) -> impl IntoView {
    let total = cart.total().to_string();
    // Keyed by what a row shows: when a line changes or goes (an expected
    // change does that while a call runs), the other rows keep their
    // elements, so a form's busy marks stay on its own row.
    let lines = keyed(
        cart.lines.into_values(),
        |line| (line.product_id, line.quantity, line.unit_price),
        move |_, line| {
            let row = view! { <CartRow line set remove checkout /> };
            (|_index: usize| {}, row)
        },
    );
    view! {
        <table class="cart">
            <thead>
                <tr><th>"Product"</th><th>"Price"</th><th>"Quantity"</th><th>"Total"</th><th></th></tr>
            </thead>
            <tbody>
                {lines}
            </tbody>
            <tfoot>
                <tr><th colspan="3">"Total"</th><td data-testid="cart-total">{total}</td><td></td></tr>
            </tfoot>
        </table>
        <CheckoutForm action=checkout />
    }
}

/// One line: its quantity form (with its own error) and its remove button.
/// Both show their change at once; a refusal puts the line back.
#[component]
fn CartRow(
    line: CartLine,
    set: ServerAction<SetQuantity>,
    remove: ServerAction<RemoveLine>,
    checkout: ServerAction<Checkout>,
) -> impl IntoView {
    let id = line.product_id;
    let quantity = line.quantity.to_string();
    let message = move || line_error(set, checkout, id);
    let (shown, aria_invalid, refused_now) = field_marks(message);
    let typed = {
        let quantity = quantity.clone();
        move || typed_quantity(set, id).unwrap_or_else(|| quantity.clone())
    };
    let label = format!("Quantity of {}", line.name);
    let error_id: std::sync::Arc<str> = format!("quantity-{id}-error").into();
    let described_by = error_id.clone();
    let cart = use_cart();
    let expect_quantity = move |set: &SetQuantity| {
        let quantity = u32::try_from(set.quantity).unwrap_or(0);
        cart.expect(move |cart| {
            if let Ok(cart) = cart {
                cart.set_quantity(id, quantity);
            }
        })
    };
    let expect_removed = move |_: &RemoveLine| {
        cart.expect(move |cart| {
            if let Ok(cart) = cart {
                cart.lines.remove(&id);
            }
        })
    };
    view! {
        <tr>
            <td><a href=format!("/products/{id}")>{line.name.clone()}</a></td>
            <td>{line.unit_price.to_string()}</td>
            <td>
                <ferry::Form action=set optimistic=expect_quantity attr:class="quantity">
                    <input type="hidden" name="product_id" value=id.to_string() />
                    <input type="number" name="quantity" min="1" max="99" required aria-label=label
                        prop:value=typed.clone() value=typed
                        aria-describedby=described_by
                        aria-invalid=aria_invalid
                        autofocus=refused_now />
                    <button type="submit">"Update"</button>
                </ferry::Form>
                <p id=error_id class="field-error" role="status">{shown}</p>
            </td>
            <td>{line.total().to_string()}</td>
            <td>
                <ferry::Form action=remove optimistic=expect_removed>
                    <input type="hidden" name="product_id" value=id.to_string() />
                    <button type="submit" aria-label=format!("Remove {}", line.name)>"Remove"</button>
                </ferry::Form>
            </td>
        </tr>
    }
}

/// The message for one line: a refused quantity change, or a stock problem
/// found at checkout.
fn line_error(
    set: ServerAction<SetQuantity>,
    checkout: ServerAction<Checkout>,
    id: ProductId,
) -> Option<String> {
    let from_set = set
        .value()
        .get()
        .and_then(Result::err)
        .filter(|e| e.value("product_id") == Some(&id.to_string()));
    let from_set = from_set.and_then(|e| e.field("quantity").map(str::to_owned));
    let from_checkout = checkout.value().get().and_then(Result::err);
    from_set.or_else(|| from_checkout.and_then(|e| e.field(&line_field(id)).map(str::to_owned)))
}

/// What the user typed into this line's quantity, if the change was refused.
fn typed_quantity(set: ServerAction<SetQuantity>, id: ProductId) -> Option<String> {
    let error = set.value().get().and_then(Result::err)?;
    (error.value("product_id") == Some(&id.to_string()))
        .then(|| error.value("quantity").map(str::to_owned))?
}

/// The header on every page: the shop's name and the cart badge.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/">{crate::site::TITLE}</a>
            <nav class="account">
                <crate::accounts::views::AccountLinks />
            </nav>
            <CartBadge />
        </header>
    }
}
