//! `/invitations/{secret}`: an invited user sets the first password through the mailed
//! one-time link, then logs in.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::Nav;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::services::ServiceError;
use crate::services::accounts::user_admin;

/// The page.
#[derive(Template)]
#[template(path = "invitation.html")]
pub struct InvitationPage {
    nav: Nav,
    email: String,
    action: String,
    error: Option<String>,
}

/// The form (the link's secret is its own proof; no session exists yet).
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    password: String,
    password_confirm: String,
}

fn html(page: &InvitationPage, status: StatusCode) -> Result<HttpResponse, AppError> {
    let body = page.render().map_err(AppError::page)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// The form, while the link works.
pub async fn show_invitation(
    state: web::Data<AppState>,
    secret: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let found = user_admin::invitation_user(&state.db, &secret, chrono::Utc::now())
        .await
        .map_err(AppError::page)?;
    html(
        &InvitationPage {
            nav: Nav::default(),
            email: found.email,
            action: format!("/invitations/{}", secret.as_str()),
            error: None,
        },
        StatusCode::OK,
    )
}

/// Sets the password; the link is used up; on to the login page.
pub async fn accept_invitation(
    state: web::Data<AppState>,
    secret: web::Path<String>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let now = chrono::Utc::now();
    let again = |message: String| async {
        let found = user_admin::invitation_user(&state.db, &secret, now)
            .await
            .map_err(AppError::page)?;
        html(
            &InvitationPage {
                nav: Nav::default(),
                email: found.email,
                action: format!("/invitations/{}", secret.as_str()),
                error: Some(message),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if form.password != form.password_confirm {
        return again("パスワードと確認用のパスワードが一致しません".to_owned()).await;
    }
    match user_admin::accept_invitation(&state.db, &secret, &form.password, now).await {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/login?next=/"))
            .finish()),
        Err(ServiceError::Invalid(problems)) => {
            again(
                problems
                    .first()
                    .map_or_else(String::new, |p| p.message.clone()),
            )
            .await
        }
        Err(other) => Err(AppError::page(other)),
    }
}
