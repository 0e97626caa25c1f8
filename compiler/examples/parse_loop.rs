#[path = "../benches/generate.rs"]
mod generate;
fn main() {
    let src = generate::job(10_000);
    for _ in 0..200 {
        std::hint::black_box(ferry_compiler::syntax::parse(
            &src,
            ferry_compiler::source::SourceId(0),
        ));
    }
}
