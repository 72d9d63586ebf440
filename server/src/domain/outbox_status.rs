//! Where a queued mail stands: waiting, held for the daily digest, on the wire, delivered, failed
//! for good, or bundled into a digest.

use super::coded::coded_enum;

coded_enum!(
    /// A queued mail's status (`pending` → `sending` → `sent`, or back to `pending` to retry and
    /// `failed` after the last try; `held` → `digested` for a daily digest).
    OutboxStatus {
        Failed = "failed", "送信失敗";
        Pending = "pending", "送信待ち";
        Held = "held", "まとめ待ち";
        Sending = "sending", "送信中";
        Sent = "sent", "送信済み";
        Digested = "digested", "まとめて送信";
    }
);

impl OutboxStatus {
    /// The statuses an admin filters the outbox by, in the filter's order (`sending` lasts only
    /// while a dispatcher runs, so it is not offered).
    pub const FILTERS: &'static [Self] = &[
        Self::Failed,
        Self::Pending,
        Self::Held,
        Self::Sent,
        Self::Digested,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_from_its_code_and_has_a_label() {
        for status in OutboxStatus::ALL {
            assert_eq!(OutboxStatus::from_code(status.code()), Some(*status));
            assert!(!status.label_ja().is_empty());
        }
        assert_eq!(OutboxStatus::from_code("送信失敗"), None);
        assert!(!OutboxStatus::FILTERS.contains(&OutboxStatus::Sending));
    }
}
