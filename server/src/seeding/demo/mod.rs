//! Loads the demo data set (`serve --demo`) into an empty database, through the ordinary services.

mod allocation;
mod early_warning;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, TransactionTrait};
use secrecy::{ExposeSecret, SecretString};
use supplywatch_seed::demo;

use crate::db::entity::{supply_status_report, user};
use crate::domain::{OrganizationKind, ProductKind, Role};
use crate::services::accounts::{self, NewOrganization, NewUser};
use crate::services::audit::Actor;
use crate::services::devices::{self, NewDevice};
use crate::services::supply_status::{self, Source};
use crate::services::{DbContext, ServiceError, price_list, receipts};

/// What was loaded: the accounts and their shared password, to print at start.
#[derive(Debug)]
pub struct DemoAccounts {
    /// Login e-mails with their roles.
    pub accounts: Vec<(&'static str, &'static str)>,
    /// The password of every demo account.
    pub password: SecretString,
}

/// Loads the demo set in one transaction when the database has no users yet; otherwise `None`.
pub async fn load_if_empty(
    db: &DatabaseConnection,
    password: Option<SecretString>,
    now: DateTime<Utc>,
) -> Result<Option<DemoAccounts>, ServiceError> {
    let users = user::Entity::find()
        .count(db)
        .await
        .context("Failed to count users")?;
    if users > 0 {
        return Ok(None);
    }
    let password = password.unwrap_or_else(|| SecretString::from(random_password()));
    let actor = Actor::system("demo");
    let txn = db
        .begin()
        .await
        .context("Failed to start loading the demo data")?;
    let mut org_ids = std::collections::HashMap::new();
    for org in demo::ORGANIZATIONS {
        let kind = org
            .kind
            .parse::<OrganizationKind>()
            .map_err(|e| ServiceError::Internal(e.message))?;
        let new = NewOrganization {
            kind,
            name: org.name,
            corporate_number: Some(org.corporate_number),
            contacts: org.contacts,
        };
        let created = accounts::create_organization(&txn, &new, &actor, now).await?;
        org_ids.insert(org.name, created.id);
    }
    let mut ministry_user = None;
    for u in demo::USERS {
        let role = u
            .role
            .parse::<Role>()
            .map_err(|e| ServiceError::Internal(e.message))?;
        let organization_id = *org_ids.get(u.organization).ok_or_else(|| {
            ServiceError::Internal(format!("demo user {} has no organisation", u.email))
        })?;
        let new = NewUser {
            email: u.email,
            display_name: u.display_name,
            role,
            organization_id,
            password: password.expose_secret(),
        };
        let created = accounts::create_user(&txn, &new, &actor, now).await?;
        if role == Role::Ministry {
            ministry_user = Some(created);
        }
    }
    let rows = price_list::parse::parse(demo::price_list_csv().as_bytes()).map_err(|problems| {
        ServiceError::Internal(format!("the demo price list is invalid: {problems:?}"))
    })?;
    price_list::import(
        &txn,
        &rows,
        demo::PRICE_LIST_EDITION,
        "デモデータ",
        &actor,
        now,
        &|_| {},
    )
    .await?;
    load_devices(&txn, &org_ids, &actor, now).await?;
    load_status_history(&txn, now).await?;
    let ministry_user = ministry_user
        .ok_or_else(|| ServiceError::Internal("the demo has no ministry user".into()))?;
    allocation::load(&txn, &org_ids, &ministry_user, &actor, now).await?;
    // Early warning: shipments and dispensing of two short groups, and the first forecast run.
    early_warning::load(&txn, ministry_user.organization.id, now).await?;
    // The dashboard's weekly trend, as the demo's history stood each Friday (issue 7).
    crate::services::dashboard::trend::backfill_from_history(
        &txn,
        crate::services::dashboard::today(now),
    )
    .await?;
    txn.commit()
        .await
        .context("Failed to commit the demo data")?;
    Ok(Some(DemoAccounts {
        accounts: demo::USERS.iter().map(|u| (u.email, u.role)).collect(),
        password,
    }))
}

async fn load_devices(
    db: &impl ConnectionTrait,
    org_ids: &std::collections::HashMap<&str, i32>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    for d in demo::DEVICES {
        let maker_id = *org_ids.get(d.maker).ok_or_else(|| {
            ServiceError::Internal(format!("demo device {} has no maker", d.gtin))
        })?;
        let new = NewDevice {
            kind: d
                .kind
                .parse::<ProductKind>()
                .map_err(|e| ServiceError::Internal(e.message))?,
            gtin: d.gtin,
            name: d.name,
            maker_id,
            jmdn: d.jmdn,
            approval_number: d.approval_number,
        };
        devices::register_device(db, &new, actor, now).await?;
    }
    let ministry = org_ids
        .get(demo::ORGANIZATIONS[0].name)
        .copied()
        .ok_or_else(|| ServiceError::Internal("the demo has no ministry".into()))?;
    for (device, substitute) in demo::DEVICE_SUBSTITUTES {
        devices::declare_substitute(db, device, substitute, ministry, actor, now).await?;
    }
    Ok(())
}

/// Files the demo's few months of status history, each report dated in the past and filed by
/// the maker's demo account where it has one.
async fn load_status_history(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    use crate::db::entity::product;
    use crate::domain::supply_status::{StatusInput, validate};
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut latest = std::collections::HashMap::new();
    for entry in demo::STATUS_HISTORY {
        let filed_at = now - chrono::Duration::days(i64::from(entry.days_ago));
        let reported_on = filed_at.with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
        let month = (entry.months_ahead > 0)
            .then(|| reported_on.checked_add_months(chrono::Months::new(entry.months_ahead)))
            .flatten()
            .map(|d| d.format("%Y-%m").to_string())
            .unwrap_or_default();
        let input = StatusInput {
            shipping_status: entry.shipping_status.into(),
            reason: entry.reason.into(),
            causing_product_code: entry.causing_product_code.into(),
            resolution_outlook: entry.resolution_outlook.into(),
            resolution_month: month,
            volume_status: entry.volume_status.into(),
            ..StatusInput::default()
        };
        let status = validate(&input).map_err(|e| {
            ServiceError::Internal(format!(
                "demo history {}: {:?}",
                entry.code,
                e.first().map(|(f, m)| (f, &m.message))
            ))
        })?;
        let found = product::Entity::find()
            .filter(product::Column::Code.eq(entry.code))
            .one(db)
            .await
            .context("Failed to look up a demo drug")?
            .ok_or_else(|| ServiceError::Internal(format!("demo drug {} missing", entry.code)))?;
        let maker_id = found.maker_id.ok_or_else(|| {
            ServiceError::Internal(format!("demo drug {} has no maker", entry.code))
        })?;
        let filer = user::Entity::find()
            .filter(user::Column::OrganizationId.eq(maker_id))
            .one(db)
            .await
            .context("Failed to look up the maker's demo account")?
            .map(|u| u.id);
        let number = receipts::allocate(db, 1, filed_at).await?.remove(0);
        let model = supply_status::report_model(
            &number,
            found.id,
            maker_id,
            filer,
            &status,
            filed_at,
            reported_on,
            Source::Form,
        );
        let id = supply_status_report::Entity::insert(model)
            .exec(db)
            .await
            .context("Failed to store a demo report")?
            .last_insert_id;
        latest.insert(
            found.id,
            supply_status::status_model(found.id, id, &status, reported_on),
        );
    }
    supply_status::upsert_statuses(db, latest.into_values().collect()).await
}

/// A random password that meets the policy (letters, digits and symbols, 20 characters).
pub fn random_password() -> String {
    let secret = crate::services::auth::random_secret().replace(['-', '_'], "x");
    format!("Demo-{}-7", &secret[..14])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_demo_passwords_meet_the_policy() {
        let password = random_password();
        assert!(
            crate::domain::password::check_password_policy(&password, "maker@demo.example").is_ok(),
            "{password}"
        );
        assert_ne!(password, random_password());
    }
}
