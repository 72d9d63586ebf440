//! What each mail says: the content stored in the outbox (JSON), its Japanese subject, and the
//! plain-text and HTML bodies rendered from askama templates under `web/templates/mail/`.

use askama::Template;
use serde::{Deserialize, Serialize};

use crate::domain::mail_kind::MailKind;

/// A product named in a mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductLine {
    /// YJ code or GTIN.
    pub code: String,
    /// 品名 / 販売名.
    pub name: String,
}

/// A heads-up to a maker of same-spec substitutes: another maker's product got short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadsUp {
    /// The recipient's organisation.
    pub recipient_org: String,
    /// The short product.
    pub product: ProductLine,
    /// Its maker.
    pub maker_name: String,
    /// ⑫ before (label; none when it had no status).
    pub shipping_before: Option<String>,
    /// ⑫ now.
    pub shipping_after: String,
    /// ⑯ before.
    pub volume_before: Option<String>,
    /// ⑯ now.
    pub volume_after: Option<String>,
    /// ⑬ reason.
    pub reason: Option<String>,
    /// ⑰ 報告日.
    pub reported_on: String,
    /// The recipient's own same-spec products.
    pub substitutes: Vec<ProductLine>,
    /// Path of the page where the recipient answers.
    pub link_path: String,
}

/// The ministry's information or cooperation request about a case's product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Cooperation (増産等の協力依頼) rather than information (在庫・生産状況の照会).
    pub cooperation: bool,
    /// The recipient's organisation.
    pub recipient_org: String,
    /// The product concerned (never the confidential report).
    pub product: ProductLine,
    /// Its maker.
    pub maker_name: String,
    /// The recipient's own substitutes (empty for an association).
    pub substitutes: Vec<ProductLine>,
    /// The ministry's message.
    pub message: Option<String>,
    /// Path of the page where the recipient answers.
    pub link_path: String,
    /// A drug case (flow D): the law's 協力要請, sent without the reporting maker's consent.
    #[serde(default)]
    pub under_drug_law: bool,
    /// The recipient is a wholesaler (asked about stock and shipments, or distribution).
    #[serde(default)]
    pub to_wholesaler: bool,
}

impl Request {
    /// What the ministry asks, in the mail's opening paragraph.
    pub fn opening(&self) -> &'static str {
        match (self.cooperation, self.to_wholesaler) {
            (true, false) => {
                "下記の医薬品等の供給不足に対応するため、増産等へのご協力をお願いいたします。"
            }
            (true, true) => {
                "下記の医薬品等の供給不足に対応するため、必要量に応じた適正な流通（分配）へのご協力をお願いいたします。"
            }
            (false, false) => {
                "下記の医薬品等について、貴社の代替品の在庫状況・生産状況をご報告ください。"
            }
            (false, true) => "下記の医薬品等について、貴社の在庫状況・出荷状況をご報告ください。",
        }
    }

    /// On what ground a cooperation request is sent (none for an information request).
    pub fn basis(&self) -> Option<&'static str> {
        match (self.cooperation, self.under_drug_law) {
            (false, _) => None,
            (true, true) => Some("（医薬品医療機器等法に基づく協力要請です。）"),
            (true, false) => Some("（報告企業の同意を得てお送りしています。）"),
        }
    }
}

/// A reminder or summary: a title, lines and a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The subject.
    pub subject: String,
    /// The recipient's organisation.
    pub recipient_org: String,
    /// Opening sentence.
    pub lead: String,
    /// One line per item.
    pub lines: Vec<String>,
    /// Path of the page to act on.
    pub link_path: String,
}

/// Every message of one recipient held for the daily digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    /// The recipient's organisation.
    pub recipient_org: String,
    /// The held messages.
    pub items: Vec<MailContent>,
}

/// The confirmation asked of an address that wants to follow a drug (double opt-in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionConfirm {
    /// The drug.
    pub product: ProductLine,
    /// Path of the confirmation link (carries the subscription's token).
    pub confirm_path: String,
    /// `immediate` or `daily_digest`, in Japanese.
    pub delivery_ja: String,
}

/// A change of a followed drug's public status (⑫–⑰), to a confirmed subscriber.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The drug.
    pub product: ProductLine,
    /// Its maker's name.
    pub maker_name: String,
    /// One line per column that changed (`⑫出荷対応の状況：通常出荷 → 供給停止`).
    pub lines: Vec<String>,
    /// ⑰ the day of the report.
    pub reported_on: String,
    /// Path of the drug's public page.
    pub product_path: String,
    /// Path of the one-click unsubscribe link (carries the subscription's token).
    pub unsubscribe_path: String,
    /// The subscription's token (a digest's unsubscribe link joins them).
    pub token: String,
}

/// The day's changes of every drug an address follows with a daily digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusDigest {
    /// The changes, oldest first.
    pub items: Vec<StatusChange>,
    /// Path that unsubscribes from every drug of the digest at once.
    pub unsubscribe_path: String,
}

/// The content of an outbox message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MailContent {
    /// Automatic heads-up.
    HeadsUp(HeadsUp),
    /// The ministry's request.
    Request(Request),
    /// A reminder or summary.
    Notice(Notice),
    /// The daily digest.
    Digest(Digest),
    /// Confirm following a drug.
    SubscriptionConfirm(SubscriptionConfirm),
    /// A followed drug changed.
    StatusChange(StatusChange),
    /// A subscriber's daily digest of changes.
    StatusDigest(StatusDigest),
}

/// A mail ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Japanese subject.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// The one-click unsubscribe address (RFC 8058): sent as `List-Unsubscribe` with
    /// `List-Unsubscribe-Post`.
    pub unsubscribe_url: Option<String>,
}

#[derive(Template)]
#[template(path = "mail/heads_up.txt")]
struct HeadsUpText<'a> {
    m: &'a HeadsUp,
    url: String,
}

#[derive(Template)]
#[template(path = "mail/heads_up.html")]
struct HeadsUpHtml<'a> {
    m: &'a HeadsUp,
    url: String,
    subject: String,
}

#[derive(Template)]
#[template(path = "mail/request.txt")]
struct RequestText<'a> {
    m: &'a Request,
    url: String,
}

#[derive(Template)]
#[template(path = "mail/request.html")]
struct RequestHtml<'a> {
    m: &'a Request,
    url: String,
    subject: String,
}

#[derive(Template)]
#[template(path = "mail/notice.txt")]
struct NoticeText<'a> {
    m: &'a Notice,
    url: String,
}

#[derive(Template)]
#[template(path = "mail/notice.html")]
struct NoticeHtml<'a> {
    m: &'a Notice,
    url: String,
    subject: String,
}

#[derive(Template)]
#[template(path = "mail/subscription_confirm.txt")]
struct SubscriptionConfirmText<'a> {
    m: &'a SubscriptionConfirm,
    url: String,
}

#[derive(Template)]
#[template(path = "mail/subscription_confirm.html")]
struct SubscriptionConfirmHtml<'a> {
    m: &'a SubscriptionConfirm,
    url: String,
    subject: String,
}

/// One change as the subscriber's templates show it, links made whole.
struct ChangeEntry<'a> {
    m: &'a StatusChange,
    page_url: String,
    unsubscribe_url: String,
}

#[derive(Template)]
#[template(path = "mail/status_change.txt")]
struct StatusChangeText<'a> {
    entries: &'a [ChangeEntry<'a>],
    unsubscribe_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/status_change.html")]
struct StatusChangeHtml<'a> {
    entries: &'a [ChangeEntry<'a>],
    unsubscribe_url: &'a str,
    subject: String,
}

/// One entry of a digest as its templates show it.
struct DigestEntry {
    subject: String,
    lines: Vec<String>,
    url: String,
}

#[derive(Template)]
#[template(path = "mail/digest.txt")]
struct DigestText<'a> {
    recipient_org: &'a str,
    entries: &'a [DigestEntry],
}

#[derive(Template)]
#[template(path = "mail/digest.html")]
struct DigestHtml<'a> {
    recipient_org: &'a str,
    entries: &'a [DigestEntry],
    subject: String,
}

impl HeadsUp {
    /// `通常出荷 → 限定出荷（自社の事情）` lines, one per column that changed.
    pub fn changes(&self) -> Vec<String> {
        let mut lines = vec![if self.shipping_before.as_deref()
            == Some(self.shipping_after.as_str())
        {
            format!("⑫出荷対応の状況：{}（変更なし）", self.shipping_after)
        } else {
            format!(
                "⑫出荷対応の状況：{} → {}",
                self.shipping_before.as_deref().unwrap_or("（報告なし）"),
                self.shipping_after
            )
        }];
        if self.volume_before != self.volume_after {
            lines.push(format!(
                "⑰出荷量の状況：{} → {}",
                self.volume_before.as_deref().unwrap_or("（報告なし）"),
                self.volume_after.as_deref().unwrap_or("（空欄）")
            ));
        }
        if let Some(reason) = &self.reason {
            lines.push(format!("⑭理由：{reason}"));
        }
        lines
    }
}

impl MailContent {
    /// The outbox `kind` column.
    pub fn kind(&self) -> MailKind {
        match self {
            Self::HeadsUp(_) => MailKind::HeadsUp,
            Self::Request(r) if r.cooperation => MailKind::CooperationRequest,
            Self::Request(_) => MailKind::InformationRequest,
            Self::Notice(_) => MailKind::Notice,
            Self::Digest(_) => MailKind::Digest,
            Self::SubscriptionConfirm(_) => MailKind::SubscriptionConfirm,
            Self::StatusChange(_) => MailKind::StatusChange,
            Self::StatusDigest(_) => MailKind::StatusDigest,
        }
    }

    /// The Japanese subject.
    pub fn subject(&self) -> String {
        match self {
            Self::HeadsUp(m) => format!(
                "【SupplyWatch】同一規格品の供給状況が悪化しました：{}（{}）",
                m.product.name, m.maker_name
            ),
            Self::Request(m) if m.cooperation => {
                format!("【厚生労働省】増産等のご協力のお願い：{}", m.product.name)
            }
            Self::Request(m) => format!(
                "【厚生労働省】在庫・生産状況のご報告のお願い：{}",
                m.product.name
            ),
            Self::Notice(m) => m.subject.clone(),
            Self::Digest(m) => format!("【SupplyWatch】本日のお知らせ（{}件）", m.items.len()),
            Self::SubscriptionConfirm(m) => format!(
                "【SupplyWatch】供給状況のお知らせの登録確認：{}",
                m.product.name
            ),
            Self::StatusChange(m) => {
                format!("【SupplyWatch】供給状況が変わりました：{}", m.product.name)
            }
            Self::StatusDigest(m) => {
                format!("【SupplyWatch】本日の供給状況の変更（{}件）", m.items.len())
            }
        }
    }

    fn link_path(&self) -> &str {
        match self {
            Self::HeadsUp(m) => &m.link_path,
            Self::Request(m) => &m.link_path,
            Self::Notice(m) => &m.link_path,
            Self::Digest(_) | Self::StatusDigest(_) => "/",
            Self::SubscriptionConfirm(m) => &m.confirm_path,
            Self::StatusChange(m) => &m.product_path,
        }
    }

    /// The lines a digest shows for this message.
    fn digest_lines(&self) -> Vec<String> {
        match self {
            Self::HeadsUp(m) => m.changes(),
            Self::Request(m) => vec![format!("{}（{}）", m.product.name, m.product.code)],
            Self::Notice(m) => m.lines.clone(),
            Self::StatusChange(m) => m.lines.clone(),
            Self::Digest(_) | Self::SubscriptionConfirm(_) | Self::StatusDigest(_) => Vec::new(),
        }
    }

    /// Subject and bodies, links starting with `base_url`.
    pub fn render(&self, base_url: &str) -> Result<Rendered, askama::Error> {
        let subject = self.subject();
        let url = format!("{base_url}{}", self.link_path());
        let mut unsubscribe_url = None;
        let (text, html) = match self {
            Self::SubscriptionConfirm(m) => confirm_bodies(m, url, &subject)?,
            Self::StatusChange(m) => {
                let (text, html, all) = change_bodies(
                    &[change_entry(m, base_url)],
                    &m.unsubscribe_path,
                    base_url,
                    &subject,
                )?;
                unsubscribe_url = Some(all);
                (text, html)
            }
            Self::StatusDigest(m) => {
                let entries: Vec<ChangeEntry> =
                    m.items.iter().map(|c| change_entry(c, base_url)).collect();
                let (text, html, all) =
                    change_bodies(&entries, &m.unsubscribe_path, base_url, &subject)?;
                unsubscribe_url = Some(all);
                (text, html)
            }
            Self::HeadsUp(m) => (
                HeadsUpText {
                    m,
                    url: url.clone(),
                }
                .render()?,
                HeadsUpHtml {
                    m,
                    url,
                    subject: subject.clone(),
                }
                .render()?,
            ),
            Self::Request(m) => (
                RequestText {
                    m,
                    url: url.clone(),
                }
                .render()?,
                RequestHtml {
                    m,
                    url,
                    subject: subject.clone(),
                }
                .render()?,
            ),
            Self::Notice(m) => (
                NoticeText {
                    m,
                    url: url.clone(),
                }
                .render()?,
                NoticeHtml {
                    m,
                    url,
                    subject: subject.clone(),
                }
                .render()?,
            ),
            Self::Digest(m) => {
                let entries: Vec<DigestEntry> = m
                    .items
                    .iter()
                    .map(|item| DigestEntry {
                        subject: item.subject(),
                        lines: item.digest_lines(),
                        url: format!("{base_url}{}", item.link_path()),
                    })
                    .collect();
                (
                    DigestText {
                        recipient_org: &m.recipient_org,
                        entries: &entries,
                    }
                    .render()?,
                    DigestHtml {
                        recipient_org: &m.recipient_org,
                        entries: &entries,
                        subject: subject.clone(),
                    }
                    .render()?,
                )
            }
        };
        Ok(Rendered {
            subject,
            text,
            html,
            unsubscribe_url,
        })
    }
}

fn change_entry<'a>(m: &'a StatusChange, base_url: &str) -> ChangeEntry<'a> {
    ChangeEntry {
        m,
        page_url: format!("{base_url}{}", m.product_path),
        unsubscribe_url: format!("{base_url}{}", m.unsubscribe_path),
    }
}

fn confirm_bodies(
    m: &SubscriptionConfirm,
    url: String,
    subject: &str,
) -> Result<(String, String), askama::Error> {
    Ok((
        SubscriptionConfirmText {
            m,
            url: url.clone(),
        }
        .render()?,
        SubscriptionConfirmHtml {
            m,
            url,
            subject: subject.to_owned(),
        }
        .render()?,
    ))
}

/// Text, HTML and the whole unsubscribe address of a change mail or digest.
fn change_bodies(
    entries: &[ChangeEntry<'_>],
    unsubscribe_path: &str,
    base_url: &str,
    subject: &str,
) -> Result<(String, String, String), askama::Error> {
    let all = format!("{base_url}{unsubscribe_path}");
    Ok((
        StatusChangeText {
            entries,
            unsubscribe_url: &all,
        }
        .render()?,
        StatusChangeHtml {
            entries,
            unsubscribe_url: &all,
            subject: subject.to_owned(),
        }
        .render()?,
        all,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads_up() -> MailContent {
        MailContent::HeadsUp(HeadsUp {
            recipient_org: "東和薬品".into(),
            product: ProductLine {
                code: "2171022F5180".into(),
                name: "アムロジピン錠５ｍｇ「サワイ」".into(),
            },
            maker_name: "沢井製薬".into(),
            shipping_before: Some("通常出荷".into()),
            shipping_after: "限定出荷（自社の事情）".into(),
            volume_before: Some("出荷量通常（概ね90%以上110%未満）".into()),
            volume_after: Some("出荷量減少（概ね90%未満）".into()),
            reason: Some("製造トラブル".into()),
            reported_on: "2026-12-01".into(),
            substitutes: vec![ProductLine {
                code: "2171022F5075".into(),
                name: "アムロジピン錠５ｍｇ「トーワ」".into(),
            }],
            link_path: "/my/substitute-requests/7".into(),
        })
    }

    #[test]
    fn a_heads_up_names_the_product_its_maker_the_change_and_the_answer_link() {
        let rendered = heads_up()
            .render("https://sw.example")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(rendered.subject.contains("アムロジピン錠５ｍｇ「サワイ」"));
        assert!(rendered.subject.contains("沢井製薬"));
        for body in [&rendered.text, &rendered.html] {
            assert!(body.contains("2171022F5180"), "{body}");
            assert!(body.contains("通常出荷 → 限定出荷（自社の事情）"), "{body}");
            assert!(body.contains("https://sw.example/my/substitute-requests/7"));
            assert!(body.contains("2171022F5075"));
        }
    }

    #[test]
    fn content_survives_the_outbox_as_json() {
        let content = heads_up();
        let json = serde_json::to_string(&content).unwrap_or_default();
        let back: MailContent = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, content);
        assert_eq!(back.kind(), MailKind::HeadsUp);
    }

    #[test]
    fn a_digest_lists_each_held_message_with_its_link() {
        let digest = MailContent::Digest(Digest {
            recipient_org: "東和薬品".into(),
            items: vec![heads_up(), heads_up()],
        });
        let rendered = digest.render("http://x").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rendered.subject, "【SupplyWatch】本日のお知らせ（2件）");
        assert_eq!(
            rendered
                .text
                .matches("http://x/my/substitute-requests/7")
                .count(),
            2
        );
    }
}
