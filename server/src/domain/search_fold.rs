//! The one normaliser of every search in the product: text is folded the same way when it is
//! stored (`products.search_text`) and when it is asked for, so that 「ｶﾙﾎﾞｼｽﾃｲﾝ」 (half-width),
//! 「かるぼしすていん」 (hiragana), 「カルボシステイン」 and 「ＡＢＣ」/「abc」 all meet.

use unicode_normalization::UnicodeNormalization;

/// Folds `text` for matching: NFKC (full/half width, composed voiced marks), hiragana to
/// katakana, lower case, every run of white space to one space, trimmed.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkc().map(katakana_of) {
        if c.is_whitespace() {
            pending_space = !folded.is_empty();
            continue;
        }
        if pending_space {
            folded.push(' ');
            pending_space = false;
        }
        folded.extend(c.to_lowercase());
    }
    folded
}

/// The words of a query, each folded; blank words are dropped.
pub fn fold_words(query: &str) -> Vec<String> {
    fold(query)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A hiragana letter as its katakana (ぁ–ゖ, ゝ, ゞ); anything else unchanged.
fn katakana_of(c: char) -> char {
    match c {
        '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => {
            char::from_u32(c as u32 + 0x60).unwrap_or(c)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_kana_and_case_fold_to_one_form() {
        let want = fold("カルボシステイン");
        assert_eq!(fold("ｶﾙﾎﾞｼｽﾃｲﾝ"), want);
        assert_eq!(fold("かるぼしすていん"), want);
        assert_eq!(fold("Ｌ－カルボシステイン"), "l-カルボシステイン");
        assert_eq!(fold("ＡＢＣ　ｄｅｆ"), "abc def");
        assert_eq!(
            fold("  アムロジピン錠１０ｍｇ「サワイ」 "),
            "アムロジピン錠10mg「サワイ」"
        );
    }

    #[test]
    fn words_are_split_after_folding_the_ideographic_space() {
        assert_eq!(fold_words("かるぼ　サワイ  "), vec!["カルボ", "サワイ"]);
        assert!(fold_words(" 　").is_empty());
    }

    #[test]
    fn the_long_vowel_mark_and_small_kana_are_kept() {
        assert_eq!(fold("ぁゃー"), "ァャー");
    }
}
