//! A generator of realistic synthetic news streams with known gold, for benchmarks and property tests.
