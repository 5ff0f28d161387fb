//! The `synoptic` binary: parses the command line and hands each command to its module.

fn main() {
    println!("synoptic");
}
