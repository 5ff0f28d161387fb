//! The IO edge shared by the command line and the server: inputs (paths, directories, stdin, URLs) to bytes, bytes to Articles, Articles through analysis into the store.

pub mod watch;
