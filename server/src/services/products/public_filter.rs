//! The public search's filters — ⑫ codes (several), （重要）供給確保医薬品 category A/B/C, maker,
//! the day of the last change, 「本日の更新」 — read once from the query string and used alike
//! by the page, the JSON and the CSV/XLSX downloads, which all keep them in their links.

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::db::entity::{product, product_status};
use crate::domain::ProductKind;
use crate::domain::search_fold::fold;
use crate::domain::supply_status::ShippingStatus;
use crate::services::{DbContext, FieldProblem, ServiceError};

/// The 供給確保医薬品 categories.
pub const STABLE_CATEGORIES: [char; 3] = ['A', 'B', 'C'];

/// The filters as the query string gives them.
#[derive(Debug, Clone, Default)]
pub struct RawPublicFilter<'a> {
    /// `status=2,3,4`.
    pub status: Option<&'a str>,
    /// `category=A,B`.
    pub category: Option<&'a str>,
    /// `maker=` part of a maker's name (any width or kana).
    pub maker: Option<&'a str>,
    /// `changed_since=YYYY-MM-DD`.
    pub changed_since: Option<&'a str>,
    /// `updated=today`: only the rows marked `New`.
    pub updated: Option<&'a str>,
}

/// Which rows are 「本日の更新」 (marked `New`): reported after the last publication's day, or
/// on the latest report day when nothing was published yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewSince {
    /// Reported after this day (Japan).
    After(NaiveDate),
    /// Reported on this day.
    On(NaiveDate),
}

/// The checked filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicFilter {
    /// ⑫ codes; empty: any.
    pub statuses: Vec<ShippingStatus>,
    /// A/B/C; empty: any.
    pub categories: Vec<char>,
    /// The maker words as given (trimmed).
    pub maker: Option<String>,
    /// Changed (⑫ or anything else) on or after this day.
    pub changed_since: Option<NaiveDate>,
    /// Only the rows marked `New`.
    pub new_only: bool,
}

impl PublicFilter {
    /// Reads the query string's filters; 422 naming each field that does not read.
    pub fn parse(raw: &RawPublicFilter<'_>) -> Result<Self, ServiceError> {
        let mut problems = Vec::new();
        let mut filter = Self::default();
        for code in list(raw.status) {
            match ShippingStatus::from_code(&code) {
                Some(s) if !filter.statuses.contains(&s) => filter.statuses.push(s),
                Some(_) => {}
                None => problems.push(FieldProblem::new(
                    "status",
                    "invalid_status",
                    format!("⑫出荷対応の状況「{code}」は 1〜5 のいずれかで指定してください"),
                )),
            }
        }
        filter.statuses.sort_by_key(|s| s.code());
        for code in list(raw.category) {
            match code.to_ascii_uppercase().as_str() {
                c @ ("A" | "B" | "C") => {
                    let c = c.chars().next().unwrap_or('A');
                    if !filter.categories.contains(&c) {
                        filter.categories.push(c);
                    }
                }
                _ => problems.push(FieldProblem::new(
                    "category",
                    "invalid_category",
                    format!(
                        "供給確保医薬品の区分「{code}」は A・B・C のいずれかで指定してください"
                    ),
                )),
            }
        }
        filter.categories.sort_unstable();
        filter.maker = raw
            .maker
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned);
        if let Some(day) = raw.changed_since.map(str::trim).filter(|d| !d.is_empty()) {
            match NaiveDate::parse_from_str(&fold(day), "%Y-%m-%d") {
                Ok(d) => filter.changed_since = Some(d),
                Err(_) => problems.push(FieldProblem::new(
                    "changed_since",
                    "invalid_date",
                    format!("変更日「{day}」は YYYY-MM-DD（例：2026-12-01）で指定してください"),
                )),
            }
        }
        match raw.updated.map(str::trim).filter(|u| !u.is_empty()) {
            None => {}
            Some("today" | "new") => filter.new_only = true,
            Some(other) => problems.push(FieldProblem::new(
                "updated",
                "invalid_updated",
                format!("updated「{other}」は today のみ指定できます"),
            )),
        }
        if problems.is_empty() {
            Ok(filter)
        } else {
            Err(ServiceError::Invalid(problems))
        }
    }

    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The filters as query-string pairs, in a fixed order (for links and downloads).
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.statuses.is_empty() {
            let codes: Vec<&str> = self.statuses.iter().map(|s| s.code()).collect();
            pairs.push(("status", codes.join(",")));
        }
        if !self.categories.is_empty() {
            let cats: Vec<String> = self.categories.iter().map(char::to_string).collect();
            pairs.push(("category", cats.join(",")));
        }
        if let Some(m) = &self.maker {
            pairs.push(("maker", m.clone()));
        }
        if let Some(d) = self.changed_since {
            pairs.push(("changed_since", d.to_string()));
        }
        if self.new_only {
            pairs.push(("updated", "today".to_owned()));
        }
        pairs
    }

    /// What the filters select, in Japanese (for the page's summary line).
    pub fn label_ja(&self) -> String {
        let mut parts = Vec::new();
        if !self.statuses.is_empty() {
            let labels: Vec<&str> = self.statuses.iter().map(|s| s.label_ja()).collect();
            parts.push(format!("⑫ {}", labels.join("・")));
        }
        if !self.categories.is_empty() {
            let cats: String = self.categories.iter().collect();
            parts.push(format!("供給確保医薬品 {cats}"));
        }
        if let Some(m) = &self.maker {
            parts.push(format!("製造販売業者「{m}」"));
        }
        if let Some(d) = self.changed_since {
            parts.push(format!("{d} 以降に変更"));
        }
        if self.new_only {
            parts.push("本日の更新".to_owned());
        }
        parts.join("・")
    }

    /// The condition on `products` these filters make. The maker words are matched folded
    /// against every distinct maker name (a few hundred), so half-width or hiragana input finds
    /// 「サワイ」 too; `new_since` says which rows are `New`.
    pub async fn condition(
        &self,
        db: &impl ConnectionTrait,
        new_since: Option<NewSince>,
    ) -> Result<Condition, ServiceError> {
        let mut c = Condition::all();
        if !self.statuses.is_empty() {
            c = c.add(with_status(
                Condition::all().add(
                    product_status::Column::ShippingStatus
                        .is_in(self.statuses.iter().map(|s| s.code())),
                ),
            ));
        }
        if !self.categories.is_empty() {
            c = c.add(
                product::Column::StableSupplyCategory
                    .is_in(self.categories.iter().map(char::to_string)),
            );
        }
        if let Some(maker) = &self.maker {
            let names = maker_names_matching(db, maker).await?;
            c = c.add(product::Column::MakerName.is_in(names));
        }
        if let Some(day) = self.changed_since {
            use product_status::Column as S;
            c = c.add(with_status(
                Condition::any()
                    .add(S::ShippingChangedOn.gte(day))
                    .add(S::OtherChangedOn.gte(day))
                    .add(
                        Condition::all()
                            .add(S::OtherChangedOn.is_null())
                            .add(S::UpdatedOn.gte(day)),
                    ),
            ));
        }
        if self.new_only {
            let on = match new_since {
                Some(NewSince::After(day)) => product_status::Column::UpdatedOn.gt(day),
                Some(NewSince::On(day)) => product_status::Column::UpdatedOn.eq(day),
                None => Expr::val(1).eq(0),
            };
            c = c.add(with_status(Condition::all().add(on)));
        }
        Ok(c)
    }
}

/// The products whose current status meets `status`.
fn with_status(status: Condition) -> sea_orm::sea_query::SimpleExpr {
    product::Column::Id.in_subquery(
        Query::select()
            .column(product_status::Column::ProductId)
            .from(product_status::Entity)
            .cond_where(status)
            .to_owned(),
    )
}

/// Every maker name of a drug whose folded form holds every folded word of `maker`.
async fn maker_names_matching(
    db: &impl ConnectionTrait,
    maker: &str,
) -> Result<Vec<String>, ServiceError> {
    let words = crate::domain::search_fold::fold_words(maker);
    let names: Vec<Option<String>> = product::Entity::find()
        .select_only()
        .column(product::Column::MakerName)
        .distinct()
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .into_tuple()
        .all(db)
        .await
        .context("Failed to read the makers' names")?;
    Ok(names
        .into_iter()
        .flatten()
        .filter(|name| {
            let folded = fold(name);
            words.iter().all(|w| folded.contains(w.as_str()))
        })
        .collect())
}

/// `a,b c` → `["a", "b", "c"]` (commas, spaces or the ideographic comma), folded to half width.
fn list(raw: Option<&str>) -> Vec<String> {
    raw.map(fold)
        .unwrap_or_default()
        .split([',', ' ', '、'])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_statuses_and_categories_read_in_any_width() {
        let f = PublicFilter::parse(&RawPublicFilter {
            status: Some("４,2, 3"),
            category: Some("a,B"),
            changed_since: Some("2026-12-01"),
            ..RawPublicFilter::default()
        })
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            f.query_pairs(),
            vec![
                ("status", "2,3,4".to_owned()),
                ("category", "A,B".to_owned()),
                ("changed_since", "2026-12-01".to_owned())
            ]
        );
    }

    #[test]
    fn a_bad_value_names_its_field() {
        let Err(ServiceError::Invalid(problems)) = PublicFilter::parse(&RawPublicFilter {
            status: Some("9"),
            category: Some("D"),
            changed_since: Some("12/01"),
            ..RawPublicFilter::default()
        }) else {
            panic!("bad filters were accepted");
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, vec!["status", "category", "changed_since"]);
    }
}
