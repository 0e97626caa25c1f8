//! Compiled jobs under `serve`: [`CompiledJob`] makes a job's metadata and main
//! body a [`serve::Job`], and [`ServeArgs`] is the command line that `ferry serve
//! JOB...` and a built job's `serve` share (see `docs/triggers.md`).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::job_main::{self, Input, JobMain, RunOptions};
use crate::program::{Program, TriggerMeta};
use crate::run::LogFormat;
use crate::secrets::Redactor;
use crate::serve::{self, LogLevel, LogLine, RunResult, Trigger, TriggerContext, WebhookAuth};

/// A compiled job that `serve` runs.
pub struct CompiledJob {
    name: String,
    /// A hash of the job's source and adaptors (`ferry_meta::Meta::version`).
    version: String,
    meta: Arc<[u8]>,
    main: JobMain,
    trigger: Trigger,
    config: Option<serde_json::Value>,
    config_name: String,
}

impl CompiledJob {
    /// A job named `name` (its file's stem), with the config every run reads. The
    /// trigger and the config are checked now, so that a mistake stops `serve` at
    /// its start instead of failing every run; the config's secrets are registered
    /// with `redactor`.
    ///
    /// # Safety
    /// `main` must be the main body compiled with the program `meta` describes, and
    /// stay callable for as long as the job is served.
    pub unsafe fn new(
        name: String,
        meta: Arc<[u8]>,
        main: JobMain,
        config: Option<serde_json::Value>,
        config_name: String,
        redactor: &Redactor,
    ) -> Result<CompiledJob, String> {
        let program = Program::load(&meta).map_err(|e| format!("internal error: {e}"))?;
        let trigger =
            trigger_of(program.trigger.as_ref()).map_err(|message| format!("{name}: {message}"))?;
        let version = program_version(&meta);
        let mut job = CompiledJob {
            name,
            version,
            meta,
            main,
            trigger,
            config,
            config_name,
        };
        let options = job.options(Input::None);
        job_main::load_config(&program, &options, redactor)
            .map_err(|message| format!("{}: {message}", job.name))?;
        job.config = options.config;
        Ok(job)
    }

    fn options(&self, input: Input) -> RunOptions {
        let mut options = RunOptions::new(input);
        options.config = self.config.clone();
        options.config_name = self.config_name.clone();
        options.log_format = LogFormat::Json;
        options
    }
}

/// A job's version from its sources (the job's file and every adaptor file it
/// reads, name and text): the first 12 hex digits of their SHA-256, in name order.
pub fn version_of<'a>(sources: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    use sha2::Digest as _;
    let mut sources: Vec<(&str, &str)> = sources.collect();
    sources.sort();
    let mut hash = sha2::Sha256::new();
    for (name, text) in sources {
        for part in [name, text] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part.as_bytes());
        }
    }
    hash.finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The job's version: the one the compiler stamped into its metadata (a hash
/// of its source and adaptors), else a hash of the metadata itself.
fn program_version(meta: &[u8]) -> String {
    use sha2::Digest as _;
    let stamped = serde_json::from_slice::<serde_json::Value>(meta)
        .ok()
        .and_then(|m| m.get("version")?.as_str().map(String::from))
        .filter(|v| !v.is_empty());
    stamped.unwrap_or_else(|| {
        sha2::Sha256::digest(meta)
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect()
    })
}

/// The `trigger` of a program as `serve` knows it.
fn trigger_of(trigger: Option<&TriggerMeta>) -> Result<Trigger, String> {
    Ok(match trigger {
        None => Trigger::None,
        Some(TriggerMeta::Cron { schedule, tz }) => Trigger::Cron {
            schedule: schedule.clone(),
            tz: tz.clone(),
        },
        Some(TriggerMeta::Every { millis }) => Trigger::Every(Duration::from_millis(*millis)),
        Some(TriggerMeta::Webhook {
            path,
            auth,
            header,
            reply,
        }) => {
            let header = || header.clone().unwrap_or_default();
            let auth = match auth.as_deref() {
                None => WebhookAuth::None,
                Some("api_key") => WebhookAuth::ApiKey { header: header() },
                Some("basic") => WebhookAuth::Basic,
                Some("hmac_sha256") => WebhookAuth::HmacSha256 { header: header() },
                Some(other) => return Err(format!("`{other}` is not a webhook auth scheme")),
            };
            Trigger::Webhook {
                path: path.clone(),
                auth,
                reply: *reply,
            }
        }
    })
}

thread_local! {
    /// Programs loaded on this thread, by the address of their metadata: checking
    /// a webhook's body needs the input type, whose values are not `Send`.
    static PROGRAMS: RefCell<HashMap<usize, Program>> = RefCell::new(HashMap::new());
}

impl serve::Job for CompiledJob {
    fn name(&self) -> &str {
        &self.name
    }

    fn trigger(&self) -> &Trigger {
        &self.trigger
    }

    fn version(&self) -> &str {
        &self.version
    }

    fn validate_input(&self, body: &[u8]) -> Result<(), String> {
        PROGRAMS.with(|programs| {
            let mut programs = programs.borrow_mut();
            let key = self.meta.as_ptr() as usize;
            let program = match programs.entry(key) {
                std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::hash_map::Entry::Vacant(entry) => entry
                    .insert(Program::load(&self.meta).map_err(|e| format!("internal error: {e}"))?),
            };
            job_main::decode_input(program, body.to_vec(), &Redactor::new())
                .map(drop)
                .map_err(|message| {
                    message
                        .strip_prefix("invalid input: ")
                        .unwrap_or(&message)
                        .to_string()
                })
        })
    }

    fn run(&self, input: &[u8], context: &TriggerContext) -> RunResult {
        let mut options = self.options(Input::Bytes(input.to_vec()));
        options.fired_at = context.fired_at.clone();
        options.last_success = context.last_success.clone();
        options.headers = context.headers.clone();
        let logs = LogCapture::default();
        // Safety: `main` was compiled with `meta` (`CompiledJob::new`'s contract).
        let outcome =
            unsafe { job_main::execute(&self.meta, self.main, options, Box::new(logs.clone())) };
        RunResult {
            exit_code: outcome.exit_code,
            output: outcome.output,
            error: outcome.error,
            logs: logs.lines(),
            failure: outcome.failure,
            skipped: outcome.skipped,
        }
    }
}

/// The `log` and `warn` lines of a run (written as JSON lines), each stamped
/// with the moment it was written.
#[derive(Clone, Default)]
struct LogCapture(Arc<Mutex<(Vec<u8>, Vec<LogLine>)>>);

impl LogCapture {
    fn lines(&self) -> Vec<LogLine> {
        std::mem::take(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()).1)
    }
}

impl Write for LogCapture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (pending, lines) = &mut *guard;
        pending.extend_from_slice(bytes);
        while let Some(end) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            let parsed: serde_json::Value = serde_json::from_slice(&line).unwrap_or_default();
            let level = match parsed.get("level").and_then(|l| l.as_str()) {
                Some("warn") => LogLevel::Warn,
                _ => LogLevel::Info,
            };
            let message = match parsed.get("message").and_then(|m| m.as_str()) {
                Some(message) => message.to_string(),
                None => String::from_utf8_lossy(&line).trim_end().to_string(),
            };
            let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            lines.push(LogLine { level, message, at });
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `serve`'s command line.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Where to listen for webhooks, /healthz, /runs and /metrics.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The folder of the SQLite inbox and run log (created if missing).
    #[arg(long, value_name = "DIR", default_value = "ferry-state")]
    pub state: PathBuf,
    /// `sqlite` (in --state), or a postgres://user:password@host/db URL that
    /// several serve processes share.
    #[arg(long, value_name = "sqlite|URL", default_value = "sqlite")]
    pub queue: String,
    /// The config of every job: adaptor sections, and `trigger` with the webhook's
    /// credentials (or `trigger.<job>` for one job's). Fields may come from the
    /// environment instead: FERRY_DHIS2_PASSWORD, FERRY_TRIGGER_KEY.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// How many runs may go on at once.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub workers: usize,
    /// How many times an event's job is run before it is dead-lettered.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub attempts: u32,
    /// The wait before the first retry of a failed run; each retry waits twice as
    /// long as the one before, up to an hour.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = humantime::parse_duration)]
    pub retry_delay: Duration,
    /// How serve's own log lines are written to standard error.
    #[arg(long, value_enum, default_value = "human")]
    pub log_format: job_main::LogFormatArg,
    /// The operator token that /runs (and /metrics) require [default: FERRY_ADMIN_TOKEN,
    /// else the stored one, else a new one printed at this first start].
    #[arg(long, value_name = "TOKEN")]
    pub admin_token: Option<String>,
    /// Whether /metrics needs the operator token too.
    #[arg(long, value_enum, default_value = "token")]
    pub metrics: MetricsArg,
    /// How long a client may take to send a request's headers.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = humantime::parse_duration)]
    pub header_timeout: Duration,
    /// How long a client may take to send a webhook's body (408 after).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = humantime::parse_duration)]
    pub body_timeout: Duration,
    /// The most HTTP connections open at once; more are closed at once.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_connections: usize,
    /// Serve the operator API and page (/, /runs, /metrics) on this address
    /// instead, apart from the webhooks.
    #[arg(long, value_name = "ADDR")]
    pub admin_listen: Option<SocketAddr>,
    /// What runs keep: the input and output of every run, of failed runs only,
    /// or none (metadata and redacted logs are always kept).
    #[arg(long, value_name = "all|errors|none", default_value = "all", value_parser = serve::KeepData::parse)]
    pub keep_data: serve::KeepData,
    /// Delete ended runs and their events older than this (`30d`, `12h`) in the
    /// background [default: keep them].
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub retain: Option<Duration>,
    /// How long a `reply` webhook waits for its run before answering 202.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = humantime::parse_duration)]
    pub reply_timeout: Duration,
}

/// `--metrics`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum MetricsArg {
    /// Anyone who reaches the port may read /metrics.
    Open,
    /// /metrics needs the operator token, as /runs does.
    Token,
}

impl ServeArgs {
    /// The config file, parsed (`None` without `--config`).
    pub fn config(&self) -> Result<Option<serde_json::Value>, String> {
        self.config
            .as_deref()
            .map(job_main::read_config)
            .transpose()
    }

    /// Each job's config: the file's, with `trigger` narrowed to the job's own
    /// section when the file keys it by job name.
    pub fn job_config(config: Option<&serde_json::Value>, job: &str) -> Option<serde_json::Value> {
        let mut config = config?.clone();
        if let Some(own) = config
            .get("trigger")
            .and_then(|t| t.get(job))
            .filter(|t| t.is_object())
            .cloned()
        {
            config["trigger"] = own;
        }
        Some(config)
    }
}

/// A job to serve: its name, metadata and main body.
pub struct JobCode {
    pub name: String,
    pub meta: Arc<[u8]>,
    pub main: JobMain,
}

/// Serves compiled jobs until SIGTERM or ctrl-c; returns the exit code.
///
/// # Safety
/// Each job's `main` must be compiled with its `meta` and stay callable until
/// this returns.
pub unsafe fn serve_with_args(jobs: Vec<JobCode>, args: &ServeArgs) -> i32 {
    match unsafe { try_serve(jobs, args) } {
        Ok(()) => 0,
        Err((code, message)) => {
            eprintln!("error: {message}");
            code
        }
    }
}

unsafe fn try_serve(jobs: Vec<JobCode>, args: &ServeArgs) -> Result<(), (i32, String)> {
    let usage = |message: String| (2, message);
    let config = args.config().map_err(usage)?;
    let config_name = args
        .config
        .as_ref()
        .map_or(String::new(), |p| p.display().to_string());
    let redactor = Redactor::new();
    let mut options = serve::ServeOptions::new(&args.state);
    options.listen = args.listen;
    options.queue = serve::Queue::parse(&args.queue).map_err(usage)?;
    options.workers = args.workers.max(1);
    options.retry = serve::RetryPolicy {
        attempts: args.attempts,
        base_delay: args.retry_delay,
        ..serve::RetryPolicy::default()
    };
    options.admin_token = args
        .admin_token
        .clone()
        .or_else(|| std::env::var("FERRY_ADMIN_TOKEN").ok());
    options.header_read_timeout = args.header_timeout;
    options.body_read_timeout = args.body_timeout;
    options.max_connections = args.max_connections.max(1);
    options.admin_listen = args.admin_listen;
    options.keep_data = args.keep_data;
    options.retain = args.retain;
    options.reply_timeout = args.reply_timeout;
    options.metrics_access = match args.metrics {
        MetricsArg::Open => serve::MetricsAccess::Open,
        MetricsArg::Token => serve::MetricsAccess::Token,
    };
    let mut served: Vec<Arc<dyn serve::Job>> = Vec::new();
    let mut secrets = BTreeMap::new();
    for job in jobs {
        let job_config = ServeArgs::job_config(config.as_ref(), &job.name);
        let trigger_secrets = serve::TriggerSecrets::from_config_and_env(job_config.as_ref())
            .map_err(|message| usage(format!("invalid config {config_name}: {message}")))?;
        secrets.insert(job.name.clone(), trigger_secrets);
        let compiled = unsafe {
            CompiledJob::new(
                job.name,
                job.meta,
                job.main,
                job_config,
                config_name.clone(),
                &redactor,
            )
        }
        .map_err(usage)?;
        served.push(Arc::new(compiled));
    }
    options.secrets = secrets;
    options.redactor = redactor.clone();
    let format = match args.log_format {
        job_main::LogFormatArg::Human => serve::LogFormat::Human,
        job_main::LogFormatArg::Json => serve::LogFormat::Json,
    };
    serve::init_logging(format, redactor).map_err(|message| (3, message))?;
    serve::serve_blocking(served, options).map_err(|e| (e.exit_code(), e.to_string()))
}
