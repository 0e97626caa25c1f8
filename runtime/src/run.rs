//! One run of a job: its values, its pending error, its output and logs, and how
//! it ends (the exit codes of docs/running.md).
//!
//! Generated code passes pointers to values. Its variables own theirs (slots of
//! the function's frame); the values runtime calls give back live in the value
//! arena ([`ValueArena`]) until the region they were made in is released, and
//! the values of the whole run (constants, globals, closures' captures kept in a
//! variable) in a second arena that is never released (docs/internals/native-code.md,
//! "Memory").

use crate::arena::{Mark, ValueArena};
use crate::error::RuntimeError;
use crate::failure::Failure;
use crate::json::{self, JsonStream};
use crate::program::Program;
use crate::secrets::Redactor;
use crate::value::{Shape, Value};
use std::io::Write;
use typed_arena::Arena;

/// The context every generated function gets first. Its layout is shared with
/// the compiler: `ferry_meta::abi::ctx` has the offsets, checked below.
#[repr(C)]
pub struct Ctx {
    /// Nonzero when an error is pending: generated code goes to its handler.
    pub failed: u32,
    /// The source location (index into the program's locations) of the
    /// operation being run, for error messages.
    pub loc: u32,
    pub constants: *const *const Value,
    pub globals: *mut *const Value,
    pub run: *mut Run,
    /// The lowest stack address generated code may use (see `stack_guard`).
    pub stack_limit: usize,
}

const _: () = {
    use ferry_meta::abi::ctx;
    use std::mem::offset_of;
    assert!(offset_of!(Ctx, failed) == ctx::FAILED as usize);
    assert!(offset_of!(Ctx, loc) == ctx::LOC as usize);
    assert!(offset_of!(Ctx, constants) == ctx::CONSTANTS as usize);
    assert!(offset_of!(Ctx, globals) == ctx::GLOBALS as usize);
    assert!(offset_of!(Ctx, stack_limit) == ctx::STACK_LIMIT as usize);
};

/// A function value: generated code and its captured words.
#[repr(C)]
pub struct Closure {
    pub function: *const u8,
    pub env: *const u64,
}

/// Why the run is unwinding.
#[derive(Debug)]
pub enum Pending {
    /// A failure `try`/`catch` can catch.
    Error(RuntimeError, u32),
    /// `fail "reason"`.
    Fail(String, u32),
    /// `skip "reason"`: the job ends successfully with no output.
    Skip(Option<String>),
    /// A bug in Ferry itself.
    Internal(String),
    /// The calls nested deeper than the stack allows; the location of the
    /// call that went too deep. Not catchable, like `fail`.
    TooDeep(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

/// Where a successful run's output goes.
pub enum Sink<'a> {
    /// Kept in `Outcome::output` (for `serve`'s run log).
    Capture,
    /// Written to a file, or to standard output for `None` or `-`.
    Path(Option<&'a std::path::Path>),
}

/// The job's output: the last `output` run.
pub enum Output {
    Value(Value),
    /// Streamed by generated code as it was computed: compact JSON text, in
    /// chunks.
    Json(Vec<Vec<u8>>),
}

/// How a run ended.
#[derive(Debug, Default)]
pub struct Outcome {
    /// 0 success or skip, 1 failed, 2 bad input or config, 3 internal error.
    pub exit_code: i32,
    /// The output as JSON (redacted), when the run succeeded.
    pub output: Option<String>,
    /// The failure, as it is reported (redacted).
    pub error: Option<String>,
    /// What kind of failure it was (`None` when the run succeeded).
    pub failure: Option<crate::failure::Failure>,
    /// The reason of a `skip "reason"` (redacted).
    pub skipped: Option<String>,
}

pub struct Run {
    pub program: Program,
    values: ValueArena,
    /// Values that live until the run ends: `null`, the two Bools, constants,
    /// globals, and what a closure kept in a variable captured.
    kept: ValueArena,
    closures: Arena<Closure>,
    words: Arena<u64>,
    pub constants: Vec<*const Value>,
    pub globals: Vec<*const Value>,
    pub input: Value,
    pub config: Value,
    pub trigger: Value,
    /// Each adaptor's config section, in the order of `program.adaptors`.
    pub adaptor_configs: Vec<Value>,
    pub output: Option<Output>,
    /// A streamed `output` being written; it becomes `output` when it is complete.
    pub stream: Option<JsonStream>,
    pub pending: Option<Pending>,
    pub redactor: Redactor,
    pub log_format: LogFormat,
    /// Where `log` and `warn` go (stderr, or a buffer in `serve`).
    pub log: Box<dyn Write>,
    pub null: *const Value,
    /// [`Value::Absent`]: a record field left out (`omit`).
    pub absent: *const Value,
    /// `true` and `false`, shared by every boxed Bool.
    pub bools: [*const Value; 2],
    pub error_shape: &'static Shape,
    /// The HTTP client of the run's ops, created on first use.
    pub http: Option<crate::http::Client>,
    /// Each adaptor's retry policy (config section's `retry`).
    pub policies: Vec<crate::http::Policy>,
    /// The URL of the last request an op sent: a paged op's `next` link is
    /// resolved against it. Pages are fetched back to back by the op's own
    /// code, so no other request comes between a page and its next.
    pub last_url: Option<String>,
    pub dry_run: Option<crate::ops::DryRun>,
    /// Under `ferry test`: the test's mocks; op calls never reach the network.
    pub test: Option<Box<crate::testing::TestState>>,
}

impl Run {
    /// Writes the output where it goes, secrets redacted. Without secrets to
    /// hide it streams, never holding the whole text.
    fn deliver(&self, output: &Output, sink: Sink<'_>, pretty: bool) -> Outcome {
        let ok = |output| Outcome {
            exit_code: 0,
            output,
            ..Outcome::default()
        };
        let text = |output: &Output| {
            let mut out = Vec::new();
            match (output, pretty) {
                (Output::Value(value), true) => json::write_json_pretty(value, &mut out),
                (Output::Value(value), false) => json::write_json(value, &mut out),
                (Output::Json(chunks), true) => json::reindent(&chunks.concat(), &mut out),
                (Output::Json(chunks), false) => {
                    chunks.iter().for_each(|c| out.extend_from_slice(c))
                }
            }
            out
        };
        match sink {
            Sink::Capture => {
                let bytes = text(output);
                let redacted = self
                    .redactor
                    .redact(&String::from_utf8_lossy(&bytes))
                    .into_owned();
                ok(Some(redacted))
            }
            Sink::Path(path) => {
                let path = path.filter(|p| *p != std::path::Path::new("-"));
                let mut writer: Box<dyn Write> = match path {
                    Some(p) => match std::fs::File::create(p) {
                        Ok(f) => Box::new(std::io::BufWriter::with_capacity(1 << 16, f)),
                        Err(e) => {
                            return Outcome {
                                exit_code: 2,
                                error: Some(format!(
                                    "cannot write the output {}: {e}",
                                    p.display()
                                )),
                                failure: Some(Failure::BadInput),
                                ..Outcome::default()
                            };
                        }
                    },
                    None => Box::new(std::io::BufWriter::with_capacity(
                        1 << 16,
                        std::io::stdout().lock(),
                    )),
                };
                let written = match output {
                    _ if pretty || !self.redactor.is_empty() => {
                        let bytes = text(output);
                        let redacted = self
                            .redactor
                            .redact(&String::from_utf8_lossy(&bytes))
                            .into_owned();
                        writer.write_all(redacted.as_bytes())
                    }
                    Output::Value(value) => json::write_json_to(value, &mut *writer),
                    Output::Json(chunks) => chunks.iter().try_for_each(|c| writer.write_all(c)),
                };
                let written = written
                    .and_then(|_| writer.write_all(b"\n"))
                    .and_then(|_| writer.flush());
                match (written, path) {
                    (Err(e), Some(p)) => Outcome {
                        exit_code: 2,
                        error: Some(format!("cannot write the output {}: {e}", p.display())),
                        failure: Some(Failure::BadInput),
                        ..Outcome::default()
                    },
                    // A closed pipe (`job | head`) is not a failure of the job.
                    _ => ok(None),
                }
            }
        }
    }

    pub fn new(
        program: Program,
        redactor: Redactor,
        log_format: LogFormat,
        log: Box<dyn Write>,
    ) -> Box<Run> {
        let mut run = Box::new(Run {
            values: ValueArena::new(),
            kept: ValueArena::new(),
            closures: Arena::new(),
            words: Arena::new(),
            constants: Vec::new(),
            globals: Vec::new(),
            input: Value::Null,
            config: Value::Null,
            trigger: Value::Null,
            adaptor_configs: Vec::new(),
            output: None,
            stream: None,
            pending: None,
            redactor,
            log_format,
            log,
            null: std::ptr::null(),
            absent: std::ptr::null(),
            bools: [std::ptr::null(); 2],
            error_shape: Shape::intern(&["kind", "message", "status", "body", "path"], false),
            http: None,
            policies: Vec::new(),
            last_url: None,
            dry_run: None,
            test: None,
            program,
        });
        run.null = run.keep(Value::Null);
        run.absent = run.keep(Value::Absent);
        run.bools = [run.keep(Value::Bool(false)), run.keep(Value::Bool(true))];
        let constants: Vec<Value> = run.program.constants.clone();
        run.constants = constants.into_iter().map(|c| run.keep(c)).collect();
        run.globals = vec![run.null; run.program.globals];
        run
    }

    /// A temporary: kept until the current region is released.
    pub fn alloc(&self, value: Value) -> *const Value {
        self.values.alloc(value)
    }

    /// Keeps a value until the run ends.
    pub fn keep(&self, value: Value) -> *const Value {
        self.kept.alloc(value)
    }

    /// How many temporaries the value arena holds now.
    pub fn temporaries(&self) -> usize {
        self.values.len()
    }

    /// Where the value arena is now.
    pub fn mark(&self) -> Mark {
        self.values.mark()
    }

    /// Drops every value allocated after `mark`.
    ///
    /// # Safety
    /// Generated code must hold no pointer to such a value any more.
    pub unsafe fn release(&self, mark: Mark) {
        unsafe { self.values.release(mark) }
    }

    pub fn closure(&self, function: *const u8, env: &[u64]) -> *const Closure {
        let env = self.words.alloc_extend(env.iter().copied());
        self.closures.alloc(Closure {
            function,
            env: env.as_ptr(),
        })
    }

    /// The `file:line:col` of a location.
    pub fn location(&self, loc: u32) -> &str {
        self.program
            .locations
            .get(loc as usize)
            .map_or("?", |s| s.as_str())
    }

    /// Records an error unless one is already pending (raised by a callee).
    pub fn raise(&mut self, ctx: &mut Ctx, pending: Pending) {
        if ctx.failed == 0 {
            self.pending = Some(pending);
            ctx.failed = 1;
        }
    }

    pub fn write_log(&mut self, warn: bool, value: &Value) {
        let text = match value {
            Value::Str(s) => s.as_str().to_string(),
            other => json::to_json_string(other),
        };
        let text = self.redactor.redact(&text).into_owned();
        if let Some(test) = self.test.as_deref_mut() {
            // Under `ferry test` the lines are kept for `logs()`.
            test.logs.push((warn, text));
            return;
        }
        let line = match self.log_format {
            LogFormat::Human => format!("{}: {text}\n", if warn { "warn" } else { "log" }),
            LogFormat::Json => {
                let level = if warn { "warn" } else { "info" };
                format!(
                    "{}\n",
                    serde_json::json!({ "level": level, "message": text, "job": self.program.job })
                )
            }
        };
        let _ = self.log.write_all(line.as_bytes());
    }

    /// How the run ended, once the job's main body has returned. A successful
    /// run's output goes to `sink`.
    pub fn finish(&mut self, sink: Sink<'_>, pretty: bool) -> Outcome {
        match self.pending.take() {
            None => {
                let output = self.output.take().unwrap_or(Output::Value(Value::Null));
                self.deliver(&output, sink, pretty)
            }
            Some(Pending::Skip(reason)) => {
                let message = reason.map(|r| self.redactor.redact(&r).into_owned());
                if let Some(m) = &message {
                    let _ = self.log.write_all(format!("skipped: {m}\n").as_bytes());
                }
                Outcome {
                    skipped: message,
                    ..self.deliver(&Output::Value(Value::Null), sink, pretty)
                }
            }
            Some(Pending::Fail(message, loc)) => {
                let message = format!(
                    "{} (at {})",
                    self.redactor.redact(&message),
                    self.location(loc)
                );
                Outcome {
                    exit_code: 1,
                    error: Some(message),
                    failure: Some(Failure::Fail),
                    ..Outcome::default()
                }
            }
            Some(Pending::TooDeep(loc)) => Outcome {
                exit_code: 1,
                error: Some(format!(
                    "recursion too deep at {}: {}",
                    self.location(loc),
                    crate::stack_guard::EXPLANATION
                )),
                failure: Some(Failure::Runtime),
                ..Outcome::default()
            },
            Some(Pending::Error(error, loc)) => {
                let error = error.redact(&self.redactor);
                let message = error.report(self.location(loc));
                Outcome {
                    exit_code: 1,
                    error: Some(message),
                    failure: Some(Failure::of_error(&error)),
                    ..Outcome::default()
                }
            }
            Some(Pending::Internal(message)) => Outcome {
                exit_code: 3,
                error: Some(format!(
                    "internal error: {} (please report this)",
                    self.redactor.redact(&message)
                )),
                failure: Some(Failure::Internal),
                ..Outcome::default()
            },
        }
    }
}
