//! Schema migrations, applied at start and by `supplywatch migrate`. Never edit one that has landed.

mod m20261124_000001_create_organizations_and_users;
mod m20261124_000002_create_products;
mod m20261124_000003_create_supply_status;
mod m20261124_000004_create_cases;
mod m20261201_000005_create_outbox_and_substitute_requests;
mod m20261201_000006_create_allocation;
mod m20261201_000007_create_demand_and_forecasts;
mod m20261202_000008_pack_purchases;
mod m20261204_190000_create_login_throttles;
mod m20261204_224500_add_case_report_due;
mod m20261204_230000_add_plan_supersession;
mod m20261204_233000_ministry_list_columns;
mod m20261204_234000_accounts_security;
mod m20261204_234500_create_invitations;
mod m20261204_235900_create_health_probes_and_job_runs;
mod m20261205_101500_create_early_warnings;
mod m20261205_110000_fold_search_text;
mod m20261205_111000_create_public_subscriptions;
mod m20261205_131000_substitute_answer_tenths_and_relay;
mod m20261206_004500_add_wholesaler_answer;
mod m20261206_010000_organization_supply_manager;

use sea_orm_migration::prelude::*;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_create_organizations_and_users::Migration),
            Box::new(m20261124_000002_create_products::Migration),
            Box::new(m20261124_000003_create_supply_status::Migration),
            Box::new(m20261124_000004_create_cases::Migration),
            Box::new(m20261201_000005_create_outbox_and_substitute_requests::Migration),
            Box::new(m20261201_000006_create_allocation::Migration),
            Box::new(m20261201_000007_create_demand_and_forecasts::Migration),
            Box::new(m20261202_000008_pack_purchases::Migration),
            Box::new(m20261204_190000_create_login_throttles::Migration),
            Box::new(m20261204_224500_add_case_report_due::Migration),
            Box::new(m20261204_230000_add_plan_supersession::Migration),
            Box::new(m20261204_233000_ministry_list_columns::Migration),
            Box::new(m20261204_234000_accounts_security::Migration),
            Box::new(m20261204_234500_create_invitations::Migration),
            Box::new(m20261204_235900_create_health_probes_and_job_runs::Migration),
            Box::new(m20261205_101500_create_early_warnings::Migration),
            Box::new(m20261205_110000_fold_search_text::Migration),
            Box::new(m20261205_111000_create_public_subscriptions::Migration),
            Box::new(m20261205_131000_substitute_answer_tenths_and_relay::Migration),
            Box::new(m20261206_004500_add_wholesaler_answer::Migration),
            Box::new(m20261206_010000_organization_supply_manager::Migration),
        ]
    }
}
