//! Checkout's button, the order confirmation page and the list of orders.
//! Both pages are the signed-in user's only: signed out, they send the
//! visitor to sign in and back.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;

use super::{get_order, Checkout, MyOrders, Order, OrderId, OrderSummary, ORDERS};
use app_core::components::{use_id_param, ErrorNotice};

/// "Place order", with the cart-wide message (an empty cart, a failure).
#[component]
pub fn CheckoutForm(action: ServerAction<Checkout>) -> impl IntoView {
    let message = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .and_then(|error| match error {
                ferry::Error::Invalid { .. } => error.field("cart").map(str::to_owned),
                other => Some(other.to_string()),
            })
    };
    // Signed out, the call answers 401: offer the way in (without
    // JavaScript, `ferry` sends the form there itself).
    let signed_out = move || {
        matches!(
            action.value().get(),
            Some(Err(ferry::Error::Unauthorized { .. }))
        )
    };
    view! {
        <ferry::Form action attr:class="checkout">
            <button type="submit">"Place order"</button>
            <p class="field-error" role="status">
                {message}
                <Show when=signed_out>
                    " " <a href="/sign-in?next=%2Fcart">"Sign in"</a>
                </Show>
            </p>
        </ferry::Form>
    }
}

/// `/orders`: the signed-in user's orders, newest first.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let orders = ferry::visitor_query([ORDERS], MyOrders {});
    view! {
        <h1>"Your orders"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || orders.get().map(|result| match result {
                Ok(orders) if orders.is_empty() => EitherOf3::A(view! {
                    <p data-testid="no-orders">"No orders yet. " <a href="/">"Start shopping"</a></p>
                }),
                Ok(orders) => EitherOf3::B(view! { <OrderList orders /> }),
                Err(error) => EitherOf3::C(view! { <ErrorNotice error /> }),
            })}
        </Suspense>
    }
}

#[component]
fn OrderList(orders: Vec<OrderSummary>) -> impl IntoView {
    view! {
        <table class="cart" data-testid="orders">
            <thead><tr><th>"Order"</th><th>"Placed"</th><th>"Status"</th><th>"Total"</th></tr></thead>
            <tbody>
                {orders.into_iter().map(|order| view! {
                    <tr>
                        <td><a href=format!("/orders/{}", order.id)>{format!("#{}", order.id)}</a></td>
                        <td>{order.placed_at.format("%Y-%m-%d %H:%M UTC").to_string()}</td>
                        <td>{order.status.label()}</td>
                        <td>{order.total.to_string()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// `/orders/:id`: what was ordered, when, and where it stands.
#[component]
pub fn OrderPage() -> impl IntoView {
    let id_param = use_id_param();
    let id = move || id_param().map(OrderId);
    let order = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_order(id).await,
            None => Err(ferry::Error::not_found("That order")),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || order.get().map(|result| match result {
                Ok(order) => Either::Left(view! { <OrderDetails order /> }),
                Err(error) => Either::Right(view! { <ErrorNotice error /> }),
            })}
        </Suspense>
    }
}

#[component]
fn OrderDetails(order: Order) -> impl IntoView {
    let placed = order
        .placed_at
        .format("%B %-d, %Y at %H:%M UTC")
        .to_string();
    view! {
        <h1>{format!("Order #{}", order.id)}</h1>
        <p>"Thank you! Placed " <time datetime=order.placed_at.to_rfc3339()>{placed}</time> "."</p>
        <p>"Status: " <strong data-testid="order-status">{order.status.label()}</strong></p>
        <table class="cart">
            <thead><tr><th>"Product"</th><th>"Price"</th><th>"Quantity"</th><th>"Total"</th></tr></thead>
            <tbody>
                {order.lines.into_iter().map(|line| view! {
                    <tr>
                        <td>{line.name.clone()}</td>
                        <td>{line.unit_price.to_string()}</td>
                        <td>{line.quantity}</td>
                        <td>{(line.unit_price * line.quantity).to_string()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
            <tfoot><tr><th colspan="3">"Total"</th><td data-testid="order-total">{order.total.to_string()}</td></tr></tfoot>
        </table>
        <p><a href="/">"Continue shopping"</a></p>
    }
}
