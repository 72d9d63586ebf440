//! The Japanese names of the fields of files and forms, as error tables name them (a file's
//! English column headings and the API's field names never reach a page), numbered as the
//! ministry's current list (①–⑳, since 2025-05-13) numbers them.

/// Field or column code → Japanese name.
const NAMES: &[(&str, &str)] = &[
    ("product_code", "医薬品・製品コード"),
    ("shipping_status", "⑫出荷対応の状況"),
    ("reason", "⑭限定出荷・供給停止の理由"),
    ("causing_product_code", "原因医薬品のコード"),
    ("resolution_outlook", "⑮解除・解消見込み"),
    ("resolution_month", "解消見込み月"),
    ("volume_status", "⑰出荷量の状況"),
    ("resolution_note", "⑯見込み時期・在庫消尽時期"),
    ("improvement_timing", "⑱出荷量の改善見込み時期"),
    ("improvement_percent", "⑲改善見込み量"),
    ("month", "月"),
    ("week", "週"),
    ("kind", "区分"),
    ("quantity", "数量"),
    ("customer_code", "得意先コード"),
    ("customer_name", "得意先名"),
    ("target_month", "対象月"),
    ("baseline_month", "基準月"),
    ("file", "ファイル"),
    ("header", "見出し行"),
    ("csv", "ファイル"),
    ("unreadable", "ファイル"),
    ("required", "必須の列"),
    ("totp", "確認コード"),
];

/// The Japanese name of a field or column code; anything else (a Japanese heading) as it is.
pub fn field_label(code: &str) -> &str {
    NAMES
        .iter()
        .find(|(c, _)| *c == code.trim())
        .map_or(code, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_in_japanese_and_japanese_headings_stay() {
        assert_eq!(field_label("product_code"), "医薬品・製品コード");
        assert_eq!(field_label("reason"), "⑭限定出荷・供給停止の理由");
        assert_eq!(field_label("volume_status"), "⑰出荷量の状況");
        assert_eq!(
            field_label("⑬限定出荷／供給停止の理由"),
            "⑬限定出荷／供給停止の理由"
        );
    }
}
