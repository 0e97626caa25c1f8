//! JSON decode/encode benchmark (being written).
fn main() {}
