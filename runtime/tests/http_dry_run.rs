//! Dry run: requests are printed, never sent, and answered from recorded responses.

mod support;

use ferry_runtime::http::{Auth, Client, HttpError, Recordings, Request};
use ferry_runtime::secrets::Redactor;
use serde_json::json;
use support::{Reply, Server, SharedBuf, fast_policy};

fn dry_client(recordings: Recordings) -> (Client, SharedBuf) {
    let out = SharedBuf::default();
    let client = Client::dry_run(Redactor::new(), Box::new(out.clone()), recordings);
    (client, out)
}

#[test]
fn requests_are_printed_and_none_is_sent() {
    let server = Server::start();
    server.route("POST", "/api/tracker", vec![Reply::json(200, json!({}))]);
    let (client, out) = dry_client(Recordings::none());
    assert!(client.is_dry_run());
    let auth = Auth::Basic {
        user: "admin".into(),
        password: "district-pw".into(),
    };
    let err = client
        .send(
            "dhis2",
            Request::post("/api/tracker")
                .base(server.base())
                .query("async", "false")
                .header("X-Request-Id", "r-1")
                .json(json!({
                    "trackedEntities": [{"orgUnit": "DiszpKrYNg8"}],
                    "note": "password district-pw leaked into the body",
                })),
            &auth,
            &fast_policy(),
        )
        .unwrap_err();

    assert!(server.requests().is_empty(), "a dry run sent a request");
    let url = server.url("/api/tracker?async=false");
    assert_eq!(
        out.contents(),
        format!(
            "\
--> dhis2: POST {url}
    Authorization: Basic ***
    Content-Type: application/json
    X-Request-Id: r-1
    {{
      \"trackedEntities\": [
        {{
          \"orgUnit\": \"DiszpKrYNg8\"
        }}
      ],
      \"note\": \"password *** leaked into the body\"
    }}
<-- no recorded response

"
        )
    );
    assert!(
        matches!(err, HttpError::NoRecordedResponse { .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "dry run: no recorded response for POST {url} (give a recorded-responses file to answer it)"
        )
    );
}

#[test]
fn get_is_answered_from_recorded_responses() {
    let server = Server::start();
    let recordings = Recordings::parse(
        r#"[
          {"method": "GET", "url": "https://play.dhis2.org/api/me?fields=id,name&paging=false",
           "status": 200, "headers": {"X-Total": "1"}, "body": {"id": "u1", "name": "Ada"}},
          {"url": "/api/csv", "text": "a,b\n1,2\n"}
        ]"#,
        "responses.json",
    )
    .unwrap();
    let (client, out) = dry_client(recordings);
    let auth = Auth::Query {
        name: "api_key".into(),
        value: "qk-123456".into(),
    };
    let resp = client
        .send(
            "dhis2",
            Request::get("/api/me")
                .base(server.base())
                .query("paging", "false")
                .query("fields", "id,name"),
            &auth,
            &fast_policy(),
        )
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("x-total"), Some("1"));
    assert_eq!(resp.json().unwrap(), json!({"id": "u1", "name": "Ada"}));

    let csv = client
        .send(
            "dhis2",
            Request::get(server.url("/api/csv")),
            &Auth::None,
            &fast_policy(),
        )
        .unwrap();
    assert_eq!(csv.text(), "a,b\n1,2\n");

    assert!(server.requests().is_empty());
    assert_eq!(
        out.contents(),
        format!(
            "\
--> dhis2: GET {}
<-- 200 OK (recorded)

--> dhis2: GET {}
<-- 200 OK (recorded)

",
            server.url("/api/me?paging=false&fields=id%2Cname&api_key=***"),
            server.url("/api/csv"),
        )
    );
}

#[test]
fn a_missing_recording_names_the_file() {
    let recordings =
        Recordings::parse(r#"[{"url": "/api/me", "body": {}}]"#, "responses.json").unwrap();
    let (client, out) = dry_client(recordings);
    let err = client
        .send(
            "crm",
            Request::get("https://crm.example/api/me").query("page", "2"),
            &Auth::None,
            &fast_policy(),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "dry run: no recorded response for GET https://crm.example/api/me?page=2 (add one to responses.json)"
    );
    assert_eq!(
        out.contents(),
        "--> crm: GET https://crm.example/api/me?page=2\n<-- no recorded response\n\n"
    );
}

#[test]
fn non_get_requests_are_answered_only_when_recorded() {
    let recordings = Recordings::parse(
        r#"[{"method": "POST", "url": "/api/items", "status": 201, "body": {"id": 7}},
            {"method": "DELETE", "url": "/api/items/7", "status": 404, "body": {"message": "gone"}}]"#,
        "responses.json",
    )
    .unwrap();
    let (client, out) = dry_client(recordings);
    let auth = Auth::Header {
        name: "X-Api-Key".into(),
        value: "hk-secret".into(),
    };
    let created = client
        .send(
            "crm",
            Request::post("https://crm.example/api/items").form(vec![
                ("name".into(), "Ada Lovelace".into()),
                ("key".into(), "hk-secret".into()),
            ]),
            &auth,
            &fast_policy(),
        )
        .unwrap();
    assert_eq!(created.json().unwrap(), json!({"id": 7}));

    let err = client
        .send(
            "crm",
            Request::delete("https://crm.example/api/items/7"),
            &auth,
            &fast_policy(),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "crm: DELETE https://crm.example/api/items/7 answered 404 Not Found: gone; check the path and the base URL"
    );

    let err = client
        .send(
            "crm",
            Request::patch("https://crm.example/api/items/7").text("hello\nworld"),
            &auth,
            &fast_policy(),
        )
        .unwrap_err();
    assert!(
        matches!(err, HttpError::NoRecordedResponse { .. }),
        "{err:?}"
    );

    assert_eq!(
        out.contents(),
        "\
--> crm: POST https://crm.example/api/items
    X-Api-Key: ***
    Content-Type: application/x-www-form-urlencoded
    name=Ada+Lovelace&key=***
<-- 201 Created (recorded)

--> crm: DELETE https://crm.example/api/items/7
    X-Api-Key: ***
<-- 404 Not Found (recorded)

--> crm: PATCH https://crm.example/api/items/7
    X-Api-Key: ***
    Content-Type: text/plain; charset=utf-8
    hello
    world
<-- no recorded response

"
    );
}

#[test]
fn oauth2_fetches_no_token_in_a_dry_run() {
    let server = Server::start();
    let (client, out) = dry_client(Recordings::none());
    let auth = Auth::OAuth2ClientCredentials {
        token_url: server.url("/token"),
        client_id: "id".into(),
        client_secret: "secret-1".into(),
        scope: None,
    };
    client
        .send(
            "crm",
            Request::get(server.url("/data")),
            &auth,
            &fast_policy(),
        )
        .unwrap_err();
    assert!(server.requests().is_empty());
    assert_eq!(
        out.contents(),
        format!(
            "--> crm: GET {}\n    Authorization: Bearer ***\n<-- no recorded response\n\n",
            server.url("/data")
        )
    );
}
