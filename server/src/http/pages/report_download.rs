//! A filed confidential report as a filled-in form (XLSX), for the maker's records; visible to
//! whoever may see its case.

use actix_web::{HttpResponse, web};

use crate::http::error::AppError;
use crate::http::identity::PageUser;
use crate::http::{AppState, download};
use crate::services::ServiceError;
use crate::services::cases;

/// A filed report as a filled-in form (XLSX), for the maker's records.
pub async fn download_report(
    page: PageUser,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
) -> Result<HttpResponse, AppError> {
    let (case_id, receipt) = path.into_inner();
    let detail = cases::detail(
        &state.db,
        &page.user,
        case_id,
        state.settings.case_overdue_days,
        chrono::Utc::now(),
    )
    .await
    .map_err(AppError::page)?;
    let report = detail
        .reports
        .iter()
        .find(|r| r.receipt_number == receipt)
        .ok_or_else(|| {
            AppError::page(ServiceError::NotFound(format!(
                "受付番号 {receipt} の報告はこの事案にありません"
            )))
        })?;
    let mut rows = vec![
        ("受付番号".to_owned(), report.receipt_number.clone()),
        (
            "提出日時".to_owned(),
            report
                .submitted_at
                .with_timezone(&chrono_tz::Asia::Tokyo)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        ),
        ("企業名".to_owned(), detail.summary.maker_name.clone()),
        (
            "担当者".to_owned(),
            report.submitted_by.clone().unwrap_or_default(),
        ),
        ("製品コード".to_owned(), detail.summary.product_code.clone()),
        (
            "販売名・品名".to_owned(),
            detail.summary.product_name.clone(),
        ),
    ];
    // The form's fields in its order, codes as their labels (事象区分 is one of them).
    rows.extend(
        report
            .shown
            .iter()
            .map(|f| (f.label.clone(), f.text.clone())),
    );
    let title = format!("{}（事案 {case_id}）", report.kind.label_ja());
    let bytes = supplywatch_reports::form_sheet::write_xlsx(&title, &rows)
        .map_err(|e| AppError::page(ServiceError::Internal(e.to_string())))?;
    Ok(download::attachment(
        download::XLSX,
        &format!("{receipt}.xlsx"),
        bytes,
    ))
}
