//! Until a mutation has succeeded in this document, mutations go one at a
//! time: one sent while another is in flight waits for its answer. A
//! server commonly makes the visitor's session or cart on their first
//! change and sets its cookie in that answer; two quick clicks sent at once
//! would each make one, the browser would keep whichever cookie came last,
//! and the other click's change would be lost. After one success the
//! cookie is in the browser, and mutations go at once.

use std::cell::RefCell;

use futures::FutureExt;
use futures::channel::oneshot;
use futures::future::Shared;

/// Where the document stands.
enum State {
    /// No mutation has succeeded, and none is in flight.
    Unsent,
    /// The first is in flight; this resolves when it has an answer (or is
    /// given up).
    InFlight(Shared<oneshot::Receiver<()>>),
    /// One has succeeded: every mutation goes at once.
    Answered,
}

thread_local! {
    // The browser runs a document's WASM on one thread, so this is the
    // document's state; each native test thread has its own.
    static STATE: RefCell<State> = const { RefCell::new(State::Unsent) };
}

/// What a mutation about to be sent must do first.
pub(super) enum Turn {
    /// Go at once.
    Go,
    /// Go alone, holding [`First`] until the answer.
    First(First),
    /// Wait for the one in flight.
    Wait(Shared<oneshot::Receiver<()>>),
}

/// Takes a turn in the order mutations are sent (clicks' order), not the
/// order their futures are first polled.
pub(super) fn take() -> Turn {
    STATE.with_borrow_mut(|state| match state {
        State::Answered => Turn::Go,
        State::InFlight(answer) => Turn::Wait(answer.clone()),
        State::Unsent => {
            let (sender, receiver) = oneshot::channel();
            *state = State::InFlight(receiver.shared());
            Turn::First(First { _sender: sender })
        }
    })
}

/// Waits until the mutation may be sent; returns the [`First`] to hold if
/// it goes first. One that waited takes a new turn: after a failure the
/// next one goes alone in its place.
pub(super) async fn wait(mut turn: Turn) -> Option<First> {
    loop {
        match turn {
            Turn::Go => return None,
            Turn::First(first) => return Some(first),
            Turn::Wait(answer) => {
                // Cancelled is the only outcome: the sender is dropped.
                let _ = answer.await;
                turn = take();
            }
        }
    }
}

/// Held by the mutation in flight. Dropping it (answered, failed or given
/// up) wakes the ones waiting; only [`First::succeeded`] lets every later
/// mutation go at once.
pub(super) struct First {
    _sender: oneshot::Sender<()>,
}

impl First {
    /// The answer succeeded, so any cookie it set is in the browser.
    pub(super) fn succeeded(self) {
        STATE.set(State::Answered);
    }
}

impl Drop for First {
    fn drop(&mut self) {
        STATE.with_borrow_mut(|state| {
            if matches!(state, State::InFlight(_)) {
                *state = State::Unsent;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use futures::executor::LocalPool;
    use futures::task::LocalSpawnExt;

    use super::*;

    /// Mutations made on one thread (one document), and the order they
    /// were sent in.
    #[derive(Default)]
    struct Page {
        pool: LocalPool,
        sent: Rc<RefCell<Vec<&'static str>>>,
    }

    impl Page {
        /// Makes a mutation that records when it is sent and holds its
        /// turn until the returned sender says whether it succeeded.
        fn mutation(&self, name: &'static str) -> oneshot::Sender<bool> {
            let (answer, answered) = oneshot::channel();
            let turn = take();
            let sent = self.sent.clone();
            self.pool
                .spawner()
                .spawn_local(async move {
                    let first = wait(turn).await;
                    sent.borrow_mut().push(name);
                    let succeeded = answered.await.unwrap_or(false);
                    if let Some(first) = first
                        && succeeded
                    {
                        first.succeeded();
                    }
                })
                .unwrap();
            answer
        }

        /// The mutations sent so far, once every one that can has run.
        fn sent(&mut self) -> Vec<&'static str> {
            self.pool.run_until_stalled();
            self.sent.borrow().clone()
        }
    }

    #[test]
    fn the_second_waits_for_the_first_answer_then_all_go_at_once() {
        let mut page = Page::default();
        let answer_a = page.mutation("a");
        let _answer_b = page.mutation("b");
        assert_eq!(page.sent(), ["a"], "b waits while a is in flight");

        answer_a.send(true).unwrap();
        assert_eq!(page.sent(), ["a", "b"]);

        // b is still in flight, yet later ones no longer wait.
        let _answer_c = page.mutation("c");
        assert_eq!(page.sent(), ["a", "b", "c"]);
    }

    #[test]
    fn after_a_failure_the_next_goes_alone_in_its_place() {
        let mut page = Page::default();
        let answer_a = page.mutation("a");
        let answer_b = page.mutation("b");
        let _answer_c = page.mutation("c");
        assert_eq!(page.sent(), ["a"]);

        answer_a.send(false).unwrap();
        assert_eq!(page.sent(), ["a", "b"], "c waits for b, now first");

        answer_b.send(true).unwrap();
        assert_eq!(page.sent(), ["a", "b", "c"]);
    }

    #[test]
    fn a_first_given_up_before_its_answer_leaves_the_turn_to_the_next() {
        let Turn::First(first) = take() else {
            panic!("the document's first mutation goes first");
        };
        assert!(matches!(take(), Turn::Wait(_)));
        drop(first); // its future dropped: no answer, so no cookie either
        assert!(matches!(take(), Turn::First(_)));
    }
}
