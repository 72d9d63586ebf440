//! The maker's 「自社製品」 page: every own product with its current status, updated in place (htmx);
//! without JavaScript the whole page comes back, the edited row showing its form and errors.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::{Maker, PageForm};
use super::supply_form::StatusForm;
use super::{Nav, is_htmx, render};
use crate::domain::supply_status::StatusInput;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{PageUser, actor};
use crate::paths;
use crate::services::products::{self, ProductQuery, ProductSummary};
use crate::services::supply_status::{self, Source, StatusRow};
use crate::services::{FieldProblem, ServiceError};

/// The status form as posted.
#[derive(Debug, Deserialize)]
pub struct StatusFormData {
    shipping_status: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    causing_product_code: String,
    #[serde(default)]
    resolution_outlook: String,
    #[serde(default)]
    resolution_month: String,
    #[serde(default)]
    volume_status: String,
    #[serde(default)]
    resolution_note: String,
    #[serde(default)]
    improvement_timing: String,
    #[serde(default)]
    improvement_percent: String,
}

/// The page.
#[derive(Template)]
#[template(path = "my/products.html")]
pub struct MyProductsPage {
    nav: Nav,
    products: Vec<ProductSummary>,
    /// The row partial shows a receipt after an update; the full page never does.
    receipt: Option<String>,
    /// The row shown as its form (without JavaScript, after a refused update).
    editing: Option<EditedRow>,
    csrf_token: String,
}

/// A row's form as typed, with what was wrong with it.
pub struct EditedRow {
    form: StatusForm,
    problems: Vec<FieldProblem>,
}

impl MyProductsPage {
    /// The form of the row of `code`, when that row is being edited.
    fn editing_of(&self, code: &str) -> Option<&EditedRow> {
        self.editing.as_ref().filter(|e| e.form.code == code)
    }
}

/// One product's row as shown (htmx partial after an update).
#[derive(Template)]
#[template(path = "my/status_row.html")]
pub struct StatusRowPartial {
    p: ProductSummary,
    receipt: Option<String>,
}

/// One product's row as a form (htmx partial).
#[derive(Template)]
#[template(path = "my/status_form_row.html")]
pub struct StatusFormRowPartial {
    p: ProductSummary,
    form: StatusForm,
    problems: Vec<FieldProblem>,
    csrf_token: String,
}

async fn own_products(state: &AppState, page: &PageUser) -> Result<Vec<ProductSummary>, AppError> {
    let query = ProductQuery {
        maker_id: Some(page.user.organization.id),
        kind: Some(crate::domain::ProductKind::Drug),
        ..ProductQuery::default()
    };
    products::list_all(&state.db, &query)
        .await
        .map_err(AppError::page)
}

async fn own_product(
    state: &AppState,
    page: &PageUser,
    code: &str,
) -> Result<ProductSummary, AppError> {
    let detail = products::find(&state.db, code)
        .await
        .map_err(AppError::page)?;
    if detail.maker_id != Some(page.user.organization.id) {
        return Err(AppError::page(ServiceError::Forbidden(format!(
            "{code} は自社の製品ではありません"
        ))));
    }
    Ok(detail.summary)
}

/// Lists the maker's own drugs with their status.
pub async fn list_my_products(
    page: Maker,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let products = own_products(&state, &page).await?;
    render(&MyProductsPage {
        nav: Nav::for_user(&page),
        products,
        receipt: None,
        editing: None,
        csrf_token: page.csrf_token.clone(),
    })
}

/// The edit form of one row, pre-filled with the current status (htmx: the row alone).
pub async fn edit_status_form(
    req: HttpRequest,
    page: Maker,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let p = own_product(&state, &page, &code).await?;
    let form = StatusForm::current(&p.code, p.status.as_ref());
    if !is_htmx(&req) {
        return render(&MyProductsPage {
            nav: Nav::for_user(&page),
            products: own_products(&state, &page).await?,
            receipt: None,
            editing: Some(EditedRow {
                form,
                problems: Vec::new(),
            }),
            csrf_token: page.csrf_token.clone(),
        });
    }
    render(&StatusFormRowPartial {
        p,
        form,
        problems: Vec::new(),
        csrf_token: page.csrf_token.clone(),
    })
}

/// One row back in display form (htmx "cancel"; without htmx, back to the page).
pub async fn show_status_row(
    req: HttpRequest,
    page: Maker,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let p = own_product(&state, &page, &code).await?;
    if !is_htmx(&req) {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, paths::MY_PRODUCTS))
            .finish());
    }
    render(&StatusRowPartial { p, receipt: None })
}

/// Files the status of one product. htmx gets the updated row (or the form with its errors);
/// without JavaScript the browser returns to the page.
pub async fn create_status_report(
    req: HttpRequest,
    page: Maker,
    state: web::Data<AppState>,
    code: web::Path<String>,
    form: PageForm<StatusFormData>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = StatusInput {
        shipping_status: form.shipping_status,
        reason: form.reason,
        causing_product_code: form.causing_product_code,
        resolution_outlook: form.resolution_outlook,
        resolution_month: form.resolution_month,
        volume_status: form.volume_status,
        resolution_note: form.resolution_note,
        improvement_timing: form.improvement_timing,
        improvement_percent: form.improvement_percent,
    };
    let row = StatusRow {
        row: None,
        product_code: code.clone(),
        input: input.clone(),
        master_columns: Vec::new(),
    };
    let result = supply_status::file_one(
        &state.db,
        &page.user,
        row,
        Source::Form,
        &actor(&req, &page.user),
        chrono::Utc::now(),
    )
    .await;
    match result {
        Ok(receipt) => {
            if !is_htmx(&req) {
                return Ok(HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, paths::MY_PRODUCTS))
                    .finish());
            }
            let p = own_product(&state, &page, &code).await?;
            render(&StatusRowPartial {
                p,
                receipt: Some(receipt.receipt_number),
            })
        }
        Err(ServiceError::Invalid(problems)) => {
            let p = own_product(&state, &page, &code).await?;
            let form = StatusForm::new(&p.code, &input);
            if is_htmx(&req) {
                // htmx swaps only successful responses; the errors are the content here.
                return render(&StatusFormRowPartial {
                    p,
                    form,
                    problems,
                    csrf_token: page.csrf_token.clone(),
                });
            }
            let mut response = render(&MyProductsPage {
                nav: Nav::for_user(&page),
                products: own_products(&state, &page).await?,
                receipt: None,
                editing: Some(EditedRow { form, problems }),
                csrf_token: page.csrf_token.clone(),
            })?;
            *response.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(AppError::page(other)),
    }
}
