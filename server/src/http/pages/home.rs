//! `GET /`: sends people to the product search when logged in, to the login page otherwise.

use actix_web::HttpResponse;
use actix_web::http::header;

use crate::http::identity::MaybePageUser;

/// Redirects to the right first page.
pub async fn show_home(MaybePageUser(user): MaybePageUser) -> HttpResponse {
    let location = if user.is_some() {
        "/products"
    } else {
        "/login"
    };
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}
