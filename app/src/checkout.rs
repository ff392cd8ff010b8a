//! `/cart`: the cart's lines and their controls, with the checkout form
//! under them. Composed of two areas (the cart's, and orders' checkout), so
//! it sits above both.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos::tachys::view::keyed::keyed;

use app_core::components::{field_marks, ErrorNotice};
use cart::views::{island_cart, use_cart};
use cart::{Cart, CartLine, RemoveLine, SetQuantity};
use orders::line_field;
use orders::views::CheckoutForm;
use orders::Checkout;
use shop_core::ids::ProductId;

/// `/cart`: lines, quantities, totals and the checkout button; one island
/// in an islands build.
#[ferry::island]
pub fn CartPage() -> impl IntoView {
    let cart = island_cart();
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
    let optimistic_quantity = move |set: &SetQuantity| {
        let quantity = u32::try_from(set.quantity).unwrap_or(0);
        cart.optimistic(move |cart| {
            if let Ok(cart) = cart {
                cart.set_quantity(id, quantity);
            }
        })
    };
    let optimistic_removal = move |_: &RemoveLine| {
        cart.optimistic(move |cart| {
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
                <ferry::Form action=set optimistic=optimistic_quantity attr:class="quantity">
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
                <ferry::Form action=remove optimistic=optimistic_removal>
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
