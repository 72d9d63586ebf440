//! The ministry's words for the status columns of its list (⑫ 出荷対応, ⑭ 理由, ⑮ 見込み, ⑰ 出荷量,
//! ⑱ 改善見込み時期, ⑲ 改善見込み量, ⑯ free text): read in the ministry's wording or ours, as the
//! code, the label or both, NFKC-normalised with spaces ignored (`①通常出荷`, `Aプラス．出荷量増加`,
//! `３．製造トラブル（製造委託を含む）`, `2`, `限定出荷（自社の事情）`); written back exactly as
//! the ministry's list prints them.

use unicode_normalization::UnicodeNormalization;

use super::{
    ImprovementTiming, Reason, ResolutionOutlook, ShippingStatus, VolumeStatus, YearMonth,
};
use crate::domain::validation::FieldError;

/// The form two texts are compared in: NFKC, every space removed (`３．－` → `3.-`).
pub fn key(text: &str) -> String {
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Separators between a code and its label (after NFKC): `1.`, `1:`, `1、`, or none (`①通常出荷`).
const SEPARATORS: [&str; 5] = ["", ".", ":", "、", ","];

/// One value's accepted codes and labels.
struct Words<T> {
    value: T,
    codes: &'static [&'static str],
    labels: &'static [&'static str],
}

/// Reads `input` as one of `words`; the error lists the values as `code label`.
fn read<T: Copy>(input: &str, field_ja: &str, words: &[Words<T>]) -> Result<T, FieldError> {
    let typed = key(input);
    // A code typed into a number cell comes back as `1.0`.
    let typed = match typed.strip_suffix(".0") {
        Some(number) if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) => {
            number.to_owned()
        }
        _ => typed,
    };
    let found = words.iter().find(|w| {
        w.labels.iter().any(|label| typed == key(label))
            || w.codes.iter().any(|code| {
                let code = key(code);
                typed == code
                    || typed.strip_prefix(code.as_str()).is_some_and(|rest| {
                        SEPARATORS.iter().any(|sep| {
                            rest.strip_prefix(sep)
                                .is_some_and(|label| w.labels.iter().any(|l| label == key(l)))
                        })
                    })
            })
    });
    found.map(|w| w.value).ok_or_else(|| {
        let allowed: Vec<String> = words
            .iter()
            .map(|w| format!("{} {}", w.codes[0], w.labels[0]))
            .collect();
        FieldError::new(
            "code",
            format!(
                "{field_ja}「{}」は使えません（{}）",
                input.trim(),
                allowed.join("・")
            ),
        )
    })
}

/// The value whose ministry text is exactly `input`: the common case of a list as published,
/// read without normalising.
fn verbatim<T: Copy>(input: &str, all: &[T], text: fn(T) -> &'static str) -> Option<T> {
    let input = input.trim();
    all.iter().copied().find(|v| text(*v) == input)
}

/// ⑫ 出荷対応の状況.
pub fn shipping_status(input: &str) -> Result<ShippingStatus, FieldError> {
    use ShippingStatus as S;
    if let Some(found) = verbatim(input, S::ALL, S::ministry_text) {
        return Ok(found);
    }
    read(
        input,
        "⑫出荷対応の状況",
        &[
            Words {
                value: S::Normal,
                codes: &["1"],
                labels: &["通常出荷"],
            },
            Words {
                value: S::LimitedOwn,
                codes: &["2"],
                labels: &["限定出荷（自社の事情）"],
            },
            Words {
                value: S::LimitedByOthers,
                codes: &["3"],
                labels: &["限定出荷（他社品の影響）"],
            },
            Words {
                value: S::LimitedOther,
                codes: &["4"],
                labels: &["限定出荷（その他）"],
            },
            Words {
                value: S::Stopped,
                codes: &["5"],
                labels: &["供給停止"],
            },
        ],
    )
}

/// ⑭ 限定出荷／供給停止の理由 (the ministry's labels and our shorter ones).
pub fn reason(input: &str) -> Result<Reason, FieldError> {
    use Reason as R;
    if let Some(found) = verbatim(input, R::ALL, R::ministry_text) {
        return Ok(found);
    }
    read(
        input,
        "⑭限定出荷／供給停止の理由",
        &[
            Words {
                value: R::DemandIncrease,
                codes: &["1"],
                labels: &["需要増"],
            },
            Words {
                value: R::RawMaterials,
                codes: &["2"],
                labels: &["原材料調達上の問題"],
            },
            Words {
                value: R::ManufacturingTrouble,
                codes: &["3"],
                labels: &["製造トラブル", "製造トラブル（製造委託を含む）"],
            },
            Words {
                value: R::QualityTrouble,
                codes: &["4"],
                labels: &["品質トラブル", "品質トラブル（製造委託を含む）"],
            },
            Words {
                value: R::AdministrativeAction,
                codes: &["5"],
                labels: &["行政処分", "行政処分（製造委託を含む）"],
            },
            Words {
                value: R::PriceListDeletion,
                codes: &["6"],
                labels: &["薬価削除"],
            },
            Words {
                value: R::NotApplicable,
                codes: &["7"],
                labels: &["－"],
            },
            Words {
                value: R::Other,
                codes: &["8"],
                labels: &["その他", "その他の理由"],
            },
        ],
    )
}

/// ⑮ 限定出荷の解除見込み／供給停止の解消見込み: ア あり, イ なし, ウ 未定, エ －.
pub fn resolution_outlook(input: &str) -> Result<ResolutionOutlook, FieldError> {
    use ResolutionOutlook as O;
    if let Some(found) = verbatim(input, O::ALL, O::ministry_text) {
        return Ok(found);
    }
    read(
        input,
        "⑮解除・解消見込み",
        &[
            Words {
                value: O::Expected,
                codes: &["ア"],
                labels: &["あり"],
            },
            Words {
                value: O::NotExpected,
                codes: &["イ"],
                labels: &["なし"],
            },
            Words {
                value: O::Undecided,
                codes: &["ウ"],
                labels: &["未定"],
            },
            Words {
                value: O::NotApplicable,
                codes: &["エ"],
                labels: &["－"],
            },
        ],
    )
}

/// ⑰ 出荷量の状況: A+ (Aプラス), A, B, C, D, with the ministry's labels or ours.
pub fn volume_status(input: &str) -> Result<VolumeStatus, FieldError> {
    use VolumeStatus as V;
    if let Some(found) = verbatim(input, V::ALL, V::ministry_text) {
        return Ok(found);
    }
    read(
        input,
        "⑰出荷量の状況",
        &[
            Words {
                value: V::APlus,
                codes: &["A+", "Aプラス", "a+"],
                labels: &["出荷量増加", "出荷量増加（概ね110%以上）"],
            },
            Words {
                value: V::A,
                codes: &["A", "a"],
                labels: &["出荷量通常", "出荷量通常（概ね90%以上110%未満）"],
            },
            Words {
                value: V::B,
                codes: &["B", "b"],
                labels: &["出荷量減少", "出荷量減少（概ね90%未満）"],
            },
            Words {
                value: V::C,
                codes: &["C", "c"],
                labels: &["出荷停止"],
            },
            Words {
                value: V::D,
                codes: &["D", "d"],
                labels: &["薬価削除予定", "販売中止（薬価削除予定）"],
            },
        ],
    )
}

/// ⑱ 出荷量の改善（増加）見込み時期: a 即時 … e ３か月超.
pub fn improvement_timing(input: &str) -> Result<ImprovementTiming, FieldError> {
    use ImprovementTiming as T;
    if let Some(found) = verbatim(input, T::ALL, T::ministry_text) {
        return Ok(found);
    }
    read(
        input,
        "⑱改善見込み時期",
        &[
            Words {
                value: T::Immediate,
                codes: &["a", "A"],
                labels: &["即時"],
            },
            Words {
                value: T::WithinOneMonth,
                codes: &["b", "B"],
                labels: &["１か月以内", "1ヶ月以内", "1カ月以内"],
            },
            Words {
                value: T::WithinTwoMonths,
                codes: &["c", "C"],
                labels: &["２か月以内", "2ヶ月以内", "2カ月以内"],
            },
            Words {
                value: T::WithinThreeMonths,
                codes: &["d", "D"],
                labels: &["３か月以内", "3ヶ月以内", "3カ月以内"],
            },
            Words {
                value: T::BeyondThreeMonths,
                codes: &["e", "E"],
                labels: &["３か月超", "3ヶ月超", "3カ月超"],
            },
        ],
    )
}

/// ⑲ 改善見込み量: a whole percentage of today's volume (`110`, `１１０`, `110%`), 0–1000.
pub fn improvement_percent(input: &str) -> Result<u16, FieldError> {
    let typed = key(input);
    let number = typed.strip_suffix('%').unwrap_or(&typed);
    let number = number.strip_suffix(".0").unwrap_or(number);
    number
        .parse::<u16>()
        .ok()
        .filter(|n| *n <= 1000)
        .ok_or_else(|| {
            FieldError::new(
                "number",
                format!(
                    "⑲改善見込み量「{}」は現在の出荷量に対する割合（%）を整数で入力してください（例 110）",
                    input.trim()
                ),
            )
        })
}

/// The month a ⑯ free text names, when it names one: `2026年3月頃在庫消尽見込み`, `2026/11`,
/// `2026/4/1`, `2026-03`. `None` for text without a year and month.
pub fn month_in_note(note: &str) -> Option<YearMonth> {
    let text = key(note);
    let chars: Vec<char> = text.chars().collect();
    for start in 0..chars.len() {
        if start > 0 && chars[start - 1].is_ascii_digit() {
            continue;
        }
        let year: String = chars[start..].iter().take(4).collect();
        if year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let rest = &chars[start + 4..];
        let Some((&sep, rest)) = rest.split_first() else {
            continue;
        };
        if !matches!(sep, '年' | '/' | '-' | '.') {
            continue;
        }
        let month: String = rest.iter().take_while(|c| c.is_ascii_digit()).collect();
        let after = rest.get(month.len()).copied();
        let month_ok = match sep {
            '年' => after == Some('月'),
            _ => true,
        };
        if month_ok && (1..=2).contains(&month.len()) {
            if let (Ok(y), Ok(m)) = (year.parse(), month.parse()) {
                if let Some(found) = YearMonth::new(y, m) {
                    return Some(found);
                }
            }
        }
    }
    None
}

impl ShippingStatus {
    /// ⑫ as the ministry's list prints it (`①通常出荷`).
    pub fn ministry_text(self) -> &'static str {
        match self {
            Self::Normal => "①通常出荷",
            Self::LimitedOwn => "②限定出荷（自社の事情）",
            Self::LimitedByOthers => "③限定出荷（他社品の影響）",
            Self::LimitedOther => "④限定出荷（その他）",
            Self::Stopped => "⑤供給停止",
        }
    }
}

impl Reason {
    /// ⑭ as the ministry's list prints it (`３．製造トラブル（製造委託を含む）`).
    pub fn ministry_text(self) -> &'static str {
        match self {
            Self::DemandIncrease => "１．需要増",
            Self::RawMaterials => "２．原材料調達上の問題",
            Self::ManufacturingTrouble => "３．製造トラブル（製造委託を含む）",
            Self::QualityTrouble => "４．品質トラブル（製造委託を含む）",
            Self::AdministrativeAction => "５．行政処分（製造委託を含む）",
            Self::PriceListDeletion => "６．薬価削除",
            Self::NotApplicable => "７．－",
            Self::Other => "８．その他の理由",
        }
    }
}

impl ResolutionOutlook {
    /// ⑮ as the ministry's list prints it (`ア. あり`, an ASCII dot and a space).
    pub fn ministry_text(self) -> &'static str {
        match self {
            Self::Expected => "ア. あり",
            Self::NotExpected => "イ. なし",
            Self::Undecided => "ウ. 未定",
            Self::NotApplicable => "エ. －",
        }
    }
}

impl VolumeStatus {
    /// ⑰ as the ministry's list prints it (`Aプラス．出荷量増加`).
    pub fn ministry_text(self) -> &'static str {
        match self {
            Self::APlus => "Aプラス．出荷量増加",
            Self::A => "A．出荷量通常",
            Self::B => "B．出荷量減少",
            Self::C => "C．出荷停止",
            Self::D => "D．薬価削除予定",
        }
    }
}

impl ImprovementTiming {
    /// ⑱ as the ministry's list prints it (`e．３か月超`).
    pub fn ministry_text(self) -> &'static str {
        match self {
            Self::Immediate => "a．即時",
            Self::WithinOneMonth => "b．１か月以内",
            Self::WithinTwoMonths => "c．２か月以内",
            Self::WithinThreeMonths => "d．３か月以内",
            Self::BeyondThreeMonths => "e．３か月超",
        }
    }
}

#[cfg(test)]
mod tests;
