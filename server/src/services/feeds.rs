//! Atom 1.0 feeds (RFC 4287) of public status changes: one drug's reports, and the newest
//! reports of every drug. Only the public columns; each entry links to the drug's public page.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::supply_status::history::{self, StatusView};
use super::{DbContext, ServiceError};
use crate::db::entity::{product, supply_status_report};
use crate::domain::ProductKind;
use crate::paths;

/// Entries of the all-drugs feed.
pub const CHANGES_FEED_ENTRIES: u64 = 200;

/// One entry.
struct Entry {
    id: String,
    title: String,
    updated: DateTime<Utc>,
    link: String,
    lines: Vec<String>,
}

/// The feed of one drug's reports, newest first; 404 for an unknown code or a device.
pub async fn product_feed(
    db: &impl ConnectionTrait,
    base_url: &str,
    code: &str,
) -> Result<String, ServiceError> {
    let found = product::Entity::find()
        .filter(product::Column::Code.eq(code))
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .one(db)
        .await
        .context("Failed to load the drug")?
        .ok_or_else(|| {
            ServiceError::NotFound(format!("医薬品コード {code} の医薬品はありません"))
        })?;
    let link = format!("{base_url}{}", paths::public_product(&found.code));
    let entries: Vec<Entry> = history::of_product(db, found.id)
        .await?
        .into_iter()
        .take(usize::try_from(CHANGES_FEED_ENTRIES).unwrap_or(usize::MAX))
        .map(|h| {
            let mut lines = h.changes.clone();
            lines.extend(status_lines(&h.status));
            Entry {
                id: format!("{link}#{}", h.receipt_number),
                title: format!("{}：{}", found.name, h.status.shipping_status.label_ja()),
                updated: h.submitted_at,
                link: link.clone(),
                lines,
            }
        })
        .collect();
    Ok(write_feed(
        &format!("{base_url}{}", paths::public_product_feed(&found.code)),
        &format!("{} の供給状況", found.name),
        &link,
        &entries,
    ))
}

/// The newest reports of every drug.
pub async fn changes_feed(
    db: &impl ConnectionTrait,
    base_url: &str,
) -> Result<String, ServiceError> {
    let reports = supply_status_report::Entity::find()
        .order_by_desc(supply_status_report::Column::Id)
        .limit(CHANGES_FEED_ENTRIES)
        .all(db)
        .await
        .context("Failed to load the newest reports")?;
    let ids: Vec<i32> = reports.iter().map(|r| r.product_id).collect();
    let products: std::collections::HashMap<i32, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(ids))
        .all(db)
        .await
        .context("Failed to load the reports' drugs")?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let entries: Vec<Entry> = reports
        .iter()
        .filter_map(|r| {
            let p = products.get(&r.product_id)?;
            let status = StatusView::from_report(r);
            let link = format!("{base_url}{}", paths::public_product(&p.code));
            let mut lines = vec![format!(
                "{}（{}）{}",
                p.name,
                p.code,
                p.maker_name.as_deref().unwrap_or("")
            )];
            lines.extend(status_lines(&status));
            Some(Entry {
                id: format!("{link}#{}", r.receipt_number),
                title: format!("{}：{}", p.name, status.shipping_status.label_ja()),
                updated: r.submitted_at,
                link,
                lines,
            })
        })
        .collect();
    Ok(write_feed(
        &format!("{base_url}{}", paths::PUBLIC_CHANGES_FEED),
        "医療用医薬品の供給状況の更新（最新200件）",
        &format!("{base_url}/public"),
        &entries,
    ))
}

/// ⑫–⑰ of a status, one line each (blank columns left out).
fn status_lines(s: &StatusView) -> Vec<String> {
    let mut lines = vec![format!("⑫出荷対応の状況：{}", s.shipping_status.label_ja())];
    if let Some(r) = s.reason {
        lines.push(format!("⑭理由：{}", r.label_ja()));
    }
    if let Some(o) = s.resolution_outlook {
        let month = s
            .resolution_month
            .as_deref()
            .map(|m| format!("（{m}）"))
            .unwrap_or_default();
        lines.push(format!("⑮⑯解消見込み：{}{month}", o.label_ja()));
    }
    if let Some(v) = s.volume_status {
        lines.push(format!("⑰出荷量の状況：{}", v.label_ja()));
    }
    lines.push(format!("報告日：{}", s.updated_on));
    lines
}

fn write_feed(self_url: &str, title: &str, alternate: &str, entries: &[Entry]) -> String {
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let mut xml = String::with_capacity(512 + entries.len() * 600);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n");
    let _ = writeln!(xml, "  <id>{}</id>", escape(self_url));
    let _ = writeln!(xml, "  <title>{}</title>", escape(title));
    let _ = writeln!(xml, "  <updated>{}</updated>", updated.to_rfc3339());
    xml.push_str("  <author><name>SupplyWatch（医薬品等供給モニタリング）</name></author>\n");
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(self_url)
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(alternate)
    );
    for e in entries {
        xml.push_str("  <entry>\n");
        let _ = writeln!(xml, "    <id>{}</id>", escape(&e.id));
        let _ = writeln!(xml, "    <title>{}</title>", escape(&e.title));
        let _ = writeln!(xml, "    <updated>{}</updated>", e.updated.to_rfc3339());
        let _ = writeln!(
            xml,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape(&e.link)
        );
        let _ = writeln!(
            xml,
            "    <summary type=\"text\">{}</summary>",
            escape(&e.lines.join("\n"))
        );
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// Text for XML content and attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_feed_is_still_a_feed_with_id_title_updated_and_author() {
        let xml = write_feed("http://x/f.atom", "題 & <名>", "http://x/", &[]);
        assert!(xml.contains("<id>http://x/f.atom</id>"));
        assert!(xml.contains("<title>題 &amp; &lt;名&gt;</title>"));
        assert!(xml.contains("<updated>1970-01-01T00:00:00+00:00</updated>"));
        assert!(xml.contains("<author><name>"));
    }
}
