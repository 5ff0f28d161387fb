//! Many handles on one store: the writer lease (one holder, a standby takes over, a writer that lost it
//! cannot commit) and claims on pending work (never two owners at once, expiry, compare-and-delete).

mod common;

use std::time::Duration;

use common::Scratch;
use synoptic_store::{Store, StoreError, WRITER_EPOCH};

/// Two handles on one store directory, as two processes would have.
fn two_handles(dir: &Scratch) -> (Store, Store) {
    (Store::open(dir.path()).unwrap(), Store::open(dir.path()).unwrap())
}

fn take(store: &mut Store, wait: Duration) -> Option<u64> {
    store.acquire_writer(Some(wait), &mut || {}).unwrap()
}

#[test]
fn one_writer_at_a_time_and_a_standby_takes_over() {
    let dir = Scratch::new("lease-one");
    let (mut a, mut b) = two_handles(&dir);
    assert_eq!(take(&mut a, Duration::ZERO), Some(1));
    assert_eq!(a.writer_epoch(), Some(1));
    // Taking it again is free and keeps the epoch.
    assert_eq!(take(&mut a, Duration::ZERO), Some(1));
    // The second handle waits (here: briefly) and does not get it.
    let mut waited = false;
    assert_eq!(b.acquire_writer(Some(Duration::from_millis(150)), &mut || waited = true).unwrap(), None);
    assert!(waited, "the standby was told it waits");
    assert_eq!(b.writer_epoch(), None);
    // Dropping the holder (as a process that dies) hands it over, with a new epoch.
    drop(a);
    assert_eq!(take(&mut b, Duration::from_secs(5)), Some(2));
    b.transaction(|tx| tx.check_writer()).unwrap();
    b.release_writer();
    let mut a = Store::open(dir.path()).unwrap();
    assert_eq!(take(&mut a, Duration::ZERO), Some(3));
}

#[test]
fn a_writer_that_lost_its_lease_cannot_commit() {
    let dir = Scratch::new("lease-fence");
    let (mut a, mut b) = two_handles(&dir);
    assert_eq!(take(&mut a, Duration::ZERO), Some(1));
    a.transaction(|tx| {
        tx.check_writer()?;
        tx.put_state("k", b"first")
    })
    .unwrap();
    // Another writer took over while this one still ran (its lock lost under it): the store's epoch moved.
    b.put_state(WRITER_EPOCH, b"2").unwrap();
    let refused = a.transaction(|tx| {
        tx.put_state("k", b"second")?;
        tx.check_writer()
    });
    match refused {
        Err(StoreError::LeaseLost { held: Some(1), current: 2 }) => {}
        other => panic!("expected LeaseLost, got {other:?}"),
    }
    assert_eq!(b.state("k").unwrap().as_deref(), Some(&b"first"[..]), "nothing of the fenced write committed");
    // A handle that never took the lease is refused too.
    assert!(matches!(b.transaction(|tx| tx.check_writer()), Err(StoreError::LeaseLost { held: None, .. })));
}

#[test]
fn claims_are_exclusive_until_they_expire() {
    let dir = Scratch::new("claims");
    let (mut a, mut b) = two_handles(&dir);
    for i in 0..5 {
        a.put_state(&format!("pending/e{i}"), format!("v{i}").as_bytes()).unwrap();
    }
    let long = Duration::from_secs(60);
    let first = a.claim_state("pending/", "claim/", "a", long, 3).unwrap();
    let keys = |c: &[(String, Vec<u8>)]| c.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&first), ["pending/e0", "pending/e1", "pending/e2"]);
    assert_eq!(first[0].1, b"v0");
    // The other worker gets only what is not claimed.
    let second = b.claim_state("pending/", "claim/", "b", long, 10).unwrap();
    assert_eq!(keys(&second), ["pending/e3", "pending/e4"]);
    assert!(b.claim_state("pending/", "claim/", "b2", long, 10).unwrap().is_empty());
    // Expired claims are free again.
    let third = b.claim_state("pending/", "claim/", "b", Duration::ZERO, 10).unwrap();
    assert_eq!(keys(&third), ["pending/e3", "pending/e4"], "its own claims, renewed (here: to expire now)");
    let fourth = a.claim_state("pending/", "claim/", "a", long, 10).unwrap();
    assert_eq!(keys(&fourth), ["pending/e0", "pending/e1", "pending/e2", "pending/e3", "pending/e4"]);
}

#[test]
fn a_marker_rewritten_meanwhile_survives_the_workers_delete() {
    let dir = Scratch::new("cas");
    let (a, b) = two_handles(&dir);
    a.put_state("pending/e", b"v1").unwrap();
    // More work arrived after the worker read v1.
    b.put_state("pending/e", b"v2").unwrap();
    assert!(!a.delete_state_if("pending/e", b"v1").unwrap());
    assert_eq!(a.state("pending/e").unwrap().as_deref(), Some(&b"v2"[..]));
    assert!(a.delete_state_if("pending/e", b"v2").unwrap());
    assert_eq!(a.state("pending/e").unwrap(), None);
}
