//! The audit log's action codes and their Japanese names, as the audit page shows them.

/// Every action code written to the audit log, with its Japanese name, in the order of the
/// audit page's action filter.
pub const ACTIONS: &[(&str, &str)] = &[
    ("login", "ログイン"),
    ("logout", "ログアウト"),
    ("token.issue", "APIトークン発行"),
    ("token.revoke", "APIトークン失効"),
    ("session.revoke", "セッション終了"),
    ("password.change", "パスワード変更"),
    ("mfa.enroll", "二要素認証の登録開始"),
    ("mfa.confirm", "二要素認証の有効化"),
    ("mfa.recovery_code", "リカバリーコードでのログイン"),
    ("mfa.reset", "二要素認証のリセット"),
    ("case.view", "事案の閲覧"),
    ("report.download", "報告書のダウンロード"),
    ("caps.export", "上限量の出力"),
    ("audit.export", "監査ログの出力"),
    ("case_report.file", "報告の提出"),
    ("case.transition", "事案の手続"),
    ("case.request", "代替品メーカーへの依頼"),
    ("substitute_request.answer", "代替品依頼への回答"),
    ("substitute.declare", "代替品の登録"),
    ("supply_status.file", "供給状況報告"),
    ("shipments.upload", "出荷実績の取込"),
    ("purchase_history.upload", "販売実績の取込"),
    ("dispensing.upload", "需要データの取込"),
    ("allocation_plan.create", "配分計画の作成"),
    ("allocation_plan.recompute", "配分計画の再計算"),
    ("reserve_request.create", "留保分の申請"),
    ("reserve_request.grant", "留保分の承認"),
    ("publication.publish", "公表"),
    ("price_list.import", "薬価基準の取込"),
    ("supply_list.import", "医療用医薬品供給状況の取込"),
    ("product.create", "製品の登録"),
    ("contacts.email", "連絡先の変更"),
    ("organization.supply_manager", "供給体制管理責任者の登録"),
    ("organization.create", "組織の登録"),
    ("user.create", "利用者の登録"),
    ("user.invite", "利用者の招待"),
    ("invitation.accept", "招待からのパスワード設定"),
    ("user.update", "ロール・組織の変更"),
    ("user.activate", "利用者の有効化"),
    ("user.deactivate", "利用者の無効化"),
    ("seed.national", "全国規模データの投入"),
    ("seed.national_allocation", "全国規模配分データの投入"),
];

/// The Japanese name of an action code, or the code itself when it has none.
pub fn label(code: &str) -> &str {
    ACTIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, label)| label)
}

/// What a target's prefix names, in Japanese (`case:3` is 事案 3).
const TARGETS: &[(&str, &str)] = &[
    ("user", "利用者"),
    ("organization", "組織"),
    ("token", "APIトークン"),
    ("case", "事案"),
    ("upload", "アップロード"),
    ("edition", "版"),
    ("allocation_plan", "配分計画"),
    ("reserve_request", "留保分の申請"),
    ("substitute_request", "代替品依頼"),
    ("publication", "公表"),
    ("weeks", "週"),
    ("month", "月"),
];

/// The target of an entry as the audit page shows it: `case:3` → `事案 3`, `user:unknown` →
/// `利用者（不明）`; codes and e-mail addresses as they are.
pub fn target_label(target: &str) -> String {
    let Some((prefix, rest)) = target.split_once(':') else {
        return target.to_owned();
    };
    match TARGETS.iter().find(|(p, _)| *p == prefix) {
        Some((_, name)) if rest == "unknown" => format!("{name}（不明）"),
        Some((_, name)) => format!("{name} {rest}"),
        None => target.to_owned(),
    }
}

/// Who acted, as the audit page shows it: a person's e-mail as it is, the system's own work
/// (`system:demo`) in Japanese.
pub fn actor_label(actor: &str) -> String {
    match actor.strip_prefix("system:") {
        Some(what) => format!("システム（{}）", system_work(what)),
        None => actor.to_owned(),
    }
}

/// The system's own work, by the name its actor carries (jobs and commands).
fn system_work(what: &str) -> &'static str {
    match what {
        "demo" => "デモデータの投入",
        "seed national" => "全国規模データの投入",
        "import nhi-price-list" => "薬価基準の取込",
        "import supply-list" => "医療用医薬品供給状況の取込",
        "weekly-publication" | "daily-publication" => "定時の公表",
        "outbox-dispatch" => "メール送信",
        "daily-digest" => "日次まとめメール",
        "case-reminders" | "stale-status-reminder" => "督促メール",
        "cleanup-sessions" => "期限切れセッションの削除",
        "knock-on-forecast" => "波及予測",
        "backup" => "バックアップ",
        "user" => "利用者管理",
        "test" => "試験",
        "bench" => "性能測定",
        _ => "自動処理",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_the_system_read_in_japanese() {
        assert_eq!(target_label("case:3"), "事案 3");
        assert_eq!(target_label("user:unknown"), "利用者（不明）");
        assert_eq!(target_label("4569991000018"), "4569991000018");
        assert_eq!(actor_label("system:demo"), "システム（デモデータの投入）");
        assert_eq!(actor_label("maker@demo.example"), "maker@demo.example");
    }

    #[test]
    fn every_action_has_one_japanese_name() {
        assert_eq!(label("case.view"), "事案の閲覧");
        assert_eq!(label("unknown.thing"), "unknown.thing");
        let mut codes: Vec<&str> = ACTIONS.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ACTIONS.len(), "an action code is listed twice");
    }
}
