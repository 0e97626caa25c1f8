#[path = "../benches/generate.rs"]
mod generate;
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    print!("{}", generate::job(n));
}
