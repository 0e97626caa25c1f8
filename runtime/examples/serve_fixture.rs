//! A stand-in for a compiled Ferry job under `serve`, for the tests in
//! `runtime/tests/serve_*.rs` (which start it as a real process, and kill it).
//!
//! ```text
//! serve_fixture --state DIR [--queue URL] [--listen ADDR] [--config FILE]
//!   [--attempts N] [--backoff-ms MS] [--workers N] [--poll-ms MS] [--lease-ms MS]
//!   [--grace-ms MS] [--clock-file FILE]
//!   --job 'name=reg;trigger=webhook:/hook;auth=api_key:X-Api-Key;action=post:URL;block=FILE'...
//! ```
//!
//! A job spec is `key=value` pairs separated by `;`:
//! - `trigger`: `webhook:/path`, `cron:EXPR` (with `tz=Area/City`), `every:SECONDS`;
//! - `auth`: `none`, `api_key:HEADER`, `basic`, `hmac:HEADER`;
//! - `action`: `ok` (output `{"ok": true}`), `fail` (exit 1, retried),
//!   `fail-final` (a `fail` of the language: dead at once), `skip`, `echo` (the
//!   input is the output), `post:URL` (POSTs the input, as received, with the
//!   event id, fired_at and last_success in headers; output `{"status": ...}`),
//!   `post-fail:URL` (posts, then fails), `panic`;
//! - `reply=yes`: the webhook answers with the run's result; `version=V`;
//! - `block=FILE`: before acting, wait until FILE exists; `sleep=MS`: sleep first;
//! - `validate=id`: the input must be an object with a string `id`.
//!
//! Prints `listening on ADDR` on stdout once it accepts requests; logs JSON on stderr.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use ferry_runtime::http::{Auth, Client, Policy, Request};
use ferry_runtime::secrets::Redactor;
use ferry_runtime::serve::{
    BoxFuture, Clock, Failure, Job, KeepData, LogFormat, LogLevel, LogLine, Queue, RunResult,
    ServeOptions, Trigger, TriggerContext, TriggerSecrets, WebhookAuth,
};

struct FixtureJob {
    name: String,
    version: String,
    trigger: Trigger,
    action: String,
    block: Option<PathBuf>,
    sleep: Option<Duration>,
    validate_id: bool,
    client: Client,
}

impl Job for FixtureJob {
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
        let value: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| format!("$: the body is not JSON: {e}"))?;
        if self.validate_id {
            match value.get("id") {
                Some(serde_json::Value::String(_)) => {}
                Some(other) => return Err(format!("$.id: expected String, found {other}")),
                None => return Err("$.id: missing required field".to_string()),
            }
        }
        Ok(())
    }

    fn run(&self, input: &[u8], context: &TriggerContext) -> RunResult {
        if let Some(file) = &self.block {
            while !file.exists() {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        if let Some(d) = self.sleep {
            std::thread::sleep(d);
        }
        let mut logs = vec![LogLine {
            level: LogLevel::Info,
            message: format!("running for {}", context.event_id),
            at: String::new(),
        }];
        let (verb, url) = self.action.split_once(':').unwrap_or((&self.action, ""));
        match verb {
            "ok" => RunResult {
                logs,
                ..RunResult::success(Some(r#"{"ok":true}"#.to_string()))
            },
            "fail" => RunResult {
                logs,
                ..RunResult::failure("boom")
            },
            // A `fail "..."` of the language: dead at once.
            "fail-final" => RunResult {
                logs,
                ..RunResult::failed(
                    Failure::Fail,
                    format!("no such patient: {}", String::from_utf8_lossy(input)),
                )
            },
            "skip" => RunResult {
                logs,
                skipped: Some("nothing to do".into()),
                ..RunResult::success(None)
            },
            "echo" => RunResult {
                logs,
                ..RunResult::success(Some(String::from_utf8_lossy(input).into_owned()))
            },
            "panic" => panic!("the fixture panics"),
            "post" | "post-fail" => {
                let mut req = Request::post(url)
                    .header("content-type", "application/json")
                    .header("x-event-id", &context.event_id)
                    .header("x-fired-at", &context.fired_at)
                    .header("x-job", &self.name)
                    .text(String::from_utf8_lossy(input).into_owned());
                if let Some(last) = &context.last_success {
                    req = req.header("x-last-success", last);
                }
                let policy = Policy {
                    attempts: 1,
                    ..Policy::default()
                };
                match self.client.send("recorder", req, &Auth::None, &policy) {
                    Ok(resp) if verb == "post" => {
                        logs.push(LogLine {
                            level: LogLevel::Info,
                            message: format!("posted: {}", resp.status),
                            at: String::new(),
                        });
                        RunResult {
                            logs,
                            ..RunResult::success(Some(format!(r#"{{"status":{}}}"#, resp.status)))
                        }
                    }
                    Ok(_) => RunResult {
                        logs,
                        ..RunResult::failure("boom after posting")
                    },
                    Err(e) => RunResult {
                        logs,
                        ..RunResult::failure(e.to_string())
                    },
                }
            }
            other => RunResult {
                logs,
                ..RunResult::failed(Failure::Internal, format!("unknown action {other}"))
            },
        }
    }
}

/// A clock that reads RFC 3339 time from a file the test writes.
struct FileClock(PathBuf);

impl Clock for FileClock {
    fn now(&self) -> DateTime<Utc> {
        std::fs::read_to_string(&self.0)
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(DateTime::UNIX_EPOCH)
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            while self.now() < deadline {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    }
}

fn parse_job(spec: &str, client: &Client) -> Result<FixtureJob, String> {
    let fields: BTreeMap<&str, &str> = spec
        .split(';')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').ok_or(format!("bad job field `{p}`")))
        .collect::<Result<_, _>>()?;
    let get = |k: &str| fields.get(k).copied();
    let name = get("name").ok_or("a job needs name=")?.to_string();
    let auth = match get("auth").unwrap_or("none") {
        "none" => WebhookAuth::None,
        "basic" => WebhookAuth::Basic,
        a => match a.split_once(':') {
            Some(("api_key", h)) => WebhookAuth::ApiKey { header: h.into() },
            Some(("hmac", h)) => WebhookAuth::HmacSha256 { header: h.into() },
            _ => return Err(format!("bad auth `{a}`")),
        },
    };
    let trigger = match get("trigger")
        .ok_or("a job needs trigger=")?
        .split_once(':')
    {
        Some(("webhook", path)) => Trigger::Webhook {
            path: path.into(),
            auth,
            reply: get("reply") == Some("yes"),
        },
        Some(("cron", expr)) => Trigger::Cron {
            schedule: expr.into(),
            tz: get("tz").map(String::from),
        },
        Some(("every", secs)) => Trigger::Every(Duration::from_secs(
            secs.parse().map_err(|_| "bad every seconds")?,
        )),
        _ => return Err("bad trigger".into()),
    };
    Ok(FixtureJob {
        version: get("version").unwrap_or("fixture-v1").to_string(),
        name,
        trigger,
        action: get("action").unwrap_or("ok").to_string(),
        block: get("block").map(PathBuf::from),
        sleep: get("sleep")
            .map(|ms| ms.parse().map(Duration::from_millis))
            .transpose()
            .map_err(|_| "bad sleep")?,
        validate_id: get("validate") == Some("id"),
        client: client.clone(),
    })
}

fn main() {
    let redactor = Redactor::new();
    if let Err(e) = ferry_runtime::serve::init_logging(LogFormat::Json, redactor.clone()) {
        eprintln!("{e}");
    }
    let mut options = ServeOptions::new("state");
    options.listen = "127.0.0.1:0".parse().expect("a literal address");
    options.redactor = redactor.clone();
    options.retry.base_delay = Duration::from_millis(50);
    options.poll_interval = Duration::from_millis(50);
    // The tests' operator token (serve_support::OPERATOR_TOKEN), unless they give another.
    options.admin_token = Some("fixture-operator-token".into());
    let client = Client::new(redactor.clone());
    let mut jobs: Vec<Arc<dyn Job>> = Vec::new();
    let mut config: Option<serde_json::Value> = None;
    let mut args = std::env::args().skip(1);
    let fail = |m: String| -> ! {
        eprintln!("serve_fixture: {m}");
        std::process::exit(2)
    };
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| fail(format!("{flag} needs a value")));
        let ms = || -> Duration {
            Duration::from_millis(
                value
                    .parse()
                    .unwrap_or_else(|_| fail(format!("bad {flag}"))),
            )
        };
        match flag.as_str() {
            "--state" => options.state_dir = PathBuf::from(&value),
            "--queue" => options.queue = Queue::parse(&value).unwrap_or_else(|e| fail(e)),
            "--listen" => {
                options.listen = value
                    .parse()
                    .unwrap_or_else(|_| fail("bad --listen".into()))
            }
            "--config" => {
                let text = std::fs::read_to_string(&value)
                    .unwrap_or_else(|e| fail(format!("--config {value}: {e}")));
                config = Some(serde_json::from_str(&text).unwrap_or_else(|e| fail(e.to_string())));
            }
            "--attempts" => options.retry.attempts = value.parse().unwrap_or(1),
            "--backoff-ms" => options.retry.base_delay = ms(),
            "--workers" => options.workers = value.parse().unwrap_or(1),
            "--poll-ms" => options.poll_interval = ms(),
            "--lease-ms" => options.lease = ms(),
            "--grace-ms" => options.shutdown_grace = ms(),
            "--admin-token" => options.admin_token = Some(value.clone()),
            "--header-timeout-ms" => options.header_read_timeout = ms(),
            "--body-timeout-ms" => options.body_read_timeout = ms(),
            "--max-connections" => options.max_connections = value.parse().unwrap_or(1),
            "--metrics" => {
                options.metrics_access = match value.as_str() {
                    "open" => ferry_runtime::serve::MetricsAccess::Open,
                    _ => ferry_runtime::serve::MetricsAccess::Token,
                }
            }
            "--admin-listen" => {
                options.admin_listen = Some(
                    value
                        .parse()
                        .unwrap_or_else(|_| fail("bad --admin-listen".into())),
                )
            }
            "--keep-data" => {
                options.keep_data = KeepData::parse(&value).unwrap_or_else(|e| fail(e))
            }
            "--retain" => {
                options.retain =
                    Some(humantime::parse_duration(&value).unwrap_or_else(|e| fail(e.to_string())))
            }
            "--reply-timeout-ms" => options.reply_timeout = ms(),
            "--session-ms" => options.session_lifetime = ms(),
            "--clock-file" => options.clock = Arc::new(FileClock(PathBuf::from(&value))),
            "--job" => jobs.push(Arc::new(
                parse_job(&value, &client).unwrap_or_else(|e| fail(e)),
            )),
            other => fail(format!("unknown flag {other}")),
        }
    }
    let secrets = TriggerSecrets::from_config_and_env(config.as_ref()).unwrap_or_else(|e| fail(e));
    for job in &jobs {
        options
            .secrets
            .insert(job.name().to_string(), secrets.clone());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(e.to_string()));
    let result = runtime.block_on(async move {
        let running = ferry_runtime::serve::start(jobs, options).await?;
        println!("listening on {}", running.addr());
        if let Some(admin) = running.admin_addr() {
            println!("admin on {admin}");
        }
        running.wait().await
    });
    if let Err(e) = result {
        eprintln!("serve_fixture: {e}");
        std::process::exit(e.exit_code());
    }
}
