//! Request bodies, queries, headers and URLs as the server receives them, and
//! responses as the caller gets them.

mod support;

use ferry_runtime::http::{Auth, Client, HttpError, Request};
use ferry_runtime::secrets::Redactor;
use serde_json::json;
use support::{Reply, Server, fast_policy};

fn send(req: Request) -> Result<ferry_runtime::http::Response, HttpError> {
    Client::new(Redactor::new()).send("api", req, &Auth::None, &fast_policy())
}

#[test]
fn json_body_and_query_are_sent_exactly() {
    let server = Server::start();
    server.route(
        "POST",
        "/40/api/tracker",
        vec![Reply::json(200, json!({"status": "OK"}))],
    );
    let body = json!({
        "trackedEntities": [{"trackedEntityType": "nEenWmSyUEp", "orgUnit": "DiszpKrYNg8"}],
        "a": "ünïcode \"quoted\"",
    });
    let resp = send(
        Request::post("/api/tracker")
            .base(format!("{}/40/", server.base()))
            .query("async", "false")
            .json(body.clone()),
    )
    .unwrap();
    assert_eq!(resp.status, 200);

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/40/api/tracker");
    assert_eq!(r.raw_query.as_deref(), Some("async=false"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    // Compact, in insertion order.
    assert_eq!(
        r.text(),
        r#"{"trackedEntities":[{"trackedEntityType":"nEenWmSyUEp","orgUnit":"DiszpKrYNg8"}],"a":"ünïcode \"quoted\""}"#
    );
    assert_eq!(r.json(), body);
}

#[test]
fn form_body_is_sent_exactly() {
    let server = Server::start();
    server.route("POST", "/form", vec![Reply::status(204)]);
    let resp = send(Request::post(server.url("/form")).form(vec![
        ("name".into(), "Jane Doe".into()),
        ("tag".into(), "a&b".into()),
        ("tag".into(), "c=d".into()),
    ]))
    .unwrap();
    assert_eq!(resp.status, 204);
    assert_eq!(resp.json().unwrap(), serde_json::Value::Null);
    let r = &server.requests()[0];
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(r.text(), "name=Jane+Doe&tag=a%26b&tag=c%3Dd");
}

#[test]
fn text_body_is_sent_exactly() {
    let server = Server::start();
    server.route("PUT", "/notes/1", vec![Reply::status(200)]);
    send(Request::put(server.url("/notes/1")).text("line 1\nline 2\n")).unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.method, "PUT");
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(r.text(), "line 1\nline 2\n");
}

#[test]
fn list_query_values_repeat_the_key() {
    let server = Server::start();
    server.route("GET", "/api/items", vec![Reply::json(200, json!([]))]);
    send(
        Request::get("api/items?fixed=1")
            .base(format!("{}/", server.base()))
            .query("tag", "a")
            .query("tag", "b c")
            .query("q", "x&y=z")
            .query("empty", ""),
    )
    .unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.path, "/api/items");
    assert_eq!(
        r.raw_query.as_deref(),
        Some("fixed=1&tag=a&tag=b+c&q=x%26y%3Dz&empty=")
    );
    let tags: Vec<_> = r.query.iter().filter(|(k, _)| k == "tag").collect();
    assert_eq!(tags.len(), 2);
}

#[test]
fn get_has_no_body_and_custom_headers_are_sent() {
    let server = Server::start();
    server.route("GET", "/h", vec![Reply::json(200, json!({}))]);
    send(
        Request::get(server.url("/h"))
            .header("Accept", "application/json")
            .header("X-Trace", "one")
            .header("X-Trace", "two"),
    )
    .unwrap();
    let r = &server.requests()[0];
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-type"), None);
    assert_eq!(r.header("accept"), Some("application/json"));
    let traces: Vec<_> = r
        .headers
        .iter()
        .filter(|(n, _)| n == "x-trace")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(traces, ["one", "two"]);
}

#[test]
fn response_status_headers_and_json() {
    let server = Server::start();
    server.route(
        "GET",
        "/r",
        vec![Reply::json(200, json!({"items": [1, 2]})).header("X-Next", "/r?page=2")],
    );
    let resp = send(Request::get(server.url("/r"))).unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("x-next"), Some("/r?page=2"));
    assert_eq!(resp.header("Content-Type"), Some("application/json"));
    assert_eq!(resp.json().unwrap(), json!({"items": [1, 2]}));
    assert_eq!(resp.url, server.url("/r"));
}

#[test]
fn a_response_that_is_not_json_is_explained() {
    let server = Server::start();
    server.route(
        "GET",
        "/login",
        vec![Reply::text(
            200,
            "text/html",
            "<html>\n<body>Please log in</body>\n</html>",
        )],
    );
    let resp = send(Request::get(server.url("/login"))).unwrap();
    let err = resp.json().unwrap_err();
    assert!(
        matches!(err, HttpError::NotJson { status: 200, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "api: GET {} answered 200 but the response is not JSON (text/html): \"<html> <body>Please log in</body> </html>\"; check the path and the base URL",
            server.url("/login")
        )
    );
}

#[test]
fn send_works_from_inside_a_tokio_runtime_and_async() {
    let server = Server::start();
    server.route("GET", "/x", vec![Reply::json(200, json!(1))]);
    let client = Client::new(Redactor::new());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let blocking = rt.block_on(async {
        client
            .send(
                "api",
                Request::get(server.url("/x")),
                &Auth::None,
                &fast_policy(),
            )
            .unwrap()
    });
    assert_eq!(blocking.json().unwrap(), json!(1));
    let asynchronous = rt.block_on(client.send_async(
        "api",
        Request::get(server.url("/x")),
        &Auth::None,
        &fast_policy(),
    ));
    assert_eq!(asynchronous.unwrap().status, 200);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_relative_url_without_base_is_explained() {
    let err = send(Request::get("/api/me")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "api: invalid URL \"/api/me\": a path needs the adaptor's base URL, and none is set; check the adaptor's base URL and the op's path"
    );
}
