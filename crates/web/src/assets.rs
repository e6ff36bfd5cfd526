//! The stylesheet and icon, served under content-hashed names so browsers
//! may cache them for a year: a changed file gets a new name.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::{AppError, AppState};

struct Asset {
    hashed_name: String,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// The built-in assets, by their plain names.
pub(crate) struct Assets(Vec<(&'static str, Asset)>);

impl Assets {
    pub(crate) fn built_in() -> Self {
        let files: [(&'static str, &'static str, &'static [u8]); 6] = [
            ("comments.js", "text/javascript; charset=utf-8", include_bytes!("../assets/comments.js")),
            ("admin.css", "text/css; charset=utf-8", include_bytes!("../assets/admin.css")),
            ("admin.js", "text/javascript; charset=utf-8", include_bytes!("../assets/admin.js")),
            ("site.css", "text/css; charset=utf-8", include_bytes!("../assets/site.css")),
            ("icon.svg", "image/svg+xml", include_bytes!("../assets/icon.svg")),
            ("logo.svg", "image/svg+xml", include_bytes!("../assets/logo.svg")),
        ];
        Self(
            files
                .into_iter()
                .map(|(name, content_type, bytes)| {
                    (name, Asset { hashed_name: hashed_name(name, bytes), content_type, bytes })
                })
                .collect(),
        )
    }

    /// The URL of the asset with this plain name (`site.css` → `/assets/site.3f2a9c1b0d.css`).
    pub(crate) fn url(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(plain, _)| *plain == name)
            .map(|(_, asset)| format!("/assets/{}", asset.hashed_name))
            .unwrap_or_default()
    }

    fn by_hashed_name(&self, hashed: &str) -> Option<&Asset> {
        self.0.iter().map(|(_, asset)| asset).find(|asset| asset.hashed_name == hashed)
    }
}

/// `site.css` with bytes B → `site.<first 10 hex digits of SHA-256(B)>.css`.
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{hex}.{extension}"),
        None => format!("{name}.{hex}"),
    }
}

/// `GET /assets/{file}`: an asset by its hashed name, cached for a year.
pub(crate) async fn serve_asset(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, AppError> {
    let asset = state.0.assets.by_hashed_name(&file).ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
        ],
        asset.bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_names_carry_a_hash_of_their_content() {
        let a = hashed_name("site.css", b"body{}");
        let b = hashed_name("site.css", b"body{color:red}");
        assert!(a.starts_with("site.") && a.ends_with(".css") && a.len() == "site.".len() + 10 + ".css".len(), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn the_stylesheet_url_is_hashed() {
        let assets = Assets::built_in();
        let url = assets.url("site.css");
        assert!(url.starts_with("/assets/site.") && url.ends_with(".css"), "{url}");
        assert!(assets.by_hashed_name(url.trim_start_matches("/assets/")).is_some());
    }
}
