//! Stopping in order: on SIGTERM the jobs stop taking new work, running ones get a bounded time
//! to finish, and a watchdog ends the process whatever still hangs (a blocking computation, a
//! stuck connection), so an orchestrator's stop always takes effect within [`EXIT_DEADLINE`].

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{OwnedRwLockReadGuard, RwLock};

/// The process exits at the latest this long after the first SIGTERM or SIGINT.
pub const EXIT_DEADLINE: Duration = Duration::from_secs(27);

/// Shared by the jobs and `serve`: whether to stop, and which jobs are still running.
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    stopping: Arc<AtomicBool>,
    running: Arc<RwLock<()>>,
}

/// Held by a running job; dropping it tells [`Shutdown::stop_and_wait`] the job is done.
#[derive(Debug)]
pub struct Running(#[expect(dead_code, reason = "held for its drop")] OwnedRwLockReadGuard<()>);

impl Shutdown {
    /// Whether new work should no longer be started.
    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    /// Marks a job as running until the guard drops; `None` once stopping.
    pub fn start_job(&self) -> Option<Running> {
        if self.is_stopping() {
            return None;
        }
        let guard = Arc::clone(&self.running).try_read_owned().ok()?;
        Some(Running(guard))
    }

    /// Stops new work and waits up to `limit` for running jobs; whether they all finished.
    pub async fn stop_and_wait(&self, limit: Duration) -> bool {
        self.stopping.store(true, Ordering::Release);
        tokio::time::timeout(limit, self.running.write())
            .await
            .is_ok()
    }
}

/// Waits for SIGTERM or SIGINT (alongside the HTTP server's own handling), then arms a
/// thread that ends the process after [`EXIT_DEADLINE`] if it has not exited by itself.
pub fn arm_exit_watchdog() {
    tokio::spawn(async {
        if wait_for_stop_signal().await.is_err() {
            return;
        }
        tracing::info!("stop signal received: shutting down");
        std::thread::spawn(|| {
            std::thread::sleep(EXIT_DEADLINE);
            tracing::error!(
                deadline_s = EXIT_DEADLINE.as_secs(),
                "shutdown did not finish in time: exiting now"
            );
            std::process::exit(1);
        });
    });
}

#[cfg(unix)]
async fn wait_for_stop_signal() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    Ok(())
}

#[cfg(not(unix))]
async fn wait_for_stop_signal() -> std::io::Result<()> {
    tokio::signal::ctrl_c().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stopping_waits_for_running_jobs_and_refuses_new_ones() {
        let shutdown = Shutdown::default();
        let job = shutdown.start_job();
        assert!(job.is_some());
        let waiter = {
            let shutdown = shutdown.clone();
            tokio::spawn(async move { shutdown.stop_and_wait(Duration::from_secs(60)).await })
        };
        tokio::task::yield_now().await;
        while !shutdown.is_stopping() {
            tokio::task::yield_now().await;
        }
        assert!(shutdown.start_job().is_none(), "no new job once stopping");
        assert!(!waiter.is_finished());
        drop(job);
        assert!(waiter.await.unwrap_or(false), "finished once the job ended");
    }

    #[tokio::test]
    async fn a_job_that_never_ends_does_not_hold_the_stop_beyond_the_limit() {
        let shutdown = Shutdown::default();
        let _stuck = shutdown.start_job();
        assert!(!shutdown.stop_and_wait(Duration::from_millis(50)).await);
    }
}
