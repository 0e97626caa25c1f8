//! serve's HTTP listener: axum's router on hyper's HTTP/1.1 connections, with
//! the limits a server on an open port needs (see `docs/limits.md`):
//! - a header-read timeout: a client that has not sent a request's headers
//!   within it is disconnected, so slow clients cannot hold connections open;
//! - a connection limit: a connection beyond it is closed at once, counted in
//!   `ferry_connections_refused_total`, so that real requests keep their
//!   resources (`ferry_connections_open` shows how many are open).
//!
//! On shutdown it stops accepting, lets each connection finish the request in
//! progress, and returns when all are closed.

use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot, watch};
use tokio::task::JoinSet;

use super::Shared;

/// How the listener bounds its clients.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub header_read_timeout: Duration,
    pub max_connections: usize,
}

/// Serves `router` on `listener` until `stop` fires, then closes gracefully.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    shared: Arc<Shared>,
    limits: Limits,
    mut stop: oneshot::Receiver<()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (closing, closing_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        while connections.try_join_next().is_some() {}
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            shared.metrics.connection_refused();
            drop(stream);
            continue;
        };
        let service = TowerToHyperService::new(router.clone());
        let mut closing = closing_rx.clone();
        let shared = shared.clone();
        shared.metrics.connection_opened();
        connections.spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout);
            let mut conn = pin!(http.serve_connection(TokioIo::new(stream), service));
            let mut asked_to_close = false;
            loop {
                tokio::select! {
                    _ = conn.as_mut() => break,
                    _ = closing.wait_for(|c| *c), if !asked_to_close => {
                        asked_to_close = true;
                        conn.as_mut().graceful_shutdown();
                    }
                }
            }
            shared.metrics.connection_closed();
            drop(slot);
        });
    }
    closing.send_replace(true);
    while connections.join_next().await.is_some() {}
}
