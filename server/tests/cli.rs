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
    let user = supplywatch::services::auth::authenticate(
        &db,
        "officer@maker.example",
        "Str0ng-pass!",
        None,
        chrono::Utc::now(),
    )
    .await?;
    assert_eq!(user.organization.name, "テスト製薬");
    assert_eq!(user.role.as_str(), "manufacturer");
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
    assert!(String::from_utf8_lossy(&weak.stderr).contains("パスワードは英字・数字・記号"));
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
