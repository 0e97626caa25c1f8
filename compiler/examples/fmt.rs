fn main() {
    for path in std::env::args().skip(1) {
        let src = std::fs::read_to_string(&path).unwrap();
        match ferry_compiler::fmt::format(&src) {
            Ok(out) => print!("{out}"),
            Err(e) => println!("{path}: {} errors", e.len()),
        }
    }
}
