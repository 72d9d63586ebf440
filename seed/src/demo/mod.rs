//! The small hand-made demo set: real products typed from the 2025-07-16 price list (facts),
//! fictional devices, the organisations and the demo accounts of DESIGN §9.

/// An organisation of the demo.
#[derive(Debug, Clone, Copy)]
pub struct DemoOrganization {
    /// `manufacturer`, `wholesaler`, `ministry` or `association`.
    pub kind: &'static str,
    /// Name; makers carry their price-list name so that imports link to them.
    pub name: &'static str,
    /// A 法人番号 with a valid check digit (made up for the demo, not a real company's).
    pub corporate_number: &'static str,
    /// Supply contacts: (name, e-mail).
    pub contacts: &'static [(&'static str, &'static str)],
}

/// A demo account; all share the demo password.
#[derive(Debug, Clone, Copy)]
pub struct DemoUser {
    /// Login e-mail.
    pub email: &'static str,
    /// Name shown in the app.
    pub display_name: &'static str,
    /// Role name.
    pub role: &'static str,
    /// Name of the organisation in [`ORGANIZATIONS`].
    pub organization: &'static str,
}

/// A drug row, exactly as in the price list.
#[derive(Debug, Clone, Copy)]
pub struct DemoDrug {
    /// 区分.
    pub category: &'static str,
    /// 薬価基準収載医薬品コード.
    pub code: &'static str,
    /// 成分名.
    pub ingredient: &'static str,
    /// 規格.
    pub specification: &'static str,
    /// 日本薬局方.
    pub pharmacopoeia: bool,
    /// 品名.
    pub name: &'static str,
    /// メーカー名.
    pub maker: Option<&'static str>,
    /// 後発品 column.
    pub generic: &'static str,
    /// 先発医薬品 column.
    pub originator: &'static str,
    /// 同一剤形・規格の後発医薬品がある先発医薬品 column.
    pub has_generic: &'static str,
    /// 薬価.
    pub price: &'static str,
}

/// A device or IVD of the demo (fictional, with valid GTINs).
#[derive(Debug, Clone, Copy)]
pub struct DemoDevice {
    /// `device` or `ivd`.
    pub kind: &'static str,
    /// GTIN-13.
    pub gtin: &'static str,
    /// 販売名.
    pub name: &'static str,
    /// Maker's name (an organisation in [`ORGANIZATIONS`]).
    pub maker: &'static str,
    /// JMDN code.
    pub jmdn: &'static str,
    /// 承認番号 / 認証番号.
    pub approval_number: &'static str,
}

pub mod allocation;
mod drugs;
pub mod early_warning;
mod history;

pub use drugs::DRUGS;
pub use history::{DemoStatusReport, STATUS_HISTORY};

/// The edition the demo drugs come from.
pub const PRICE_LIST_EDITION: &str = "2025-07-16";

/// Organisations of the demo.
pub const ORGANIZATIONS: &[DemoOrganization] = &[
    DemoOrganization {
        kind: "ministry",
        name: "厚生労働省 医政局 医薬産業振興・医療情報企画課",
        corporate_number: "6010001000001",
        contacts: &[("安定供給対策室", "supply-desk@ministry.demo.example")],
    },
    DemoOrganization {
        kind: "manufacturer",
        name: "沢井製薬",
        corporate_number: "5010001000002",
        contacts: &[("安定供給窓口 佐藤", "supply@maker.demo.example")],
    },
    DemoOrganization {
        kind: "manufacturer",
        name: "東和薬品",
        corporate_number: "4010001000003",
        contacts: &[("供給管理責任者 鈴木", "supply@maker2.demo.example")],
    },
    DemoOrganization {
        kind: "manufacturer",
        name: "第一三共",
        corporate_number: "3010001000004",
        contacts: &[("安定供給窓口 高橋", "supply@maker3.demo.example")],
    },
    DemoOrganization {
        kind: "manufacturer",
        name: "住友ファーマ",
        corporate_number: "2010001000005",
        contacts: &[("安定供給窓口 田中", "supply@maker4.demo.example")],
    },
    DemoOrganization {
        kind: "wholesaler",
        name: "デモ北日本薬品卸",
        corporate_number: "5020001000001",
        contacts: &[("配分担当 伊藤", "allocation@wholesaler.demo.example")],
    },
    DemoOrganization {
        kind: "wholesaler",
        name: "デモ南海メディカル",
        corporate_number: "4020001000002",
        contacts: &[("配分担当 渡辺", "allocation@wholesaler2.demo.example")],
    },
    DemoOrganization {
        kind: "association",
        name: "デモ医薬品供給協議会",
        corporate_number: "4030001000001",
        contacts: &[("事務局 山本", "office@association.demo.example")],
    },
];

/// The demo accounts of DESIGN §9.
pub const USERS: &[DemoUser] = &[
    DemoUser {
        email: "ministry@demo.example",
        display_name: "厚労 花子",
        role: "ministry",
        organization: "厚生労働省 医政局 医薬産業振興・医療情報企画課",
    },
    DemoUser {
        email: "maker@demo.example",
        display_name: "沢井 一郎",
        role: "manufacturer",
        organization: "沢井製薬",
    },
    DemoUser {
        email: "maker2@demo.example",
        display_name: "東和 次郎",
        role: "manufacturer",
        organization: "東和薬品",
    },
    DemoUser {
        email: "wholesaler@demo.example",
        display_name: "北日本 三郎",
        role: "wholesaler",
        organization: "デモ北日本薬品卸",
    },
    DemoUser {
        email: "wholesaler2@demo.example",
        display_name: "南海 四郎",
        role: "wholesaler",
        organization: "デモ南海メディカル",
    },
    DemoUser {
        email: "association@demo.example",
        display_name: "協議 五郎",
        role: "association",
        organization: "デモ医薬品供給協議会",
    },
    DemoUser {
        email: "admin@demo.example",
        display_name: "運用 管理",
        role: "admin",
        organization: "厚生労働省 医政局 医薬産業振興・医療情報企画課",
    },
];

/// Devices and IVDs of the demo: two of `maker@`'s organisation and declared substitutes.
pub const DEVICES: &[DemoDevice] = &[
    DemoDevice {
        kind: "device",
        gtin: "4569991000018",
        name: "デモ輸液セット 成人用",
        maker: "沢井製薬",
        jmdn: "70371000",
        approval_number: "22000BZX00001000",
    },
    DemoDevice {
        kind: "ivd",
        gtin: "4569991000025",
        name: "デモ インフルエンザ抗原キット",
        maker: "沢井製薬",
        jmdn: "30612000",
        approval_number: "30200EZX00002000",
    },
    DemoDevice {
        kind: "device",
        gtin: "4569992000017",
        name: "デモ輸液セット スタンダード",
        maker: "東和薬品",
        jmdn: "70371000",
        approval_number: "22100BZX00003000",
    },
    DemoDevice {
        kind: "ivd",
        gtin: "4569991000032",
        name: "デモ 新型コロナ抗原キット",
        maker: "東和薬品",
        jmdn: "30613000",
        approval_number: "30300EZX00004000",
    },
];

/// Declared substitutes among the devices: (product GTIN, substitute GTIN).
pub const DEVICE_SUBSTITUTES: &[(&str, &str)] = &[
    ("4569991000018", "4569992000017"),
    ("4569992000017", "4569991000018"),
];

/// The demo drugs as a file in the price list's CSV layout, so that they load through the
/// same importer as a real edition.
pub fn price_list_csv() -> String {
    let mut csv = String::from(
        "区分,薬価基準収載医薬品コード,成分名,規格,日本薬局方,麻薬,業者名追記,品名,メーカー名,診療報酬において加算等の算定対象となる後発医薬品,先発医薬品,同一剤形・規格の後発医薬品がある先発医薬品,薬価,経過措置による使用期限,備考\n",
    );
    for d in DRUGS {
        let fields = [
            d.category,
            d.code,
            d.ingredient,
            d.specification,
            if d.pharmacopoeia { "局" } else { "" },
            "",
            "",
            d.name,
            d.maker.unwrap_or(""),
            d.generic,
            d.originator,
            d.has_generic,
            d.price,
            "",
            "",
        ];
        csv.push_str(
            &fields
                .iter()
                .map(|f| quote(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        csv.push('\n');
    }
    csv
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_user_belongs_to_a_demo_organisation() {
        for user in USERS {
            assert!(
                ORGANIZATIONS.iter().any(|o| o.name == user.organization),
                "{}",
                user.email
            );
        }
    }

    #[test]
    fn maker_shares_same_spec_groups_with_other_makers() {
        let groups_of = |maker: &str| -> Vec<&str> {
            DRUGS
                .iter()
                .filter(|d| d.maker == Some(maker))
                .map(|d| &d.code[..9])
                .collect()
        };
        let shared = groups_of("沢井製薬")
            .into_iter()
            .filter(|g| {
                DRUGS
                    .iter()
                    .any(|d| d.code.starts_with(g) && d.maker != Some("沢井製薬"))
            })
            .count();
        assert!(shared >= 2, "only {shared} shared groups");
    }

    #[test]
    fn the_status_history_names_demo_drugs_oldest_first() {
        for report in STATUS_HISTORY {
            assert!(
                DRUGS.iter().any(|d| d.code == report.code),
                "{}",
                report.code
            );
            if !report.causing_product_code.is_empty() {
                assert_eq!(report.shipping_status, "3", "{}", report.code);
            }
        }
        assert!(
            STATUS_HISTORY
                .windows(2)
                .all(|w| w[0].days_ago >= w[1].days_ago)
        );
    }

    #[test]
    fn the_csv_has_one_line_per_drug_plus_the_header() {
        assert_eq!(price_list_csv().lines().count(), DRUGS.len() + 1);
        assert!(DRUGS.len() + DEVICES.len() >= 20);
    }
}
