//! What an uploaded data file holds: the kind of upload (`data_uploads.kind`) and the kind of a
//! maker's shipment row.

use super::coded::coded_enum;

coded_enum!(
    /// Which upload: a maker's monthly shipment totals, a wholesaler's sales per customer, or the
    /// ministry's weekly dispensing counts (early warning).
    UploadKind {
        Shipments = "shipments", "出荷数量";
        PurchaseHistory = "purchase_history", "販売実績";
        Dispensing = "dispensing", "調剤数量";
        SupplyList = "supply_list", "医療用医薬品供給状況";
    }
);

coded_enum!(
    /// `actual` (出荷実績) or `planned` (出荷予定).
    ShipmentKind {
        Actual = "actual", "出荷実績";
        Planned = "planned", "出荷予定";
    }
);

impl ShipmentKind {
    /// Reads a file's cell: `actual`/`planned`, or 実績/予定 with or without 出荷.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "actual" | "実績" | "出荷実績" => Some(Self::Actual),
            "planned" | "予定" | "出荷予定" => Some(Self::Planned),
            _ => None,
        }
    }
}
