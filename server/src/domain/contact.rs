//! How a maker's supply contact takes its mail.

use super::coded::coded_enum;

coded_enum!(
    /// Each mail as it comes, or the day's mail bundled into one the next morning.
    Delivery {
        Immediate = "immediate", "即時（1件ごとにメール）";
        DailyDigest = "daily_digest", "1日1回まとめて（毎朝8時）";
    }
);
