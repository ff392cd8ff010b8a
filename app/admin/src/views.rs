//! `/admin`: one row per product, with a form for its price, one for its
//! stock and one for its image. The price and stock forms are
//! `ferry::Form`s (checked in the browser, busy while sent, the message
//! beside the field); the image form is a plain `multipart/form-data` post,
//! which the browser sends the same way with JavaScript on or off.

use std::sync::Arc;

use leptos::either::Either;
use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos::server_fn::error::ServerFnUrlError;
use leptos::server_fn::ServerFn;

use super::AdminProducts;
use app_core::components::{field_marks, ErrorNotice};
use catalog::{
    image_url, ProductId, ProductSummary, SetPrice, SetStock, UploadImage, MAX_IMAGE_BYTES, STOCK,
};

/// `/admin`: admins only (signed out, it sends to sign in and back).
#[component]
pub fn AdminPage() -> impl IntoView {
    let products = ferry::visitor_query([STOCK], AdminProducts {});
    let actions = Actions {
        price: ServerAction::new(),
        stock: ServerAction::new(),
    };
    view! {
        <h1>"Products"</h1>
        <p class="muted">{format!(
            "Images: PNG, JPEG, WebP or GIF, up to {} KB. Every change shows in the shop at once.",
            MAX_IMAGE_BYTES / 1024
        )}</p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || products.get().map(|result| match result {
                Ok(products) => Either::Left(view! {
                    <table class="cart admin" data-testid="admin-products">
                        <thead><tr><th>"Product"</th><th>"Price"</th><th>"Stock"</th><th>"Image"</th></tr></thead>
                        <tbody>
                            {products.into_iter().map(|product| view! { <AdminRow product actions /> }).collect_view()}
                        </tbody>
                    </table>
                }),
                Err(error) => Either::Right(view! { <ErrorNotice error /> }),
            })}
        </Suspense>
    }
}

/// The page's two actions, shared by every row.
#[derive(Clone, Copy)]
struct Actions {
    price: ServerAction<SetPrice>,
    stock: ServerAction<SetStock>,
}

#[component]
fn AdminRow(product: ProductSummary, actions: Actions) -> impl IntoView {
    let id = product.id;
    let price = product.price.cents();
    let price = format!("{}.{:02}", price / 100, price % 100);
    let stock = product.stock.to_string();
    let image = product.image.as_deref().map(image_url);
    let name = product.name;
    let (price_label, stock_label) = (format!("Price of {name}"), format!("Stock of {name}"));
    let link = view! { <a href=format!("/products/{id}")>{name.clone()}</a> };
    view! {
        <tr data-product=id.to_string()>
            <td>{link}</td>
            <td>
                <ferry::Form action=actions.price attr:class="quantity">
                    <input type="hidden" name="product_id" value=id.to_string() />
                    <RowField action=actions.price id field="price" shown=price
                        label=price_label kind="text" />
                    <button type="submit">"Save"</button>
                </ferry::Form>
            </td>
            <td>
                <ferry::Form action=actions.stock attr:class="quantity">
                    <input type="hidden" name="product_id" value=id.to_string() />
                    <RowField action=actions.stock id field="stock" shown=stock
                        label=stock_label kind="number" />
                    <button type="submit">"Save"</button>
                </ferry::Form>
            </td>
            <td><ImageForm id name image /></td>
        </tr>
    }
}

/// One row's field, with its message beside it: the value typed is kept
/// after a refusal, and the message is the field's accessible description.
#[component]
fn RowField<S>(
    action: ServerAction<S>,
    id: ProductId,
    field: &'static str,
    shown: String,
    label: String,
    kind: &'static str,
) -> impl IntoView
where
    S: ServerFn<Output = (), Error = ferry::Error> + Clone + Send + Sync + 'static,
{
    let refused = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .filter(|error| error.value("product_id") == Some(&id.to_string()))
    };
    let message = move || refused().and_then(|error| error.field(field).map(str::to_owned));
    let (message_shown, aria_invalid, refused_now) = field_marks(message);
    let typed = move || {
        refused()
            .and_then(|error| error.value(field).map(str::to_owned))
            .unwrap_or_else(|| shown.clone())
    };
    let error_id: Arc<str> = format!("{field}-{id}-error").into();
    view! {
        <input type=kind name=field required aria-label=label
            prop:value=typed.clone() value=typed
            aria-describedby=error_id.clone() aria-invalid=aria_invalid autofocus=refused_now />
        <p id=error_id class="field-error" role="status">{message_shown}</p>
    }
}

/// The image and its upload form: a plain multipart post, so the page
/// reloads after it (with JavaScript too), showing the new image or the
/// reason it was refused.
#[component]
fn ImageForm(id: ProductId, name: String, image: Option<String>) -> impl IntoView {
    let message = upload_refusal(id);
    let error_id = format!("image-{id}-error");
    view! {
        {image.map(|src| view! { <img class="thumb" src=src alt=format!("{name}") width="48" height="48" /> })}
        <form method="post" action=UploadImage::PATH enctype="multipart/form-data" class="upload">
            <input type="hidden" name="product_id" value=id.to_string() />
            <input type="file" name="image" required accept="image/png,image/jpeg,image/webp,image/gif"
                aria-label=format!("Image of {name}") aria-describedby=error_id.clone()
                aria-invalid=message.is_some().then_some("true") autofocus=message.is_some() />
            <button type="submit">"Upload"</button>
        </form>
        <p id=error_id class="field-error" role="status">{message}</p>
    }
}

/// Why this row's last upload was refused, from the address the server
/// sent the browser back to (`__err`), if it was this row's.
fn upload_refusal(id: ProductId) -> Option<String> {
    let refused = use_context::<ServerActionError>()
        .filter(|refused| refused.path() == UploadImage::PATH)
        .map(|refused| ServerFnUrlError::<ferry::Error>::decode_err(refused.err()))?;
    (refused.value("product_id") == Some(&id.to_string())).then(|| match refused.field("image") {
        Some(message) => message.to_owned(),
        None => refused.to_string(),
    })
}
