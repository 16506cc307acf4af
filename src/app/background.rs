//! Work on a background thread whose one result the UI thread picks up when it is ready:
//! opening and saving projects, exporting datasets. The window never waits on it.

use std::sync::mpsc;

/// A result being computed on another thread.
pub struct Background<T> {
    result: mpsc::Receiver<T>,
}

/// Where a background job is.
#[derive(Debug, PartialEq, Eq)]
pub enum Poll<T> {
    /// Still working.
    Running,
    /// Finished with this result.
    Done(T),
    /// The thread ended without a result: it panicked, which is a bug.
    Died,
}

impl<T: Send + 'static> Background<T> {
    /// Runs `work` on a new thread. `wake` runs once it has finished, with a result or
    /// not, so that the window repaints and picks it up.
    pub fn spawn(
        work: impl FnOnce() -> T + Send + 'static,
        wake: impl FnOnce() + Send + 'static,
    ) -> Self {
        let (sender, result) = mpsc::channel();
        std::thread::spawn(move || {
            // Declared first, so dropped last: after the result is sent, and also when
            // `work` panics.
            let _wake = OnDrop(Some(wake));
            let _ = sender.send(work());
        });
        Self { result }
    }

    /// The result if there is one now. It is handed out once: drop the job after.
    pub fn poll(&self) -> Poll<T> {
        match self.result.try_recv() {
            Ok(result) => Poll::Done(result),
            Err(mpsc::TryRecvError::Empty) => Poll::Running,
            Err(mpsc::TryRecvError::Disconnected) => Poll::Died,
        }
    }
}

/// Runs its function when dropped.
struct OnDrop<F: FnOnce()>(Option<F>);

impl<F: FnOnce()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        if let Some(f) = self.0.take() {
            f();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    fn wait<T: Send + 'static>(job: &Background<T>) -> Poll<T> {
        for _ in 0..1000 {
            match job.poll() {
                Poll::Running => std::thread::sleep(Duration::from_millis(2)),
                other => return other,
            }
        }
        panic!("the job did not finish");
    }

    #[test]
    fn hands_over_the_result_once_and_wakes_the_window() {
        let woken = Arc::new(AtomicBool::new(false));
        let flag = woken.clone();
        let job = Background::spawn(|| 6 * 7, move || flag.store(true, Ordering::Release));
        assert_eq!(wait(&job), Poll::Done(42));
        assert!(woken.load(Ordering::Acquire));
    }

    #[test]
    fn a_panicking_job_is_reported_and_still_wakes_the_window() {
        let woken = Arc::new(AtomicBool::new(false));
        let flag = woken.clone();
        let job: Background<u8> = Background::spawn(
            || panic!("a bug in the job"),
            move || flag.store(true, Ordering::Release),
        );
        assert_eq!(wait(&job), Poll::Died);
        assert!(woken.load(Ordering::Acquire));
    }
}
