//! The response-size limit: a body larger than the adaptor's `max_response_bytes`
//! fails the request, success and error bodies alike, and is not read whole.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ferry_runtime::http::{Auth, Client, DEFAULT_MAX_RESPONSE_BYTES, Policy, Request};
use ferry_runtime::secrets::Redactor;
use serde_json::json;
use support::{Reply, Server, fast_policy};

fn limited(bytes: u64) -> Policy {
    Policy {
        max_response_bytes: bytes,
        ..fast_policy()
    }
}

fn get(url: String, policy: &Policy) -> Result<ferry_runtime::http::Response, String> {
    Client::new(Redactor::new())
        .send("api", Request::get(url), &Auth::None, policy)
        .map_err(|e| e.to_string())
}

#[test]
fn the_default_limit_is_256_mib() {
    assert_eq!(DEFAULT_MAX_RESPONSE_BYTES, 268_435_456);
    assert_eq!(Policy::default().max_response_bytes, 268_435_456);
}

#[test]
fn a_body_at_the_limit_is_read_and_one_byte_more_fails() {
    let server = Server::start();
    let body = json!({"items": "x".repeat(100)}).to_string();
    let len = body.len() as u64;
    server.route(
        "GET",
        "/items",
        vec![Reply::text(200, "application/json", &body)],
    );
    let resp = get(server.url("/items"), &limited(len)).unwrap();
    assert_eq!(resp.body.len() as u64, len);
    let err = get(server.url("/items"), &limited(len - 1)).unwrap_err();
    assert_eq!(
        err,
        format!(
            "api: GET {} answered 200 with a body larger than {} bytes, the adaptor's limit; ask for less (a page, fewer fields), or raise \"max_response_bytes\" in the adaptor's \"retry\" settings",
            server.url("/items"),
            len - 1
        )
    );
    // Not retried: the server answered, and would answer the same.
    assert_eq!(server.requests_to("/items").len(), 2);
}

#[test]
fn an_error_body_has_the_same_limit() {
    let server = Server::start();
    server.route(
        "GET",
        "/broken",
        vec![Reply::text(
            500,
            "text/html",
            &"<p>stack trace</p>".repeat(100),
        )],
    );
    let err = get(server.url("/broken"), &limited(1000)).unwrap_err();
    assert_eq!(
        err,
        format!(
            "api: GET {} answered 500 with a body larger than 1000 bytes, the adaptor's limit; ask for less (a page, fewer fields), or raise \"max_response_bytes\" in the adaptor's \"retry\" settings",
            server.url("/broken")
        )
    );
}

/// A server that streams an endless chunked body, counting the bytes it
/// managed to write before the client hung up.
#[test]
fn an_endless_body_is_read_only_up_to_the_limit() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let written = Arc::new(AtomicUsize::new(0));
    let count = written.clone();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut head = [0u8; 4096];
        let _ = stream.read(&mut head);
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        );
        let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "a".repeat(64 * 1024));
        // At most 1 GiB; the client stops long before.
        for _ in 0..16 * 1024 {
            if stream.write_all(chunk.as_bytes()).is_err() {
                break;
            }
            count.fetch_add(64 * 1024, Ordering::SeqCst);
        }
    });
    let err = get(format!("http://{addr}/stream"), &limited(1024 * 1024)).unwrap_err();
    assert!(
        err.ends_with("answered 200 with a body larger than 1048576 bytes, the adaptor's limit; ask for less (a page, fewer fields), or raise \"max_response_bytes\" in the adaptor's \"retry\" settings"),
        "{err}"
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    // What the server wrote before the connection closed: the limit plus what the
    // sockets' buffers hold, far from the gigabyte it would send.
    let sent = written.load(Ordering::SeqCst);
    assert!(sent < 64 * 1024 * 1024, "{sent} bytes were sent");
}
