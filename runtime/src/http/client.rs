//! [`Client`]: sends requests with auth, timeouts and retries (or, in a dry run,
//! prints them). One per job run; clones share connections, tokens and secrets.

use std::collections::HashMap;
use std::future::Future;
use std::io::Write;
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, SystemTime};

use reqwest::header::{AUTHORIZATION, HeaderValue};

use super::auth::{Auth, bearer};
use super::dry_run::{DryRun, Recordings};
use super::error::{HttpError, format_duration};
use super::oauth2::{Credentials, TokenCache};
use super::prepare::{Prepared, prepare};
use super::redirect::{Hop, MAX_REDIRECTS, is_redirect};
use super::request::Request;
use super::response::Response;
use super::retry::{Policy, is_retryable_status, parse_retry_after};
use crate::secrets::Redactor;

/// The HTTP client of one job run. Cheap to clone; safe to share between threads.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    redactor: Redactor,
    mode: Mode,
}

enum Mode {
    Live(Live),
    DryRun(DryRun),
}

impl Client {
    /// A client that sends requests. Every secret it learns (auth credentials,
    /// OAuth2 tokens) is added to `redactor`, which the rest of the run shares.
    pub fn new(redactor: Redactor) -> Client {
        Client::with_mode(redactor, Mode::Live(Live::default()))
    }

    /// A client that sends nothing: it prints every request to `out` and answers
    /// from `recordings` (see the `dry_run` module for both formats).
    pub fn dry_run(
        redactor: Redactor,
        out: Box<dyn Write + Send>,
        recordings: Recordings,
    ) -> Client {
        Client::with_mode(redactor, Mode::DryRun(DryRun::new(out, recordings)))
    }

    fn with_mode(redactor: Redactor, mode: Mode) -> Client {
        Client {
            inner: Arc::new(Inner { redactor, mode }),
        }
    }

    /// The redactor this client registers secrets with.
    pub fn redactor(&self) -> &Redactor {
        &self.inner.redactor
    }

    pub fn is_dry_run(&self) -> bool {
        matches!(self.inner.mode, Mode::DryRun(_))
    }

    /// Sends `req` for `adaptor` (the name used in messages), retrying as `policy`
    /// allows, and returns the response if its status is below 400.
    ///
    /// Blocks the calling thread on the runtime's global tokio runtime; called from
    /// inside a tokio runtime, it blocks on a helper thread instead of panicking.
    pub fn send(
        &self,
        adaptor: &str,
        req: Request,
        auth: &Auth,
        policy: &Policy,
    ) -> Result<Response, HttpError> {
        super::block_on(self.send_async(adaptor, req, auth, policy))
    }

    /// [`Client::send`] for async callers (on any tokio runtime with time and IO
    /// enabled).
    pub async fn send_async(
        &self,
        adaptor: &str,
        req: Request,
        auth: &Auth,
        policy: &Policy,
    ) -> Result<Response, HttpError> {
        let redactor = &self.inner.redactor;
        auth.register_secrets(redactor);
        let prepared = prepare(adaptor, req, auth, policy, redactor)?;
        match &self.inner.mode {
            Mode::DryRun(dry) => dry.answer(&prepared, &policy.errors, redactor),
            Mode::Live(live) => match Credentials::from_auth(auth) {
                Some(creds) => live.run(&prepared, policy, &creds, redactor).await,
                None => live.run(&prepared, policy, &NoBearer, redactor).await,
            },
        }
    }
}

/// The sending side of a client.
#[derive(Default)]
pub(crate) struct Live {
    /// One reqwest client per connect timeout (reqwest sets it per client); in
    /// practice one.
    clients: Mutex<HashMap<Duration, reqwest::Client>>,
    tokens: TokenCache,
}

/// Where a request's `Authorization: Bearer` token comes from, if it needs one
/// fetched at run time (OAuth2); static credentials are in the prepared headers.
pub(crate) trait Bearer: Sync {
    /// The token to send with the next attempt.
    fn token(
        &self,
        live: &Live,
        adaptor: &str,
        policy: &Policy,
        redactor: &Redactor,
    ) -> impl Future<Output = Result<Option<String>, HttpError>> + Send;

    /// The server answered 401 to `token`: stop using it.
    fn refused(&self, live: &Live, token: &str) -> impl Future<Output = ()> + Send;
}

/// No token to fetch.
pub(crate) struct NoBearer;

impl Bearer for NoBearer {
    async fn token(
        &self,
        _: &Live,
        _: &str,
        _: &Policy,
        _: &Redactor,
    ) -> Result<Option<String>, HttpError> {
        Ok(None)
    }

    async fn refused(&self, _: &Live, _: &str) {}
}

impl Bearer for Credentials {
    async fn token(
        &self,
        live: &Live,
        adaptor: &str,
        policy: &Policy,
        redactor: &Redactor,
    ) -> Result<Option<String>, HttpError> {
        let token = live
            .tokens
            .token(live, adaptor, self, policy, redactor)
            .await?;
        Ok(Some(token))
    }

    async fn refused(&self, live: &Live, token: &str) {
        live.tokens.invalidate(self, token).await;
    }
}

/// Why one attempt failed before a response arrived.
enum Failure {
    /// No connection: nothing was sent.
    Connect(String),
    /// The connection broke after the request was (maybe) sent.
    Transport(String),
    Timeout,
    Invalid(String),
    /// A redirect that is not followed (why).
    Redirect(String),
    /// The response body passed the size limit: (status, limit).
    TooLarge(u16, u64),
}

/// Why one exchange (a request and its redirects) stopped early.
enum Step {
    Http(reqwest::Error),
    Redirect(String),
    /// The body is larger than the limit: (status, limit).
    TooLarge(u16, u64),
}

/// Reads a response body as it arrives, stopping as soon as it would pass
/// `limit` bytes (before reading anything if `Content-Length` says so).
async fn read_body(mut resp: reqwest::Response, limit: u64) -> Result<Vec<u8>, Step> {
    let status = resp.status().as_u16();
    if resp.content_length().is_some_and(|n| n > limit) {
        return Err(Step::TooLarge(status, limit));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(Step::Http)? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(Step::TooLarge(status, limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl Live {
    /// Sends `p` until it succeeds, fails for good, or runs out of attempts.
    pub(crate) async fn run<B: Bearer>(
        &self,
        p: &Prepared,
        policy: &Policy,
        bearer: &B,
        redactor: &Redactor,
    ) -> Result<Response, HttpError> {
        let max = policy.max_attempts();
        let mut attempt = 0;
        let mut reauthorized = false;
        loop {
            attempt += 1;
            let token = bearer.token(self, &p.adaptor, policy, redactor).await?;
            let retry_after = match self.exchange(p, token.as_deref(), policy, redactor).await {
                Ok(resp) => {
                    if let (401, false, Some(token)) = (resp.status, reauthorized, &token) {
                        // The token was refused, so the request was not processed:
                        // get a new token and send it again, once, whatever the method.
                        reauthorized = true;
                        attempt -= 1;
                        bearer.refused(self, token).await;
                        continue;
                    }
                    if resp.status < 400 {
                        return Ok(resp);
                    }
                    // A status the adaptor marks says the server did nothing: it is
                    // sent again whatever the method.
                    let marked = policy
                        .errors
                        .marks_retryable(resp.status, &String::from_utf8_lossy(&resp.body));
                    let again = marked || (p.idempotent && is_retryable_status(resp.status));
                    if !(again && attempt < max) {
                        return Err(HttpError::from_response(
                            &resp,
                            attempt,
                            p.idempotent,
                            marked,
                            &policy.errors,
                            redactor,
                        ));
                    }
                    resp.header("retry-after")
                        .and_then(|v| parse_retry_after(v, SystemTime::now()))
                }
                Err(Failure::Connect(reason)) => {
                    if attempt >= max {
                        return Err(HttpError::Connect {
                            adaptor: p.adaptor.clone(),
                            method: p.method,
                            url: p.display_url.clone(),
                            reason,
                            attempts: attempt,
                        });
                    }
                    None
                }
                Err(Failure::Transport(reason)) => {
                    if !p.idempotent || attempt >= max {
                        return Err(HttpError::Transport {
                            adaptor: p.adaptor.clone(),
                            method: p.method,
                            url: p.display_url.clone(),
                            reason,
                            attempts: attempt,
                            idempotent: p.idempotent,
                        });
                    }
                    None
                }
                Err(Failure::Timeout) => {
                    if !p.idempotent || attempt >= max {
                        return Err(HttpError::Timeout {
                            adaptor: p.adaptor.clone(),
                            method: p.method,
                            url: p.display_url.clone(),
                            after: p.timeout,
                            attempts: attempt,
                            idempotent: p.idempotent,
                        });
                    }
                    None
                }
                Err(Failure::Invalid(reason)) => {
                    return Err(HttpError::InvalidRequest {
                        adaptor: p.adaptor.clone(),
                        method: p.method,
                        url: p.display_url.clone(),
                        reason,
                    });
                }
                Err(Failure::TooLarge(status, limit)) => {
                    // The server answered; asking again would bring the same body.
                    return Err(HttpError::ResponseTooLarge {
                        adaptor: p.adaptor.clone(),
                        method: p.method,
                        url: p.display_url.clone(),
                        status,
                        limit,
                    });
                }
                Err(Failure::Redirect(reason)) => {
                    return Err(HttpError::Redirect {
                        adaptor: p.adaptor.clone(),
                        method: p.method,
                        url: p.display_url.clone(),
                        reason,
                    });
                }
            };
            tokio::time::sleep(policy.delay(attempt, retry_after, fastrand::f64())).await;
        }
    }

    /// One attempt: send, follow redirects, and read the whole response within
    /// the timeout.
    async fn exchange(
        &self,
        p: &Prepared,
        token: Option<&str>,
        policy: &Policy,
        redactor: &Redactor,
    ) -> Result<Response, Failure> {
        let client = self
            .http(policy.connect_timeout)
            .map_err(Failure::Invalid)?;
        let mut headers = p.headers.clone();
        if let Some(token) = token {
            let mut value = HeaderValue::from_str(&bearer(token)).map_err(|_| {
                Failure::Invalid("the OAuth2 token has a character not allowed in a header".into())
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        let first = Hop {
            method: p.method,
            url: p.url.clone(),
            headers,
            body: p.body.clone(),
            credentials: true,
        };
        let attempt = async {
            let origin = p.url.origin();
            let mut hop = first;
            let mut redirects = 0;
            loop {
                let mut builder = client
                    .request(hop.method.to_reqwest(), hop.url.clone())
                    .headers(hop.headers.clone());
                if let Some(body) = &hop.body {
                    builder = builder.body(body.clone());
                }
                let resp = builder.send().await.map_err(Step::Http)?;
                let status = resp.status().as_u16();
                let location = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
                if let (true, Some(location)) = (is_redirect(status), location) {
                    if redirects == MAX_REDIRECTS {
                        return Err(Step::Redirect(format!(
                            "the server redirected it more than {MAX_REDIRECTS} times; check the URL and the server"
                        )));
                    }
                    redirects += 1;
                    hop = hop
                        .follow(status, &location, &origin, &p.auth_marks)
                        .map_err(Step::Redirect)?;
                    continue;
                }
                let headers = resp
                    .headers()
                    .iter()
                    .map(|(n, v)| {
                        let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
                        (n.as_str().to_string(), v)
                    })
                    .collect();
                let body = read_body(resp, policy.max_response_bytes).await?;
                return Ok::<_, Step>((status, headers, body));
            }
        };
        match tokio::time::timeout(p.timeout, attempt).await {
            Err(_) => Err(Failure::Timeout),
            Ok(Err(Step::Http(e))) => Err(classify(e, policy.connect_timeout, redactor)),
            Ok(Err(Step::Redirect(reason))) => {
                Err(Failure::Redirect(redactor.redact(&reason).into_owned()))
            }
            Ok(Err(Step::TooLarge(status, limit))) => Err(Failure::TooLarge(status, limit)),
            Ok(Ok((status, headers, body))) => Ok(Response::new(
                &p.adaptor,
                p.method,
                &p.display_url,
                status,
                headers,
                body,
                redactor.clone(),
            )),
        }
    }

    fn http(&self, connect_timeout: Duration) -> Result<reqwest::Client, String> {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = clients.get(&connect_timeout) {
            return Ok(client.clone());
        }
        install_crypto_provider();
        let client = reqwest::Client::builder()
            .user_agent(concat!("ferry/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(connect_timeout)
            // Redirects are followed by `exchange`, which decides what each hop carries.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("the HTTP client could not be set up: {}", innermost(&e)))?;
        clients.insert(connect_timeout, client.clone());
        Ok(client)
    }
}

/// Makes ring rustls's process-wide crypto provider, unless one is installed.
fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Err means another part of the process installed one first: keep it.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

fn classify(e: reqwest::Error, connect_timeout: Duration, redactor: &Redactor) -> Failure {
    let reason = redactor.redact(&innermost(&e)).into_owned();
    if e.is_builder() {
        Failure::Invalid(reason)
    } else if e.is_connect() {
        if e.is_timeout() {
            Failure::Connect(format!(
                "no connection within {}",
                format_duration(connect_timeout)
            ))
        } else {
            Failure::Connect(reason)
        }
    } else if e.is_timeout() {
        Failure::Timeout
    } else {
        Failure::Transport(reason)
    }
}

/// The deepest cause of an error: the one that says what happened
/// ("Connection refused (os error 111)"), without reqwest's URL.
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}
