//! Test builds (feature `testing`): an in-process client that drives the server's
//! `tower::Service` with JSON-RPC messages and collects what the server sends
//! back, for the protocol tests and the benchmark.

use crate::{Options, Service, service};
use futures::StreamExt;
use serde_json::{Value, json};
use std::time::Duration;
use tokio::sync::mpsc;
use tower::{Service as _, ServiceExt};
use tower_lsp_server::jsonrpc::{self, Request};

/// The result of a request to come (see [`TestClient::send`]).
pub type Answer = futures::future::BoxFuture<'static, Result<Value, jsonrpc::Error>>;

/// How long a test waits for a response or a notification before it fails.
const TIMEOUT: Duration = Duration::from_secs(20);

pub struct TestClient {
    service: Service,
    from_server: mpsc::UnboundedReceiver<(String, Value)>,
    /// Notifications received while waiting for another one, oldest first.
    pending: Vec<(String, Value)>,
    next_id: i64,
}

impl TestClient {
    /// A server with these options; call inside a tokio runtime.
    pub fn new(options: Options) -> TestClient {
        let (service, mut socket) = service(options);
        let (tx, from_server) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(request) = socket.next().await {
                let (method, _, params) = request.into_parts();
                if tx
                    .send((method.into_owned(), params.unwrap_or(Value::Null)))
                    .is_err()
                {
                    break;
                }
            }
        });
        TestClient {
            service,
            from_server,
            pending: Vec::new(),
            next_id: 0,
        }
    }

    /// Sends a request and waits for its result.
    pub async fn request(&mut self, method: &str, params: Value) -> Result<Value, jsonrpc::Error> {
        let answer = self.send(method, params).await;
        tokio::time::timeout(TIMEOUT, answer)
            .await
            .unwrap_or_else(|_| panic!("no response to {method} within {TIMEOUT:?}"))
    }

    /// Sends a request without waiting: polling the returned future runs the
    /// server's handler and gives its result. A test can poll it once (the
    /// handler starts on the document as it is), change the document, then
    /// wait for it.
    pub async fn send(&mut self, method: &str, params: Value) -> Answer {
        self.next_id += 1;
        let request = Request::build(method.to_string())
            .id(self.next_id)
            .params(params)
            .finish();
        let service = tokio::time::timeout(TIMEOUT, self.service.ready())
            .await
            .unwrap_or_else(|_| panic!("the server is not ready for {method} within {TIMEOUT:?}"))
            .expect("the server is running");
        let call = service.call(request);
        let method = method.to_string();
        Box::pin(async move {
            call.await
                .expect("the server is running")
                .unwrap_or_else(|| panic!("{method} got no response"))
                .into_parts()
                .1
        })
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        let notification = Request::build(method.to_string()).params(params).finish();
        let service = self.service.ready().await.expect("the server is running");
        let response = service
            .call(notification)
            .await
            .expect("the server is running");
        assert!(response.is_none(), "a notification got a response");
    }

    /// `initialize` with these client capabilities (and options), then `initialized`.
    pub async fn initialize(&mut self, capabilities: Value, options: Value) -> Value {
        let result = self
            .request(
                "initialize",
                json!({ "capabilities": capabilities, "initializationOptions": options }),
            )
            .await
            .expect("initialize succeeds");
        self.notify("initialized", json!({})).await;
        result
    }

    pub async fn open(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "ferry", "version": version, "text": text
            } }),
        )
        .await;
    }

    /// `didChange` with these content changes.
    pub async fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        )
        .await;
    }

    /// The next notification with this method; others are kept for `take`.
    pub async fn notification(&mut self, method: &str) -> Value {
        self.notification_where(method, |_| true).await
    }

    /// The first notification with this method whose params pass `wanted`; the
    /// others are kept for `take`.
    pub async fn notification_where(
        &mut self,
        method: &str,
        wanted: impl Fn(&Value) -> bool,
    ) -> Value {
        let matches = |(m, params): &(String, Value)| m == method && wanted(params);
        if let Some(i) = self.pending.iter().position(matches) {
            return self.pending.remove(i).1;
        }
        loop {
            let received = tokio::time::timeout(TIMEOUT, self.from_server.recv())
                .await
                .unwrap_or_else(|_| {
                    panic!("no {method} within {TIMEOUT:?}; got {:?}", self.pending)
                })
                .expect("the server is running");
            if matches(&received) {
                return received.1;
            }
            self.pending.push(received);
        }
    }

    /// The next `publishDiagnostics` for a document.
    pub async fn diagnostics(&mut self, uri: &str) -> Value {
        self.notification_where("textDocument/publishDiagnostics", |p| p["uri"] == uri)
            .await
    }

    /// Every notification received so far with this method (waiting for none).
    pub fn take(&mut self, method: &str) -> Vec<Value> {
        while let Ok(received) = self.from_server.try_recv() {
            self.pending.push(received);
        }
        let (taken, kept) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|(m, _)| m == method);
        self.pending = kept;
        taken.into_iter().map(|(_, params)| params).collect()
    }
}
