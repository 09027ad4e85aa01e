//! Progress of an import, for a client's progress bar: which phase it is in (read,
//! validate, write, commit, flush) and how far. A client should hear from a long
//! import several times a second and not be flooded, so [`Throttle`] passes a step on
//! when the phase changes or [`INTERVAL`] has gone by, and the importer calls it for
//! every row validated and every item written. The commit of the one transaction is
//! opaque (sled) and takes a large import half a second: [`Throttle::beating`] keeps
//! a heartbeat going through it. Positions only grow, as MCP requires of progress.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most this long between two steps passed on while work goes on (the import
/// calls often enough; issue #15 asks for at least every 250 ms).
pub const INTERVAL: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Read,
    Validate,
    Write,
    /// sled commits the transaction: no count, a heartbeat.
    Commit,
    Flush,
}

/// Where an import of `total` rows stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub phase: Phase,
    pub done: usize,
    pub total: usize,
    /// What the rows become: "items" of evidence, "values" of a metric.
    pub what: &'static str,
}

impl Step {
    /// One number that only grows across the phases, out of [`Step::scale`]: every
    /// row counts once when validated and once when written, the flush once.
    pub fn position(&self) -> usize {
        match self.phase {
            Phase::Read => 0,
            Phase::Validate => self.done,
            Phase::Write => self.total + self.done,
            // A heartbeat moves one step at a time and stays below the flush.
            Phase::Commit => 2 * self.total + self.done.min(self.total.saturating_sub(1)),
            Phase::Flush => 3 * self.total,
        }
    }

    pub fn scale(&self) -> usize {
        3 * self.total + 1
    }

    pub fn message(&self) -> String {
        match self.phase {
            Phase::Read => format!("read the file: {} rows", self.total),
            Phase::Validate => format!("validated {} of {} rows", self.done, self.total),
            Phase::Write => format!("wrote {} of {} {}", self.done, self.total, self.what),
            Phase::Commit => format!("committing the {} {} as one transaction", self.total, self.what),
            Phase::Flush => "writing to disk".to_string(),
        }
    }
}

/// What an importer reports to.
pub type Report<'a> = &'a (dyn Fn(Step) + Send + Sync);

pub struct Throttle<'a> {
    report: Report<'a>,
    what: &'static str,
    /// The last step passed on: its phase, when, and its position.
    last: Mutex<Option<(Phase, Instant, usize)>>,
}

impl<'a> Throttle<'a> {
    pub fn new(report: Report<'a>, what: &'static str) -> Throttle<'a> {
        Throttle { report, what, last: Mutex::new(None) }
    }

    /// Passes the step on if its phase is new, it is a phase's last, or
    /// [`INTERVAL`] has gone by since the last one passed on; never a step that
    /// would not move the position forward.
    pub fn step(&self, phase: Phase, done: usize, total: usize) {
        let now = Instant::now();
        let step = Step { phase, done, total, what: self.what };
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let due = match *last {
            Some((_, _, position)) if step.position() <= position => false,
            Some((p, at, _)) => p != phase || done == total || now.duration_since(at) >= INTERVAL,
            None => true,
        };
        if due {
            *last = Some((phase, now, step.position()));
            (self.report)(step);
        }
    }

    /// Runs `work` (the writes, then the commit), and once the last write was passed
    /// on, passes on a commit heartbeat whenever no step has been for [`INTERVAL`].
    pub fn beating<R>(&self, total: usize, work: impl FnOnce() -> R) -> R {
        let finished = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            let heart = scope.spawn(|| {
                let mut beats = 0;
                while !finished.load(std::sync::atomic::Ordering::Acquire) {
                    std::thread::park_timeout(INTERVAL / 4);
                    // Only once every write was passed on: a beat's position is past
                    // the writes', so an earlier one would silence them (a loaded
                    // machine can be quiet for 100 ms before the first write).
                    let quiet = self
                        .last
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .is_none_or(|(_, at, position)| position >= 2 * total && at.elapsed() >= INTERVAL);
                    if quiet && !finished.load(std::sync::atomic::Ordering::Acquire) {
                        beats += 1;
                        self.step(Phase::Commit, beats, total);
                    }
                }
            });
            let result = work();
            finished.store(true, std::sync::atomic::Ordering::Release);
            heart.thread().unpark();
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_start_of_the_writes_does_not_let_a_heartbeat_silence_them() {
        let seen = Mutex::new(vec![]);
        let report = |step: Step| seen.lock().unwrap().push(step.message());
        let throttle = Throttle::new(&report, "items");
        throttle.step(Phase::Validate, 30, 30);
        throttle.beating(30, || {
            std::thread::sleep(INTERVAL * 3);
            throttle.step(Phase::Write, 30, 30);
            std::thread::sleep(INTERVAL * 3);
        });
        let seen = seen.into_inner().unwrap();
        assert!(seen.contains(&"wrote 30 of 30 items".to_string()), "{seen:?}");
        assert!(seen.last().unwrap().starts_with("committing"), "the commit beats after the writes: {seen:?}");
    }

    #[test]
    fn steps_are_passed_on_per_phase_and_interval_and_only_grow() {
        let seen = Mutex::new(vec![]);
        let report = |step: Step| seen.lock().unwrap().push(step);
        let throttle = Throttle::new(&report, "items");
        throttle.step(Phase::Read, 0, 1_000);
        for i in 1..=1_000 {
            throttle.step(Phase::Validate, i, 1_000);
        }
        std::thread::sleep(INTERVAL);
        throttle.step(Phase::Write, 1, 1_000);
        throttle.step(Phase::Write, 2, 1_000);
        std::thread::sleep(INTERVAL);
        throttle.step(Phase::Write, 3, 1_000);
        throttle.step(Phase::Flush, 0, 1_000);
        let seen = seen.into_inner().unwrap();
        let phases: Vec<(Phase, usize)> = seen.iter().map(|s| (s.phase, s.done)).collect();
        // Read; the first and last validation (a fast loop is not a flood); the first
        // write and the one after the interval; the flush.
        assert_eq!(
            phases,
            [
                (Phase::Read, 0),
                (Phase::Validate, 1),
                (Phase::Validate, 1_000),
                (Phase::Write, 1),
                (Phase::Write, 3),
                (Phase::Flush, 0)
            ]
        );
        assert!(seen.windows(2).all(|w| w[0].position() <= w[1].position()));
        assert_eq!(seen.last().unwrap().position(), 3_000);
        assert_eq!(seen[0].scale(), 3_001);
    }

    #[test]
    fn a_long_opaque_step_keeps_a_heartbeat_and_positions_only_grow() {
        let seen = Mutex::new(vec![]);
        let report = |step: Step| seen.lock().unwrap().push(step);
        let throttle = Throttle::new(&report, "items");
        throttle.step(Phase::Write, 10, 10);
        let answer = throttle.beating(10, || {
            std::thread::sleep(INTERVAL * 5);
            // A late write step after a heartbeat would move backwards: not passed on.
            throttle.step(Phase::Write, 10, 10);
            42
        });
        assert_eq!(answer, 42);
        throttle.step(Phase::Flush, 0, 10);
        let seen = seen.into_inner().unwrap();
        let beats = seen.iter().filter(|s| s.phase == Phase::Commit).count();
        assert!((3..=6).contains(&beats), "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0].position() < w[1].position()), "{seen:?}");
        assert_eq!(seen.last().unwrap().phase, Phase::Flush);
    }
}
