//! Redirects: the same origin keeps the auth, another origin gets none of it, and
//! a request body never goes to another origin (docs/http.md, "Redirects").

mod support;

use ferry_runtime::http::{Auth, Client, Request};
use ferry_runtime::secrets::Redactor;
use serde_json::json;
use support::{Recorded, Reply, Server, fast_policy};

fn client() -> Client {
    Client::new(Redactor::new())
}

/// Every scheme of the adaptor language, with credentials the test can look for.
fn schemes(token_server: &Server) -> Vec<(&'static str, Auth)> {
    vec![
        (
            "basic",
            Auth::Basic {
                user: "etl".into(),
                password: "basic-pw-1234".into(),
            },
        ),
        (
            "bearer",
            Auth::Bearer {
                token: "bearer-tok-1234".into(),
            },
        ),
        (
            "header",
            Auth::Header {
                name: "X-Api-Key".into(),
                value: "header-key-1234".into(),
            },
        ),
        (
            "query",
            Auth::Query {
                name: "api_key".into(),
                value: "query-key-1234".into(),
            },
        ),
        (
            "oauth2",
            Auth::OAuth2ClientCredentials {
                token_url: token_server.url("/oauth/token"),
                client_id: "ferry-client".into(),
                client_secret: "client-s3cret".into(),
                scope: None,
            },
        ),
    ]
}

/// The credentials a request carries: its auth-like headers and the auth query pair.
fn credentials(r: &Recorded) -> Vec<String> {
    let mut found: Vec<String> = r
        .headers
        .iter()
        .filter(|(n, _)| ["authorization", "x-api-key", "cookie"].contains(&n.as_str()))
        .map(|(n, v)| format!("{n}: {v}"))
        .collect();
    found.extend(
        r.query
            .iter()
            .filter(|(n, _)| n == "api_key")
            .map(|(n, v)| format!("?{n}={v}")),
    );
    found
}

fn expected_credentials(scheme: &str) -> Vec<String> {
    vec![
        match scheme {
            // base64("etl:basic-pw-1234")
            "basic" => "authorization: Basic ZXRsOmJhc2ljLXB3LTEyMzQ=",
            "bearer" => "authorization: Bearer bearer-tok-1234",
            "header" => "x-api-key: header-key-1234",
            "query" => "?api_key=query-key-1234",
            "oauth2" => "authorization: Bearer tok-1",
            other => panic!("no scheme {other}"),
        }
        .to_string(),
    ]
}

fn token_server() -> Server {
    let server = Server::start();
    server.route(
        "POST",
        "/oauth/token",
        vec![Reply::json(
            200,
            json!({"access_token": "tok-1", "token_type": "bearer", "expires_in": 3600}),
        )],
    );
    server
}

#[test]
fn a_redirect_to_another_host_carries_no_credential_of_any_scheme() {
    let tokens = token_server();
    for status in [301, 302, 303, 307, 308] {
        for (scheme, auth) in schemes(&tokens) {
            let first = Server::start();
            let other = Server::start();
            first.route(
                "GET",
                "/api/me",
                vec![Reply::status(status).header("location", &other.url("/landing?n=1"))],
            );
            other.route(
                "GET",
                "/landing",
                vec![Reply::json(200, json!({"at": "other"}))],
            );
            let resp = client()
                .send(
                    "api",
                    Request::get(first.url("/api/me")).header("Cookie", "session=s-1234"),
                    &auth,
                    &fast_policy(),
                )
                .unwrap();
            assert_eq!(
                resp.json().unwrap(),
                json!({"at": "other"}),
                "{scheme} {status}"
            );

            let sent = first.requests_to("/api/me");
            assert_eq!(sent.len(), 1);
            let mut expected = expected_credentials(scheme);
            expected.push("cookie: session=s-1234".into());
            let mut got = credentials(&sent[0]);
            got.sort();
            expected.sort();
            assert_eq!(
                got, expected,
                "{scheme} {status}: the first host gets the auth"
            );

            let landed = other.requests_to("/landing");
            assert_eq!(landed.len(), 1, "{scheme} {status}");
            assert_eq!(
                credentials(&landed[0]),
                Vec::<String>::new(),
                "{scheme} {status}: the other host gets no credential"
            );
            assert_eq!(
                landed[0].query,
                vec![("n".to_string(), "1".to_string())],
                "{scheme} {status}"
            );
        }
    }
}

#[test]
fn a_redirect_on_the_same_origin_keeps_the_credentials() {
    let tokens = token_server();
    for (scheme, auth) in schemes(&tokens) {
        let server = Server::start();
        server.route(
            "GET",
            "/old",
            vec![Reply::status(301).header("location", "/new?page=2")],
        );
        server.route("GET", "/new", vec![Reply::json(200, json!([]))]);
        client()
            .send(
                "api",
                Request::get(server.url("/old")),
                &auth,
                &fast_policy(),
            )
            .unwrap();
        let new = server.requests_to("/new");
        assert_eq!(new.len(), 1, "{scheme}");
        assert_eq!(
            credentials(&new[0]),
            expected_credentials(scheme),
            "{scheme}"
        );
        assert_eq!(new[0].query[0], ("page".to_string(), "2".to_string()));
    }
}

#[test]
fn a_key_echoed_in_the_location_is_not_sent_to_the_other_host() {
    let first = Server::start();
    let other = Server::start();
    // A server that puts the request's own query, key included, into the Location.
    let to = other.url("/landing");
    first.route_fn("GET", "/api/me", move |r| {
        Reply::status(302).header(
            "location",
            &format!("{to}?{}", r.raw_query.clone().unwrap_or_default()),
        )
    });
    other.route("GET", "/landing", vec![Reply::json(200, json!({}))]);
    let auth = Auth::Query {
        name: "api_key".into(),
        value: "query-key-1234".into(),
    };
    client()
        .send(
            "api",
            Request::get(first.url("/api/me")).query("fields", "id"),
            &auth,
            &fast_policy(),
        )
        .unwrap();
    let landed = other.requests_to("/landing");
    assert_eq!(landed[0].raw_query.as_deref(), Some("fields=id"));
}

#[test]
fn a_post_redirected_to_another_host_with_307_or_308_is_not_sent_there() {
    for status in [307, 308] {
        let first = Server::start();
        let other = Server::start();
        first.route(
            "POST",
            "/api/tracker",
            vec![Reply::status(status).header("location", &other.url("/api/tracker?x=1"))],
        );
        let err = client()
            .send(
                "dhis2",
                Request::post(first.url("/api/tracker")).json(json!({"name": "Amina"})),
                &Auth::Header {
                    name: "X-Api-Key".into(),
                    value: "header-key-1234".into(),
                },
                &fast_policy(),
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "dhis2: POST {}: the server redirected it ({status}) to {} on another host than {}, and a request body is never sent to another host; if that host is right, use it in the adaptor's base URL",
                first.url("/api/tracker"),
                other.url("/api/tracker"),
                first.base()
            )
        );
        assert_eq!(err.kind(), "redirect");
        assert_eq!(first.requests().len(), 1, "sent once, not retried");
        assert_eq!(other.requests().len(), 0, "nothing reached the other host");
    }
}

#[test]
fn a_post_redirected_with_303_continues_as_a_get_without_body_or_credentials() {
    let first = Server::start();
    let other = Server::start();
    first.route(
        "POST",
        "/items",
        vec![Reply::status(303).header("location", &other.url("/items/9"))],
    );
    other.route("GET", "/items/9", vec![Reply::json(200, json!({"id": 9}))]);
    let resp = client()
        .send(
            "api",
            Request::post(first.url("/items")).json(json!({"name": "x"})),
            &Auth::Bearer {
                token: "bearer-tok-1234".into(),
            },
            &fast_policy(),
        )
        .unwrap();
    assert_eq!(resp.json().unwrap(), json!({"id": 9}));
    let landed = other.requests_to("/items/9");
    assert_eq!(landed[0].method, "GET");
    assert_eq!(landed[0].body, b"");
    assert_eq!(landed[0].header("content-type"), None);
    assert_eq!(credentials(&landed[0]), Vec::<String>::new());
}

#[test]
fn a_post_redirected_with_308_on_the_same_origin_is_sent_again_whole() {
    let server = Server::start();
    server.route(
        "POST",
        "/v1/items",
        vec![Reply::status(308).header("location", "/v2/items")],
    );
    server.route(
        "POST",
        "/v2/items",
        vec![Reply::json(201, json!({"id": 1}))],
    );
    client()
        .send(
            "api",
            Request::post(server.url("/v1/items")).json(json!({"name": "x"})),
            &Auth::Bearer {
                token: "bearer-tok-1234".into(),
            },
            &fast_policy(),
        )
        .unwrap();
    let moved = server.requests_to("/v2/items");
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].json(), json!({"name": "x"}));
    assert_eq!(
        moved[0].header("authorization"),
        Some("Bearer bearer-tok-1234")
    );
}

#[test]
fn a_redirect_loop_stops_after_ten() {
    let server = Server::start();
    server.route(
        "GET",
        "/loop",
        vec![Reply::status(302).header("location", "/loop")],
    );
    let err = client()
        .send(
            "api",
            Request::get(server.url("/loop")),
            &Auth::None,
            &fast_policy(),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "api: GET {}: the server redirected it more than 10 times; check the URL and the server",
            server.url("/loop")
        )
    );
    assert_eq!(server.requests().len(), 11);
}
