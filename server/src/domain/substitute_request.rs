//! What a request to a substitute maker asks: the automatic heads-up after a status worsened,
//! the ministry's information request, or its consent-gated cooperation request.

use super::coded::coded_enum;

coded_enum!(
    /// What a request asks: a heads-up (automatic, no case, no consent), an information request
    /// (在庫状況・生産状況; no consent needed) or a cooperation request (協力依頼; needs consent).
    RequestKind {
        HeadsUp = "heads_up", "供給状況悪化のお知らせ";
        Information = "information", "在庫・生産状況の照会";
        Cooperation = "cooperation", "増産等の協力依頼";
    }
);
