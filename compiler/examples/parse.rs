fn main() {
    for path in std::env::args().skip(1) {
        let src = std::fs::read_to_string(&path).unwrap();
        let mut sources = ferry_compiler::source::SourceMap::new();
        let id = sources.add(path.clone(), src.clone());
        let parsed = ferry_compiler::syntax::parse(&src, id);
        if std::env::var("AST").is_ok() {
            println!("{:#?}", parsed.file);
        }
        print!(
            "{}",
            ferry_compiler::diagnostics::render(&parsed.diagnostics, &sources, false)
        );
        println!("{path}: {} diagnostics", parsed.diagnostics.len());
    }
}
