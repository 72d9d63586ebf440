//! Password hashing (argon2id) for accounts and logins. Each hash holds about 19 MiB for its
//! duration, so at most one runs per core at a time, on the blocking pool. A login waits in a
//! short queue and anything beyond it is told to come back later (`ServiceError::Busy`, 429),
//! instead of letting a crowd of logins take the machine's memory; setting a password (an
//! account created, seeded or changed) waits for its turn however long the queue is.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use tokio::sync::Semaphore;

use crate::services::ServiceError;

/// Hashes waiting for a turn, per core, before more are refused.
const QUEUE_PER_CORE: usize = 16;
/// How long a hash waits for a turn before it is refused.
const WAIT: Duration = Duration::from_secs(5);
/// What a refused caller is told to wait, in seconds.
const RETRY_AFTER_SECONDS: u64 = 2;

/// One permit per core, and the count of callers waiting for one.
struct Gate {
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
}

impl Gate {
    fn new(permits: usize, queue: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(permits)),
            waiting: AtomicUsize::new(0),
            queue,
        }
    }
}

/// The server's gate: one permit per core.
fn gate() -> &'static Gate {
    static GATE: OnceLock<Gate> = OnceLock::new();
    GATE.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Gate::new(cores, cores * QUEUE_PER_CORE)
    })
}

fn busy() -> ServiceError {
    ServiceError::Busy {
        message: "ログインが混み合っています。少し時間をおいてからもう一度お試しください".into(),
        retry_after: RETRY_AFTER_SECONDS,
    }
}

/// What a caller does when the gate's queue is full or its turn is slow to come.
#[derive(Clone, Copy)]
enum WhenBusy {
    /// A login: refused as busy (429), so strangers cannot queue without bound.
    Refuse,
    /// Setting a password: waits for its turn (the permits still bound the memory).
    Wait,
}

/// Runs `work` on the blocking pool once `gate` has a free permit.
async fn hashing<T: Send + 'static>(
    gate: &Gate,
    when_busy: WhenBusy,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    if let WhenBusy::Wait = when_busy {
        let permit = Arc::clone(&gate.permits)
            .acquire_owned()
            .await
            .map_err(|e| ServiceError::Internal(format!("Password hashing gate closed: {e}")))?;
        return run_blocking(permit, work).await;
    }
    if gate.waiting.fetch_add(1, Ordering::SeqCst) >= gate.queue {
        gate.waiting.fetch_sub(1, Ordering::SeqCst);
        return Err(busy());
    }
    let permit = tokio::time::timeout(WAIT, Arc::clone(&gate.permits).acquire_owned()).await;
    gate.waiting.fetch_sub(1, Ordering::SeqCst);
    let Ok(Ok(permit)) = permit else {
        return Err(busy());
    };
    run_blocking(permit, work).await
}

/// Runs `work` on the blocking pool, holding `permit` until it is done.
async fn run_blocking<T: Send + 'static>(
    permit: tokio::sync::OwnedSemaphorePermit,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    tokio::task::spawn_blocking(move || {
        let result = work();
        drop(permit);
        result
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("Password hashing thread failed: {e}")))
}

/// Hashes a password with argon2id.
pub async fn hash_password(password: String) -> Result<String, ServiceError> {
    hashing(gate(), WhenBusy::Wait, move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| ServiceError::Internal(format!("Failed to hash a password: {e}")))
    })
    .await?
}

/// Checks a password against a stored hash; `None` (an unknown e-mail) checks it against a
/// hash nobody has, so that the answer costs the same as for a real account.
pub async fn verify_password(
    password: String,
    stored: Option<String>,
) -> Result<bool, ServiceError> {
    let known = stored.is_some();
    let stored = match stored {
        Some(stored) => stored,
        None => decoy_hash().await?,
    };
    let matches = hashing(gate(), WhenBusy::Refuse, move || {
        let parsed = PasswordHash::new(&stored).map_err(|e| {
            ServiceError::Internal(format!("A stored password hash is malformed: {e}"))
        })?;
        Ok::<_, ServiceError>(
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
        )
    })
    .await??;
    Ok(known && matches)
}

/// A hash of a password nobody has, made once.
async fn decoy_hash() -> Result<String, ServiceError> {
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DECOY.get() {
        return Ok(hash.clone());
    }
    let hash = hash_password("a password that no account has".to_owned()).await?;
    Ok(DECOY.get_or_init(|| hash).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() -> Result<(), ServiceError> {
        let hash = hash_password("abc123!xyz".into()).await?;
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("abc123!xyz".into(), Some(hash.clone())).await?);
        assert!(!verify_password("abc123!xyZ".into(), Some(hash)).await?);
        assert!(!verify_password("abc123!xyz".into(), None).await?);
        Ok(())
    }

    #[tokio::test]
    async fn logins_past_the_queue_are_refused_as_busy_while_a_password_being_set_waits()
    -> Result<(), ServiceError> {
        let gate = Arc::new(Gate::new(1, 2));
        let held = Arc::clone(&gate.permits)
            .acquire_owned()
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let queued: Vec<_> = (0..2)
            .map(|i| {
                let gate = Arc::clone(&gate);
                tokio::spawn(async move { hashing(&gate, WhenBusy::Refuse, move || i).await })
            })
            .collect();
        while gate.waiting.load(Ordering::SeqCst) < 2 {
            tokio::task::yield_now().await;
        }
        let refused = hashing(&gate, WhenBusy::Refuse, || 9).await;
        assert!(
            matches!(refused, Err(ServiceError::Busy { retry_after, .. }) if retry_after > 0),
            "{refused:?}"
        );
        let setting = {
            let gate = Arc::clone(&gate);
            tokio::spawn(async move { hashing(&gate, WhenBusy::Wait, || 7).await })
        };
        tokio::task::yield_now().await;
        assert!(
            !setting.is_finished(),
            "a password being set waits for its turn"
        );
        drop(held);
        let set = setting
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        assert!(matches!(set, Ok(7)), "{set:?}");
        for task in queued {
            assert!(
                task.await
                    .map_err(|e| ServiceError::Internal(e.to_string()))?
                    .is_ok()
            );
        }
        Ok(())
    }
}
