//! What a request to a substitute maker asks: the automatic heads-up after a status worsened,
//! the ministry's information request, or its consent-gated cooperation request.

use super::coded::coded_enum;
use super::supply_status::ShippingStatus;

coded_enum!(
    /// What a request asks: a heads-up (automatic, no case, no consent), an information request
    /// (在庫状況・生産状況; no consent needed) or a cooperation request (協力依頼; needs consent).
    RequestKind {
        HeadsUp = "heads_up", "供給状況悪化のお知らせ";
        Information = "information", "在庫・生産状況の照会";
        Cooperation = "cooperation", "増産等の協力依頼";
    }
);

/// Why a maker whose same-spec products are all stopped is not asked.
pub const STOPPED_REASON: &str = "自社の同一規格品が供給停止中";
/// Why a maker whose same-spec products are all limited for its own reasons is not asked.
pub const LIMITED_REASON: &str = "自社の同一規格品が限定出荷中（自社の事情）";

/// Why a maker is left out of requests and heads-ups, from the ⑫ of each of its same-spec
/// products: only when every one of them is at ② 限定出荷（自社の事情） or ⑤ 供給停止 — it
/// cannot make up for another maker's shortfall. None when any is in another state or has no
/// status.
pub fn left_out(statuses: &[Option<ShippingStatus>]) -> Option<&'static str> {
    let own_trouble = |s: &Option<ShippingStatus>| {
        matches!(
            s,
            Some(ShippingStatus::LimitedOwn | ShippingStatus::Stopped)
        )
    };
    if statuses.is_empty() || !statuses.iter().all(own_trouble) {
        return None;
    }
    if statuses.contains(&Some(ShippingStatus::Stopped)) {
        Some(STOPPED_REASON)
    } else {
        Some(LIMITED_REASON)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_maker_is_left_out_only_when_all_its_same_spec_products_are_at_2_or_5() {
        use ShippingStatus::{LimitedByOthers, LimitedOwn, Normal, Stopped};
        assert_eq!(left_out(&[Some(Stopped)]), Some(STOPPED_REASON));
        assert_eq!(left_out(&[Some(LimitedOwn)]), Some(LIMITED_REASON));
        assert_eq!(
            left_out(&[Some(LimitedOwn), Some(Stopped)]),
            Some(STOPPED_REASON)
        );
        assert_eq!(left_out(&[Some(Stopped), Some(Normal)]), None);
        assert_eq!(left_out(&[Some(LimitedByOthers)]), None);
        assert_eq!(left_out(&[Some(Stopped), None]), None);
        assert_eq!(left_out(&[]), None);
    }
}
