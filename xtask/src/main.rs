//! `cargo xtask`: project automation (benchmarks, fixture refresh).

fn main() {
    println!("xtask");
}
