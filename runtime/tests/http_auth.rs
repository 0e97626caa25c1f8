//! Each auth scheme, as the server receives it.

mod support;

use std::time::Duration;

use ferry_runtime::http::{Auth, Client, HttpError, Request};
use ferry_runtime::secrets::Redactor;
use serde_json::json;
use support::{Reply, Server, fast_policy};

fn client() -> Client {
    Client::new(Redactor::new())
}

fn get_me(server: &Server, auth: &Auth) -> support::Recorded {
    server.route(
        "GET",
        "/api/me",
        vec![Reply::json(200, json!({"id": "u1"}))],
    );
    let resp = client()
        .send(
            "api",
            Request::get("/api/me")
                .base(server.base())
                .query("fields", "id"),
            auth,
            &fast_policy(),
        )
        .unwrap();
    assert_eq!(resp.json().unwrap(), json!({"id": "u1"}));
    let mut requests = server.requests();
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

#[test]
fn basic_auth_sends_the_exact_base64() {
    let server = Server::start();
    let auth = Auth::Basic {
        user: "Aladdin".into(),
        password: "open sesame".into(),
    };
    let req = get_me(&server, &auth);
    assert_eq!(
        req.header("authorization"),
        Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    );
    assert_eq!(req.raw_query.as_deref(), Some("fields=id"));
}

#[test]
fn bearer_auth_sends_the_token() {
    let server = Server::start();
    let req = get_me(
        &server,
        &Auth::Bearer {
            token: "tok-abc.123".into(),
        },
    );
    assert_eq!(req.header("authorization"), Some("Bearer tok-abc.123"));
}

#[test]
fn header_auth_sends_its_own_header_only() {
    let server = Server::start();
    let req = get_me(
        &server,
        &Auth::Header {
            name: "X-Api-Key".into(),
            value: "key-7777".into(),
        },
    );
    assert_eq!(req.header("x-api-key"), Some("key-7777"));
    assert_eq!(req.header("authorization"), None);
}

#[test]
fn query_auth_comes_after_the_ops_query() {
    let server = Server::start();
    let req = get_me(
        &server,
        &Auth::Query {
            name: "api_key".into(),
            value: "k/77 77".into(),
        },
    );
    assert_eq!(
        req.raw_query.as_deref(),
        Some("fields=id&api_key=k%2F77+77")
    );
    assert_eq!(
        req.query,
        vec![
            ("fields".to_string(), "id".to_string()),
            ("api_key".to_string(), "k/77 77".to_string())
        ]
    );
    assert_eq!(req.header("authorization"), None);
}

#[test]
fn no_auth_sends_no_credentials() {
    let server = Server::start();
    let req = get_me(&server, &Auth::None);
    assert_eq!(req.header("authorization"), None);
    let user_agent = req.header("user-agent").unwrap();
    assert!(user_agent.starts_with("ferry/"), "{user_agent}");
}

fn oauth(server: &Server, scope: Option<&str>) -> Auth {
    Auth::OAuth2ClientCredentials {
        token_url: server.url("/oauth/token"),
        client_id: "ferry-client".into(),
        client_secret: "client-s3cret".into(),
        scope: scope.map(str::to_string),
    }
}

fn token(access: &str, expires_in: u64) -> Reply {
    Reply::json(
        200,
        json!({"access_token": access, "token_type": "bearer", "expires_in": expires_in}),
    )
}

#[test]
fn oauth2_token_is_fetched_once_for_many_requests() {
    let server = Server::start();
    server.route("POST", "/oauth/token", vec![token("tok-1", 3600)]);
    server.route("GET", "/data", vec![Reply::json(200, json!([]))]);
    let client = client();
    let auth = oauth(&server, Some("read write"));
    for _ in 0..3 {
        client
            .send(
                "api",
                Request::get(server.url("/data")),
                &auth,
                &fast_policy(),
            )
            .unwrap();
    }

    let tokens = server.requests_to("/oauth/token");
    assert_eq!(tokens.len(), 1);
    let t = &tokens[0];
    assert_eq!(t.method, "POST");
    assert_eq!(
        t.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(t.text(), "grant_type=client_credentials&scope=read+write");
    // base64("ferry-client:client-s3cret")
    assert_eq!(
        t.header("authorization"),
        Some("Basic ZmVycnktY2xpZW50OmNsaWVudC1zM2NyZXQ=")
    );

    let data = server.requests_to("/data");
    assert_eq!(data.len(), 3);
    for d in &data {
        assert_eq!(d.header("authorization"), Some("Bearer tok-1"));
    }
}

#[test]
fn oauth2_token_is_fetched_once_by_concurrent_requests() {
    let server = Server::start();
    server.route(
        "POST",
        "/oauth/token",
        vec![token("tok-1", 3600).delay(Duration::from_millis(100))],
    );
    server.route("GET", "/data", vec![Reply::json(200, json!([]))]);
    let client = client();
    let auth = oauth(&server, None);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                client
                    .send(
                        "api",
                        Request::get(server.url("/data")),
                        &auth,
                        &fast_policy(),
                    )
                    .unwrap()
            });
        }
    });
    assert_eq!(server.requests_to("/oauth/token").len(), 1);
    assert_eq!(server.requests_to("/data").len(), 4);
}

#[test]
fn oauth2_token_is_refreshed_after_a_401_and_a_post_sent_again() {
    let server = Server::start();
    server.route(
        "POST",
        "/oauth/token",
        vec![token("tok-1", 3600), token("tok-2", 3600)],
    );
    server.route(
        "POST",
        "/items",
        vec![
            Reply::json(401, json!({"error": "invalid_token"})),
            Reply::json(201, json!({"id": 9})),
        ],
    );
    let resp = client()
        .send(
            "api",
            Request::post(server.url("/items")).json(json!({"name": "x"})),
            &oauth(&server, None),
            &fast_policy(),
        )
        .unwrap();
    assert_eq!(resp.status, 201);
    assert_eq!(server.requests_to("/oauth/token").len(), 2);
    let items = server.requests_to("/items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].header("authorization"), Some("Bearer tok-1"));
    assert_eq!(items[1].header("authorization"), Some("Bearer tok-2"));
    assert_eq!(items[1].json(), json!({"name": "x"}));
}

#[test]
fn oauth2_a_second_401_is_an_error() {
    let server = Server::start();
    server.route(
        "POST",
        "/oauth/token",
        vec![token("tok-1", 3600), token("tok-2", 3600)],
    );
    server.route(
        "GET",
        "/items",
        vec![Reply::json(401, json!({"message": "token not accepted"}))],
    );
    let err = client()
        .send(
            "api",
            Request::get(server.url("/items")),
            &oauth(&server, None),
            &fast_policy(),
        )
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(server.requests_to("/items").len(), 2);
    assert_eq!(
        err.to_string(),
        format!(
            "api: GET {} answered 401 Unauthorized: token not accepted; check the credentials in the adaptor's config",
            server.url("/items")
        )
    );
}

#[test]
fn oauth2_token_is_refreshed_when_it_expires() {
    let server = Server::start();
    server.route(
        "POST",
        "/oauth/token",
        vec![token("tok-1", 1), token("tok-2", 3600)],
    );
    server.route("GET", "/data", vec![Reply::json(200, json!([]))]);
    let client = client();
    let auth = oauth(&server, None);
    let send = || {
        client
            .send(
                "api",
                Request::get(server.url("/data")),
                &auth,
                &fast_policy(),
            )
            .unwrap()
    };
    send();
    std::thread::sleep(Duration::from_millis(1000));
    send();
    send();
    assert_eq!(server.requests_to("/oauth/token").len(), 2);
    let data = server.requests_to("/data");
    let tokens: Vec<_> = data.iter().map(|d| d.header("authorization")).collect();
    assert_eq!(
        tokens,
        [
            Some("Bearer tok-1"),
            Some("Bearer tok-2"),
            Some("Bearer tok-2")
        ]
    );
}

#[test]
fn oauth2_client_credentials_go_in_the_body_when_basic_is_refused() {
    let server = Server::start();
    server.route_fn("POST", "/oauth/token", |req| {
        if req.header("authorization").is_some() {
            return Reply::json(401, json!({"error": "invalid_client"}));
        }
        match (req.form_field("client_id"), req.form_field("client_secret")) {
            (Some(id), Some(secret)) if id == "ferry-client" && secret == "client-s3cret" => {
                token("tok-body", 1)
            }
            _ => Reply::json(400, json!({"error": "invalid_request"})),
        }
    });
    server.route("GET", "/data", vec![Reply::json(200, json!([]))]);
    let client = client();
    let auth = oauth(&server, Some("read"));
    let send = || {
        client
            .send(
                "api",
                Request::get(server.url("/data")),
                &auth,
                &fast_policy(),
            )
            .unwrap()
    };
    send();
    std::thread::sleep(Duration::from_millis(1000));
    send();

    let tokens = server.requests_to("/oauth/token");
    // Basic refused, then the body; after expiry, straight to the body.
    assert_eq!(tokens.len(), 3);
    assert!(tokens[0].header("authorization").is_some());
    assert_eq!(
        tokens[1].text(),
        "grant_type=client_credentials&scope=read&client_id=ferry-client&client_secret=client-s3cret"
    );
    assert_eq!(tokens[1].header("authorization"), None);
    assert_eq!(tokens[2].header("authorization"), None);
    for d in server.requests_to("/data") {
        assert_eq!(d.header("authorization"), Some("Bearer tok-body"));
    }
}

#[test]
fn oauth2_refusal_is_explained_and_redacted() {
    let server = Server::start();
    server.route(
        "POST",
        "/oauth/token",
        vec![Reply::json(
            401,
            json!({"error": "invalid_client", "error_description": "unknown secret client-s3cret"}),
        )],
    );
    let err = client()
        .send(
            "crm",
            Request::get(server.url("/data")),
            &oauth(&server, None),
            &fast_policy(),
        )
        .unwrap_err();
    assert!(matches!(err, HttpError::OAuth2 { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "crm: OAuth2 token request to {} failed: it answered 401 Unauthorized: unknown secret ***; check token_url, client_id and client_secret in the adaptor's config",
            server.url("/oauth/token")
        )
    );
    // Basic, then the body: both refused; nothing sent to /data.
    assert_eq!(server.requests_to("/oauth/token").len(), 2);
    assert!(server.requests_to("/data").is_empty());
}

#[test]
fn oauth2_response_without_a_token_is_explained() {
    let server = Server::start();
    server.route(
        "POST",
        "/oauth/token",
        vec![Reply::json(200, json!({"ok": true}))],
    );
    let err = client()
        .send(
            "crm",
            Request::get(server.url("/data")),
            &oauth(&server, None),
            &fast_policy(),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "crm: OAuth2 token request to {} failed: the response has no access_token; check token_url, client_id and client_secret in the adaptor's config",
            server.url("/oauth/token")
        )
    );
}
