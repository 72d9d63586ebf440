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

/// A query word typed in romaji (Hepburn or kunrei, e.g. `karubosisutein`, `amurojipin`) as
/// katakana, for matching drug names; `None` unless the whole word reads as romaji of at least
/// two kana (codes, units and English words stay as typed).
pub fn romaji_to_katakana(word: &str) -> Option<String> {
    let word = word.to_ascii_lowercase();
    if word.len() < 4 || !word.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return None;
    }
    let bytes = word.as_bytes();
    let mut kana = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &word[i..];
        let c = bytes[i];
        // A doubled consonant is a small ッ (but `nn` is ン).
        if i + 1 < bytes.len() && c == bytes[i + 1] && !b"aiueon-".contains(&c) {
            kana.push('ッ');
            i += 1;
            continue;
        }
        if c == b'-' {
            kana.push('ー');
            i += 1;
            continue;
        }
        // ン: `nn`, `n'`, or `n` not followed by a vowel or `y`.
        if c == b'n' {
            let next = bytes.get(i + 1).copied();
            if next == Some(b'n') {
                kana.push('ン');
                i += 2;
                continue;
            }
            if !next.is_some_and(|n| b"aiueoy".contains(&n)) {
                kana.push('ン');
                i += 1;
                continue;
            }
        }
        let (len, found) = (1..=3).rev().filter(|n| *n <= rest.len()).find_map(|n| {
            ROMAJI
                .iter()
                .find(|(r, _)| *r == &rest[..n])
                .map(|(_, k)| (n, *k))
        })?;
        kana.push_str(found);
        i += len;
    }
    (kana.chars().count() >= 2).then_some(kana)
}

/// Romaji syllables and their katakana.
const ROMAJI: &[(&str, &str)] = &[
    ("a", "ア"),
    ("i", "イ"),
    ("u", "ウ"),
    ("e", "エ"),
    ("o", "オ"),
    ("ka", "カ"),
    ("ki", "キ"),
    ("ku", "ク"),
    ("ke", "ケ"),
    ("ko", "コ"),
    ("kya", "キャ"),
    ("kyu", "キュ"),
    ("kyo", "キョ"),
    ("sa", "サ"),
    ("si", "シ"),
    ("shi", "シ"),
    ("su", "ス"),
    ("se", "セ"),
    ("so", "ソ"),
    ("sha", "シャ"),
    ("shu", "シュ"),
    ("sho", "ショ"),
    ("she", "シェ"),
    ("sya", "シャ"),
    ("syu", "シュ"),
    ("syo", "ショ"),
    ("ta", "タ"),
    ("ti", "チ"),
    ("chi", "チ"),
    ("tu", "ツ"),
    ("tsu", "ツ"),
    ("te", "テ"),
    ("to", "ト"),
    ("cha", "チャ"),
    ("chu", "チュ"),
    ("cho", "チョ"),
    ("che", "チェ"),
    ("tya", "チャ"),
    ("tyu", "チュ"),
    ("tyo", "チョ"),
    ("na", "ナ"),
    ("ni", "ニ"),
    ("nu", "ヌ"),
    ("ne", "ネ"),
    ("no", "ノ"),
    ("nya", "ニャ"),
    ("nyu", "ニュ"),
    ("nyo", "ニョ"),
    ("ha", "ハ"),
    ("hi", "ヒ"),
    ("hu", "フ"),
    ("fu", "フ"),
    ("he", "ヘ"),
    ("ho", "ホ"),
    ("hya", "ヒャ"),
    ("hyu", "ヒュ"),
    ("hyo", "ヒョ"),
    ("fa", "ファ"),
    ("fi", "フィ"),
    ("fe", "フェ"),
    ("fo", "フォ"),
    ("ma", "マ"),
    ("mi", "ミ"),
    ("mu", "ム"),
    ("me", "メ"),
    ("mo", "モ"),
    ("mya", "ミャ"),
    ("myu", "ミュ"),
    ("myo", "ミョ"),
    ("ya", "ヤ"),
    ("yu", "ユ"),
    ("yo", "ヨ"),
    ("ra", "ラ"),
    ("ri", "リ"),
    ("ru", "ル"),
    ("re", "レ"),
    ("ro", "ロ"),
    ("rya", "リャ"),
    ("ryu", "リュ"),
    ("ryo", "リョ"),
    ("wa", "ワ"),
    ("wo", "ヲ"),
    ("ga", "ガ"),
    ("gi", "ギ"),
    ("gu", "グ"),
    ("ge", "ゲ"),
    ("go", "ゴ"),
    ("gya", "ギャ"),
    ("gyu", "ギュ"),
    ("gyo", "ギョ"),
    ("za", "ザ"),
    ("zi", "ジ"),
    ("ji", "ジ"),
    ("zu", "ズ"),
    ("ze", "ゼ"),
    ("zo", "ゾ"),
    ("ja", "ジャ"),
    ("ju", "ジュ"),
    ("jo", "ジョ"),
    ("je", "ジェ"),
    ("zya", "ジャ"),
    ("zyu", "ジュ"),
    ("zyo", "ジョ"),
    ("da", "ダ"),
    ("di", "ヂ"),
    ("du", "ヅ"),
    ("de", "デ"),
    ("do", "ド"),
    ("ba", "バ"),
    ("bi", "ビ"),
    ("bu", "ブ"),
    ("be", "ベ"),
    ("bo", "ボ"),
    ("bya", "ビャ"),
    ("byu", "ビュ"),
    ("byo", "ビョ"),
    ("pa", "パ"),
    ("pi", "ピ"),
    ("pu", "プ"),
    ("pe", "ペ"),
    ("po", "ポ"),
    ("pya", "ピャ"),
    ("pyu", "ピュ"),
    ("pyo", "ピョ"),
    ("va", "ヴァ"),
    ("vi", "ヴィ"),
    ("vu", "ヴ"),
    ("ve", "ヴェ"),
    ("vo", "ヴォ"),
];

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
    fn romaji_words_read_as_katakana_and_codes_do_not() {
        assert_eq!(
            romaji_to_katakana("karubosisutein").as_deref(),
            Some("カルボシステイン")
        );
        assert_eq!(romaji_to_katakana("Karubo").as_deref(), Some("カルボ"));
        assert_eq!(
            romaji_to_katakana("amurojipin").as_deref(),
            Some("アムロジピン")
        );
        assert_eq!(
            romaji_to_katakana("rokisopurofen").as_deref(),
            Some("ロキソプロフェン")
        );
        assert_eq!(
            romaji_to_katakana("shinryou").as_deref(),
            Some("シンリョウ")
        );
        assert_eq!(romaji_to_katakana("kappu").as_deref(), Some("カップ"));
        assert_eq!(romaji_to_katakana("10mg"), None);
        assert_eq!(romaji_to_katakana("2171022f5"), None);
        assert_eq!(romaji_to_katakana("carbocisteine"), None);
    }

    #[test]
    fn the_long_vowel_mark_and_small_kana_are_kept() {
        assert_eq!(fold("ぁゃー"), "ァャー");
    }
}
