//! Reading text files as makers and the ministry send them: UTF-8 with or without BOM, or
//! Shift_JIS (CP932) from older Excel versions.

/// Decodes UTF-8 (a leading BOM is dropped) or, when the bytes are not UTF-8, Shift_JIS.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::SHIFT_JIS.decode(bytes).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_and_shift_jis_read_the_same() {
        let text = "品名,医薬品コード";
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode_text(&with_bom), text);
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        assert_eq!(decode_text(&sjis), text);
    }
}
