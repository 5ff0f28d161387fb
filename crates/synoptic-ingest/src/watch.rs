//! Feed watching: polls feeds on an interval with conditional GET, per-host spacing and back-off, and ingests new items.
