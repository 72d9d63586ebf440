//! `user create`, `user deactivate` and `user reset-mfa`.

use std::io::{BufRead, IsTerminal};

use anyhow::Context;
use supplywatch::domain::{OrganizationKind, Role};
use supplywatch::services::accounts::{self, NewOrganization, NewUser};
use supplywatch::services::audit::Actor;

use super::{UserCommand, explain};

pub(super) async fn run(db: &sea_orm::DatabaseConnection, what: UserCommand) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let actor = Actor::system("user");
    match what {
        UserCommand::Deactivate { email } => {
            accounts::set_user_active(db, &email, false, &actor, now)
                .await
                .map_err(explain)?;
            println!("{email} を無効にしました");
        }
        UserCommand::ResetMfa { email } => {
            let id = accounts::user_id_by_email(db, &email)
                .await
                .map_err(explain)?;
            accounts::mfa::reset(db, id, &actor, now)
                .await
                .map_err(explain)?;
            println!("{email} の二要素認証をリセットしました。次回ログイン時に再登録します");
        }
        UserCommand::Create {
            email,
            name,
            role,
            organization,
            organization_kind,
            corporate_number,
        } => {
            let role: Role = role
                .parse()
                .map_err(|e: supplywatch::domain::FieldError| anyhow::anyhow!(e.message))?;
            let kind = match organization_kind {
                Some(kind) => kind
                    .parse()
                    .map_err(|e: supplywatch::domain::FieldError| anyhow::anyhow!(e.message))?,
                None => default_kind(role),
            };
            let org = find_or_create_organization(
                db,
                kind,
                &organization,
                corporate_number.as_deref(),
                &actor,
            )
            .await?;
            let (password, generated) = read_password()?;
            let new = NewUser {
                email: &email,
                display_name: &name,
                role,
                organization_id: org.id,
                password: &password,
            };
            let created = accounts::create_user(db, &new, &actor, now)
                .await
                .map_err(explain)?;
            println!(
                "利用者 {} を作成しました（{}、{}）",
                created.email,
                role.label_ja(),
                org.name
            );
            if generated {
                println!("初期パスワード: {password}");
            }
        }
    }
    Ok(())
}

async fn find_or_create_organization(
    db: &sea_orm::DatabaseConnection,
    kind: OrganizationKind,
    name: &str,
    corporate_number: Option<&str>,
    actor: &Actor,
) -> anyhow::Result<accounts::OrganizationRef> {
    let existing = accounts::organizations_of_kind(db, kind)
        .await
        .map_err(explain)?;
    if let Some(org) = existing.into_iter().find(|o| o.name == name) {
        return Ok(org);
    }
    let new = NewOrganization {
        kind,
        name,
        corporate_number,
        contacts: &[],
    };
    accounts::create_organization(db, &new, actor, chrono::Utc::now())
        .await
        .map_err(explain)
}

fn default_kind(role: Role) -> OrganizationKind {
    match role {
        Role::Manufacturer => OrganizationKind::Manufacturer,
        Role::Wholesaler => OrganizationKind::Wholesaler,
        Role::Association => OrganizationKind::Association,
        Role::Ministry | Role::Admin => OrganizationKind::Ministry,
    }
}

/// The first line of standard input when piped; a generated password on a terminal.
fn read_password() -> anyhow::Result<(String, bool)> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let secret = supplywatch::services::auth::random_secret().replace(['-', '_'], "x");
        return Ok((format!("Sw-{}-9", &secret[..16]), true));
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("Failed to read the password from standard input")?;
    Ok((line.trim_end_matches(['\r', '\n']).to_owned(), false))
}
