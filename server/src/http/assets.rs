//! Static assets compiled into the binary (CSS, vendored htmx), so the server runs from any folder.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

/// (file name, content type, bytes)
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../web/static/app.css"),
    ),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/static/htmx.min.js"),
    ),
    (
        "upload-progress.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/static/upload-progress.js"),
    ),
];

/// Serves one asset, cacheable for a day.
pub async fn show_asset(file: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|(name, _, _)| *name == file.as_str()) {
        Some((_, content_type, bytes)) => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(*bytes),
        None => HttpResponse::NotFound().finish(),
    }
}
