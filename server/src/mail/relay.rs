//! The SMTP relay client: up to [`SMTP_POOL_SIZE`](super::SMTP_POOL_SIZE) long-lived connections
//! with `TCP_NODELAY`, each sending message after message. Unlike a NOOP before every message (a
//! round trip, and with Nagle's algorithm a 40 ms stall), only a connection idle for a while is
//! checked before reuse; a broken one is dropped and a new one opened.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::sync::Semaphore;

use super::MailError;

/// A pooled connection idle longer than this is checked with a NOOP before it is reused.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(2);
/// A pooled connection idle longer than this is closed (relays drop idle clients).
const CLOSE_AFTER_IDLE: Duration = Duration::from_secs(60);
/// The most one message may take, connecting included.
const SEND_TIMEOUT: Duration = Duration::from_secs(20);

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    /// Plain SMTP (a local relay).
    None,
    /// STARTTLS, refused without it.
    Required,
    /// STARTTLS when offered.
    Opportunistic,
    /// TLS from the first byte (`smtps://`).
    Wrapper,
}

/// The relay of an `smtp://` or `smtps://` URL and its idle connections.
pub(super) struct Relay {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    hello: ClientId,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    permits: Semaphore,
}

impl Relay {
    /// Reads `smtp://[user:pass@]host[:port][?tls=required|opportunistic]` or `smtps://…`.
    pub(super) fn from_url(text: &str, connections: usize) -> Result<Self, MailError> {
        let bad = |why: &str| MailError::Relay(format!("SMTP の URL を読めません（{why}）"));
        let url = url::Url::parse(text).map_err(|e| bad(&e.to_string()))?;
        let host = url.host_str().ok_or_else(|| bad("ホスト名がありません"))?;
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let (security, default_port) = match (url.scheme(), tls.as_deref()) {
            ("smtp", None) => (Security::None, 25),
            ("smtp", Some("required")) => (Security::Required, 587),
            ("smtp", Some("opportunistic")) => (Security::Opportunistic, 587),
            ("smtps", _) => (Security::Wrapper, 465),
            _ => return Err(bad("smtp:// か smtps:// と tls=required|opportunistic")),
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let credentials = url
            .password()
            .map(|password| Credentials::new(decode(url.username()), decode(password)));
        let hello = if url.path().len() > 1 {
            ClientId::Domain(url.path().trim_matches('/').to_owned())
        } else {
            ClientId::default()
        };
        Ok(Self {
            host: host.trim_matches(['[', ']']).to_owned(),
            port: url.port().unwrap_or(default_port),
            security,
            credentials,
            hello,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(connections),
        })
    }

    /// Sends one message; the connection goes back to the pool only after a clean answer.
    pub(super) async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), MailError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| MailError::Relay("SMTP の接続が閉じられました".into()))?;
        let attempt = async {
            let mut connection = self.connection().await?;
            match connection.send(envelope, message).await {
                Ok(_) => {
                    self.put_back(connection);
                    Ok(())
                }
                Err(e) => {
                    connection.abort().await;
                    Err(MailError::Smtp(e))
                }
            }
        };
        tokio::time::timeout(SEND_TIMEOUT, attempt)
            .await
            .map_err(|_| MailError::Relay("SMTP サーバーが時間内に応答しません".into()))?
    }

    async fn connection(&self) -> Result<AsyncSmtpConnection, MailError> {
        loop {
            let pooled = self.idle.lock().ok().and_then(|mut idle| idle.pop());
            let Some((mut connection, since)) = pooled else {
                return self.connect().await;
            };
            let idle_for = since.elapsed();
            if connection.has_broken() || idle_for > CLOSE_AFTER_IDLE {
                connection.abort().await;
                continue;
            }
            if idle_for > CHECK_AFTER_IDLE && !connection.test_connected().await {
                connection.abort().await;
                continue;
            }
            return Ok(connection);
        }
    }

    fn put_back(&self, connection: AsyncSmtpConnection) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push((connection, Instant::now()));
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, MailError> {
        let tls = || TlsParameters::new(self.host.clone()).map_err(MailError::Smtp);
        let mut connection = if self.security == Security::Wrapper {
            AsyncSmtpConnection::connect_tokio1(
                (self.host.as_str(), self.port),
                Some(SEND_TIMEOUT),
                &self.hello,
                Some(tls()?),
                None,
            )
            .await?
        } else {
            let stream = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
                .await
                .map_err(|e| MailError::Relay(format!("SMTP サーバーに接続できません: {e}")))?;
            // Commands and answers are small: without this each waits for the peer's delayed ACK.
            stream
                .set_nodelay(true)
                .map_err(|e| MailError::Relay(format!("TCP_NODELAY: {e}")))?;
            AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello).await?
        };
        match self.security {
            Security::Required => connection.starttls(tls()?, &self.hello).await?,
            Security::Opportunistic if connection.can_starttls() => {
                connection.starttls(tls()?, &self.hello).await?;
            }
            _ => {}
        }
        if let Some(credentials) = &self.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await?;
        }
        Ok(connection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_give_host_port_security_and_credentials() -> Result<(), MailError> {
        let plain = Relay::from_url("smtp://127.0.0.1:2525", 8)?;
        assert_eq!(
            (plain.host.as_str(), plain.port, plain.security),
            ("127.0.0.1", 2525, Security::None)
        );
        assert!(plain.credentials.is_none());
        let submission = Relay::from_url("smtp://u%40x:p%21@mail.example.jp?tls=required", 8)?;
        assert_eq!(
            (submission.port, submission.security),
            (587, Security::Required)
        );
        assert!(submission.credentials.is_some());
        assert_eq!(Relay::from_url("smtps://mail.example.jp", 8)?.port, 465);
        assert!(Relay::from_url("http://mail.example.jp", 8).is_err());
        assert!(Relay::from_url("smtp://mail.example.jp?tls=maybe", 8).is_err());
        Ok(())
    }
}
