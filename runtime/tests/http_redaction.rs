//! Secrets that come back from a server never reach an error message.

mod support;

use ferry_runtime::http::{Auth, Client, HttpError, Request};
use ferry_runtime::secrets::Redactor;
use serde_json::json;
use support::{Reply, Server, fast_policy};

const PASSWORD: &str = "pa ss/w0rd";

#[test]
fn a_server_that_echoes_the_password_is_redacted_in_the_error() {
    let server = Server::start();
    server.route_fn("GET", "/api/me", |req| {
        let auth = req.header("authorization").unwrap_or("").to_string();
        Reply::json(
            401,
            json!({
                "message": format!("wrong password {PASSWORD} for alice"),
                "header": auth,
                "query": req.raw_query,
            }),
        )
    });
    let redactor = Redactor::new();
    let client = Client::new(redactor.clone());
    let auth = Auth::Basic {
        user: "alice".into(),
        password: PASSWORD.into(),
    };
    let err = client
        .send(
            "dhis2",
            Request::get("/api/me")
                .base(server.base())
                // An op that passes the password on: URL-encoded in the query.
                .query("pw", PASSWORD),
            &auth,
            &fast_policy(),
        )
        .unwrap_err();

    let HttpError::Status {
        ref url,
        ref message,
        ref body,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(url, &server.url("/api/me?pw=***"));
    assert_eq!(message, "wrong password *** for alice");
    assert_eq!(
        body,
        r#"{"message":"wrong password *** for alice","header":"Basic ***","query":"pw=***"}"#
    );
    let text = err.to_string();
    assert_eq!(
        text,
        format!(
            "dhis2: GET {} answered 401 Unauthorized: wrong password *** for alice; check the credentials in the adaptor's config",
            server.url("/api/me?pw=***")
        )
    );
    // The client registered the credentials with the run's redactor.
    assert_eq!(redactor.redact(&format!("x {PASSWORD} x")), "x *** x");
}

#[test]
fn query_auth_is_masked_in_errors() {
    let server = Server::start();
    server.route("GET", "/data", vec![Reply::status(403)]);
    let auth = Auth::Query {
        name: "key".into(),
        value: "q-secret-1".into(),
    };
    let err = Client::new(Redactor::new())
        .send(
            "api",
            Request::get(server.url("/data")),
            &auth,
            &fast_policy(),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "api: GET {} answered 403 Forbidden; the credentials are not allowed to do this: check their permissions",
            server.url("/data?key=***")
        )
    );
    // The real value was sent.
    assert_eq!(
        server.requests()[0].raw_query.as_deref(),
        Some("key=q-secret-1")
    );
}

#[test]
fn a_body_that_is_not_json_is_redacted_in_the_error() {
    let server = Server::start();
    server.route(
        "GET",
        "/page",
        vec![Reply::text(200, "text/plain", "token tok-secret-9 expired")],
    );
    let auth = Auth::Bearer {
        token: "tok-secret-9".into(),
    };
    let resp = Client::new(Redactor::new())
        .send(
            "api",
            Request::get(server.url("/page")),
            &auth,
            &fast_policy(),
        )
        .unwrap();
    let err = resp.json().unwrap_err();
    assert!(err.to_string().contains("\"token *** expired\""), "{err}");
}
