//! The catalog's pages and the two ways to add to the cart: a form that
//! works without JavaScript, and a quick-add button that needs it.

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{
    availability, image_url, GetProduct, ListProducts, Product, ProductId, ProductSummary, KEEP_FOR,
};
use app_core::components::field_marks;
use app_core::components::{use_id_param, ErrorNotice};
use cart::views::{optimistic_add, use_cart, CartQuery};
use cart::{AddToCart, CartLine};

/// `/`: every product. A query tagged `stock`: checkout declares it.
#[component]
pub fn CatalogPage() -> impl IntoView {
    ferry::cache_page(KEEP_FOR);
    let products = ferry::query([super::STOCK], ListProducts {});
    // One action for every card, created outside the Suspense so that a
    // refetch re-renders the cards without losing the action's last result;
    // its value read once, since each read makes a signal.
    let add = ServerAction::<AddToCart>::new();
    let added = add.value();
    let adding = Adding::new();
    view! {
        <h1>"Catalog"</h1>
        // The grid is built from data the Suspense has waited for: `ferry::synchronous`
        // renders it in one pass (a third less server work for the page).
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || products.get().map(|result| match result {
                Ok(products) => Either::Left(ferry::synchronous(view! {
                    <div class="grid">
                        {products.into_iter().map(|product| view! { <ProductCard product add added adding /> }).collect_view()}
                    </div>
                })),
                Err(error) => Either::Right(view! { <ErrorNotice error /> }),
            })}
        </Suspense>
    }
}

/// One product in the grid.
#[component]
fn ProductCard(
    product: ProductSummary,
    add: ServerAction<AddToCart>,
    added: Added,
    adding: Adding,
) -> impl IntoView {
    let heading = format!("product-{}", product.id);
    let labelled_by = heading.clone();
    let line = shelf_line(product.id, &product.name, product.price, product.stock);
    view! {
        <article class="card" aria-labelledby=labelled_by>
            {product.image.as_deref().map(|name| view! {
                <img class="card-image" src=image_url(name) alt="" width="240" height="160" loading="lazy" />
            })}
            <h2 id=heading><a href=format!("/products/{}", product.id)>{product.name.clone()}</a></h2>
            <p class="price">{product.price.to_string()}</p>
            <p class="stock">{availability(product.stock)}</p>
            {adds(line, add, added, adding)}
        </article>
    }
}

/// A product's two ways to add: in an islands build, an island of their
/// own; otherwise sharing the page's action. (Erased: an island's type
/// nested in the page's is deeper than the compiler's limit.)
fn adds(line: CartLine, add: ServerAction<AddToCart>, added: Added, adding: Adding) -> AnyView {
    if ferry::ISLANDS {
        // An island whose props change is hydrated afresh when a call
        // patches the page; the stock is shown outside it.
        let line = CartLine { stock: 0, ..line };
        view! { <CardActions line /> }.into_any()
    } else {
        view! {
            <AddToCartForm line=line.clone() action=add added adding />
            <QuickAddButton line adding />
        }
        .into_any()
    }
}

/// A card's two ways to add, as an island of their own in an islands build
/// (the grid around them is HTML only), with their own action. A fully
/// hydrated page shares one action between its cards instead, so that the
/// grid re-rendering keeps the last result.
#[ferry::island]
fn CardActions(line: CartLine) -> impl IntoView {
    let add = ServerAction::<AddToCart>::new();
    let added = add.value();
    let adding = Adding::new();
    view! {
        <AddToCartForm line=line.clone() action=add added adding />
        <QuickAddButton line adding />
    }
}

/// `/products/:id`: one product, in full, with what this visitor can still
/// add: its stock (tagged `stock:<id>`) less what is in their cart (the
/// shared `cart` query). Neither knows which server functions change them.
#[component]
pub fn ProductPage() -> impl IntoView {
    ferry::cache_page(KEEP_FOR);
    let id_param = use_id_param();
    // An id that does not parse asks for product 0, which no row has: the
    // read's own 404, the same page as for an id that is not there.
    let id = move || ProductId(id_param().unwrap_or(0));
    let product = ferry::query_with(id, |id| vec![super::stock(*id)], |id| GetProduct { id });
    let cart = use_cart();
    let in_cart = move |id| {
        cart.get()
            .and_then(Result::ok)
            .and_then(|cart| cart.lines.get(&id).map(|line| line.quantity))
            .unwrap_or(0)
    };
    let add = ServerAction::<AddToCart>::new();
    let added = add.value();
    let adding = Adding::new();
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || product.get().map(|result| match result {
                Ok(product) => {
                    let in_cart = in_cart(product.id);
                    Either::Left(view! { <ProductDetails product in_cart add added adding /> })
                }
                Err(error) => Either::Right(view! { <ErrorNotice error /> }),
            })}
        </Suspense>
    }
}

#[component]
fn ProductDetails(
    product: Product,
    in_cart: u32,
    add: ServerAction<AddToCart>,
    added: Added,
    adding: Adding,
) -> impl IntoView {
    let available = availability(product.stock.saturating_sub(in_cart));
    let holding = (in_cart > 0).then(|| {
        view! { <p class="muted" data-testid="in-cart">{format!("{in_cart} in your cart")}</p> }
    });
    let since = product.created_at.format("%B %-d, %Y").to_string();
    let line = shelf_line(product.id, &product.name, product.price, product.stock);
    view! {
        <article class="product" aria-labelledby="product-name">
            <h1 id="product-name">{product.name.clone()}</h1>
            {product.image.as_deref().map(|name| view! {
                <img class="product-image" src=image_url(name) alt=product.name.clone() width="480" height="320" />
            })}
            <p>{product.description.clone()}</p>
            <p class="price">{product.price.to_string()}</p>
            <p class="stock" data-testid="stock">{available}</p>
            {holding}
            <p class="muted">"In the shop since " <time datetime=product.created_at.to_rfc3339()>{since}</time></p>
            {adds(line, add, added, adding)}
        </article>
    }
}

/// A product as a cart line of none, for the cart a call expects.
fn shelf_line(id: ProductId, name: &str, price: shop_core::money::Money, stock: u32) -> CartLine {
    CartLine {
        product_id: id,
        name: name.to_owned(),
        unit_price: price,
        quantity: 0,
        stock,
    }
}

/// The add action's last result, read once per page and shared by its forms.
type Added = MappedSignal<Option<Result<u32, ferry::Error>>>;

/// Adds any quantity through a plain form: with JavaScript it posts in the
/// background, the badge counts up at once, and a quantity out of range
/// is refused before sending; without, the browser posts and the server
/// redirects back. The page's forms share one action; each shows only its
/// product's errors, and the product's quick add shows its refusals in the
/// same place.
#[component]
fn AddToCartForm(
    line: CartLine,
    action: ServerAction<AddToCart>,
    added: Added,
    adding: Adding,
) -> impl IntoView {
    let product = line.product_id;
    // This form's part of the last result: a refusal of its product, or
    // of none in particular. Read in place: the result is not cloned.
    let mine = move |read: fn(&ferry::Error) -> String| {
        added.with(|result| match result {
            Some(Err(error))
                if error
                    .value("product_id")
                    .is_none_or(|id| id.parse() == Ok(product.0)) =>
            {
                Some(read(error))
            }
            _ => None,
        })
    };
    let Adding { refusals, cart } = adding;
    let message = move || {
        refusals
            .with(|refusals| refusals.get(&product).cloned())
            .or_else(|| mine(explain))
    };
    let typed = move || {
        mine(|e| e.value("quantity").unwrap_or("1").to_owned()).unwrap_or_else(|| "1".to_owned())
    };
    let (shown, aria_invalid, refused_now) = field_marks(message);
    let optimistic = move |add: &AddToCart| {
        let quantity = u32::try_from(add.quantity).unwrap_or(0);
        optimistic_add(cart, &line, quantity)
    };
    let error_id: Arc<str> = format!("add-{product}-error").into();
    let described_by = error_id.clone();
    view! {
        <ferry::Form action optimistic attr:class="add-to-cart">
            <input type="hidden" name="product_id" value=product.to_string() />
            <label>
                "Quantity"
                <input type="number" name="quantity" min="1" max="99" required value=typed
                    aria-describedby=described_by
                    aria-invalid=aria_invalid
                    autofocus=refused_now />
            </label>
            <button type="submit">"Add to cart"</button>
            <p id=error_id class="field-error" role="status">{shown}</p>
        </ferry::Form>
    }
}

/// What a page's adds share: the quick adds' refusals, by product, shown
/// under the product's form (one signal for the page rather than one per
/// button, since a page renders twenty of them), and the cart they change
/// (looked up once per page, not once per card).
/// In an islands build, an add is an island of its own and holds no cart
/// query: its expected change goes to the badge's (another island's).
#[derive(Clone, Copy)]
struct Adding {
    refusals: RwSignal<BTreeMap<ProductId, String>>,
    cart: Option<CartQuery>,
}

impl Adding {
    fn new() -> Self {
        Self {
            refusals: RwSignal::default(),
            cart: (!ferry::ISLANDS).then(use_cart),
        }
    }
}

/// Adds one unit straight from an event handler: no form, no navigation.
/// The badge counts up at once (rolled back if the server refuses), and
/// `add_to_cart` declares the `cart` tag, so the badge and the stock shown
/// refetch by themselves. The button needs JavaScript, so the page shows
/// it only once hydrated (`needs-js`).
#[component]
fn QuickAddButton(line: CartLine, adding: Adding) -> impl IntoView {
    let Adding { refusals, cart } = adding;
    let product = line.product_id;
    let quick_add = move |_| {
        let change = optimistic_add(cart, &line, 1);
        spawn_local(async move {
            let call = AddToCart {
                product_id: product,
                quantity: 1,
            };
            let result = change.run(call).await;
            refusals.update(|refusals| match result {
                Ok(_) => {
                    refusals.remove(&product);
                }
                Err(e) => {
                    refusals.insert(product, explain(&e));
                }
            });
        });
    };
    view! {
        <button type="button" class="quick-add needs-js" on:click=quick_add>
            "Quick add"
        </button>
    }
}

/// What a refused add says: the quantity's own message, or the error's.
fn explain(error: &ferry::Error) -> String {
    error
        .field("quantity")
        .map_or_else(|| error.to_string(), str::to_owned)
}
