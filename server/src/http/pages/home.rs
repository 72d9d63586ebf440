//! `GET /`: each role's home — the maker's and the wholesaler's to-dos, the cases an association
//! supports; the ministry goes to the dashboard, the administrator to the users, visitors see
//! the public search.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::{Nav, render};
use crate::domain::Role;
use crate::domain::dates::iso_and_era;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::MaybePageUser;
use crate::paths;
use crate::services::cases::CaseSummary;
use crate::services::dashboard::home::{self, AssociationHome, MakerHome, WholesalerHome};
use crate::services::dashboard::{DashboardCache, SeamItem};

/// The maker's home: what it must do today.
#[derive(Template)]
#[template(path = "home/maker.html")]
pub struct MakerHomePage {
    nav: Nav,
    home: MakerHome,
}

impl MakerHomePage {
    /// The first day of the month, ISO and 和暦.
    fn month_start(&self) -> String {
        iso_and_era(self.home.month_start)
    }
}

/// One section of the wholesaler's home: title, element id, its items (none: not yet built), what it waits for.
type Section<'a> = (
    &'static str,
    &'static str,
    Option<&'a Vec<SeamItem>>,
    &'static str,
);

impl WholesalerHomePage {
    /// Plans, caps and reserve requests, each a section.
    fn sections(&self) -> [Section<'_>; 4] {
        let f = &self.home.followups;
        [
            (
                "回答待ちの照会・協力依頼",
                "wholesaler-requests",
                f.requests_awaiting_answer.as_ref(),
                "照会・協力依頼",
            ),
            (
                "自社に関係する配分計画",
                "plans",
                f.plans_affecting_it.as_ref(),
                "配分計画",
            ),
            (
                "ダウンロードできる上限量",
                "caps",
                f.caps_to_download.as_ref(),
                "上限量の算定",
            ),
            (
                "リザーブ枠の申請",
                "reserve",
                f.reserve_requests.as_ref(),
                "リザーブ枠の申請",
            ),
        ]
    }
}

/// The wholesaler's home.
#[derive(Template)]
#[template(path = "home/wholesaler.html")]
pub struct WholesalerHomePage {
    nav: Nav,
    home: WholesalerHome,
}

/// The association's home.
#[derive(Template)]
#[template(path = "home/association.html")]
pub struct AssociationHomePage {
    nav: Nav,
    cases: Vec<CaseSummary>,
    requests: Vec<SeamItem>,
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// The home of whoever is logged in; visitors get the public search.
pub async fn show_home(
    req: actix_web::HttpRequest,
    MaybePageUser(user): MaybePageUser,
    state: web::Data<AppState>,
    cache: web::Data<DashboardCache>,
) -> Result<HttpResponse, AppError> {
    let Some(page) = user else {
        return super::public_search::public_search(&req, Nav::default(), &state).await;
    };
    let now = chrono::Utc::now();
    let days = state.settings.case_overdue_days;
    let nav = Nav::for_user(&page);
    match page.user.role {
        Role::Ministry => Ok(see_other(paths::DASHBOARD)),
        Role::Admin => Ok(see_other(paths::ADMIN_USERS)),
        Role::Manufacturer => {
            let home = home::maker(&state.db, &cache, &page.user, days, now)
                .await
                .map_err(AppError::page)?;
            render(&MakerHomePage { nav, home })
        }
        Role::Wholesaler => {
            let home = home::wholesaler(&state.db, &page.user)
                .await
                .map_err(AppError::page)?;
            render(&WholesalerHomePage { nav, home })
        }
        Role::Association => {
            let AssociationHome {
                cases,
                requests_awaiting_answer,
            } = home::association(&state.db, &page.user, days, now)
                .await
                .map_err(AppError::page)?;
            render(&AssociationHomePage {
                nav,
                cases,
                requests: requests_awaiting_answer,
            })
        }
    }
}
