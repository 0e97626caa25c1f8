//! The runtime's functions are exactly the ones the compiler's table declares, with
//! the same signatures (`ferry_meta::abi::FUNCTIONS`): a function added, removed or
//! changed on one side only fails here, not as a crash of generated code.

use ferry_meta::abi::{FUNCTIONS, Function};
use std::collections::BTreeMap;

fn by_name(functions: &[Function]) -> BTreeMap<&'static str, Function> {
    functions.iter().map(|f| (f.name, *f)).collect()
}

#[test]
fn runtime_signatures_are_the_declared_ones() {
    let runtime = by_name(&ferry_runtime::abi::signatures());
    let declared = by_name(FUNCTIONS);
    assert_eq!(
        runtime.len(),
        ferry_runtime::abi::signatures().len(),
        "a runtime function is defined twice"
    );
    let mut problems = Vec::new();
    for (name, f) in &runtime {
        match declared.get(name) {
            None => problems.push(format!(
                "{name}: defined by the runtime, not in ferry_meta::abi::FUNCTIONS"
            )),
            Some(d) if d != f => problems.push(format!(
                "{name}: the runtime takes {:?} -> {:?}, the table says {:?} -> {:?}",
                f.params, f.ret, d.params, d.ret
            )),
            Some(_) => {}
        }
    }
    for name in declared.keys() {
        if !runtime.contains_key(name) {
            problems.push(format!(
                "{name}: in ferry_meta::abi::FUNCTIONS, not defined by the runtime"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_signature_has_a_symbol() {
    let symbols: Vec<&str> = ferry_runtime::abi::symbols()
        .iter()
        .map(|(n, _)| *n)
        .collect();
    let signatures: Vec<&str> = ferry_runtime::abi::signatures()
        .iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(symbols, signatures);
}
