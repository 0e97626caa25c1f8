#[cfg(test)]
mod probe {
    #[test]
    fn probe() {
        for src in [
            "use dhis2\nlet c = input.form.\nlog 1\n",
            "use dhis2\nlet c = input.form.\n",
            "use dhis2\nlet c = input.form.\n}\n",
            "fn f() {\n  let c = input.form.\n  log 1\n}\n",
            "let c = dhis2.create_tracked_entity({ orgUnit: })\nlog 1\n",
            "let c = dhis2.create_tracked_entity({ orgUnit: \"a\", \n  \n})\nlog 1\n",
            "let c = f(x: )\nlog 1\n",
            "let c = f(1, \nlog 1\n",
            "let c = xs.map(x => x.)\nlog 1\n",
            "let c = xs.map(x => x.\nlog 1\n",
            "match s { \n  \n}\n",
            "let c = s == \nlog 1\n",
            "let c = {\n  a: 1\n  b: 2\n}\n",
        ] {
            let parsed = crate::syntax::parse(src, crate::source::SourceId(0));
            println!("=== {src:?}");
            for d in &parsed.diagnostics {
                println!("  diag {:?} {}", d.span, d.message);
            }
            for item in &parsed.file.items {
                println!("  {:?}", item.kind);
            }
        }
    }
}
