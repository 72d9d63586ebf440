//! An association's answer to a request (業界団体の回答): whether it relayed the request to its
//! members, how many members it reached, and free text — its own form, not a maker's (an
//! association has no stock and no production). Parsed from typed text, every broken rule named.

use super::validation::{FieldError, normalize_width, yes_no};

/// Members reached at most (a number beyond is a typing slip).
const MAX_MEMBERS: i64 = 100_000;

/// The answer as typed (blank = not given).
#[derive(Debug, Clone, Default)]
pub struct RelayInput {
    /// 会員への周知: `true`/`false` (also はい/いいえ, 済/未).
    pub relayed_to_members: String,
    /// 周知した会員数.
    pub members_reached: String,
    /// 自由記載.
    pub note: String,
}

/// A valid association answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayAnswer {
    /// Whether the request was relayed to the members.
    pub relayed_to_members: bool,
    /// How many members it reached (when relayed).
    pub members_reached: Option<i32>,
    /// Free text.
    pub note: Option<String>,
}

type Problems = Vec<(&'static str, FieldError)>;

/// Checks an answer: 周知 yes or no is required; when relayed, the number of members reached
/// (0–100,000); when not, no number, and a word on why (the free text).
pub fn validate(input: &RelayInput) -> Result<RelayAnswer, Problems> {
    let mut errors: Problems = Vec::new();
    let relayed = yes_no(
        &input.relayed_to_members,
        &["済", "周知した"],
        &["未", "周知していない"],
    );
    if relayed.is_none() {
        errors.push((
            "relayed_to_members",
            FieldError::new(
                "required",
                "会員への周知（した／していない）を選んでください",
            ),
        ));
    }
    let typed = normalize_width(&input.members_reached).replace([',', '社'], "");
    let members = if typed.trim().is_empty() {
        None
    } else {
        match typed.trim().parse::<i64>() {
            Ok(n) if (0..=MAX_MEMBERS).contains(&n) => i32::try_from(n).ok(),
            _ => {
                errors.push((
                    "members_reached",
                    FieldError::new(
                        "range",
                        format!(
                            "周知した会員数「{}」は 0～{MAX_MEMBERS} の整数で入力してください",
                            input.members_reached.trim()
                        ),
                    ),
                ));
                None
            }
        }
    };
    let note = Some(input.note.trim().to_owned()).filter(|t| !t.is_empty());
    match relayed {
        Some(true) if members.is_none() && input.members_reached.trim().is_empty() => {
            errors.push((
                "members_reached",
                FieldError::new("required", "周知した場合は周知した会員数を入力してください"),
            ));
        }
        Some(false) if members.is_some() => errors.push((
            "members_reached",
            FieldError::new(
                "contradiction",
                "周知していない場合は会員数を空欄にしてください",
            ),
        )),
        Some(false) if note.is_none() => errors.push((
            "note",
            FieldError::new(
                "required",
                "周知していない場合は理由や今後の予定を記入してください",
            ),
        )),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(RelayAnswer {
        relayed_to_members: relayed.unwrap_or(false),
        members_reached: members,
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(input: &RelayInput) -> Vec<&'static str> {
        validate(input)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|(f, _)| *f)
            .collect()
    }

    #[test]
    fn a_relayed_request_names_how_many_members_it_reached() {
        let relayed = RelayInput {
            relayed_to_members: "true".into(),
            ..RelayInput::default()
        };
        assert_eq!(fields(&relayed), ["members_reached"]);
        assert_eq!(
            validate(&RelayInput {
                members_reached: "１,２００社".into(),
                note: " 会員メールで周知 ".into(),
                ..relayed.clone()
            }),
            Ok(RelayAnswer {
                relayed_to_members: true,
                members_reached: Some(1200),
                note: Some("会員メールで周知".into()),
            })
        );
        assert_eq!(
            fields(&RelayInput {
                members_reached: "-3".into(),
                ..relayed
            }),
            ["members_reached"]
        );
    }

    #[test]
    fn a_request_not_relayed_says_why_and_gives_no_count() {
        let not = RelayInput {
            relayed_to_members: "いいえ".into(),
            ..RelayInput::default()
        };
        assert_eq!(fields(&not), ["note"]);
        assert_eq!(
            fields(&RelayInput {
                members_reached: "10".into(),
                note: "理事会で検討中".into(),
                ..not.clone()
            }),
            ["members_reached"]
        );
        assert_eq!(fields(&RelayInput::default()), ["relayed_to_members"]);
        assert!(
            validate(&RelayInput {
                note: "理事会で検討中".into(),
                ..not
            })
            .is_ok()
        );
    }
}
