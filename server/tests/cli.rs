//! The `supplywatch` command line: importing the price list and creating users, on a real SQLite file.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use sea_orm::{EntityTrait, PaginatorTrait};
use supplywatch::db::entity::product;

const HEADER: &str = "区分,薬価基準収載医薬品コード,成分名,規格,日本薬局方,麻薬,業者名追記,品名,メーカー名,診療報酬において加算等の算定対象となる後発医薬品,先発医薬品,同一剤形・規格の後発医薬品がある先発医薬品,薬価,経過措置による使用期限,備考";

fn supplywatch(
    dir: &tempfile::TempDir,
    args: &[&str],
    stdin: Option<&str>,
) -> anyhow::Result<Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_supplywatch"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("SUPPLYWATCH_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin.unwrap_or_default().as_bytes())?;
    }
    Ok(child.wait_with_output()?)
}

async fn product_count(dir: &tempfile::TempDir) -> anyhow::Result<u64> {
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("data/supplywatch.db").display()
    );
    let db = supplywatch::db::connect(&url).await?;
    Ok(product::Entity::find().count(&db).await?)
}

#[tokio::test]
async fn import_refuses_a_file_with_a_bad_code_naming_code_row_and_expected_digit()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("nhi_price_list_20250716.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}\n内用薬,1121001X1018,ブロモバレリル尿素,１ｇ,局,,,ブロモバレリル尿素,,,,,7.5,,\n内用薬,1123001X1013,抱水クロラール,１ｇ,局,,,抱水クロラール,,,,,36.9,,\n"
        ),
    )?;
    let output = supplywatch(
        &dir,
        &["import", "nhi-price-list", &file.to_string_lossy()],
        None,
    )?;
    assert!(!output.status.success(), "a bad file must fail the command");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("3行目")
            && stderr.contains("1123001X1013")
            && stderr.contains("正しくは 2"),
        "{stderr}"
    );
    assert!(stderr.contains("何も変更していません"), "{stderr}");
    assert_eq!(
        product_count(&dir).await?,
        0,
        "the valid row of a refused file is not applied either"
    );
    Ok(())
}

#[tokio::test]
async fn import_of_a_valid_file_reports_its_counts_and_stores_the_products() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("list_20250716.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}\n内用薬,1124001F1022,エスタゾラム,１ｍｇ１錠,,,,ユーロジン１ｍｇ錠,武田テバ薬品,,先発品,,6.1,,\n"
        ),
    )?;
    let output = supplywatch(
        &dir,
        &["import", "nhi-price-list", &file.to_string_lossy()],
        None,
    )?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("2025-07-16 版: 1行（新規 1、更新 0、新たに登録した製造販売業者 1）"),
        "{stdout}"
    );
    assert_eq!(product_count(&dir).await?, 1);
    Ok(())
}

#[tokio::test]
async fn user_create_takes_the_password_from_stdin_and_the_user_can_log_in() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let args = [
        "user",
        "create",
        "--email",
        "Officer@Maker.example",
        "--name",
        "供給 太郎",
        "--role",
        "manufacturer",
        "--organization",
        "テスト製薬",
        "--corporate-number",
        "1180301018771",
    ];
    let output = supplywatch(&dir, &args, Some("Str0ng-pass!\n"))?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("data/supplywatch.db").display()
    );
    let db = supplywatch::db::connect(&url).await?;
    let login = supplywatch::services::auth::Login {
        email: "officer@maker.example",
        password: "Str0ng-pass!",
        second_factor: supplywatch::services::auth::SecondFactor::Given(None),
        mfa_roles: &[],
        remote_addr: None,
    };
    let supplywatch::services::auth::LoggedIn::Complete(user) =
        supplywatch::services::auth::authenticate(&db, &login, 100, chrono::Utc::now()).await?
    else {
        anyhow::bail!("a login without a second factor asked for one");
    };
    assert_eq!(user.organization.name, "テスト製薬");
    assert_eq!(user.role.code(), "manufacturer");
    Ok(())
}

#[tokio::test]
async fn user_create_refuses_a_weak_password_and_a_bad_corporate_number() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let weak = supplywatch(
        &dir,
        &[
            "user",
            "create",
            "--email",
            "a@b.example",
            "--name",
            "x",
            "--role",
            "ministry",
            "--organization",
            "厚生労働省",
        ],
        Some("short1!\n"),
    )?;
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("パスワードは8文字以上"));
    let bad_number = supplywatch(
        &dir,
        &[
            "user",
            "create",
            "--email",
            "c@d.example",
            "--name",
            "x",
            "--role",
            "wholesaler",
            "--organization",
            "卸",
            "--corporate-number",
            "2180301018771",
        ],
        Some("Str0ng-pass!\n"),
    )?;
    assert!(!bad_number.status.success());
    assert!(String::from_utf8_lossy(&bad_number.stderr).contains("正しくは 1"));
    Ok(())
}

/// The first `rows` data rows of the real price list, if it is present (CI requires it).
fn price_list_head(
    dir: &tempfile::TempDir,
    rows: usize,
) -> anyhow::Result<Option<std::path::PathBuf>> {
    let source = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/nhi_price_list_20250716.csv");
    if !source.exists() {
        assert!(
            std::env::var("CI").is_err(),
            "CI: the price list is missing at {}",
            source.display()
        );
        return Ok(None);
    }
    let text = std::fs::read_to_string(source)?;
    let head: Vec<&str> = text.lines().take(rows + 1).collect();
    let file = dir.path().join("nhi_price_list_20250716.csv");
    std::fs::write(&file, head.join("\n") + "\n")?;
    Ok(Some(file))
}

async fn dump_reports(dir: &tempfile::TempDir) -> anyhow::Result<Vec<String>> {
    use sea_orm::{EntityTrait, QueryOrder};
    use supplywatch::db::entity::supply_status_report;
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("data/supplywatch.db").display()
    );
    let db = supplywatch::db::connect(&url).await?;
    Ok(supply_status_report::Entity::find()
        .order_by_asc(supply_status_report::Column::Id)
        .all(&db)
        .await?
        .into_iter()
        .map(|r| {
            format!(
                "{} {} {} {} {:?} {:?}",
                r.receipt_number,
                r.product_id,
                r.reported_on,
                r.shipping_status,
                r.reason,
                r.volume_status
            )
        })
        .collect())
}

#[tokio::test]
async fn seed_national_is_deterministic_and_refuses_a_second_run() -> anyhow::Result<()> {
    let (one, two) = (tempfile::tempdir()?, tempfile::tempdir()?);
    let Some(file_one) = price_list_head(&one, 2_000)? else {
        return Ok(());
    };
    let file_two =
        price_list_head(&two, 2_000)?.ok_or_else(|| anyhow::anyhow!("price list vanished"))?;
    let args = |file: &std::path::Path| {
        vec![
            "seed".to_owned(),
            "--scale".into(),
            "national".into(),
            "--nhi-price-list".into(),
            file.to_string_lossy().into_owned(),
            "--until".into(),
            "2025-12-26".into(),
            "--allocation-products".into(),
            "2".into(),
        ]
    };
    for (dir, file) in [(&one, &file_one), (&two, &file_two)] {
        let a = args(file);
        let output = supplywatch(dir, &a.iter().map(String::as_str).collect::<Vec<_>>(), None)?;
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("156週分の集計"), "{stdout}");
        assert!(
            stdout.contains("卸60社・得意先"),
            "the allocation data follow: {stdout}"
        );
    }
    let (first, second) = (dump_reports(&one).await?, dump_reports(&two).await?);
    assert!(
        first.len() > 2_000,
        "every drug with a maker has a first report, plus changes: {}",
        first.len()
    );
    assert_eq!(first, second, "equal inputs give equal history");
    assert!(
        first.iter().any(|r| r.starts_with("R2023-"))
            && first.iter().any(|r| r.starts_with("R2025-"))
    );
    let a = args(&file_one);
    let again = supplywatch(
        &one,
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        None,
    )?;
    assert!(!again.status.success(), "a second run would mix histories");
    assert!(String::from_utf8_lossy(&again.stderr).contains("既にある"));
    Ok(())
}

#[tokio::test]
async fn run_job_publishes_the_week_once() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let first = supplywatch(&dir, &["run-job", "weekly-publication"], None)?;
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("公表を作成しました"));
    let second = supplywatch(&dir, &["run-job", "weekly-publication"], None)?;
    assert!(String::from_utf8_lossy(&second.stdout).contains("作成済み"));
    let unknown = supplywatch(&dir, &["run-job", "nightly"], None)?;
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("weekly-publication"),
        "lists the jobs"
    );
    Ok(())
}
