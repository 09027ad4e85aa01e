//! The one path by which writes reach sled, and the one flusher that makes them durable.
//!
//! sled 0.34.7 deadlocks when a flush runs beside a batch or a transaction: the flush
//! holds sled's concurrency-control read lock while it waits for the log to become
//! stable, the batch queues for the write lock, and the log writer then queues behind
//! that writer (fixed upstream, never released). MCP clients send calls in parallel,
//! so this is the normal case. Here a write (a transaction or a batch) and a flush
//! never overlap: both take the same gate. sled's own periodic flusher, which would
//! flush behind the gate's back, is turned off (`Store::open`).
//!
//! Group commit: a caller that needs its writes durable asks the flusher thread and
//! waits. While one fsync runs, the writes arriving meanwhile queue at the gate, are
//! applied as soon as it is done, and the next fsync covers all of them, so parallel
//! callers share flushes instead of taking turns at them.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use sled::Db;
use tokio::sync::watch;

use crate::error::{Error, Result};

/// How far writes have been made durable.
#[derive(Debug, Clone, Default)]
struct Flushed {
    /// Every write numbered up to this one is on disk.
    durable: u64,
    /// The last flush that failed: the writes up to this number, and why. A later
    /// successful flush covers them again (sled retries the same buffers).
    failed: Option<(u64, sled::Error)>,
}

struct Shared {
    db: Db,
    /// Held while a write is applied and while sled flushes.
    gate: Mutex<()>,
    /// Writes applied through the gate; only changed while the gate is held.
    applied: Mutex<u64>,
    /// The highest write number someone is waiting to see durable, and whether the
    /// store is going away; the flusher sleeps on `wake` until one of them changes.
    wanted: Mutex<(u64, bool)>,
    wake: Condvar,
    flushed: watch::Sender<Flushed>,
}

/// Owns the flusher thread; dropped with the last clone of the store.
pub(super) struct Writer {
    shared: Arc<Shared>,
    flusher: Option<JoinHandle<()>>,
}

impl Writer {
    pub(super) fn start(db: Db) -> Writer {
        let shared = Arc::new(Shared {
            db,
            gate: Mutex::new(()),
            applied: Mutex::new(0),
            wanted: Mutex::new((0, false)),
            wake: Condvar::new(),
            flushed: watch::Sender::new(Flushed::default()),
        });
        let flusher = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("grounded-flusher".into())
                .spawn(move || flush_when_asked(&shared))
                .expect("the flusher thread starts")
        };
        Writer { shared, flusher: Some(flusher) }
    }

    /// Applies one write (a transaction, a batch, or a read-modify-write of several
    /// keys) with no flush beside it and no other write interleaved.
    pub(super) fn write<R>(&self, apply: impl FnOnce() -> Result<R>) -> Result<R> {
        let _gate = lock(&self.shared.gate);
        let done = apply();
        *lock(&self.shared.applied) += 1;
        done
    }

    /// Waits until every write applied so far is durable.
    pub(super) async fn flush(&self) -> Result<()> {
        let upto = *lock(&self.shared.applied);
        let mut flushed = self.shared.flushed.subscribe();
        if flushed.borrow().durable >= upto {
            return Ok(());
        }
        self.ask(upto);
        let state = flushed
            .wait_for(|f| f.durable >= upto || f.failed.as_ref().is_some_and(|(n, _)| *n >= upto))
            .await
            .map_err(|_| Error::Storage(sled::Error::ReportableBug("the flusher thread stopped".into())))?
            .clone();
        outcome(&state, upto)
    }

    /// The same for a caller outside the async runtime (the CLI): it flushes itself,
    /// under the gate, rather than waiting for the flusher thread.
    pub(super) fn flush_blocking(&self) -> Result<()> {
        flush_now(&self.shared)
    }

    fn ask(&self, upto: u64) {
        let mut wanted = lock(&self.shared.wanted);
        if wanted.0 < upto {
            wanted.0 = upto;
            self.shared.wake.notify_one();
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        lock(&self.shared.wanted).1 = true;
        self.shared.wake.notify_one();
        if let Some(flusher) = self.flusher.take() {
            let _ = flusher.join();
        }
    }
}

fn outcome(state: &Flushed, upto: u64) -> Result<()> {
    match &state.failed {
        Some((n, why)) if state.durable < upto && *n >= upto => Err(Error::Storage(why.clone())),
        _ => Ok(()),
    }
}

fn flush_when_asked(shared: &Shared) {
    loop {
        {
            let mut wanted = lock(&shared.wanted);
            while !wanted.1 && wanted.0 <= shared.flushed.borrow().durable {
                wanted = shared.wake.wait(wanted).unwrap_or_else(|e| e.into_inner());
            }
            if wanted.1 {
                return;
            }
        }
        // A failure is published to the waiters; the next request tries again.
        let _ = flush_now(shared);
    }
}

/// Flushes under the gate and publishes how far writes are durable.
fn flush_now(shared: &Shared) -> Result<()> {
    let _gate = lock(&shared.gate);
    let upto = *lock(&shared.applied);
    match shared.db.flush() {
        Ok(_) => {
            shared.flushed.send_modify(|f| f.durable = f.durable.max(upto));
            Ok(())
        }
        Err(e) => {
            tracing::error!(error = %e, "flushing the database failed");
            shared.flushed.send_modify(|f| f.failed = Some((upto, e.clone())));
            Err(Error::Storage(e))
        }
    }
}

/// A poisoned lock only means another thread panicked while holding it; the data it
/// guards (counters, a unit) stays valid.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use crate::store::{Store, Table, abort};

    /// Many tasks, each applying a batch or a transaction and then waiting for it to
    /// be durable, as parallel tool calls do. Before the gate, sled deadlocked here.
    #[test]
    fn parallel_batches_transactions_and_flushes_all_finish_and_land() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap();
        const TASKS: u64 = 32;
        const EACH: u64 = 100;
        runtime.block_on(async {
            let tasks: Vec<_> = (0..TASKS)
                .map(|task| {
                    let store = store.clone();
                    tokio::spawn(async move {
                        for i in 0..EACH {
                            let key = (task * EACH + i).to_be_bytes();
                            if i % 3 == 0 {
                                store
                                    .transact(|tx| {
                                        tx.next_id("probe")?;
                                        tx.put_raw(Table::Sources, &key, b"transaction")
                                    })
                                    .unwrap();
                            } else {
                                store
                                    .write_batch(Table::Sources, |_| {
                                        let mut batch = crate::store::Batch::default();
                                        batch.insert(&key[..], &b"batch"[..]);
                                        Ok((batch, ()))
                                    })
                                    .unwrap();
                            }
                            store.flush().await.unwrap();
                        }
                    })
                })
                .collect();
            for task in tasks {
                tokio::time::timeout(std::time::Duration::from_secs(120), task)
                    .await
                    .expect("no writer is wedged")
                    .unwrap();
            }
        });
        assert_eq!(store.tree(Table::Sources).len() as u64, TASKS * EACH);
        let ids = store.transact(|tx| tx.next_id("probe")).unwrap();
        assert_eq!(ids, TASKS * EACH.div_ceil(3) + 1, "every transaction's counter increment landed");
    }

    #[test]
    fn a_failed_write_still_leaves_the_gate_usable() {
        let store = Store::temporary().unwrap();
        let refused: crate::Result<()> =
            store.transact(|_| Err(abort(crate::Error::invalid("title", "refused on purpose"))));
        assert!(refused.is_err());
        store.transact(|tx| tx.put_raw(Table::Sources, b"k", b"v")).unwrap();
        store.flush_blocking().unwrap();
        assert_eq!(store.tree(Table::Sources).get(b"k").unwrap().unwrap().as_ref(), b"v");
    }

    #[test]
    fn dropping_the_store_stops_the_flusher_and_frees_the_database() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            for i in 0u64..50 {
                store.transact(|tx| tx.put_raw(Table::Sources, &i.to_be_bytes(), b"v")).unwrap();
                runtime.block_on(store.flush()).unwrap();
            }
        }
        let store = crate::store::reopen(dir.path()).unwrap();
        assert_eq!(store.tree(Table::Sources).len(), 50);
    }
}
