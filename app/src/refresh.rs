//! How the shop's data stays fresh after a mutation, in one place: every
//! shop resource tracks one revision number, and every shop mutation bumps
//! it when it finishes. Components never name the actions that change them.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The shop's data revision, shared through context.
#[derive(Clone, Copy)]
pub struct Revision(RwSignal<u64>);

impl Revision {
    /// Reads the revision, so the calling resource refetches when it moves.
    pub fn track(self) -> u64 {
        self.0.get()
    }

    /// Marks the shop's data as changed: every tracking resource refetches.
    pub fn bump(self) {
        self.0.update(|n| *n += 1);
    }
}

/// Creates the revision for the whole app (called once, in `App`).
pub fn provide_revision() {
    provide_context(Revision(RwSignal::new(0)));
}

/// The app's revision.
pub fn use_revision() -> Revision {
    use_context::<Revision>().unwrap_or_else(|| {
        // Outside `App` (a component rendered on its own, in a test): a
        // private revision keeps it working, it just refreshes nothing else.
        let revision = Revision(RwSignal::new(0));
        provide_context(revision);
        revision
    })
}

/// A server action whose every completion marks the shop's data as changed.
pub fn shop_action<S>() -> ServerAction<S>
where
    S: ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    let revision = use_revision();
    Effect::watch(
        move || action.version().get(),
        move |_, _, _| revision.bump(),
        false,
    );
    action
}
