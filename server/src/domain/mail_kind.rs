//! What a queued mail is, as the outbox stores it beside the mail's content: the admin groups
//! failed mail by it, and a member of the public's mail is never shown with its address.

use super::coded::coded_enum;

coded_enum!(
    /// A mail's kind.
    MailKind {
        HeadsUp = "heads_up", "供給悪化の事前連絡";
        InformationRequest = "information_request", "在庫・生産状況の報告依頼";
        CooperationRequest = "cooperation_request", "増産等の協力要請";
        Notice = "notice", "お知らせ";
        Digest = "digest", "本日のお知らせ（まとめ）";
        SubscriptionConfirm = "subscription_confirm", "購読の登録確認";
        StatusChange = "status_change", "供給状況の変更（購読者）";
        StatusDigest = "status_digest", "供給状況の変更のまとめ（購読者）";
    }
);

impl MailKind {
    /// Sent to a member of the public who follows a drug (never named, not even to admins).
    pub fn is_public(self) -> bool {
        matches!(
            self,
            Self::SubscriptionConfirm | Self::StatusChange | Self::StatusDigest
        )
    }
}
