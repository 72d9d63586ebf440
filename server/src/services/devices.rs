//! Registering devices and IVDs in the master, and their declared substitutes.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::audit::{self, Actor, AuditEntry};
use super::products::search_text;
use super::{DbContext, FieldProblem, ServiceError};
use crate::db::entity::{device_substitute, organization, product};
use crate::domain::{ApprovalNumber, Gtin, JmdnCode, ProductKind};

/// A device or IVD to register.
#[derive(Debug, Clone)]
pub struct NewDevice<'a> {
    /// `device` or `ivd`.
    pub kind: ProductKind,
    /// GTIN-13/14.
    pub gtin: &'a str,
    /// 販売名.
    pub name: &'a str,
    /// The maker's organisation id.
    pub maker_id: i32,
    /// JMDN code.
    pub jmdn: &'a str,
    /// 承認番号 / 認証番号.
    pub approval_number: &'a str,
}

/// Checks every field and stores the device; all problems are reported together.
pub async fn register_device(
    db: &impl ConnectionTrait,
    new: &NewDevice<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let mut problems = Vec::new();
    if new.kind == ProductKind::Drug {
        problems.push(FieldProblem::new(
            "kind",
            "device_kind",
            "医療機器（device）または体外診断用医薬品（ivd）を指定してください",
        ));
    }
    let gtin = Gtin::parse(new.gtin)
        .map_err(|e| problems.push(FieldProblem::from_field_error("product_code", &e)))
        .ok();
    let jmdn = JmdnCode::parse(new.jmdn)
        .map_err(|e| problems.push(FieldProblem::from_field_error("jmdn", &e)))
        .ok();
    let approval = ApprovalNumber::parse(new.approval_number)
        .map_err(|e| problems.push(FieldProblem::from_field_error("approval_number", &e)))
        .ok();
    if new.name.trim().is_empty() {
        problems.push(FieldProblem::new(
            "name",
            "required",
            "販売名を入力してください",
        ));
    }
    let maker = organization::Entity::find_by_id(new.maker_id)
        .one(db)
        .await
        .context("Failed to look up the maker")?;
    if maker.is_none() {
        problems.push(FieldProblem::new(
            "maker_id",
            "not_found",
            format!("製造販売業者 {} は存在しません", new.maker_id),
        ));
    }
    let (Some(gtin), Some(jmdn), Some(approval), Some(maker), true) =
        (gtin, jmdn, approval, maker, problems.is_empty())
    else {
        return Err(ServiceError::Invalid(problems));
    };
    let name = new.name.trim().to_owned();
    product::ActiveModel {
        code: Set(gtin.as_str().to_owned()),
        kind: Set(new.kind),
        search_text: Set(search_text(&[
            Some(gtin.as_str()),
            Some(&name),
            Some(&maker.name),
            Some(jmdn.as_str()),
        ])),
        name: Set(name),
        ingredient: Set(None),
        specification: Set(None),
        group_code: Set(None),
        related_code: Set(None),
        category: Set(None),
        therapeutic_class: Set(None),
        product_class: Set(None),
        pharmacopoeia: Set(false),
        narcotic: Set(false),
        basic_drug: Set(false),
        stable_supply_category: Set(None),
        price: Set(None),
        listed_on: Set(None),
        transitional_until: Set(None),
        maker_id: Set(Some(maker.id)),
        maker_name: Set(Some(maker.name.clone())),
        jmdn: Set(Some(jmdn.as_str().to_owned())),
        approval_number: Set(Some(approval.as_str().to_owned())),
        edition: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("Failed to store the device")?;
    let entry = AuditEntry {
        actor,
        action: "product.create",
        target: gtin.as_str().to_owned(),
        detail: Some(format!("{} {}", new.kind.label_ja(), new.name.trim())),
        success: true,
    };
    audit::record(db, entry, now).await
}

/// Declares `substitute` a substitute of `device`, on behalf of organisation `declared_by`.
pub async fn declare_substitute(
    db: &impl ConnectionTrait,
    device: &str,
    substitute: &str,
    declared_by: i32,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let find = |code: &str| {
        let code = code.to_owned();
        async move {
            product::Entity::find()
                .filter(product::Column::Code.eq(code.as_str()))
                .filter(product::Column::Kind.ne(ProductKind::Drug))
                .one(db)
                .await
                .context("Failed to look up a device")?
                .ok_or_else(|| {
                    ServiceError::NotFound(format!(
                        "医療機器・体外診断用医薬品 {code} は登録されていません"
                    ))
                })
        }
    };
    let (device, substitute) = (find(device).await?, find(substitute).await?);
    device_substitute::ActiveModel {
        product_id: Set(device.id),
        substitute_id: Set(substitute.id),
        declared_by: Set(declared_by),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .context("Failed to store the substitute")?;
    let entry = AuditEntry {
        actor,
        action: "substitute.declare",
        target: device.code.clone(),
        detail: Some(format!("代替品 {}", substitute.code)),
        success: true,
    };
    audit::record(db, entry, now).await
}
