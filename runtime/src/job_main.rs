//! Running a compiled job: input and config checked before the first statement,
//! the job's main body, and the exit codes of docs/running.md. Used by `ferry run`
//! (JIT) and by every executable `ferry build` writes (see `standalone`).

use crate::json::{self, TypeDesc};
use crate::program::Program;
use crate::run::{Ctx, LogFormat, Outcome, Run, Sink};
use crate::secrets::Redactor;
use crate::value::{Object, Str, Value};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// A lookup of environment variables (replaceable in tests).
pub type EnvLookup = Box<dyn Fn(&str) -> Option<String>>;

/// The job's main body, as generated code: `fn(ctx)`.
pub type JobMain = unsafe extern "C" fn(*mut Ctx);

/// Runs `main` on `run`: its context points at the run's constants and globals.
///
/// # Safety
/// `main` must be the main body compiled with the program `run` was made from.
pub(crate) unsafe fn call_main(run: &mut Run, main: JobMain) {
    let mut globals = std::mem::take(&mut run.globals);
    let run_ptr: *mut Run = &mut *run;
    let mut ctx = Ctx {
        failed: 0,
        loc: 0,
        constants: run.constants.as_ptr(),
        globals: globals.as_mut_ptr(),
        run: run_ptr,
        stack_limit: crate::stack_guard::limit(),
    };
    unsafe { main(&mut ctx) };
    drop(globals);
}

/// Where the input comes from.
#[derive(Clone, Debug)]
pub enum Input {
    /// `--input FILE`.
    File(PathBuf),
    /// `--input -`, or stdin that is not a terminal.
    Stdin,
    /// Given directly (a webhook's body); empty is `null`.
    Bytes(Vec<u8>),
    /// No input: `null`.
    None,
}

/// How one run is set up.
pub struct RunOptions {
    pub input: Input,
    /// The parsed `--config` file, if any.
    pub config: Option<serde_json::Value>,
    /// The name of the config file, for messages.
    pub config_name: String,
    pub log_format: LogFormat,
    /// Print requests instead of sending them, answering from these recordings.
    pub dry_run: Option<crate::http::Recordings>,
    /// `trigger.fired_at`, `last_success`, `headers`.
    pub fired_at: String,
    pub last_success: Option<String>,
    pub headers: Vec<(String, String)>,
    /// Environment lookups (`FERRY_DHIS2_PASSWORD`); replaceable in tests.
    pub env: EnvLookup,
    pub pretty: bool,
    /// Where the output goes: `None` keeps it in the outcome (for `serve`).
    pub output: Option<Option<PathBuf>>,
    /// Leave the run's memory to the process's end instead of freeing it value by
    /// value: a job that exits right after its run saves that time.
    pub leak: bool,
}

impl RunOptions {
    pub fn new(input: Input) -> RunOptions {
        RunOptions {
            input,
            config: None,
            config_name: String::new(),
            log_format: LogFormat::Human,
            dry_run: None,
            fired_at: crate::stdlib::date::now().as_str().to_string(),
            last_success: None,
            headers: Vec::new(),
            env: Box::new(|name| std::env::var(name).ok()),
            pretty: false,
            output: None,
            leak: false,
        }
    }
}

fn input_error(message: String) -> Outcome {
    Outcome {
        exit_code: 2,
        error: Some(message),
        failure: Some(crate::failure::Failure::BadInput),
        ..Outcome::default()
    }
}

/// Runs a compiled job once.
///
/// # Safety
/// `main` must be the main body compiled with the program `meta` describes.
pub unsafe fn execute(
    meta: &[u8],
    main: JobMain,
    mut options: RunOptions,
    log: Box<dyn Write>,
) -> Outcome {
    let program = match Program::load(meta) {
        Ok(p) => p,
        Err(e) => {
            return Outcome {
                exit_code: 3,
                error: Some(format!("internal error: {e}")),
                failure: Some(crate::failure::Failure::Internal),
                ..Outcome::default()
            };
        }
    };
    let redactor = Redactor::new();
    let mut run = Run::new(program, redactor.clone(), options.log_format, log);
    run.dry_run = options
        .dry_run
        .take()
        .map(|recordings| crate::ops::DryRun { recordings });

    match load_config(&run.program, &options, &redactor) {
        Ok(config) => {
            run.config = Value::object(config.sections);
            run.adaptor_configs = config.adaptors;
            run.policies = config.policies;
        }
        Err(message) => return input_error(message),
    }

    // Input: checked against `input:` before anything runs.
    let bytes = match read_input(&options.input) {
        Ok(bytes) => bytes,
        Err(e) => return input_error(e),
    };
    run.input = match decode_input(&run.program, bytes, &redactor) {
        Ok(input) => input,
        Err(message) => return input_error(message),
    };
    run.trigger = trigger_value(&run, &options);

    unsafe { call_main(&mut run, main) };
    let sink = match &options.output {
        Some(path) => Sink::Path(path.as_deref()),
        None => Sink::Capture,
    };
    let outcome = run.finish(sink, options.pretty);
    if options.leak {
        std::mem::forget(run);
    }
    outcome
}

/// The input checked against the job's `input:` type (empty means `null`); `Err`
/// is the message for the user, with the JSON path of the first mismatch.
pub fn decode_input(
    program: &Program,
    bytes: Vec<u8>,
    redactor: &Redactor,
) -> Result<Value, String> {
    let desc = &program.descs[program.input];
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return json::decode(b"null", desc)
            .map_err(|e| format!("invalid input: no input given, and the job needs one: {e}"));
    }
    json::decode_vec(bytes, desc)
        .map_err(|e| format!("invalid input: {}", redactor.redact(&e.to_string())))
}

/// A job's config, checked: each adaptor's section decoded against its `config`
/// type, and its HTTP policy.
pub struct LoadedConfig {
    /// `config` as the job sees it: a record of sections by adaptor name.
    pub sections: Object,
    /// The sections in adaptor order (what ops read).
    pub adaptors: Vec<Value>,
    pub policies: Vec<crate::http::Policy>,
}

/// Reads each adaptor's section from the config file and the environment
/// (`FERRY_<ADAPTOR>_<FIELD>`), registers its secrets with `redactor`, and checks
/// it against the adaptor's `config` type. `Err` is the message for the user.
pub fn load_config(
    program: &Program,
    options: &RunOptions,
    redactor: &Redactor,
) -> Result<LoadedConfig, String> {
    let mut loaded = LoadedConfig {
        sections: Object::new(),
        adaptors: Vec::new(),
        policies: Vec::new(),
    };
    for adaptor in &program.adaptors {
        let desc = &program.descs[adaptor.config as usize];
        let mut section = options
            .config
            .as_ref()
            .and_then(|c| c.get(&adaptor.name))
            .cloned()
            .unwrap_or_else(|| serde_json::Value::Object(Default::default()));
        if let (serde_json::Value::Object(map), TypeDesc::Record { shape, fields }) =
            (&mut section, desc.resolve())
        {
            for (field, field_desc) in shape.fields.iter().zip(fields.iter()) {
                let var = format!(
                    "FERRY_{}_{}",
                    adaptor.name.to_uppercase(),
                    field.as_str().to_uppercase()
                );
                if let Some(text) = (options.env)(&var) {
                    let value = match field_desc.desc.resolve() {
                        TypeDesc::Int | TypeDesc::Float | TypeDesc::Bool => {
                            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
                        }
                        _ => serde_json::Value::String(text),
                    };
                    map.insert(field.as_str().to_string(), value);
                }
            }
        }
        for secret in &adaptor.secrets {
            if let Some(serde_json::Value::String(s)) = section.get(secret) {
                redactor.add(s);
            }
        }
        if let (Some(serde_json::Value::String(user)), Some(serde_json::Value::String(password))) =
            (section.get("username"), section.get("password"))
        {
            redactor.add_basic_auth(user, password);
        }
        if adaptor.types_only {
            // Used for its types only: nothing reads its section, so none is
            // asked for or checked; the secrets given in it are still redacted.
            loaded.adaptors.push(Value::Null);
            loaded.policies.push(crate::http::Policy::default());
            continue;
        }
        // `retry` tunes the adaptor's HTTP policy; it is not part of its config type.
        let retry = section.as_object_mut().and_then(|map| map.remove("retry"));
        match policy(&adaptor.name, retry.as_ref()) {
            Ok(policy) => loaded.policies.push(crate::http::Policy {
                errors: std::sync::Arc::new(adaptor.errors.clone()),
                ..policy
            }),
            Err(message) => {
                return Err(format!("invalid config{}: {message}", config_file(options)));
            }
        }
        let text = section.to_string();
        match json::decode(text.as_bytes(), desc) {
            Ok(value) => {
                loaded
                    .sections
                    .insert(Str::from(adaptor.name.as_str()), value.clone());
                loaded.adaptors.push(value);
            }
            Err(e) => {
                let e = crate::secret_places::hide_secret_values(e, desc);
                let message = redactor.redact(&e.to_string()).into_owned();
                let message = message.replacen('$', &format!("$.{}", adaptor.name), 1);
                return Err(format!(
                    "invalid config{}: {message}\n  set it in the config file (--config) under \"{}\", or as FERRY_{}_<FIELD> in the environment",
                    config_file(options),
                    adaptor.name,
                    adaptor.name.to_uppercase()
                ));
            }
        }
    }
    Ok(loaded)
}

/// A config section's `retry`: `{ "attempts": 6, "timeout_seconds": 60,
/// "max_delay_seconds": 30, "base_delay_seconds": 0.5 }`, each optional.
fn policy(adaptor: &str, retry: Option<&serde_json::Value>) -> Result<crate::http::Policy, String> {
    let mut policy = crate::http::Policy::default();
    let Some(retry) = retry else {
        return Ok(policy);
    };
    let at = |key: &str| {
        format!(
            "$.{adaptor}.retry{}",
            if key.is_empty() {
                String::new()
            } else {
                format!(".{key}")
            }
        )
    };
    let Some(fields) = retry.as_object() else {
        return Err(format!(
            "{}: expected an object such as {{ \"attempts\": 4, \"timeout_seconds\": 30 }}, found {}",
            at(""),
            crate::secret_places::json_kind(retry)
        ));
    };
    for (key, value) in fields {
        let Some(number) = value.as_f64().filter(|x| *x >= 0.0 && x.is_finite()) else {
            // Only a number is shown: a string here may be a secret put in the wrong place.
            let found = match value {
                serde_json::Value::Number(n) => n.to_string(),
                other => crate::secret_places::json_kind(other).to_string(),
            };
            return Err(format!(
                "{}: expected a number of 0 or more, found {found}",
                at(key)
            ));
        };
        let seconds = || std::time::Duration::from_secs_f64(number);
        match key.as_str() {
            "attempts" if number.fract() == 0.0 => policy.attempts = number as u32,
            "attempts" => {
                return Err(format!(
                    "{}: expected a whole number, found {value}",
                    at(key)
                ));
            }
            "timeout_seconds" => policy.timeout = seconds(),
            "max_delay_seconds" => policy.max_delay = seconds(),
            "base_delay_seconds" => policy.base_delay = seconds(),
            "max_response_bytes" if number.fract() == 0.0 && number >= 1.0 => {
                policy.max_response_bytes = number as u64
            }
            "max_response_bytes" => {
                return Err(format!(
                    "{}: expected a whole number of bytes, 1 or more, found {value}",
                    at(key)
                ));
            }
            _ => {
                return Err(format!(
                    "{}: unknown setting; use attempts, timeout_seconds, max_delay_seconds, base_delay_seconds or max_response_bytes",
                    at(key)
                ));
            }
        }
    }
    Ok(policy)
}

/// ` in FILE` when the config came from a file.
fn config_file(options: &RunOptions) -> String {
    if options.config_name.is_empty() {
        String::new()
    } else {
        format!(" in {}", options.config_name)
    }
}

/// The input's bytes, checked to be JSON as they are read (a large input that is
/// not JSON fails at once, not after it has all been read).
fn read_input(input: &Input) -> Result<Vec<u8>, String> {
    let (read, from) = match input {
        Input::None => return Ok(Vec::new()),
        Input::Bytes(b) => return Ok(b.clone()),
        Input::File(path) => (
            std::fs::File::open(path).map(json::read_json),
            path.display().to_string(),
        ),
        Input::Stdin => (Ok(json::read_json(std::io::stdin().lock())), "stdin".into()),
    };
    let cannot = |e: std::io::Error| match input {
        Input::File(_) => format!("cannot read the input {from}: {e}"),
        _ => format!("cannot read the input from {from}: {e}"),
    };
    match read.map_err(cannot)? {
        Ok(bytes) => Ok(bytes),
        Err(json::ReadError::Io(e)) => Err(cannot(e)),
        Err(json::ReadError::NotJson(e)) => Err(format!("invalid input: {e}")),
    }
}

pub(crate) fn trigger_value(run: &Run, options: &RunOptions) -> Value {
    use crate::program::TriggerMeta;
    let mut fields = vec!["fired_at"];
    let mut slots = vec![Value::Str(Str::from(options.fired_at.as_str()))];
    match &run.program.trigger {
        Some(TriggerMeta::Cron { .. } | TriggerMeta::Every { .. }) => {
            fields.push("last_success");
            slots.push(
                options
                    .last_success
                    .as_deref()
                    .map_or(Value::Null, Value::from),
            );
        }
        Some(TriggerMeta::Webhook { .. }) => {
            fields.push("headers");
            let mut headers = Object::new();
            for (k, v) in &options.headers {
                let key = Str::from(k.to_ascii_lowercase());
                let joined = match headers.get(key.as_str()) {
                    Some(Value::Str(prev)) => format!("{}, {v}", prev.as_str()),
                    _ => v.clone(),
                };
                headers.insert(key, Value::from(joined));
            }
            slots.push(Value::object(headers));
        }
        None => {}
    }
    let shape = crate::value::Shape::intern(&fields, false);
    Value::record(crate::value::Record::new(shape, slots, None))
}

/// The input a job reads when `--input` is not given: stdin unless it is a terminal.
pub fn default_input() -> Input {
    if std::io::stdin().is_terminal() {
        Input::None
    } else {
        Input::Stdin
    }
}

/// Reads a `--config` file: a JSON object.
pub fn read_config(path: &std::path::Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the config {}: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("the config {} is not JSON: {e}", path.display()))?;
    if !value.is_object() {
        return Err(format!(
            "the config {} must be a JSON object, like {{ \"dhis2\": {{ … }} }}",
            path.display()
        ));
    }
    Ok(value)
}

/// `--log-format`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum LogFormatArg {
    Human,
    Json,
}

/// The options of a run, shared by `ferry run JOB` and a built job's `run`.
#[derive(Clone, Debug, clap::Args)]
pub struct RunArgs {
    /// The input JSON: a file, or `-` for standard input [default: standard input
    /// when it is not a terminal, else no input (`null`)].
    #[arg(long, value_name = "FILE|-")]
    pub input: Option<PathBuf>,
    /// The config: a JSON object with a section per adaptor, e.g. { "dhis2": { "hostUrl": … } }.
    /// Any field may come from the environment instead, as FERRY_<ADAPTOR>_<FIELD>.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where to write the output JSON: a file, or `-` for standard output [default: -].
    #[arg(long, value_name = "FILE|-")]
    pub output: Option<PathBuf>,
    /// How `log` and `warn` lines are written to standard error.
    #[arg(long, value_enum, default_value = "human")]
    pub log_format: LogFormatArg,
    /// Print every request instead of sending it.
    #[arg(long)]
    pub dry_run: bool,
    /// With --dry-run: recorded responses to answer requests with (a JSON array).
    #[arg(long, value_name = "FILE", requires = "dry_run")]
    pub responses: Option<PathBuf>,
    /// Write the output indented.
    #[arg(long)]
    pub pretty: bool,
}

impl RunArgs {
    pub fn options(&self) -> Result<RunOptions, String> {
        let input = match &self.input {
            Some(p) if p == std::path::Path::new("-") => Input::Stdin,
            Some(p) => Input::File(p.clone()),
            None => default_input(),
        };
        let mut options = RunOptions::new(input);
        if let Some(path) = &self.config {
            options.config = Some(read_config(path)?);
            options.config_name = path.display().to_string();
        }
        options.log_format = match self.log_format {
            LogFormatArg::Human => LogFormat::Human,
            LogFormatArg::Json => LogFormat::Json,
        };
        options.pretty = self.pretty;
        options.output = Some(self.output.clone());
        options.leak = true;
        if self.dry_run {
            options.dry_run = Some(match &self.responses {
                Some(path) => crate::http::Recordings::load(path).map_err(|e| e.to_string())?,
                None => crate::http::Recordings::none(),
            });
        }
        Ok(options)
    }
}

/// Runs a compiled job with command-line options: errors to standard error, the
/// output where `--output` says; returns the exit code.
///
/// # Safety
/// `main` must be the main body compiled with the program `meta` describes.
pub unsafe fn run_with_args(meta: &[u8], main: JobMain, args: &RunArgs) -> i32 {
    let options = match args.options() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let outcome = unsafe { execute(meta, main, options, Box::new(std::io::stderr())) };
    if let Some(error) = &outcome.error {
        eprintln!("error: {error}");
    }
    outcome.exit_code
}

/// A job's name: its source file's stem (`registration` for `examples/registration.ferry`).
pub fn job_name(source: &str) -> String {
    std::path::Path::new(source)
        .file_stem()
        .map_or_else(|| source.to_string(), |s| s.to_string_lossy().into_owned())
}

/// Panics inside the runtime are caught and reported as internal errors, once
/// and redacted, by the run itself: the default hook would print them raw.
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|_| {}));
}

#[cfg(test)]
mod tests {
    use super::policy;
    use serde_json::json;

    #[test]
    fn the_response_limit_is_set_in_retry() {
        let p = policy("api", Some(&json!({ "max_response_bytes": 1000 }))).unwrap();
        assert_eq!(p.max_response_bytes, 1000);
        assert_eq!(
            policy("api", None).unwrap().max_response_bytes,
            crate::http::DEFAULT_MAX_RESPONSE_BYTES
        );
        assert_eq!(
            policy("api", Some(&json!({ "max_response_bytes": 0.5 }))).unwrap_err(),
            "$.api.retry.max_response_bytes: expected a whole number of bytes, 1 or more, found 0.5"
        );
    }

    #[test]
    fn retry_settings_show_only_numbers() {
        assert_eq!(
            policy("api", Some(&json!({ "attempts": "hunter2-secret" }))).unwrap_err(),
            "$.api.retry.attempts: expected a number of 0 or more, found a string"
        );
        assert_eq!(
            policy("api", Some(&json!("hunter2-secret"))).unwrap_err(),
            "$.api.retry: expected an object such as { \"attempts\": 4, \"timeout_seconds\": 30 }, found a string"
        );
        assert_eq!(
            policy("api", Some(&json!({ "attempts": -1 }))).unwrap_err(),
            "$.api.retry.attempts: expected a number of 0 or more, found -1"
        );
    }
}
