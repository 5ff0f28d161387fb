//! A small parallel map over a slice on scoped threads, for the pure per-article and per-event work.
//!
//! Results come back in input order, so parallel runs are as deterministic as sequential ones. Work is
//! handed out in small blocks from a shared counter, so one large item does not leave the other threads idle.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Threads to use when the caller says 0: the machine's available parallelism.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map(usize::from).unwrap_or(1)
}

/// `f` over `items` on up to `threads` threads, results in input order, with the summed time the threads
/// spent in `f` (their busy time, comparable to a sequential run's time).
pub fn map_timed<T, R, F>(items: &[T], threads: usize, f: F) -> (Vec<R>, Duration)
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    const BLOCK: usize = 8;
    let threads = threads.max(1).min(items.len().div_ceil(BLOCK).max(1));
    if threads == 1 {
        let t = Instant::now();
        let out: Vec<R> = items.iter().map(&f).collect();
        return (out, t.elapsed());
    }
    let next = AtomicUsize::new(0);
    let parts: Vec<(Vec<(usize, R)>, Duration)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let t = Instant::now();
                    let mut done = Vec::new();
                    loop {
                        let start = next.fetch_add(BLOCK, Ordering::Relaxed);
                        if start >= items.len() {
                            break;
                        }
                        for (i, item) in items.iter().enumerate().skip(start).take(BLOCK) {
                            done.push((i, f(item)));
                        }
                    }
                    (done, t.elapsed())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    let mut busy = Duration::ZERO;
    let mut slots: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    for (done, time) in parts {
        busy += time;
        for (i, r) in done {
            if let Some(slot) = slots.get_mut(i) {
                *slot = Some(r);
            }
        }
    }
    (slots.into_iter().flatten().collect(), busy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_input_order_whatever_the_thread_count() {
        let items: Vec<u64> = (0..1000).collect();
        for threads in [0, 1, 2, 3, 7, 64] {
            let (out, _) = map_timed(&items, threads, |x| x * x);
            assert_eq!(out, items.iter().map(|x| x * x).collect::<Vec<_>>(), "threads {threads}");
        }
        let (empty, _) = map_timed(&[] as &[u64], 4, |x| *x);
        assert!(empty.is_empty());
    }

    #[test]
    fn uneven_work_is_all_done() {
        let items: Vec<usize> = (0..200).map(|i| if i % 50 == 0 { 20_000 } else { 10 }).collect();
        let (out, _) = map_timed(&items, 3, |n| (0..*n).map(|x| x as u64).sum::<u64>());
        assert_eq!(out.len(), items.len());
        assert_eq!(out[50], (0..20_000u64).sum::<u64>());
    }
}
