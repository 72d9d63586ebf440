//! Sending mail with lettre through one of three backends — SMTP, .eml files, or memory (tests) —
//! and the askama templates of every message (`content`).

pub mod content;
mod relay;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

pub use content::{MailContent, Rendered};

/// Connections kept open to the SMTP relay (and messages sent at once).
pub const SMTP_POOL_SIZE: u32 = 8;

/// Why a mail could not be built or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address does not parse.
    #[error("メールアドレス「{0}」を読めません")]
    Address(String),
    /// The message could not be built.
    #[error("メールを組み立てられません: {0}")]
    Build(#[from] lettre::error::Error),
    /// A template failed.
    #[error("メールの本文を作れません: {0}")]
    Template(#[from] askama::Error),
    /// The SMTP relay refused or could not be reached.
    #[error("SMTP サーバーに送れません: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// The relay's URL does not read, or the relay could not be reached in time.
    #[error("{0}")]
    Relay(String),
    /// The .eml file could not be written.
    #[error("メールファイルを書けません: {0}")]
    File(#[from] lettre::transport::file::Error),
    /// The mail folder could not be created.
    #[error("メールの保存先 {path} を作れません: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Which mail backend to use.
#[derive(Debug, Clone)]
pub enum MailSettings {
    /// An SMTP relay: `smtp://host:port` (plain, local), `smtp://…?tls=required` (STARTTLS),
    /// `smtps://…` (TLS); user and password may be given in the URL.
    Smtp(SecretString),
    /// One .eml file per message in this folder.
    File(PathBuf),
    /// Kept in memory (tests).
    Memory(MemoryMailbox),
}

/// A message as the memory backend keeps it.
#[derive(Debug, Clone)]
pub struct SentMail {
    /// The recipient's address.
    pub to: String,
    /// The subject (decoded).
    pub subject: String,
    /// The whole message as sent (RFC 5322, MIME-encoded).
    pub raw: String,
}

/// Mail kept in memory; clones share the same list.
#[derive(Debug, Clone, Default)]
pub struct MemoryMailbox(Arc<Mutex<Vec<SentMail>>>);

impl MemoryMailbox {
    /// Every message sent so far.
    pub fn messages(&self) -> Vec<SentMail> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }

    fn push(&self, mail: SentMail) {
        if let Ok(mut list) = self.0.lock() {
            list.push(mail);
        }
    }
}

#[derive(Clone)]
enum Backend {
    Smtp(Arc<relay::Relay>),
    File(AsyncFileTransport<Tokio1Executor>),
    Memory(MemoryMailbox),
}

/// One message to send.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    /// Recipient's name.
    pub to_name: String,
    /// Recipient's address.
    pub to_email: String,
    /// A stable id (from the outbox row's idempotency key) so receivers can spot a repeat.
    pub message_id: String,
    /// The rendered subject and bodies.
    pub rendered: Rendered,
}

/// The configured mail backend, the sender and the application's address for links.
#[derive(Clone)]
pub struct Mailer {
    backend: Backend,
    from: Mailbox,
    base_url: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.backend {
            Backend::Smtp(_) => "smtp",
            Backend::File(_) => "file",
            Backend::Memory(_) => "memory",
        };
        f.debug_struct("Mailer")
            .field("backend", &kind)
            .field("from", &self.from)
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl Mailer {
    /// The mailer of `settings`, sending as `from` with links starting with `base_url`; creates
    /// the mail folder of the file backend.
    pub fn new(settings: &MailSettings, from: &str, base_url: &str) -> Result<Self, MailError> {
        let backend = match settings {
            MailSettings::Smtp(url) => Backend::Smtp(Arc::new(relay::Relay::from_url(
                url.expose_secret(),
                SMTP_POOL_SIZE as usize,
            )?)),
            MailSettings::File(dir) => {
                std::fs::create_dir_all(dir).map_err(|source| MailError::Folder {
                    path: dir.clone(),
                    source,
                })?;
                Backend::File(AsyncFileTransport::new(dir))
            }
            MailSettings::Memory(mailbox) => Backend::Memory(mailbox.clone()),
        };
        let from = from
            .parse()
            .map_err(|_| MailError::Address(from.to_owned()))?;
        Ok(Self {
            backend,
            from,
            base_url: base_url.to_owned(),
        })
    }

    /// The application's address that links start with.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends one message (plain text with an HTML alternative, headers MIME-encoded).
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let address = mail
            .to_email
            .parse()
            .map_err(|_| MailError::Address(mail.to_email.clone()))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(
                Some(mail.to_name.clone()).filter(|n| !n.is_empty()),
                address,
            ))
            .subject(mail.rendered.subject.clone())
            .message_id(Some(mail.message_id.clone()));
        if let Some(url) = &mail.rendered.unsubscribe_url {
            // RFC 2369 and RFC 8058: a mail client may unsubscribe with one POST to the URL.
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let message = builder.multipart(MultiPart::alternative_plain_html(
            mail.rendered.text.clone(),
            mail.rendered.html.clone(),
        ))?;
        match &self.backend {
            Backend::Smtp(relay) => {
                relay.send(message.envelope(), &message.formatted()).await?;
            }
            Backend::File(file) => {
                file.send(message).await?;
            }
            Backend::Memory(mailbox) => mailbox.push(SentMail {
                to: mail.to_email.clone(),
                subject: mail.rendered.subject.clone(),
                raw: String::from_utf8_lossy(&message.formatted()).into_owned(),
            }),
        }
        Ok(())
    }
}
