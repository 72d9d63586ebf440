//! Allocation caps (DESIGN §6): wholesalers' customers and their purchases, makers' monthly
//! shipments, the record of each upload, the ministry's plans, each immutable computation of a
//! plan with its per-wholesaler results, and reserve requests.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, binary, integer, integer_null, pk_auto, string, text_null,
    timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    WholesalerId,
    Code,
    Name,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DataUploads {
    Table,
    Id,
    Kind,
    OrganizationId,
    UserId,
    FileName,
    Rows,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Shipments {
    Table,
    ProductId,
    Month,
    Kind,
    Quantity,
    MakerId,
    UploadId,
}

#[derive(DeriveIden)]
enum AllocationPlans {
    Table,
    Id,
    Name,
    GroupCode,
    TargetMonth,
    BaselineMonth,
    ReservePercent,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AllocationPlanProducts {
    Table,
    PlanId,
    ProductId,
}

#[derive(DeriveIden)]
enum AllocationComputations {
    Table,
    Id,
    PlanId,
    Version,
    PlannedTotal,
    BaselineTotal,
    ShipmentUploadId,
    PurchaseUploadId,
    Wholesalers,
    Customers,
    ComputedBy,
    ComputedAt,
}

#[derive(DeriveIden)]
enum AllocationResults {
    Table,
    ComputationId,
    WholesalerId,
    BaselineTotal,
    Supply,
    Reserve,
    Customers,
    Caps,
}

#[derive(DeriveIden)]
enum ReserveRequests {
    Table,
    Id,
    PlanId,
    WholesalerId,
    CustomerId,
    Requested,
    Granted,
    Note,
    RequestedBy,
    RequestedAt,
    GrantedBy,
    GrantedAt,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}

/// Purchases are the one table of national size (≈12 million rows a month): keyed by exactly
/// what a plan reads (products of a month, then wholesaler and customer), and on SQLite stored
/// in that key's order (`WITHOUT ROWID`) so there is one B-tree to write instead of two.
const PURCHASES_SQLITE: &str = "CREATE TABLE purchases (
    product_id INTEGER NOT NULL REFERENCES products (id),
    month INTEGER NOT NULL,
    wholesaler_id INTEGER NOT NULL REFERENCES organizations (id),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    quantity INTEGER NOT NULL,
    upload_id INTEGER NOT NULL,
    PRIMARY KEY (product_id, month, wholesaler_id, customer_id)
) WITHOUT ROWID";

const PURCHASES_POSTGRES: &str = "CREATE TABLE purchases (
    product_id INTEGER NOT NULL REFERENCES products (id),
    month INTEGER NOT NULL,
    wholesaler_id INTEGER NOT NULL REFERENCES organizations (id),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    quantity BIGINT NOT NULL,
    upload_id INTEGER NOT NULL,
    PRIMARY KEY (product_id, month, wholesaler_id, customer_id)
)";

fn foreign(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[expect(
        clippy::too_many_lines,
        reason = "one schema step reads best as one list of tables"
    )]
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Customers::Table)
                    .col(pk_auto(Customers::Id))
                    .col(integer(Customers::WholesalerId))
                    .col(string(Customers::Code))
                    .col(string(Customers::Name))
                    .col(timestamp_with_time_zone(Customers::CreatedAt))
                    .col(timestamp_with_time_zone(Customers::UpdatedAt))
                    .foreign_key(&mut foreign(
                        (Customers::Table, Customers::WholesalerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("customers_wholesaler_code")
                    .table(Customers::Table)
                    .col(Customers::WholesalerId)
                    .col(Customers::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DataUploads::Table)
                    .col(pk_auto(DataUploads::Id))
                    .col(string(DataUploads::Kind))
                    .col(integer(DataUploads::OrganizationId))
                    .col(integer_null(DataUploads::UserId))
                    .col(string(DataUploads::FileName))
                    .col(big_integer(DataUploads::Rows))
                    .col(timestamp_with_time_zone(DataUploads::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Shipments::Table)
                    .col(integer(Shipments::ProductId))
                    .col(integer(Shipments::Month))
                    .col(string(Shipments::Kind))
                    .col(big_integer(Shipments::Quantity))
                    .col(integer(Shipments::MakerId))
                    .col(integer(Shipments::UploadId))
                    .primary_key(
                        Index::create()
                            .col(Shipments::ProductId)
                            .col(Shipments::Month)
                            .col(Shipments::Kind),
                    )
                    .foreign_key(&mut foreign(
                        (Shipments::Table, Shipments::ProductId),
                        (Products::Table, Products::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        let purchases = match manager.get_database_backend() {
            sea_orm::DbBackend::Sqlite => PURCHASES_SQLITE,
            _ => PURCHASES_POSTGRES,
        };
        manager
            .get_connection()
            .execute_unprepared(purchases)
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AllocationPlans::Table)
                    .col(pk_auto(AllocationPlans::Id))
                    .col(string(AllocationPlans::Name))
                    .col(sea_orm_migration::schema::string_null(
                        AllocationPlans::GroupCode,
                    ))
                    .col(integer(AllocationPlans::TargetMonth))
                    .col(integer(AllocationPlans::BaselineMonth))
                    .col(integer(AllocationPlans::ReservePercent))
                    .col(integer_null(AllocationPlans::CreatedBy))
                    .col(timestamp_with_time_zone(AllocationPlans::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AllocationPlanProducts::Table)
                    .col(integer(AllocationPlanProducts::PlanId))
                    .col(integer(AllocationPlanProducts::ProductId))
                    .primary_key(
                        Index::create()
                            .col(AllocationPlanProducts::PlanId)
                            .col(AllocationPlanProducts::ProductId),
                    )
                    .foreign_key(&mut foreign(
                        (
                            AllocationPlanProducts::Table,
                            AllocationPlanProducts::PlanId,
                        ),
                        (AllocationPlans::Table, AllocationPlans::Id),
                    ))
                    .foreign_key(&mut foreign(
                        (
                            AllocationPlanProducts::Table,
                            AllocationPlanProducts::ProductId,
                        ),
                        (Products::Table, Products::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AllocationComputations::Table)
                    .col(pk_auto(AllocationComputations::Id))
                    .col(integer(AllocationComputations::PlanId))
                    .col(integer(AllocationComputations::Version))
                    .col(big_integer(AllocationComputations::PlannedTotal))
                    .col(big_integer(AllocationComputations::BaselineTotal))
                    .col(integer_null(AllocationComputations::ShipmentUploadId))
                    .col(integer_null(AllocationComputations::PurchaseUploadId))
                    .col(integer(AllocationComputations::Wholesalers))
                    .col(big_integer(AllocationComputations::Customers))
                    .col(integer_null(AllocationComputations::ComputedBy))
                    .col(timestamp_with_time_zone(AllocationComputations::ComputedAt))
                    .foreign_key(&mut foreign(
                        (
                            AllocationComputations::Table,
                            AllocationComputations::PlanId,
                        ),
                        (AllocationPlans::Table, AllocationPlans::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("allocation_computations_plan_version")
                    .table(AllocationComputations::Table)
                    .col(AllocationComputations::PlanId)
                    .col(AllocationComputations::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AllocationResults::Table)
                    .col(integer(AllocationResults::ComputationId))
                    .col(integer(AllocationResults::WholesalerId))
                    .col(big_integer(AllocationResults::BaselineTotal))
                    .col(big_integer(AllocationResults::Supply))
                    .col(big_integer(AllocationResults::Reserve))
                    .col(integer(AllocationResults::Customers))
                    .col(binary(AllocationResults::Caps))
                    .primary_key(
                        Index::create()
                            .col(AllocationResults::ComputationId)
                            .col(AllocationResults::WholesalerId),
                    )
                    .foreign_key(&mut foreign(
                        (AllocationResults::Table, AllocationResults::ComputationId),
                        (AllocationComputations::Table, AllocationComputations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("allocation_results_wholesaler")
                    .table(AllocationResults::Table)
                    .col(AllocationResults::WholesalerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReserveRequests::Table)
                    .col(pk_auto(ReserveRequests::Id))
                    .col(integer(ReserveRequests::PlanId))
                    .col(integer(ReserveRequests::WholesalerId))
                    .col(integer(ReserveRequests::CustomerId))
                    .col(big_integer(ReserveRequests::Requested))
                    .col(big_integer_null(ReserveRequests::Granted))
                    .col(text_null(ReserveRequests::Note))
                    .col(integer_null(ReserveRequests::RequestedBy))
                    .col(timestamp_with_time_zone(ReserveRequests::RequestedAt))
                    .col(integer_null(ReserveRequests::GrantedBy))
                    .col(timestamp_with_time_zone_null(ReserveRequests::GrantedAt))
                    .foreign_key(&mut foreign(
                        (ReserveRequests::Table, ReserveRequests::PlanId),
                        (AllocationPlans::Table, AllocationPlans::Id),
                    ))
                    .foreign_key(&mut foreign(
                        (ReserveRequests::Table, ReserveRequests::CustomerId),
                        (Customers::Table, Customers::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("reserve_requests_plan_customer")
                    .table(ReserveRequests::Table)
                    .col(ReserveRequests::PlanId)
                    .col(ReserveRequests::CustomerId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "reserve_requests",
            "allocation_results",
            "allocation_computations",
            "allocation_plan_products",
            "allocation_plans",
            "purchases",
            "shipments",
            "data_uploads",
            "customers",
        ] {
            manager
                .get_connection()
                .execute_unprepared(&format!("DROP TABLE IF EXISTS {table}"))
                .await?;
        }
        Ok(())
    }
}
