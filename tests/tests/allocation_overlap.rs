//! Allocation plans do not overlap: a second plan for the same products and month is refused
//! with 409 naming the active plan, unless it supersedes it; the replaced plan's downloads say
//! so, it leaves the month's CSV and cannot be recomputed — on SQLite and PostgreSQL.

use reqwest::StatusCode;
use serde_json::{Value, json};
use supplywatch_tests::{TestApp, backends};

/// The demo plan and a body asking for the same products and month.
async fn demo_plan(app: &TestApp, ministry: &str) -> anyhow::Result<(i64, Value)> {
    let listed = app.get_json("/api/v1/allocation-plans", ministry).await?;
    let id = listed["items"][0]["id"].as_i64().unwrap_or_default();
    let plan = app
        .get_json(&format!("/api/v1/allocation-plans/{id}"), ministry)
        .await?;
    let body = json!({"name": "重なる計画", "product_codes": plan["product_codes"],
        "target_month": plan["target_month"], "baseline_month": plan["baseline_month"],
        "reserve_percent": 5});
    Ok((id, body))
}

/// The month's CSV as the ministry gets it, without the BOM.
async fn month_csv(app: &TestApp, token: &str, month: &str) -> anyhow::Result<String> {
    let response = app
        .get(&format!("/api/v1/allocation-caps?month={month}"), token)
        .await?;
    anyhow::ensure!(response.status() == StatusCode::OK, "month CSV");
    let bytes = response.bytes().await?;
    Ok(String::from_utf8(
        bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&bytes)
            .to_vec(),
    )?)
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "one replacement, every place it shows"
)]
async fn an_overlapping_plan_is_refused_naming_the_active_one_unless_it_supersedes_it()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let ministry = app.token("ministry@demo.example").await?;
        let wholesaler = app.token("wholesaler@demo.example").await?;
        let (old, body) = demo_plan(&app, &ministry).await?;
        let month = body["target_month"].as_str().unwrap_or_default().to_owned();

        let (status, problem) = app
            .post_json("/api/v1/allocation-plans", &ministry, &body)
            .await?;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains(&format!("計画 #{old}")) && detail.contains("\"supersedes\""),
            "{detail}"
        );
        let listed = app.get_json("/api/v1/allocation-plans", &ministry).await?;
        assert_eq!(
            listed["items"].as_array().map(Vec::len),
            Some(1),
            "the refused plan stored nothing"
        );

        let mut unknown = body.clone();
        unknown["supersedes"] = json!(999_999);
        let (status, problem) = app
            .post_json("/api/v1/allocation-plans", &ministry, &unknown)
            .await?;
        assert_eq!(
            (status, problem["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("supersedes")),
            "{problem}"
        );

        let mut replacing = body.clone();
        replacing["supersedes"] = json!(old);
        let (status, new) = app
            .post_json("/api/v1/allocation-plans", &ministry, &replacing)
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{new}");
        let new_id = new["id"].as_i64().unwrap_or_default();
        assert_eq!(new["superseded_by"], Value::Null);

        // The old plan says it was replaced, in its JSON and in its downloads.
        let retired = app
            .get_json(&format!("/api/v1/allocation-plans/{old}"), &ministry)
            .await?;
        assert_eq!(retired["superseded_by"].as_i64(), Some(new_id), "{retired}");
        assert!(
            retired["notice"]
                .as_str()
                .is_some_and(|n| n.contains(&format!("計画 #{new_id}"))),
            "{retired}"
        );
        let caps = app
            .get_json(&format!("/api/v1/allocation-plans/{old}/caps"), &wholesaler)
            .await?;
        assert_eq!(caps["superseded_by"].as_i64(), Some(new_id), "{caps}");
        let csv = app
            .get(
                &format!("/api/v1/allocation-plans/{old}/caps?format=csv"),
                &wholesaler,
            )
            .await?;
        assert_eq!(
            csv.headers()
                .get("x-supplywatch-superseded-by")
                .and_then(|v| v.to_str().ok()),
            Some(new_id.to_string().as_str())
        );
        assert!(
            csv.headers()
                .get("content-disposition")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|d| d.contains(&format!("superseded_by_plan{new_id}"))),
            "{:?}",
            csv.headers()
        );
        let listed = app.get_json("/api/v1/allocation-plans", &ministry).await?;
        let old_item = listed["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["id"].as_i64() == Some(old))
            .cloned()
            .unwrap_or_default();
        assert_eq!(old_item["superseded_by"].as_i64(), Some(new_id));

        // The month's CSV holds only the new plan; each customer has one cap per product.
        let text = month_csv(&app, &ministry, &month).await?;
        let plan_ids: std::collections::BTreeSet<&str> = text
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next())
            .collect();
        assert_eq!(
            plan_ids.into_iter().collect::<Vec<_>>(),
            vec![new_id.to_string().as_str()],
            "{text}"
        );

        // A replaced plan is not recomputed, nor replaced twice.
        let (status, body_409) = app
            .post_json(
                &format!("/api/v1/allocation-plans/{old}/computations"),
                &ministry,
                &json!({}),
            )
            .await?;
        assert_eq!(status, StatusCode::CONFLICT, "{body_409}");
        let (status, problem) = app
            .post_json("/api/v1/allocation-plans", &ministry, &replacing)
            .await?;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains(&format!("計画 #{new_id}"))),
            "{problem}"
        );
        // Without `supersedes`, the new plan is now the one named.
        let (status, problem) = app
            .post_json("/api/v1/allocation-plans", &ministry, &body)
            .await?;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains(&format!("計画 #{new_id}"))
                    && !d.contains(&format!("計画 #{old}「"))),
            "{problem} on {}",
            backend.name()
        );
    }
    Ok(())
}
