//! Product images on disk: stored under a name the server makes up, and
//! served at `/images/<name>` with the type their bytes showed (the upload
//! was checked by `catalog::upload`).

use std::path::Path;

use ::catalog::upload::ACCEPTED;
use ::catalog::ProductId;
use app_core::db::Db;
use app_core::state::AppState;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// Writes `bytes` into `dir` under a new random name with `extension`, and
/// returns the name. Written to a hidden temporary file, flushed to disk,
/// then renamed, so a reader (or a restart) never sees half an image; the
/// temporary file goes if any step fails.
pub async fn store(dir: &Path, bytes: Vec<u8>, extension: &str) -> std::io::Result<String> {
    use tokio::io::AsyncWriteExt;
    let name = format!("{}.{extension}", uuid::Uuid::new_v4().simple());
    let temporary = dir.join(format!(".{name}.part"));
    let written = async {
        let mut file = tokio::fs::File::create(&temporary).await?;
        file.write_all(&bytes).await?;
        file.sync_all().await?;
        tokio::fs::rename(&temporary, dir.join(&name)).await
    };
    match written.await {
        Ok(()) => Ok(name),
        Err(err) => {
            let _ = tokio::fs::remove_file(&temporary).await;
            Err(err)
        }
    }
}

/// Stores `bytes` as `product`'s image and deletes the image it replaces
/// (or the new one, if the product does not exist or the database fails).
/// Spawned by the caller: a request cancelled half-way (a timeout, a closed
/// connection) would otherwise leave a file nothing names.
pub async fn attach(
    db: &Db,
    dir: &Path,
    product: ProductId,
    bytes: Vec<u8>,
    extension: &'static str,
) -> Result<(), ferry::Error> {
    let name = store(dir, bytes, extension).await.map_err(|err| {
        ferry::Error::internal(format!("storing an image in {}: {err}", dir.display()))
    })?;
    let replaced = super::set_image(db, product, name.clone()).await;
    let gone = match &replaced {
        Ok(Some(old)) => old.clone(),
        _ => Some(name),
    };
    if let Some(gone) = gone {
        remove(dir, &gone).await;
    }
    match replaced? {
        Some(_) => Ok(()),
        None => Err(ferry::Error::not_found(format!("Product {product}"))),
    }
}

/// Deletes a stored image; one already gone is not an error.
pub async fn remove(dir: &Path, name: &str) {
    if !is_stored_name(name) {
        return;
    }
    match tokio::fs::remove_file(dir.join(name)).await {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => tracing::warn!(%err, name, "cannot delete a replaced image"),
    }
}

/// `/images/{name}`, to merge into the server's router.
pub fn routes() -> Router<AppState> {
    Router::new().route("/images/{name}", get(serve))
}

/// Whether `name` is one [`store`] makes: 32 hex digits and an accepted
/// extension. Nothing else is ever opened, so no path leaves the folder.
fn is_stored_name(name: &str) -> bool {
    let Some((stem, extension)) = name.split_once('.') else {
        return false;
    };
    stem.len() == 32
        && stem.bytes().all(|b| b.is_ascii_hexdigit())
        && ACCEPTED.iter().any(|(_, known)| *known == extension)
}

/// An uploaded image, with the type its extension (set from its bytes)
/// names, and `nosniff` so no browser second-guesses it. A name never
/// changes content, so browsers keep it for a year.
async fn serve(State(state): State<AppState>, UrlPath(name): UrlPath<String>) -> Response {
    let mime = ACCEPTED
        .iter()
        .find(|(_, extension)| name.ends_with(&format!(".{extension}")))
        .map(|(mime, _)| *mime);
    let Some(mime) = mime.filter(|_| is_stored_name(&name)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(state.uploads_dir.join(&name)).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
                // Opened on its own, an image may run nothing.
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static("default-src 'none'; sandbox"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            StatusCode::NOT_FOUND.into_response()
        }
        Err(err) => ferry::Error::internal(format!("reading image {name}: {err}")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What an upload's bytes are does not matter here: they were checked
    /// before (`catalog::upload`), and are stored as they are.
    const IMAGE: &[u8] = b"an image's bytes";

    #[test]
    fn only_generated_names_are_served() {
        assert!(is_stored_name("0123456789abcdef0123456789abcdef.png"));
        for name in [
            "../Cargo.toml",
            "0123456789abcdef0123456789abcdef.svg",
            "0123456789abcdef0123456789abcdef.png.html",
            ".0123456789abcdef0123456789abcdef.png.part",
            "x.png",
        ] {
            assert!(!is_stored_name(name), "{name}");
        }
    }

    #[tokio::test]
    async fn a_stored_image_gets_a_fresh_name_and_can_be_removed() {
        let dir = tempfile::tempdir().unwrap();
        let first = store(dir.path(), IMAGE.to_vec(), "png").await.unwrap();
        let second = store(dir.path(), IMAGE.to_vec(), "png").await.unwrap();
        assert!(is_stored_name(&first) && first != second);
        assert_eq!(std::fs::read(dir.path().join(&first)).unwrap(), IMAGE);
        remove(dir.path(), &first).await;
        remove(dir.path(), &first).await;
        assert!(!dir.path().join(&first).exists());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }
}
