//! Pure report writers: data in, bytes out. Nothing here knows about the server or the database.

pub mod caps_sheet;
pub mod charts;
pub mod csv_excel;
pub mod form_sheet;
pub mod ministry_list;
pub mod status_sheet;
pub mod weekly_summary;
