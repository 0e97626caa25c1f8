//! HTTP for adaptors: a [`Request`] built by an op is sent by a [`Client`] with
//! the adaptor's [`Auth`] and retry [`Policy`], and comes back as a [`Response`]
//! or an [`HttpError`] (see `docs/http.md`).
//!
//! - `request`: what an op sends, and how paths join base URLs;
//! - `auth`: the credentials schemes; `oauth2`: the client credentials token cache;
//! - `retry`: the policy, backoff and `Retry-After`;
//! - `prepare`: a request as sent on the wire, and as shown (credentials masked);
//! - `client`: sending, with timeouts and retries; `dry_run`: printing instead;
//! - `redirect`: following redirects without taking credentials to another host;
//! - `response`, `error`: the outcomes.
//!
//! Generated code is synchronous: [`Client::send`] blocks on a global tokio
//! runtime ([`runtime`]), which must never be entered from JIT'd code running on
//! one of its own worker threads.

mod auth;
mod client;
mod dry_run;
mod error;
mod oauth2;
mod prepare;
mod redirect;
mod request;
mod response;
mod retry;

use std::future::Future;
use std::sync::OnceLock;

pub use auth::Auth;
pub use client::Client;
pub use dry_run::{Recordings, RecordingsError};
pub use error::{HttpError, MAX_DETAILS, default_transient, format_duration};
/// An adaptor's `errors { }`, as [`Policy::errors`] holds it.
pub use ferry_meta::errors::{DetailRule, ErrorsMeta, RetryRule};
pub use request::{Body, Method, Request, join_url, resolve_link};
pub use response::Response;
pub use retry::{DEFAULT_MAX_RESPONSE_BYTES, Policy, is_retryable_status, parse_retry_after};

/// The runtime's global tokio runtime (two worker threads, IO and time enabled),
/// created on first use.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("ferry-io")
            .enable_all()
            .build()
            .expect("the tokio runtime could not start")
    })
}

/// Runs `future` to completion on [`runtime`], blocking the calling thread. From
/// inside a tokio runtime (where blocking on another would panic), it blocks on a
/// helper thread instead.
pub fn block_on<F>(future: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    if tokio::runtime::Handle::try_current().is_err() {
        return runtime().block_on(future);
    }
    std::thread::scope(
        |scope| match scope.spawn(|| runtime().block_on(future)).join() {
            Ok(output) => output,
            Err(panic) => std::panic::resume_unwind(panic),
        },
    )
}
