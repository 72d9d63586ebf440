//! Kinds of organisations and the roles of their users (DESIGN §1).

use std::str::FromStr;

use super::coded::coded_enum;
use super::validation::FieldError;

coded_enum!(
    /// What an organisation is.
    OrganizationKind {
        Manufacturer = "manufacturer", "製造販売業者";
        Wholesaler = "wholesaler", "卸売業者";
        Ministry = "ministry", "厚生労働省";
        Association = "association", "業界団体";
    }
);

impl FromStr for OrganizationKind {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.code() == s)
            .ok_or_else(|| {
                FieldError::new("organization_kind", format!("組織の種別「{s}」は不明です"))
            })
    }
}

coded_enum!(
    /// What a user may do: files reports for its own products (maker), uploads purchase history
    /// and downloads its own caps (wholesaler), sees everything (ministry), sees the cases it was
    /// asked to support (association), runs the system (admin).
    Role {
        Manufacturer = "manufacturer", "製造販売業者";
        Wholesaler = "wholesaler", "卸売業者";
        Ministry = "ministry", "厚生労働省";
        Association = "association", "業界団体";
        Admin = "admin", "システム管理者";
    }
);

impl Role {
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
            .iter()
            .copied()
            .find(|r| r.code() == s)
            .ok_or_else(|| FieldError::new("role", format!("ロール「{s}」は不明です")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL.iter().copied() {
            assert_eq!(role.code().parse::<Role>(), Ok(role));
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
