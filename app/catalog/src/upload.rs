//! An image upload, read and checked: accepted only if its bytes are a
//! PNG, JPEG, WebP or GIF, whatever its name or stated type. Storing it is
//! server-only (`services/shop`).

use leptos::server_fn::codec::MultipartData;

use super::MAX_IMAGE_BYTES;

/// The types accepted, by what their first bytes say: (MIME type, extension).
pub const ACCEPTED: [(&str, &str); 4] = [
    ("image/png", "png"),
    ("image/jpeg", "jpg"),
    ("image/webp", "webp"),
    ("image/gif", "gif"),
];

/// The message beside the file field when the bytes are not an image.
pub const NOT_AN_IMAGE: &str = "Choose a PNG, JPEG, WebP or GIF image.";

/// The extension for `bytes`, from their content alone; `None` when they
/// are not one of the accepted image types (an SVG, a script, an HTML page
/// named `.png` all are not).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let found = infer::get(bytes)?.mime_type();
    ACCEPTED
        .iter()
        .find(|(mime, _)| *mime == found)
        .map(|(_, extension)| *extension)
}

/// An image upload as the form sends it: which product, and the file.
pub struct Upload {
    pub product: super::ProductId,
    pub bytes: Vec<u8>,
}

impl Upload {
    /// Reads the form's `product_id` and `image` parts; other parts are
    /// skipped. The image is read up to [`MAX_IMAGE_BYTES`] and refused
    /// past it, without reading the rest.
    pub async fn read(data: MultipartData) -> Result<Self, ferry::Error> {
        let mut form = data
            .into_inner()
            .ok_or_else(|| ferry::Error::internal("multipart data without its stream"))?;
        let (mut product, mut bytes) = (None, None);
        while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
            match field.name() {
                Some("product_id") => {
                    let text = field.text().await.map_err(unreadable)?;
                    product = Some(text.trim().parse().map(super::ProductId).map_err(|_| {
                        ferry::Error::BadRequest {
                            message: format!(
                                "product_id must be a whole number, not {:?}",
                                text.chars().take(40).collect::<String>()
                            ),
                        }
                    })?);
                }
                Some("image") => {
                    let mut read = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                        if read.len() + chunk.len() > MAX_IMAGE_BYTES {
                            bytes = Some(Err(()));
                            break;
                        }
                        read.extend_from_slice(&chunk);
                    }
                    bytes.get_or_insert(Ok(read));
                }
                _ => {}
            }
        }
        let product = product.ok_or_else(|| ferry::Error::BadRequest {
            message: "the upload names no product_id".to_owned(),
        })?;
        let refused = |message: String| {
            ferry::Error::invalid("image", message).with_value("product_id", product)
        };
        match bytes {
            Some(Ok(bytes)) if !bytes.is_empty() => Ok(Self { product, bytes }),
            Some(Err(())) => Err(refused(format!(
                "Choose an image of at most {} KB.",
                MAX_IMAGE_BYTES / 1024
            ))),
            _ => Err(refused("Choose an image to upload.".to_owned())),
        }
    }
}

/// A form that is not well-formed multipart (400).
fn unreadable(err: impl std::fmt::Display) -> ferry::Error {
    ferry::Error::BadRequest {
        message: format!("the upload could not be read: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest PNG: one transparent pixel.
    const PIXEL_PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
        0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00,
        0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(sniff(PIXEL_PNG), Some("png"));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F']),
            Some("jpg")
        );
        assert_eq!(sniff(b"GIF89a\x01\x00\x01\x00"), Some("gif"));
        for not_an_image in [
            &b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"[..],
            b"<html><script>alert(1)</script></html>",
            b"%PDF-1.7",
            b"",
            b"\x89PN",
        ] {
            assert_eq!(sniff(not_an_image), None, "{not_an_image:?}");
        }
    }
}
