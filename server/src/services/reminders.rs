//! Scheduled reminders, each idempotent for its day or month: overdue case steps (to the
//! reporting maker, and a summary to the ministry) and products whose status was not confirmed
//! this month (to their maker). All go through the outbox.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::outbox::{self, NewMessage};
use super::{DbContext, ServiceError};
use crate::db::entity::{api_token, case, organization, product, product_status, session};
use crate::domain::OrganizationKind;
use crate::domain::ProductKind;
use crate::domain::case_flow::{self, Flow};
use crate::mail::MailContent;
use crate::mail::content::Notice;
use crate::paths;

/// Products listed in one stale-status mail at most.
const MAX_LINES: usize = 30;

fn tokyo_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::Asia::Tokyo).date_naive()
}

/// Reminds reporting makers of overdue 追加報告 and sends the ministry one summary; returns the
/// number of mails queued (none the second time on the same day).
pub async fn case_reminders(
    db: &impl ConnectionTrait,
    overdue_days: i64,
    now: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let today = tokyo_date(now);
    let open = case::Entity::find()
        .filter(case::Column::ClosedAt.is_null())
        .order_by_asc(case::Column::Id)
        .all(db)
        .await
        .context("Failed to load open cases")?;
    let mut overdue = Vec::new();
    for c in open {
        let snapshot = super::cases::snapshot(&c);
        let waited = super::cases::waited(&c, now);
        if case_flow::is_overdue(&snapshot, &waited, overdue_days) {
            overdue.push((c, waited.days_in_state));
        }
    }
    if overdue.is_empty() {
        return Ok(0);
    }
    let products: BTreeMap<i32, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(overdue.iter().map(|(c, _)| c.product_id)))
        .all(db)
        .await
        .context("Failed to load the cases' products")?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let ministries: Vec<i32> = organization::Entity::find()
        .filter(organization::Column::Kind.eq(OrganizationKind::Ministry))
        .all(db)
        .await
        .context("Failed to load the ministry")?
        .into_iter()
        .map(|o| o.id)
        .collect();
    let names = org_names(db).await?;
    let mut messages = Vec::new();
    let mut summary = Vec::new();
    for (c, days) in &overdue {
        let name = products.get(&c.product_id).map_or("", |p| p.name.as_str());
        let line = format!(
            "事案 #{}：{}（{}）— {}の状態で{}日経過",
            c.id,
            name,
            names.get(&c.maker_id).map_or("", String::as_str),
            c.state.label_ja(),
            days
        );
        summary.push(line.clone());
        let (subject, lead) = reminder_text(c, name, overdue_days);
        let content = MailContent::Notice(Notice {
            subject,
            recipient_org: names.get(&c.maker_id).cloned().unwrap_or_default(),
            lead,
            lines: vec![line],
            link_path: paths::case(c.id),
        });
        for contact in outbox::contacts_of(db, &[c.maker_id]).await? {
            messages.push(NewMessage::to_contact(
                &format!("case-reminder:{}:{today}", c.id),
                &contact,
                content.clone(),
            ));
        }
    }
    for contact in outbox::contacts_of(db, &ministries).await? {
        let content = MailContent::Notice(Notice {
            subject: format!(
                "【SupplyWatch】期限超過の事案 {}件（{today}）",
                summary.len()
            ),
            recipient_org: names
                .get(&contact.organization_id)
                .cloned()
                .unwrap_or_default(),
            lead: "製造販売業者の報告（追加報告、または報告徴収への報告）の期限を過ぎている事案の一覧です。各社には本日リマインダーを送りました。"
                .to_owned(),
            lines: summary.clone(),
            link_path: paths::CASES.to_owned(),
        });
        messages.push(NewMessage::to_contact(
            &format!("case-summary:{today}"),
            &contact,
            content,
        ));
    }
    outbox::enqueue(db, messages, now).await
}

/// The subject and opening of an overdue case's reminder, after the step its flow waits for: the
/// report a 報告徴収 asked for (drugs), or the 追加報告 (devices and IVDs).
fn reminder_text(c: &case::Model, name: &str, overdue_days: i64) -> (String, String) {
    if c.flow == Flow::D {
        let due = c.report_due_on.map_or_else(
            || format!("報告徴収から{overdue_days}日"),
            |d| format!("報告期限の{}", crate::domain::dates::iso_and_era(d)),
        );
        (
            format!("【SupplyWatch】報告徴収の報告期限を過ぎています：{name}"),
            format!(
                "厚生労働省が報告を求めた下記の事案は、{due}を過ぎても報告（供給不安報告の続報）が提出されていません。速やかにご報告ください。"
            ),
        )
    } else {
        (
            format!("【SupplyWatch】追加報告の提出期限を過ぎています：{name}"),
            format!(
                "下記の事案は、第一報から{overdue_days}日を過ぎても追加報告が提出されていません。速やかに追加報告（全項目）をご提出ください。"
            ),
        )
    }
}

/// Reminds each maker of its drugs whose status was not confirmed this month (⑰ before the 1st,
/// or never reported); returns the number of mails queued (none the second time in a month).
pub async fn stale_status_reminders(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let today = tokyo_date(now);
    let month_start = today.with_day(1).unwrap_or(today);
    let month = today.format("%Y-%m").to_string();
    let drugs = product::Entity::find()
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .filter(product::Column::MakerId.is_not_null())
        .order_by_asc(product::Column::Code)
        .all(db)
        .await
        .context("Failed to load the makers' drugs")?;
    let confirmed: std::collections::HashSet<i32> = product_status::Entity::find()
        .filter(product_status::Column::UpdatedOn.gte(month_start))
        .all(db)
        .await
        .context("Failed to load this month's statuses")?
        .into_iter()
        .map(|s| s.product_id)
        .collect();
    let mut stale: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for d in drugs.into_iter().filter(|d| !confirmed.contains(&d.id)) {
        if let Some(maker) = d.maker_id {
            stale
                .entry(maker)
                .or_default()
                .push(format!("{}（{}）", d.name, d.code));
        }
    }
    let names = org_names(db).await?;
    let mut messages = Vec::new();
    for (maker, mut lines) in stale {
        let total = lines.len();
        if total > MAX_LINES {
            lines.truncate(MAX_LINES);
            lines.push(format!("ほか {} 品目", total - MAX_LINES));
        }
        let content = MailContent::Notice(Notice {
            subject: format!("【SupplyWatch】今月の供給状況の確認をお願いします（{total}品目）"),
            recipient_org: names.get(&maker).cloned().unwrap_or_default(),
            lead: format!(
                "{month} に入ってから供給状況（⑫～⑲）が確認・報告されていない貴社製品があります。変更がない場合も「当月掲載情報確認済み」としてご報告ください。"
            ),
            lines,
            link_path: paths::MY_PRODUCTS.to_owned(),
        });
        for contact in outbox::contacts_of(db, &[maker]).await? {
            messages.push(NewMessage::to_contact(
                &format!("stale-status:{month}:{maker}"),
                &contact,
                content.clone(),
            ));
        }
    }
    outbox::enqueue(db, messages, now).await
}

/// Deletes expired browser sessions and API tokens; returns (sessions, tokens) removed.
pub async fn cleanup_expired(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<(u64, u64), ServiceError> {
    let sessions = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lt(now))
        .exec(db)
        .await
        .context("Failed to delete expired sessions")?
        .rows_affected;
    let tokens = api_token::Entity::delete_many()
        .filter(api_token::Column::ExpiresAt.lt(now))
        .exec(db)
        .await
        .context("Failed to delete expired tokens")?
        .rows_affected;
    Ok((sessions, tokens))
}

async fn org_names(db: &impl ConnectionTrait) -> Result<BTreeMap<i32, String>, ServiceError> {
    Ok(organization::Entity::find()
        .all(db)
        .await
        .context("Failed to load organisations")?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}
