//! The vocabulary of the ministry's list as its README counts it: every value reads, and writes
//! back as the ministry prints it.

use super::*;

#[test]
fn every_value_of_the_ministrys_list_reads_and_writes_back_verbatim() {
    let shipping = [
        "①通常出荷",
        "②限定出荷（自社の事情）",
        "③限定出荷（他社品の影響）",
        "④限定出荷（その他）",
        "⑤供給停止",
    ];
    for (text, value) in shipping.iter().zip(ShippingStatus::ALL) {
        assert_eq!(shipping_status(text), Ok(*value), "{text}");
        assert_eq!(value.ministry_text(), *text);
    }
    let reasons = [
        "１．需要増",
        "２．原材料調達上の問題",
        "３．製造トラブル（製造委託を含む）",
        "４．品質トラブル（製造委託を含む）",
        "５．行政処分（製造委託を含む）",
        "６．薬価削除",
        "７．－",
        "８．その他の理由",
    ];
    for (text, value) in reasons.iter().zip(Reason::ALL) {
        assert_eq!(reason(text), Ok(*value), "{text}");
        assert_eq!(value.ministry_text(), *text);
    }
    let outlooks = ["ア. あり", "イ. なし", "ウ. 未定", "エ. －"];
    for (text, value) in outlooks.iter().zip(ResolutionOutlook::ALL) {
        assert_eq!(resolution_outlook(text), Ok(*value), "{text}");
        assert_eq!(value.ministry_text(), *text);
    }
    let volumes = [
        "Aプラス．出荷量増加",
        "A．出荷量通常",
        "B．出荷量減少",
        "C．出荷停止",
        "D．薬価削除予定",
    ];
    for (text, value) in volumes.iter().zip(VolumeStatus::ALL) {
        assert_eq!(volume_status(text), Ok(*value), "{text}");
        assert_eq!(value.ministry_text(), *text);
    }
    let timings = [
        "a．即時",
        "b．１か月以内",
        "c．２か月以内",
        "d．３か月以内",
        "e．３か月超",
    ];
    for (text, value) in timings.iter().zip(ImprovementTiming::ALL) {
        assert_eq!(improvement_timing(text), Ok(*value), "{text}");
        assert_eq!(value.ministry_text(), *text);
    }
}

#[test]
fn our_codes_our_labels_and_older_spellings_read_too() {
    assert_eq!(shipping_status("2"), Ok(ShippingStatus::LimitedOwn));
    assert_eq!(
        shipping_status("２. 限定出荷（自社の事情）"),
        Ok(ShippingStatus::LimitedOwn)
    );
    assert_eq!(
        shipping_status("限定出荷(自社の事情)"),
        Ok(ShippingStatus::LimitedOwn)
    );
    assert_eq!(shipping_status("5.0"), Ok(ShippingStatus::Stopped));
    assert_eq!(reason("3"), Ok(Reason::ManufacturingTrouble));
    assert_eq!(reason("製造トラブル"), Ok(Reason::ManufacturingTrouble));
    assert_eq!(reason("8.その他"), Ok(Reason::Other));
    // 2025 editions wrote ⑮ with a full-width dot.
    assert_eq!(
        resolution_outlook("ウ．未定"),
        Ok(ResolutionOutlook::Undecided)
    );
    assert_eq!(resolution_outlook("未定"), Ok(ResolutionOutlook::Undecided));
    assert_eq!(
        resolution_outlook("エ"),
        Ok(ResolutionOutlook::NotApplicable)
    );
    assert_eq!(volume_status("A+"), Ok(VolumeStatus::APlus));
    assert_eq!(volume_status("Ａ＋"), Ok(VolumeStatus::APlus));
    assert_eq!(volume_status("A"), Ok(VolumeStatus::A));
    assert_eq!(
        volume_status("B 出荷量減少（概ね90%未満）"),
        Ok(VolumeStatus::B)
    );
    assert_eq!(
        improvement_timing("e"),
        Ok(ImprovementTiming::BeyondThreeMonths)
    );
    assert_eq!(
        improvement_timing("3か月以内"),
        Ok(ImprovementTiming::WithinThreeMonths)
    );
}

#[test]
fn a_word_that_is_none_of_the_values_is_refused_naming_the_field_and_the_values() {
    let error = shipping_status("⑥出荷調整").expect_err("no ⑥");
    assert!(
        error
            .message
            .starts_with("⑫出荷対応の状況「⑥出荷調整」は使えません"),
        "{}",
        error.message
    );
    assert!(error.message.contains("5 供給停止"), "{}", error.message);
    assert!(volume_status("Aマイナス").is_err());
    assert!(reason("9").is_err());
    assert!(resolution_outlook("オ").is_err());
    assert!(improvement_timing("f．半年").is_err());
}

#[test]
fn the_improvement_is_a_whole_percentage() {
    assert_eq!(improvement_percent("110"), Ok(110));
    assert_eq!(improvement_percent("１１０"), Ok(110));
    assert_eq!(improvement_percent("143%"), Ok(143));
    assert_eq!(improvement_percent("100.0"), Ok(100));
    for bad in ["", "たくさん", "-5", "10.5", "5000"] {
        assert!(improvement_percent(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_month_is_read_from_free_text_when_it_names_one() {
    let month = |text: &str| month_in_note(text).map(|m| m.to_string());
    assert_eq!(
        month("2026年3月頃在庫消尽見込み").as_deref(),
        Some("2026-03")
    );
    assert_eq!(
        month("在庫消尽時期は2026 年12 月末頃の見込みです。").as_deref(),
        Some("2026-12")
    );
    assert_eq!(
        month("２０２７年１月在庫消尽見込み").as_deref(),
        Some("2027-01")
    );
    assert_eq!(month("2026/4/1").as_deref(), Some("2026-04"));
    assert_eq!(month("2025/8").as_deref(), Some("2025-08"));
    assert_eq!(month("在庫消尽済"), None);
    assert_eq!(
        month("発注時の原材料価格、入手可能量等に応じて発注元と協議の上、製造量を決定"),
        None
    );
    assert_eq!(month("2026年13月"), None);
}
