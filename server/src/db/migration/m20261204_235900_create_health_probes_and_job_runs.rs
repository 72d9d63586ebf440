//! `health_probes`: one row that `/healthz` rewrites, so the check proves the database still
//! stores (a full disk fails it). `job_runs`: one row per (job, tick), inserted before a
//! scheduled run under its primary key, so a tick runs once however many instances are up.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HealthProbes {
    Table,
    Id,
    ProbedAt,
}

#[derive(DeriveIden)]
enum JobRuns {
    Table,
    Job,
    Tick,
    Instance,
    StartedAt,
    FinishedAt,
    Outcome,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HealthProbes::Table)
                    .col(
                        ColumnDef::new(HealthProbes::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(HealthProbes::ProbedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobRuns::Table)
                    .col(ColumnDef::new(JobRuns::Job).string().not_null())
                    .col(
                        ColumnDef::new(JobRuns::Tick)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(JobRuns::Instance).string().not_null())
                    .col(
                        ColumnDef::new(JobRuns::StartedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(JobRuns::FinishedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(JobRuns::Outcome).text())
                    .primary_key(Index::create().col(JobRuns::Job).col(JobRuns::Tick))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(JobRuns::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(HealthProbes::Table).to_owned())
            .await
    }
}
