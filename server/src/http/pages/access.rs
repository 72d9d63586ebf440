//! Who may open a page and which posts are genuine, written once: role extractors (`Maker`,
//! `Wholesaler`, `Ministry`, `Admin`) that check the login and the role, and `PageForm`, a form
//! that must carry the session's token. Every refusal is a full page: the login redirect, the
//! 403 page or the error page, never a fragment.

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use super::tokens_match;
use crate::domain::Role;
use crate::http::error::{AppError, ErrorKind};
use crate::http::identity::PageUser;
use crate::services::ServiceError;

/// The name of the token field in every form of a page.
pub const CSRF_FIELD: &str = "csrf_token";

/// A logged-in user of one role; anyone else gets the 403 page, nobody the login page.
macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident => $role:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub PageUser);

        impl Deref for $name {
            type Target = PageUser;

            fn deref(&self) -> &PageUser {
                &self.0
            }
        }

        impl FromRequest for $name {
            type Error = AppError;
            type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let page = PageUser::from_request(req, payload);
                Box::pin(async move { with_role(page.await?, $role).map(Self) })
            }
        }
    };
}

role_extractor!(
    /// A user of a 製造販売業者 (the maker's pages).
    Maker => Role::Manufacturer
);
role_extractor!(
    /// A user of a 卸売業者 (the wholesaler's pages).
    Wholesaler => Role::Wholesaler
);
role_extractor!(
    /// A user of the ministry (厚生労働省).
    Ministry => Role::Ministry
);
role_extractor!(
    /// A system administrator.
    Admin => Role::Admin
);

/// `page` if its role is `role`, else the 403 page naming who may use it.
fn with_role(page: PageUser, role: Role) -> Result<PageUser, AppError> {
    if page.user.role == role {
        Ok(page)
    } else {
        Err(AppError::page(ServiceError::Forbidden(format!(
            "このページは{}の利用者のみ使えます",
            role.label_ja()
        ))))
    }
}

/// Refuses (403 page) a post whose token is not the session's.
pub fn genuine(page: &PageUser, sent: &str) -> Result<(), AppError> {
    if tokens_match(&page.csrf_token, sent) {
        Ok(())
    } else {
        Err(AppError::page(ErrorKind::CsrfMismatch))
    }
}

/// A form posted by a logged-in user with the session's token (`csrf_token`, taken out before
/// the rest is read into `T`); a missing or wrong token is the 403 page, no session the login.
#[derive(Debug)]
pub struct PageForm<T>(pub T);

impl<T> PageForm<T> {
    /// The form's fields.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for PageForm<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// A form with nothing but its token (buttons such as "resend" or "log out").
#[derive(Debug, serde::Deserialize)]
pub struct NoFields {}

impl<T: DeserializeOwned + 'static> FromRequest for PageForm<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let page = PageUser::from_request(req, payload);
        // The form extractor keeps the body limit and the error page of `FormConfig`.
        let pairs = web::Form::<Vec<(String, String)>>::from_request(req, payload);
        Box::pin(async move {
            let page = page.await?;
            let pairs = pairs.await.map_err(|e| {
                AppError::page(AppError::bad_request(format!("フォームを読めません: {e}")))
            })?;
            let (tokens, fields): (Vec<_>, Vec<_>) = pairs
                .into_inner()
                .into_iter()
                .partition(|(k, _)| k == CSRF_FIELD);
            let sent = tokens.first().map_or("", |(_, v)| v.as_str());
            genuine(&page, sent)?;
            read_fields(&fields).map(Self)
        })
    }
}

/// The fields read into `T` as the form extractor would (numbers and flags from their text).
fn read_fields<T: DeserializeOwned>(fields: &[(String, String)]) -> Result<T, AppError> {
    let encoded = serde_urlencoded::to_string(fields)
        .map_err(|e| AppError::page(AppError::bad_request(format!("フォームを読めません: {e}"))))?;
    serde_urlencoded::from_str(&encoded)
        .map_err(|e| AppError::page(AppError::bad_request(format!("フォームを読めません: {e}"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Step {
        action: String,
        #[serde(default)]
        count: Option<u8>,
    }

    #[test]
    fn fields_are_read_as_a_form_with_numbers_from_text() {
        let fields = vec![
            ("action".to_owned(), "受付 & 確認".to_owned()),
            ("count".to_owned(), "7".to_owned()),
        ];
        let step: Step = read_fields(&fields).expect("a readable form");
        assert_eq!(
            step,
            Step {
                action: "受付 & 確認".into(),
                count: Some(7)
            }
        );
        let bad = vec![("count".to_owned(), "七".to_owned())];
        assert!(
            read_fields::<Step>(&bad).is_err(),
            "a missing field and a bad number"
        );
    }

    #[test]
    fn another_role_gets_the_forbidden_page_naming_who_may_use_it() {
        let page = |role| PageUser {
            user: crate::services::accounts::UserContext {
                user_id: 1,
                email: "a@example.jp".into(),
                display_name: "担当".into(),
                role,
                organization: crate::services::accounts::OrganizationRef {
                    id: 1,
                    name: "組織".into(),
                    kind: crate::domain::OrganizationKind::Manufacturer,
                },
                mfa_enabled: false,
            },
            csrf_token: "t".into(),
            mail_failing: 0,
        };
        assert!(with_role(page(Role::Manufacturer), Role::Manufacturer).is_ok());
        let refused = with_role(page(Role::Wholesaler), Role::Manufacturer)
            .expect_err("a wholesaler is no maker");
        assert!(refused.html, "a page, not problem+json");
        assert!(refused.to_string().contains("製造販売業者"));
        assert!(genuine(&page(Role::Admin), "t").is_ok());
        assert!(genuine(&page(Role::Admin), "").is_err());
    }
}
