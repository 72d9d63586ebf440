//! The early-warning replay on history (`backtest-forecast`): a hand-made list scored as the
//! model's arithmetic says, day by day, and cutting the changes after a day leaves every list up
//! to that day unchanged — on the hand-made list and on the ministry's real list and changes.

use std::path::Path;

use supplywatch::domain::forecast::replay::Day;
use supplywatch::services::early_warning::backtest;
use supplywatch::services::table_file::TableLimits;
use supplywatch_tests::shared_data;

const HEADER: &str = "①薬剤区分,②薬効分類（保険薬収載時点の薬効分類を記載）,③成分名,④規格単位※全角,⑤YJコード,⑥品名（承認書に記載の正式名称）※全角,⑦製造販売業者名,⑧製品区分,⑨基礎的医薬品,⑩（重要）供給確保医薬品,⑪薬価収載年月日,⑫製造販売業者の「出荷対応」の状況,⑬当該品目の⑫の情報を更新した日（本項目を報告内容として追加した令和7年5月13日以降に⑫の情報を更新した品目についてのみ記載）,⑭限定出荷/供給停止の理由,⑮限定出荷の解除見込み／供給停止の解消見込み,⑯限定出荷の解除見込み／供給停止の解消見込み／販売中止品の在庫消尽時期,⑰製造販売業者の「出荷量」の現在の状況,⑱製造販売業者の「出荷量」の改善（増加）見込み時期,⑲⑱を任意選択した場合の「出荷量」の改善（増加）見込み量,⑳当該品目の⑫以外の情報を更新した日,今回掲載時の更新有無（更新有りの場合、Newと表示）";

/// Group 111111AF1: A in ③ since 08-09 (generic), B (generic) and C (先発品) in normal supply;
/// 111111AF2011 (generic) is the ingredient's other strength.
const ROWS: [&str; 4] = [
    "1：内用薬,血圧降下剤,成分Ｘ,１０ｍｇ１錠,111111AF1011,錠Ａ,メーカーＡ,2：後発品,2：対象外,,2013-06-21,③限定出荷（他社品の影響）,2026-08-09,１．需要増,ウ. 未定,,A．出荷量通常,,,2026-08-09,",
    "1：内用薬,血圧降下剤,成分Ｘ,１０ｍｇ１錠,111111AF1022,錠Ｂ,メーカーＢ,2：後発品,2：対象外,,2013-06-21,①通常出荷,,７．－,エ. －,,A．出荷量通常,,,2024-03-11,",
    "1：内用薬,血圧降下剤,成分Ｘ,１０ｍｇ１錠,111111AF1033,錠Ｃ,メーカーＣ,1：先発品,2：対象外,,2013-06-21,①通常出荷,,７．－,エ. －,,A．出荷量通常,,,2024-03-11,",
    "1：内用薬,血圧降下剤,成分Ｘ,２０ｍｇ１錠,111111AF2011,錠Ｄ,メーカーＢ,2：後発品,2：対象外,,2013-06-21,①通常出荷,,７．－,エ. －,,A．出荷量通常,,,2024-03-11,",
];

const TRANSITIONS: &str = "date,yj_code,field,from_value,to_value,change_kind,hinmei,seibun,maker,kikaku
2026-08-17,111111AF1033,shukka,①通常出荷,②限定出荷（自社の事情）,shukka,錠Ｃ,成分Ｘ,メーカーＣ,１０ｍｇ１錠
2026-08-18,111111AF1022,shukka,①通常出荷,③限定出荷（他社品の影響）,shukka,錠Ｂ,成分Ｘ,メーカーＢ,１０ｍｇ１錠
";

/// Each day's (date, code, score to 4 places).
fn scores(days: &[Day]) -> Vec<(String, String, String)> {
    days.iter()
        .flat_map(|d| {
            d.warnings.iter().map(|w| {
                (
                    d.date.to_string(),
                    w.code.clone(),
                    format!("{:.4}", w.score),
                )
            })
        })
        .collect()
}

/// The hand-made edition of 2026-08-14 and its changes in `dir`; returns their paths.
fn hand_made(
    dir: &Path,
    transitions: &str,
) -> anyhow::Result<(std::path::PathBuf, std::path::PathBuf)> {
    let list = dir.join("iyakuhinkyoukyu_2026-08-14.csv");
    std::fs::write(&list, format!("\u{feff}{HEADER}\n{}\n", ROWS.join("\n")))?;
    let changes = dir.join("transitions.csv");
    std::fs::write(&changes, transitions)?;
    Ok((list, changes))
}

#[test]
fn a_hand_made_history_is_scored_as_the_model_says() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (list, changes) = hand_made(dir.path(), TRANSITIONS)?;
    let days = backtest::run(&list, &changes, 30, &TableLimits::default())?;
    let row = |d: &str, c: &str, s: &str| (d.to_owned(), c.to_owned(), s.to_owned());
    let mut expected = Vec::new();
    for d in ["2026-08-14", "2026-08-15", "2026-08-16"] {
        // B: 1 × 40 ÷ 2 ÷ 20; C (先発品): half; D: 0.5 × 40 ÷ (2 + 1) ÷ 20.
        expected.extend([
            row(d, "111111AF1022", "1.0000"),
            row(d, "111111AF1033", "0.5000"),
            row(d, "111111AF2011", "0.3333"),
        ]);
    }
    // 08-17: C goes ② (40): B 80 ÷ 1 ÷ 20; D 0.5 × 80 ÷ (1 + 1) ÷ 20.
    expected.extend([
        row("2026-08-17", "111111AF1022", "4.0000"),
        row("2026-08-17", "111111AF2011", "1.0000"),
    ]);
    // 08-18: B goes ③ (40): D 0.5 × 120 ÷ (0 + 1) ÷ 20.
    expected.push(row("2026-08-18", "111111AF2011", "3.0000"));
    assert_eq!(scores(&days), expected);
    let b = &days[0].warnings[0];
    assert_eq!(
        b.reasons[0],
        "同一規格の錠Ａ（メーカーＡ）が5日前に限定出荷（他社品の影響）"
    );
    let mut out = Vec::new();
    let rows = backtest::write_csv(&days, &mut out)?;
    assert_eq!(rows, expected.len());
    let text = String::from_utf8(out)?;
    assert!(
        text.starts_with(
            "date,yj_code,score,reasons\n2026-08-14,111111AF1022,1.0000,同一規格の錠Ａ"
        ),
        "{text}"
    );
    Ok(())
}

#[test]
fn cutting_the_hand_made_changes_after_a_day_leaves_that_day_unchanged() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (list, changes) = hand_made(dir.path(), TRANSITIONS)?;
    let full = backtest::run(&list, &changes, 30, &TableLimits::default())?;
    let cut_text: String = TRANSITIONS
        .lines()
        .take(2)
        .flat_map(|l| {
            [
                l, "
",
            ]
        })
        .collect();
    let (list, changes) = hand_made(dir.path(), &cut_text)?;
    let cut = backtest::run(&list, &changes, 30, &TableLimits::default())?;
    assert_eq!(cut.len(), 4, "the cut replay ends on 08-17");
    assert_eq!(full[..4], cut[..]);
    assert_ne!(full[4], full[3], "the day cut off did change the list");
    Ok(())
}

#[test]
fn cutting_the_real_changes_after_a_day_leaves_that_day_unchanged() -> anyhow::Result<()> {
    let Some(list) = shared_data::supply_list("2026-08-14", "csv")? else {
        return Ok(());
    };
    let all = list.with_file_name("transitions_2026-07-03_2026-08-18.csv");
    let text = std::fs::read_to_string(&all)?;
    let dir = tempfile::tempdir()?;
    let cut_path = dir.path().join("cut.csv");
    let cut_text: String = text
        .lines()
        .filter(|l| !l.starts_with("2026-08-18"))
        .flat_map(|l| {
            [
                l, "
",
            ]
        })
        .collect();
    assert!(
        cut_text.len() < text.len(),
        "the real file has changes on 08-18"
    );
    std::fs::write(&cut_path, cut_text)?;
    let limits = TableLimits::default();
    let full = backtest::run(&list, &all, 30, &limits)?;
    let cut = backtest::run(&list, &cut_path, 30, &limits)?;
    // Changes dated up to the edition are undone first: the replay starts on 07-03.
    assert_eq!(full[0].date.to_string(), "2026-07-03");
    assert_eq!(full.len(), cut.len() + 1);
    assert_eq!(full[..cut.len()], cut[..]);
    let listed = full.iter().map(|d| d.warnings.len()).max().unwrap_or(0);
    assert!(
        (1..=50).contains(&listed),
        "a short list every day: {listed}"
    );
    Ok(())
}
