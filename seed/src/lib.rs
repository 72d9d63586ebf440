//! Deterministic data sets for SupplyWatch. Pure data: the server's services load them.

pub mod demo;
pub mod national;
