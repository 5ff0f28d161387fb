//! Many processes on one store: the writer lease (one writer owns the clustering state, fenced) and claims
//! on pending work (no item built by two workers at once).
//!
//! - **Writer lease.** [`Store::acquire_writer`] makes this handle the store's one writer. The lock dies
//!   with its holder, so a standby waiting in `acquire_writer` takes over the moment the writer dies,
//!   `kill -9` included. SQLite: an exclusive `flock` on `writer.lock` in the store directory, held by the
//!   process. PostgreSQL: a session-level advisory lock on the handle's own connection, the one it commits
//!   with (a lost connection loses the lock, and the connection with it). Taking the lease bumps an epoch
//!   kept in the database (`writer.epoch`); [`Db::check_writer`], called inside each fenced transaction,
//!   refuses to commit unless the store's epoch is still this handle's (on PostgreSQL it also locks the
//!   epoch row until commit, so a new writer's takeover waits for a commit in flight). A writer that lost its
//!   lease therefore cannot commit: its transaction fails with [`StoreError::LeaseLost`] and writes nothing.
//! - **Claims.** [`Store::claim_state`] hands out state keys under a prefix (pending markers) to one owner
//!   for a while, in one write transaction, skipping keys another owner's live claim holds (PostgreSQL:
//!   claim transactions are serialised by a transaction-level advisory lock, so two never read the same free
//!   key; SQLite's write transactions are serialised already). A worker that dies leaves its claims to
//!   expire. [`Db::delete_state_if`] deletes a key only when its value is still
//!   the one the worker claimed, so a marker rewritten meanwhile (more work arrived) survives.

use std::fs::{File, OpenOptions, TryLockError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::{Backend, Db, Store, StoreError, postgres};

/// State key of the writer epoch (decimal): bumped by every [`Store::acquire_writer`].
pub const WRITER_EPOCH: &str = "writer.epoch";

/// File in the store directory whose exclusive lock is the writer lease (SQLite).
pub const WRITER_LOCK_FILE: &str = "writer.lock";

/// PostgreSQL advisory lock keys (one 64-bit space per database): the writer lease, and the claims.
const PG_WRITER_KEY: i64 = 0x5359_4e4f_5054_4957; // "SYNOPTIW"
const PG_CLAIM_KEY: i64 = 0x5359_4e4f_5054_4943; // "SYNOPTIC"

/// How often a standby retries the lock.
const RETRY: Duration = Duration::from_millis(100);

/// The lock a writer holds; released when dropped (or when the process dies). On PostgreSQL the lock
/// belongs to the connection and is released by [`Store::release_writer`] or when the connection closes.
#[derive(Debug)]
pub(crate) struct WriterLock {
    /// The locked file (SQLite; `None` in memory, where no other process can reach the store, and on
    /// PostgreSQL).
    _file: Option<File>,
}

impl Store {
    /// Become the store's one writer, waiting up to `wait` (`None`: as long as it takes) while another
    /// process holds the lease; `on_wait` is called once when this process has to wait. Returns the new
    /// writer epoch, or `None` when `wait` passed without the lease. Holding the lease already returns its
    /// epoch at once.
    pub fn acquire_writer(
        &mut self,
        wait: Option<Duration>,
        on_wait: &mut dyn FnMut(),
    ) -> Result<Option<u64>, StoreError> {
        if let (Some(_), Some(epoch)) = (&self.lease, self.db.writer.get()) {
            return Ok(Some(epoch));
        }
        let file = match &self.db.backend {
            Backend::Postgres(c) => {
                let started = Instant::now();
                let mut told = false;
                while !c.try_writer_lock()? {
                    if wait.is_some_and(|w| started.elapsed() >= w) {
                        return Ok(None);
                    }
                    if !told {
                        told = true;
                        on_wait();
                    }
                    std::thread::sleep(RETRY);
                }
                None
            }
            Backend::Sqlite(c) => match c.path() {
                None => None,
                Some(db_path) => {
                    let path = db_path.with_file_name(WRITER_LOCK_FILE);
                    let file = OpenOptions::new()
                        .create(true)
                        .truncate(false)
                        .write(true)
                        .open(&path)
                        .map_err(|source| StoreError::Io { path: path.clone(), source })?;
                    let started = Instant::now();
                    let mut told = false;
                    loop {
                        match file.try_lock() {
                            Ok(()) => break,
                            Err(TryLockError::WouldBlock) => {
                                if wait.is_some_and(|w| started.elapsed() >= w) {
                                    return Ok(None);
                                }
                                if !told {
                                    told = true;
                                    on_wait();
                                }
                                std::thread::sleep(RETRY);
                            }
                            Err(TryLockError::Error(source)) => return Err(StoreError::Io { path, source }),
                        }
                    }
                    Some(file)
                }
            },
        };
        let epoch = self.transaction(|tx| {
            let epoch = tx.locked_epoch()? + 1;
            tx.put_state(WRITER_EPOCH, epoch.to_string().as_bytes())?;
            Ok(epoch)
        });
        let epoch = match epoch {
            Ok(epoch) => epoch,
            Err(e) => {
                self.release_writer();
                return Err(e);
            }
        };
        self.lease = Some(WriterLock { _file: file });
        self.db.writer.set(Some(epoch));
        Ok(Some(epoch))
    }

    /// Give the lease up (a standby may take it); closing the handle or ending the process does the same.
    pub fn release_writer(&mut self) {
        self.db.writer.set(None);
        self.lease = None;
        if let Backend::Postgres(c) = &self.db.backend {
            // A failure means the connection is gone, and the lock with it.
            let _ = c.writer_unlock();
        }
    }
}

impl Db {
    /// The writer epoch this handle holds, when it took the lease.
    pub fn writer_epoch(&self) -> Option<u64> {
        self.writer.get()
    }

    /// The fence: inside a write transaction, fail with [`StoreError::LeaseLost`] unless this handle holds
    /// the writer lease and no other writer took it since. Call it in every transaction that writes
    /// clustering state; the transaction then commits only while the lease is held.
    pub fn check_writer(&self) -> Result<(), StoreError> {
        let current = self.locked_epoch()?;
        match self.writer.get() {
            Some(held) if held == current => Ok(()),
            held => Err(StoreError::LeaseLost { held, current }),
        }
    }

    /// Delete `key` only when its value is still `expected`; `true` when it was deleted.
    pub fn delete_state_if(&self, key: &str, expected: &[u8]) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Sqlite(c) => c.delete_state_if(key, expected),
            Backend::Postgres(c) => c.delete_state_if(key, expected),
        }
    }

    /// [`Db::delete_state_if`] for each (key, expected value) pair (one statement on PostgreSQL).
    pub fn delete_states_if(&self, entries: &[(String, Vec<u8>)]) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(c) => entries.iter().try_for_each(|(k, v)| c.delete_state_if(k, v).map(drop)),
            Backend::Postgres(c) => c.delete_states_if(entries),
        }
    }

    /// Inside a write transaction: wait until no other claim or synopsis transaction runs (released when
    /// this one ends). SQLite serialises write transactions already; on PostgreSQL this keeps two workers'
    /// read-modify-writes of one story from losing each other's events.
    pub fn serialize_claims(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(()),
            Backend::Postgres(c) => c.serialize_claims(),
        }
    }

    /// The store's writer epoch; on PostgreSQL its row stays locked until the transaction ends.
    fn locked_epoch(&self) -> Result<u64, StoreError> {
        let raw = match &self.backend {
            Backend::Sqlite(c) => c.state(WRITER_EPOCH)?,
            Backend::Postgres(c) => c.locked_state(WRITER_EPOCH)?,
        };
        Ok(raw.and_then(|b| String::from_utf8(b).ok()).and_then(|s| s.trim().parse().ok()).unwrap_or(0))
    }
}

impl Store {
    /// Claim up to `limit` state keys under `prefix` for `owner` until `ttl` from now, in key order,
    /// skipping keys under a live claim of another owner (claims are kept as `claim_prefix + rest of the
    /// key` → `owner\nexpiry in ms`). Returns the claimed keys with their values at the time of the claim.
    /// One write transaction: two workers never claim the same key at once.
    pub fn claim_state(
        &mut self,
        prefix: &str,
        claim_prefix: &str,
        owner: &str,
        ttl: Duration,
        limit: usize,
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let now = now_ms();
        let until = now.saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX));
        self.transaction(|tx| {
            if let Backend::Postgres(c) = &tx.backend {
                c.serialize_claims()?;
            }
            let mut out = Vec::new();
            for key in tx.state_keys(prefix)? {
                if out.len() >= limit {
                    break;
                }
                let Some(rest) = key.strip_prefix(prefix) else { continue };
                let claim_key = format!("{claim_prefix}{rest}");
                if let Some(claim) = tx.state(&claim_key)? {
                    let claim = String::from_utf8_lossy(&claim);
                    let (holder, expiry) = claim.split_once('\n').unwrap_or((&claim, "0"));
                    let live = expiry.trim().parse::<u64>().is_ok_and(|e| e > now);
                    if live && holder != owner {
                        continue;
                    }
                }
                let Some(value) = tx.state(&key)? else { continue };
                tx.put_state(&claim_key, format!("{owner}\n{until}").as_bytes())?;
                out.push((key, value));
            }
            Ok(out)
        })
    }
}

impl postgres::Conn {
    /// Take the writer's advisory lock on this connection when it is free; `true` when held.
    fn try_writer_lock(&self) -> Result<bool, StoreError> {
        Ok(self.query_one("SELECT pg_try_advisory_lock($1)", &[&PG_WRITER_KEY])?.try_get(0)?)
    }

    fn writer_unlock(&self) -> Result<(), StoreError> {
        self.query_one("SELECT pg_advisory_unlock($1)", &[&PG_WRITER_KEY])?;
        Ok(())
    }

    /// A state value, its row locked until the transaction ends.
    fn locked_state(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = self.query_opt("SELECT value FROM state WHERE key = $1 FOR UPDATE", &[&key])?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Wait until no other claim transaction runs (the lock ends with this transaction).
    fn serialize_claims(&self) -> Result<(), StoreError> {
        self.query_one("SELECT pg_advisory_xact_lock($1)", &[&PG_CLAIM_KEY])?;
        Ok(())
    }

    fn delete_state_if(&self, key: &str, expected: &[u8]) -> Result<bool, StoreError> {
        Ok(self.execute("DELETE FROM state WHERE key = $1 AND value = $2", &[&key, &expected])? > 0)
    }

    fn delete_states_if(&self, entries: &[(String, Vec<u8>)]) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        let values: Vec<&[u8]> = entries.iter().map(|(_, v)| v.as_slice()).collect();
        self.execute(
            "DELETE FROM state s USING unnest($1::text[], $2::bytea[]) AS t(key, value) \
             WHERE s.key = t.key AND s.value = t.value",
            &[&keys, &values],
        )?;
        Ok(())
    }
}

/// Milliseconds since the Unix epoch (claims compare wall-clock times across processes).
fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
