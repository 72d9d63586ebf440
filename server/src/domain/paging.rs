//! Which page of a list a client asked for, checked where it arrives: any number may come in,
//! only a page and size within range go on, so the offset computed from them always fits.

use super::FieldError;

/// The last page a list serves: 100,000 pages of the largest size reach past every list we hold.
pub const MAX_PAGE: u64 = 100_000;

/// A checked page (1-based) and page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    page: u64,
    per_page: u64,
}

impl Paging {
    /// Checks `page` (default 1, 1–[`MAX_PAGE`]) and `per_page` (default `default_per_page`,
    /// 1–`max_per_page`); a value out of range names the parameter and the range.
    pub fn parse(
        page: Option<u64>,
        per_page: Option<u64>,
        default_per_page: u64,
        max_per_page: u64,
    ) -> Result<Self, FieldError> {
        let page = page.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(FieldError::new(
                "page_range",
                format!("page は 1〜{MAX_PAGE} で指定してください（{page} が指定されました）"),
            ));
        }
        let per_page = per_page.unwrap_or(default_per_page);
        if !(1..=max_per_page).contains(&per_page) {
            return Err(FieldError::new(
                "per_page_range",
                format!(
                    "per_page は 1〜{max_per_page} で指定してください（{per_page} が指定されました）"
                ),
            ));
        }
        Ok(Self { page, per_page })
    }

    /// The page, 1-based.
    pub fn page(self) -> u64 {
        self.page
    }

    /// Rows a page.
    pub fn per_page(self) -> u64 {
        self.per_page
    }

    /// Rows before this page (at most [`MAX_PAGE`] × the largest page size).
    pub fn offset(self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// The offset of `page` (1-based, 0 taken as 1) of size `per_page`, saturating instead of
/// wrapping: for callers that did not go through [`Paging::parse`].
pub fn offset(page: u64, per_page: u64) -> u64 {
    page.saturating_sub(1)
        .saturating_mul(per_page)
        .min(i64::MAX as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_at_the_edge_of_u64_are_refused_naming_the_parameter() {
        let error = Paging::parse(Some(u64::MAX), None, 50, 200).expect_err("out of range");
        assert_eq!(error.code, "page_range");
        assert!(error.message.contains("page"));
        let error = Paging::parse(Some(0), None, 50, 200).expect_err("page 0");
        assert_eq!(error.code, "page_range");
        let error = Paging::parse(None, Some(201), 50, 200).expect_err("too large a page");
        assert_eq!(error.code, "per_page_range");
        let error = Paging::parse(None, Some(0), 50, 200).expect_err("empty page");
        assert_eq!(error.code, "per_page_range");
    }

    #[test]
    fn the_last_page_and_the_largest_size_give_an_offset_that_fits() -> Result<(), FieldError> {
        let paging = Paging::parse(Some(MAX_PAGE), Some(200), 50, 200)?;
        assert_eq!(paging.offset(), (MAX_PAGE - 1) * 200);
        assert_eq!(Paging::parse(None, None, 50, 200)?.offset(), 0);
        assert_eq!(offset(u64::MAX, u64::MAX), i64::MAX as u64);
        assert_eq!(offset(0, 50), 0);
        Ok(())
    }
}
