//! Which drugs a dashboard number counts: the dashboard's filters (薬剤区分, 製品区分, maker,
//! ingredient) and the number picked (a ⑫ code, a reason group, …). The same slice filters the
//! product list, so every number links to exactly the products behind it.

use sea_orm::sea_query::{Expr, LikeExpr, Query};
use sea_orm::{ColumnTrait, Condition};

use super::reasons::ReasonGroup;
use crate::db::entity::{product, product_status};
use crate::domain::ProductKind;
use crate::domain::supply_status::{ShippingStatus, VolumeStatus};
use crate::domain::{DrugCategory, ProductClass};
use crate::services::{FieldProblem, ServiceError};

/// Every 製品区分, in display order.
pub const CLASSES: [ProductClass; 4] = [
    ProductClass::Originator,
    ProductClass::LongListed,
    ProductClass::Generic,
    ProductClass::Other,
];

/// Every 薬剤区分, in display order.
pub const CATEGORIES: [DrugCategory; 4] = [
    DrugCategory::Internal,
    DrugCategory::Injection,
    DrugCategory::External,
    DrugCategory::Dental,
];

/// The dashboard's filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// 薬剤区分.
    pub category: Option<DrugCategory>,
    /// 製品区分.
    pub product_class: Option<ProductClass>,
    /// The maker's organisation id.
    pub maker_id: Option<i32>,
    /// Part of the 成分名.
    pub ingredient: Option<String>,
}

/// The number picked on the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Pick {
    /// ⑫ is this code.
    Shipping(ShippingStatus),
    /// ⑫ is 2, 3 or 4 (限定出荷).
    Limited,
    /// ⑫ is 2–5 (限定出荷 or 供給停止).
    Short,
    /// No report yet.
    Unreported,
    /// ⑯ is this code.
    Volume(VolumeStatus),
    /// Short (⑫ 2–5) for a reason of this group.
    Reason(ReasonGroup),
    /// （重要）供給確保医薬品 of this category (A/B/C) not in normal supply.
    StableSupply(char),
    /// ⑫ = 3 caused by this product code.
    CausedBy(String),
}

impl Pick {
    /// Reads the `pick` query parameter (`shipping-2`, `short`, `reason-quality`, …).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Some(code) = text.strip_prefix("shipping-") {
            return ShippingStatus::parse(code).ok().map(Self::Shipping);
        }
        if let Some(code) = text.strip_prefix("volume-") {
            return VolumeStatus::parse(code).ok().map(Self::Volume);
        }
        if let Some(group) = text.strip_prefix("reason-") {
            return ReasonGroup::ALL
                .iter()
                .copied()
                .find(|g| g.code() == group)
                .map(Self::Reason);
        }
        if let Some(cat) = text.strip_prefix("stable-") {
            return match cat {
                "A" | "B" | "C" => cat.chars().next().map(Self::StableSupply),
                _ => None,
            };
        }
        if let Some(code) = text.strip_prefix("caused-by-") {
            return Some(Self::CausedBy(code.to_ascii_uppercase()));
        }
        match text {
            "limited" => Some(Self::Limited),
            "short" => Some(Self::Short),
            "unreported" => Some(Self::Unreported),
            _ => None,
        }
    }

    /// The `pick` query parameter.
    pub fn as_param(&self) -> String {
        match self {
            Self::Shipping(s) => format!("shipping-{}", s.code()),
            Self::Limited => "limited".to_owned(),
            Self::Short => "short".to_owned(),
            Self::Unreported => "unreported".to_owned(),
            Self::Volume(v) => format!("volume-{}", v.code()),
            Self::Reason(g) => format!("reason-{}", g.code()),
            Self::StableSupply(c) => format!("stable-{c}"),
            Self::CausedBy(code) => format!("caused-by-{code}"),
        }
    }

    /// What the list shows, in Japanese.
    pub fn label_ja(&self) -> String {
        match self {
            Self::Shipping(s) => format!("⑫ {}", s.label_ja()),
            Self::Limited => "限定出荷（⑫ 2〜4）".to_owned(),
            Self::Short => "限定出荷・供給停止（⑫ 2〜5）".to_owned(),
            Self::Unreported => "未報告".to_owned(),
            Self::Volume(v) => format!("⑰ {}", v.label_ja()),
            Self::Reason(g) => format!("理由が「{}」の限定出荷・供給停止", g.label_ja()),
            Self::StableSupply(c) => format!("（重要）供給確保医薬品 {c} で通常出荷以外"),
            Self::CausedBy(code) => format!("{code} の影響による限定出荷（⑫ 3）"),
        }
    }
}

/// A dashboard number: the filters and the pick.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Slice {
    /// The filters.
    pub filter: Filter,
    /// The number picked, if any.
    pub pick: Option<Pick>,
}

impl Filter {
    /// Reads the filters as typed (blank = any): 薬剤区分 label, 製品区分 (stable name or
    /// Japanese label), maker id, part of the 成分名.
    pub fn parse(
        category: Option<&str>,
        class: Option<&str>,
        maker_id: Option<i32>,
        ingredient: Option<&str>,
    ) -> Result<Self, ServiceError> {
        let blank = |v: Option<&str>| {
            v.map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let category = blank(category)
            .map(|c| c.parse::<DrugCategory>())
            .transpose()
            .map_err(|e| ServiceError::invalid(FieldProblem::from_field_error("category", &e)))?;
        let product_class = match blank(class) {
            None => None,
            Some(c) => Some(
                ProductClass::from_code(&c)
                    .or_else(|| CLASSES.into_iter().find(|k| k.label_ja() == c))
                    .ok_or_else(|| {
                        ServiceError::invalid(FieldProblem::new(
                            "product_class",
                            "unknown_product_class",
                            format!("製品区分「{c}」は先発品・長期収載品・後発品・その他のいずれでもありません"),
                        ))
                    })?,
            ),
        };
        Ok(Self {
            category,
            product_class,
            maker_id,
            ingredient: blank(ingredient),
        })
    }

    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The filters as a query string (`category=…&class=…&maker=…&ingredient=…`), empty ones left out.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = self.category {
            parts.push(format!("category={}", encode_query(c.label_ja())));
        }
        if let Some(c) = self.product_class {
            parts.push(format!("class={}", c.code()));
        }
        if let Some(m) = self.maker_id {
            parts.push(format!("maker={m}"));
        }
        if let Some(i) = &self.ingredient {
            parts.push(format!("ingredient={}", encode_query(i)));
        }
        parts.join("&")
    }

    /// The condition on `products` (drugs only).
    pub fn condition(&self) -> Condition {
        let mut c = Condition::all().add(product::Column::Kind.eq(ProductKind::Drug));
        if let Some(category) = self.category {
            c = c.add(product::Column::Category.eq(category));
        }
        if let Some(class) = self.product_class {
            c = c.add(product::Column::ProductClass.eq(class));
        }
        if let Some(maker) = self.maker_id {
            c = c.add(product::Column::MakerId.eq(maker));
        }
        if let Some(ingredient) = &self.ingredient {
            // Matched like every search: folded, against the folded search column.
            for word in crate::domain::search_fold::fold_words(ingredient) {
                let escaped = word
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                c = c.add(
                    Expr::col((product::Entity, product::Column::SearchText))
                        .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
                );
            }
        }
        c
    }
}

impl Slice {
    /// The product list URL of this slice.
    pub fn href(&self) -> String {
        let mut query = self.filter.query();
        if let Some(pick) = &self.pick {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str("pick=");
            query.push_str(&encode_query(&pick.as_param()));
        }
        format!("{}?{query}", crate::paths::PRODUCTS)
    }

    /// The condition on `products`: the filters and the pick.
    pub fn condition(&self) -> Condition {
        let c = self.filter.condition();
        let Some(pick) = &self.pick else {
            return c;
        };
        let short: Vec<&str> = ShippingStatus::ALL
            .iter()
            .filter(|s| s.is_short())
            .map(|s| s.code())
            .collect();
        let with_status = |status: Condition| {
            product::Column::Id.in_subquery(
                Query::select()
                    .column(product_status::Column::ProductId)
                    .from(product_status::Entity)
                    .cond_where(status)
                    .to_owned(),
            )
        };
        let statuses = |codes: Vec<&str>| {
            Condition::all().add(product_status::Column::ShippingStatus.is_in(codes))
        };
        match pick {
            Pick::Shipping(s) => c.add(with_status(statuses(vec![s.code()]))),
            Pick::Limited => c.add(with_status(statuses(
                short.into_iter().filter(|s| *s != "5").collect(),
            ))),
            Pick::Short => c.add(with_status(statuses(short))),
            Pick::Unreported => c.add(
                product::Column::Id.not_in_subquery(
                    Query::select()
                        .column(product_status::Column::ProductId)
                        .from(product_status::Entity)
                        .to_owned(),
                ),
            ),
            Pick::Volume(v) => c.add(with_status(
                Condition::all().add(product_status::Column::VolumeStatus.eq(v.code())),
            )),
            Pick::Reason(group) => {
                let mut reason =
                    Condition::any().add(product_status::Column::Reason.is_in(group.codes()));
                if *group == ReasonGroup::Other {
                    reason = reason.add(product_status::Column::Reason.is_null());
                }
                c.add(with_status(statuses(short).add(reason)))
            }
            Pick::StableSupply(cat) => c
                .add(product::Column::StableSupplyCategory.eq(cat.to_string()))
                .add(with_status(statuses(short))),
            Pick::CausedBy(code) => c.add(with_status(
                statuses(vec![ShippingStatus::LimitedByOthers.code()])
                    .add(product_status::Column::CausingProductCode.eq(code.as_str())),
            )),
        }
    }
}

/// Percent-encodes a query value (the services do not reach into the HTTP edge for this).
pub fn encode_query(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pick_reads_back_from_its_parameter() {
        let picks = [
            Pick::Shipping(ShippingStatus::Stopped),
            Pick::Limited,
            Pick::Short,
            Pick::Unreported,
            Pick::Volume(VolumeStatus::APlus),
            Pick::Reason(ReasonGroup::Quality),
            Pick::StableSupply('B'),
            Pick::CausedBy("2171022F5180".into()),
        ];
        for pick in picks {
            assert_eq!(
                Pick::parse(&pick.as_param()),
                Some(pick.clone()),
                "{pick:?}"
            );
        }
        assert_eq!(Pick::parse("stable-D"), None);
    }

    #[test]
    fn a_slice_links_to_the_product_list_with_its_filters() {
        let slice = Slice {
            filter: Filter {
                product_class: Some(ProductClass::Generic),
                maker_id: Some(3),
                ..Filter::default()
            },
            pick: Some(Pick::Shipping(ShippingStatus::LimitedOwn)),
        };
        assert_eq!(
            slice.href(),
            "/products?class=generic&maker=3&pick=shipping-2"
        );
    }
}
