//! The real 12,434-row price list through the importer, and a later edition that updates it.

use sea_orm::{EntityTrait, PaginatorTrait};
use supplywatch::db::entity::{organization, product};
use supplywatch::services::audit::Actor;
use supplywatch::services::price_list;
use supplywatch_tests::{TestApp, backends, shared_data};

#[tokio::test]
async fn the_real_price_list_imports_and_a_new_edition_updates_it_keeping_history()
-> anyhow::Result<()> {
    let Some(file) = shared_data::price_list()? else {
        return Ok(());
    };
    let bytes = std::fs::read(&file)?;
    let rows = price_list::parse::parse(&bytes)
        .map_err(|p| anyhow::anyhow!("{} problems: {:?}", p.len(), p.first()))?;
    assert_eq!(rows.len(), 12_434);
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let demo_products = product::Entity::find().count(&app.db).await?;
        let actor = Actor::system("test");
        let first = price_list::import(
            &app.db,
            &rows,
            "2025-07-16",
            "nhi.csv",
            &actor,
            chrono::Utc::now(),
            &|_| {},
        )
        .await?;
        assert_eq!(first.rows, 12_434);
        let total = product::Entity::find().count(&app.db).await?;
        assert_eq!(total, demo_products + first.created as u64);
        assert!(total >= 12_434, "{} has {total}", backend.name());
        let makers = organization::Entity::find().count(&app.db).await?;
        assert!(
            makers >= 313,
            "313 makers in the price list, {makers} organisations"
        );

        // A new edition: one price and one name change.
        let mut next = rows.clone();
        next[3].price = "7.0".to_owned();
        next[10].name = format!("{}（新）", next[10].name);
        let second = price_list::import(
            &app.db,
            &next,
            "2025-10-01",
            "nhi2.csv",
            &actor,
            chrono::Utc::now(),
            &|_| {},
        )
        .await?;
        assert_eq!(
            (second.created, second.updated),
            (0, 2),
            "{}",
            backend.name()
        );
        let token = app.token("ministry@demo.example").await?;
        let changed = app
            .get_json(&format!("/api/v1/products/{}", rows[3].code), &token)
            .await?;
        assert_eq!(changed["price"], "7.0");
        let editions = changed["editions"].as_array().cloned().unwrap_or_default();
        assert_eq!(editions.len(), 2, "{editions:?}");
        assert_eq!(editions[0]["edition"], "2025-10-01");
        assert_eq!(editions[1]["price"], rows[3].price.as_str());

        // 1,795 rows without a maker are kept, maker unknown.
        let unified = app
            .get_json("/api/v1/products/1121001X1018", &token)
            .await?;
        assert!(unified["maker"].is_null());
    }
    Ok(())
}
