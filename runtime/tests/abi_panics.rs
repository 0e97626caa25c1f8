//! A panic inside a runtime function becomes a clean error of the run (exit code
//! 3, "internal error"), never an abort of the process.

use ferry_runtime::abi;
use ferry_runtime::program::Program;
use ferry_runtime::run::{Ctx, LogFormat, Pending, Run};
use ferry_runtime::secrets::Redactor;

const META: &str = r#"{"job":"t.ferry","constants":[{"kind":"null"}],"shapes":[{"fields":["a"],"open":false}],
"descs":[{"t":"json"}],"locations":["t.ferry:1:1"],"methods":[],"globals":0,"input":0,"adaptors":[],"ops":[],"trigger":null}"#;

#[test]
fn a_panic_in_a_runtime_function_is_an_internal_error_not_an_abort() {
    let program = Program::load(META.as_bytes()).unwrap();
    let mut run = Run::new(
        program,
        Redactor::new(),
        LogFormat::Human,
        Box::new(std::io::sink()),
    );
    let mut globals: Vec<*const ferry_runtime::value::Value> = Vec::new();
    let run_ptr: *mut Run = &mut *run;
    let mut ctx = Ctx {
        failed: 0,
        loc: 0,
        constants: run.constants.as_ptr(),
        globals: globals.as_mut_ptr(),
        run: run_ptr,
        stack_limit: 0,
    };
    // Shape 7 does not exist: indexing the program's shapes panics inside the call.
    // The failed call still returns a valid value (null), so compiled code that reads
    // it before checking `failed` reads nothing dangling.
    let result = unsafe { abi::ferry_record(&mut ctx, 7, std::ptr::null()) };
    assert_eq!(result, run.null);
    assert_eq!(ctx.failed, 1);
    match run.pending.take() {
        Some(Pending::Internal(message)) => {
            assert!(message.contains("index out of bounds"), "{message}")
        }
        other => panic!("expected an internal error, got {other:?}"),
    }
    run.pending = Some(Pending::Internal("index out of bounds".into()));
    let outcome = run.finish(ferry_runtime::run::Sink::Capture, false);
    assert_eq!(outcome.exit_code, 3);
    assert_eq!(
        outcome.error.as_deref(),
        Some("internal error: index out of bounds (please report this)")
    );
}
