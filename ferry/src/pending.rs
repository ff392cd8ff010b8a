//! [`Pending`]: whether calls are running, as a signal, for whatever on the
//! page should show it (a spinner, a disabled button, `aria-busy`).

use std::future::Future;

use leptos::prelude::*;

/// Counts the calls it tracks that are still running. Give it to a
/// [`Form`](crate::Form) (`pending=saving`) or wrap any call in
/// [`track`](Pending::track); [`get`](Pending::get) is `true` while one runs,
/// and reading it in a view subscribes to it. On the server it is always
/// `false`: nothing runs while a page renders.
///
/// ```
/// use leptos::prelude::*;
/// use leptos::task::spawn_local;
///
/// #[ferry::mutation(endpoint = "doc/ping", revalidates = [])]
/// pub async fn ping() -> Result<(), ferry::Error> {
///     Ok(())
/// }
///
/// #[component]
/// fn PingButton() -> impl IntoView {
///     let pinging = ferry::Pending::new();
///     let ping = move |_| spawn_local(async move { let _ = pinging.track(ping()).await; });
///     view! {
///         <button on:click=ping disabled=move || pinging.get()>"Ping"</button>
///         <span aria-live="polite">{move || pinging.get().then_some("Sending…")}</span>
///     }
/// }
/// ```
#[derive(Clone, Copy)]
pub struct Pending(RwSignal<usize>);

impl Pending {
    /// Nothing running yet.
    pub fn new() -> Self {
        Self(RwSignal::new(0))
    }

    /// Whether a tracked call is running; tracked by the reactive system.
    pub fn get(self) -> bool {
        self.0.get() > 0
    }

    /// Whether a tracked call is running, without subscribing.
    pub fn get_untracked(self) -> bool {
        self.0.get_untracked() > 0
    }

    /// Runs `call`, counted as pending until it finishes or is dropped.
    pub async fn track<F: Future>(self, call: F) -> F::Output {
        let _running = self.start();
        call.await
    }

    /// Counts one call until the guard drops.
    pub(crate) fn start(self) -> Running {
        self.0.update(|n| *n += 1);
        Running(self)
    }
}

impl Default for Pending {
    fn default() -> Self {
        Self::new()
    }
}

/// One tracked call; dropping it ends the call's count.
pub(crate) struct Running(Pending);

impl Drop for Running {
    fn drop(&mut self) {
        // The page may be gone (the signal disposed): nothing to show then.
        self.0.0.try_update(|n| *n = n.saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_while_a_tracked_call_runs() {
        Owner::new().with(pending_while_running);
    }

    fn pending_while_running() {
        let pending = Pending::new();
        assert!(!pending.get_untracked());
        let (release, wait) = futures::channel::oneshot::channel::<()>();
        let mut call = Box::pin(pending.track(wait));
        let waker = futures::task::noop_waker();
        let mut cx = std::task::Context::from_waker(&waker);
        assert!(call.as_mut().poll(&mut cx).is_pending());
        assert!(pending.get_untracked());
        release.send(()).unwrap();
        assert!(call.as_mut().poll(&mut cx).is_ready());
        assert!(!pending.get_untracked());
    }

    #[test]
    fn a_dropped_call_is_no_longer_pending() {
        Owner::new().with(dropped_calls_end);
    }

    fn dropped_calls_end() {
        let pending = Pending::new();
        let call = pending.start();
        let other = pending.start();
        drop(call);
        assert!(pending.get_untracked());
        drop(other);
        assert!(!pending.get_untracked());
    }
}
