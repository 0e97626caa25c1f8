//! `ferry test`: one `test` block run against the job compiled in test mode
//! (docs/testing-jobs.md). Op calls go to the test's mocks, never to the network;
//! an op the test did not mock fails the test. `run(…)` runs the job's body with
//! the input and config the test gives; `expect` failures end the test with the
//! place and, for `a == b`, the difference of the two sides. The clock is fixed.

pub mod clock;
pub mod diff;

use crate::json;
use crate::program::Program;
use crate::run::{Closure, Ctx, Output, Pending, Run};
use crate::secrets::Redactor;
use crate::value::Value;
use std::collections::HashMap;

/// What a test has set up: its mocks (op → closure and how many parameters the
/// closure takes).
#[derive(Default)]
pub struct TestState {
    pub mocks: HashMap<usize, (u64, usize)>,
    /// Which test block `main` runs.
    pub index: i64,
    /// The arguments of each call of each op, in order (`calls(OP)`).
    pub calls: HashMap<usize, Vec<Vec<Value>>>,
    /// What the runs logged: (is a warning, the line), for `logs()`.
    pub logs: Vec<(bool, String)>,
    /// `ferry test --update`: `expect … == fixture(…)` rewrites the fixture.
    pub update: bool,
    /// The test itself failed inside `run` (an unmocked op): not the job's
    /// failure, so no `try` of the test may catch it.
    pub fatal: bool,
}

/// How one test ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Passed,
    /// An `expect` that did not hold, an unmocked op, a failure of the job the
    /// test did not catch: the message says which and where.
    Failed(String),
}

/// Runs test block `index` of a program compiled in test mode.
///
/// # Safety
/// `main` must be the test-mode main body compiled with the program `meta` describes.
pub unsafe fn run_test(
    meta: &[u8],
    main: crate::job_main::JobMain,
    index: usize,
    update: bool,
) -> Verdict {
    let program = match Program::load(meta) {
        Ok(p) => p,
        Err(e) => return Verdict::Failed(format!("internal error: {e}")),
    };
    clock::set(clock::parse(clock::START));
    let mut run = Run::new(
        program,
        Redactor::new(),
        crate::run::LogFormat::Human,
        Box::new(std::io::sink()),
    );
    run.test = Some(Box::new(TestState {
        index: index as i64,
        update,
        ..TestState::default()
    }));
    unsafe { crate::job_main::call_main(&mut run, main) };
    clock::set(None);
    verdict(&mut run)
}

fn verdict(run: &mut Run) -> Verdict {
    let location = |run: &Run, loc: u32| run.location(loc).to_string();
    match run.pending.take() {
        None => Verdict::Passed,
        Some(Pending::Fail(message, loc)) => {
            Verdict::Failed(format!("{message}\n  at {}", location(run, loc)))
        }
        Some(Pending::Error(error, loc)) => Verdict::Failed(format!(
            "the job failed and the test did not catch it: {}",
            error.report(location(run, loc))
        )),
        Some(Pending::Skip(reason)) => Verdict::Failed(format!(
            "the test itself skipped{}",
            reason.map(|r| format!(": {r}")).unwrap_or_default()
        )),
        Some(Pending::TooDeep(loc)) => Verdict::Failed(format!(
            "recursion too deep at {}: {}",
            location(run, loc),
            crate::stack_guard::EXPLANATION
        )),
        Some(Pending::Internal(message)) => {
            Verdict::Failed(format!("internal error: {message} (please report this)"))
        }
    }
}

fn state(run: &mut Run) -> &mut TestState {
    run.test
        .as_deref_mut()
        .expect("a test-mode program runs only under `ferry test`")
}

/// `ferry_test_index`: which test block to run.
pub fn index(run: &mut Run) -> i64 {
    state(run).index
}

/// `mock OP = f`.
pub fn mock(run: &mut Run, op: usize, closure: *const Closure, params: usize) {
    state(run).mocks.insert(op, (closure as u64, params));
}

/// An op called in a test: its mock's answer, checked against the op's result
/// type as a real answer would be; an op the test did not mock fails the test.
/// `None`: the failure is pending in the run.
///
/// # Safety
/// `ctx` is the run's context; the mock closures are the run's.
pub unsafe fn call_op(ctx: *mut Ctx, op: usize, args: Vec<Value>) -> Option<Value> {
    unsafe {
        let run = &mut *(*ctx).run;
        let Some(&(closure, params)) = state(run).mocks.get(&op) else {
            let meta = &run.program.ops[op];
            let message = format!(
                "`{}` is not mocked; a test never sends a request. Mock it in the test: `mock {} = ({}) => …`",
                meta.name,
                meta.name,
                meta.params.join(", ")
            );
            let loc = (*ctx).loc;
            run.raise(&mut *ctx, Pending::Fail(message, loc));
            state(run).fatal = true;
            return None;
        };
        let given: Vec<&Value> = args.iter().take(params).collect();
        let loc = (*ctx).loc;
        let answer = crate::abi::call_closure(ctx, closure, &given);
        let run = &mut *(*ctx).run;
        state(run).calls.entry(op).or_default().push(args.clone());
        let answer = match answer {
            Ok(v) => v,
            Err(e) if (*ctx).failed == 0 => {
                // The mock could not be called (more parameters than calls carry).
                run.raise(&mut *ctx, Pending::Fail(e.message, loc));
                return None;
            }
            Err(_) => {
                // A mock's `http_error`: the op's failure, where the job called it.
                if let Some(Pending::Error(error, at)) = &mut run.pending {
                    *at = loc;
                    if error.message.is_empty() {
                        let meta = &run.program.ops[op];
                        let adaptor = run.program.adaptors[meta.adaptor as usize].name.clone();
                        error.message = format!(
                            "{adaptor}: {} {} (mocked) answered {}",
                            meta.method,
                            meta.name,
                            error.status.unwrap_or(0)
                        );
                    }
                }
                return None;
            }
        };
        match crate::ops::check_result(run, op, &answer) {
            Ok(v) => Some(v),
            Err(error) => {
                let loc = (*ctx).loc;
                run.raise(&mut *ctx, Pending::Error(error, loc));
                None
            }
        }
    }
}

/// `run(input: …, config: …)`: the job's body run with that input and config;
/// its output (`null` when it skipped). A failure of the job stays pending, for
/// the test's `try` to catch.
///
/// # Safety
/// `ctx` is the run's context and `job` the test-mode program's job body.
pub unsafe fn run_job(ctx: *mut Ctx, job: *const Closure, input: &Value, config: &Value) -> Value {
    unsafe {
        let run = &mut *(*ctx).run;
        let loc = (*ctx).loc;
        let desc = &run.program.descs[run.program.input];
        match json::convert(input, desc) {
            Ok(input) => run.input = input,
            Err(e) => {
                let message = format!("`run`: the input does not fit the job's `input:` type: {e}");
                run.raise(&mut *ctx, Pending::Fail(message, loc));
                return Value::Null;
            }
        }
        let mut options = crate::job_main::RunOptions::new(crate::job_main::Input::None);
        options.config = (!matches!(config, Value::Null)).then(|| json::to_serde(config));
        options.config_name = "run(config: …)".into();
        // A test reads no environment: what it runs with is all in the test.
        options.env = Box::new(|_| None);
        let redactor = run.redactor.clone();
        match crate::job_main::load_config(&run.program, &options, &redactor) {
            Ok(loaded) => {
                run.config = Value::object(loaded.sections);
                run.adaptor_configs = loaded.adaptors;
                run.policies = loaded.policies;
            }
            // Without `config:` the test needs none: its ops are mocked. A job that
            // reads a config field then fails on that read.
            Err(_) if matches!(config, Value::Null) => {
                let mut sections = crate::value::Object::new();
                for adaptor in &run.program.adaptors {
                    sections.insert(
                        crate::value::Str::from(adaptor.name.as_str()),
                        Value::object(crate::value::Object::new()),
                    );
                }
                run.config = Value::object(sections);
            }
            Err(message) => {
                run.raise(&mut *ctx, Pending::Fail(format!("`run`: {message}"), loc));
                return Value::Null;
            }
        }
        run.trigger = crate::job_main::trigger_value(run, &options);
        run.output = None;
        let _ = crate::abi::call_closure(ctx, job as u64, &[]);
        let run = &mut *(*ctx).run;
        if (*ctx).failed != 0 {
            if let Some(Pending::Skip(reason)) = &run.pending {
                // Logged as a real run logs it.
                if let Some(reason) = reason {
                    let line = run.redactor.redact(reason).into_owned();
                    state(run).logs.push((false, format!("skipped: {line}")));
                }
                run.pending = None;
                (*ctx).failed = 0;
            }
            // The job's `fail "reason"` is, for the test, a failure of the job like
            // any other: an `Error` (kind "runtime") that `try` catches.
            let fatal = state(run).fatal;
            if let Some(Pending::Fail(reason, at)) = &run.pending
                && !fatal
            {
                let error = crate::error::RuntimeError::runtime(reason.clone());
                run.pending = Some(Pending::Error(error, *at));
            }
            return Value::Null;
        }
        match run.output.take() {
            None => Value::Null,
            Some(Output::Value(v)) => v,
            Some(Output::Json(chunks)) => {
                json::decode(&chunks.concat(), &json::TypeDesc::Json).unwrap_or(Value::Null)
            }
        }
    }
}

/// `fixture(path)`: the JSON file at `path` (relative to the job's folder)
/// decoded against the type its place expects; `Err` names the file and the
/// JSON path of a mismatch.
pub fn fixture(run: &Run, path: &Value, desc: usize) -> Result<Value, String> {
    let name = json::to_text(path);
    let dir = std::path::Path::new(&run.program.job)
        .parent()
        .unwrap_or(std::path::Path::new(""));
    let file = dir.join(&name);
    let bytes = std::fs::read(&file)
        .map_err(|e| format!("fixture {}: cannot read it: {e}", file.display()))?;
    json::decode_vec(bytes, &run.program.descs[desc]).map_err(|e| {
        format!(
            "fixture {} does not fit the type it is used as: {e}",
            file.display()
        )
    })
}

/// `expect left == fixture(path)`: compared as `expect_eq` does; under
/// `--update`, the fixture is rewritten to `left` instead (pretty JSON).
pub fn expect_fixture(
    run: &mut Run,
    ctx: &mut Ctx,
    left: &Value,
    path: &Value,
    desc: usize,
    loc: u32,
) {
    if state(run).update {
        let dir = std::path::Path::new(&run.program.job)
            .parent()
            .unwrap_or(std::path::Path::new(""));
        let file = dir.join(json::to_text(path));
        let text = format!("{}\n", json::to_json_string_pretty(left));
        if let Err(e) = std::fs::write(&file, run.redactor.redact(&text).as_bytes()) {
            let message = format!("fixture {}: cannot write it: {e}", file.display());
            run.raise(ctx, Pending::Fail(message, loc));
        }
        return;
    }
    match fixture(run, path, desc) {
        Ok(right) => expect_eq(run, ctx, left, &right, loc),
        Err(message) => run.raise(ctx, Pending::Fail(message, loc)),
    }
}

/// `calls(OP)`: a record of the arguments per call, by parameter name.
pub fn calls(run: &mut Run, op: usize) -> Value {
    let names: Vec<&str> = run.program.ops[op]
        .params
        .iter()
        .map(|s| s.as_str())
        .collect();
    let shape = crate::value::Shape::intern(&names, false);
    let calls = state(run).calls.get(&op).cloned().unwrap_or_default();
    Value::list(
        calls
            .into_iter()
            .map(|args| Value::record(crate::value::Record::new(shape, args, None)))
            .collect(),
    )
}

/// `logs()`: `{ level, message }` per line logged so far.
pub fn logs(run: &mut Run) -> Value {
    let shape = crate::value::Shape::intern(&["level", "message"], false);
    let lines = state(run).logs.clone();
    Value::list(
        lines
            .into_iter()
            .map(|(warn, text)| {
                let level = Value::from(if warn { "warn" } else { "info" });
                Value::record(crate::value::Record::new(
                    shape,
                    vec![level, Value::from(text)],
                    None,
                ))
            })
            .collect(),
    )
}

/// `http_error(status, body)`: the error a real status answer gives (its
/// message is completed with the op's name by [`call_op`]).
pub fn http_error(status: i64, body: &Value) -> crate::error::RuntimeError {
    let status = u16::try_from(status).ok();
    let body = (!matches!(body, Value::Null)).then(|| body.clone());
    crate::error::RuntimeError::http(String::new(), status, body)
}

/// `expect cond`.
pub fn expect(run: &mut Run, ctx: &mut Ctx, holds: bool, loc: u32) {
    if !holds {
        run.raise(
            ctx,
            Pending::Fail("expect failed: the condition is false".into(), loc),
        );
    }
}

/// `expect a == b`: on failure, each path where they differ.
pub fn expect_eq(run: &mut Run, ctx: &mut Ctx, left: &Value, right: &Value, loc: u32) {
    if left == right {
        return;
    }
    let (l, r) = (json::to_serde(left), json::to_serde(right));
    let changes = diff::diff(&l, &r);
    // A record and a `Json` object with the same fields are the same JSON.
    if changes.is_empty() {
        return;
    }
    let mut message = String::from("expect failed: the two sides differ (from left to right)");
    for change in changes {
        message.push_str(&format!("\n  {change}"));
    }
    let message = run.redactor.redact(&message).into_owned();
    run.raise(ctx, Pending::Fail(message, loc));
}
