//! Kinds of organisations and the roles of their users (DESIGN §1).

use std::fmt;
use std::str::FromStr;

use super::validation::FieldError;

/// What an organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrganizationKind {
    /// 製造販売業者
    Manufacturer,
    /// 卸売業者
    Wholesaler,
    /// 厚生労働省
    Ministry,
    /// 業界団体
    Association,
}

impl OrganizationKind {
    /// Every kind, in display order.
    pub const ALL: [Self; 4] = [
        Self::Manufacturer,
        Self::Wholesaler,
        Self::Ministry,
        Self::Association,
    ];

    /// Stable name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manufacturer => "manufacturer",
            Self::Wholesaler => "wholesaler",
            Self::Ministry => "ministry",
            Self::Association => "association",
        }
    }

    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Manufacturer => "製造販売業者",
            Self::Wholesaler => "卸売業者",
            Self::Ministry => "厚生労働省",
            Self::Association => "業界団体",
        }
    }
}

impl FromStr for OrganizationKind {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                FieldError::new("organization_kind", format!("組織の種別「{s}」は不明です"))
            })
    }
}

impl fmt::Display for OrganizationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Files reports for its own products.
    Manufacturer,
    /// Uploads purchase history, downloads its own caps.
    Wholesaler,
    /// Ministry staff: sees everything.
    Ministry,
    /// Industry association: sees cases it was asked to support.
    Association,
    /// System operator: organisations, users, tokens, audit log.
    Admin,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Self; 5] = [
        Self::Manufacturer,
        Self::Wholesaler,
        Self::Ministry,
        Self::Association,
        Self::Admin,
    ];

    /// Stable name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manufacturer => "manufacturer",
            Self::Wholesaler => "wholesaler",
            Self::Ministry => "ministry",
            Self::Association => "association",
            Self::Admin => "admin",
        }
    }

    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Manufacturer => "製造販売業者",
            Self::Wholesaler => "卸売業者",
            Self::Ministry => "厚生労働省",
            Self::Association => "業界団体",
            Self::Admin => "システム管理者",
        }
    }

    /// Whether a user of this role may belong to an organisation of `kind`.
    /// Admins are operators and may sit in any organisation; every other role matches its kind.
    pub fn fits(self, kind: OrganizationKind) -> bool {
        match self {
            Self::Admin => true,
            Self::Manufacturer => kind == OrganizationKind::Manufacturer,
            Self::Wholesaler => kind == OrganizationKind::Wholesaler,
            Self::Ministry => kind == OrganizationKind::Ministry,
            Self::Association => kind == OrganizationKind::Association,
        }
    }

    /// Whether this role sees every organisation's data (the ministry and operators).
    pub fn sees_everything(self) -> bool {
        matches!(self, Self::Ministry | Self::Admin)
    }
}

impl FromStr for Role {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| FieldError::new("role", format!("ロール「{s}」は不明です")))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("pharmacist".parse::<Role>().is_err());
    }

    #[test]
    fn a_maker_role_only_fits_a_manufacturer() {
        assert!(Role::Manufacturer.fits(OrganizationKind::Manufacturer));
        assert!(!Role::Manufacturer.fits(OrganizationKind::Wholesaler));
        assert!(Role::Admin.fits(OrganizationKind::Ministry));
    }
}
