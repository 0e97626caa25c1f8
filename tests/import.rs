//! `ferry adaptor import openapi` and `ferry adaptor infer` from the command
//! line: the warnings as the terminal shows them, exit codes, and a spec
//! imported into `adaptors/`, used by a job and run against a local server that
//! answers the spec's shapes (and once a shape it does not declare).

mod cli;
#[path = "../runtime/tests/support/mod.rs"]
mod support;

use cli::ferry;
use serde_json::json;
use std::path::{Path, PathBuf};
use support::{Reply, Server};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("import/tests/fixtures/openapi")
        .join(name)
}

#[test]
fn warnings_name_the_json_pointer_of_what_is_left_out() {
    let dir = fixture("clinic");
    let out = ferry(
        &dir,
        &["adaptor", "import", "openapi", "openapi.yaml", "-o", "-"],
    );
    assert_eq!(out.exit, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("/// Clinic Registry (version 2.1)\n")
    );
    insta::assert_snapshot!("import_warnings", out.stderr);
}

#[test]
fn import_writes_adaptors_name_by_default_and_check_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let spec = fixture("petstore_swagger2.yaml");
    let out = ferry(
        dir.path(),
        &["adaptor", "import", "openapi", spec.to_str().unwrap()],
    );
    assert_eq!(out.exit, 0, "{}", out.stderr);
    assert!(
        out.stderr.ends_with(
            "wrote adaptors/swagger_petstore.ferry: adaptor `swagger_petstore`, 5 types, 8 ops, 3 warnings\n"
        ),
        "{}",
        out.stderr
    );
    std::fs::write(
        dir.path().join("job.ferry"),
        "use swagger_petstore\n\noutput swagger_petstore.get_pet_by_id(\"7\")\n",
    )
    .unwrap();
    let out = ferry(dir.path(), &["check", "job.ferry"]);
    assert_eq!(out.exit, 1);
    assert!(
        out.stderr.starts_with(
            "[E0102] Error: `petId` of `swagger_petstore.get_pet_by_id` expects `Int`, found `String`\n"
        ),
        "{}",
        out.stderr
    );
    let out = ferry(
        dir.path(),
        &["fmt", "--check", "adaptors/swagger_petstore.ferry"],
    );
    assert_eq!(out.exit, 0, "{}", out.stderr);
}

#[test]
fn import_errors_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let out = ferry(
        dir.path(),
        &["adaptor", "import", "openapi", "missing.yaml"],
    );
    assert_eq!(out.exit, 2);
    assert!(
        out.stderr.starts_with("error: cannot read missing.yaml: "),
        "{}",
        out.stderr
    );
    std::fs::write(
        dir.path().join("bad.json"),
        "{\"openapi\": \"3.0.0\", \"paths\": {]}",
    )
    .unwrap();
    let out = ferry(dir.path(), &["adaptor", "import", "openapi", "bad.json"]);
    assert_eq!(out.exit, 1);
    assert_eq!(
        out.stderr,
        "error: bad.json:1:32: not valid JSON: key must be a string\n"
    );
    assert!(!dir.path().join("adaptors").exists());
}

#[test]
fn infer_prints_a_type_for_samples() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.json"),
        json!({ "id": "f-1", "received_on": "2024-03-17T09:41:58Z", "status": "new",
                "form": { "weight_kg": 61.5, "visit": "2024-03-17" }, "tags": ["x"] })
        .to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.json"),
        json!({ "id": "f-2", "received_on": "2024-03-18T10:00:00+03:00", "status": "new",
                "form": { "weight_kg": 70, "visit": "2024-03-18", "phone": null },
                "tags": [], "site": "https://clinic.example.org/a" })
        .to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.json"),
        json!({ "id": "f-3", "received_on": "2024-03-19T10:00:00Z", "status": "done",
                "form": { "weight_kg": 58, "visit": "2024-03-19" }, "tags": ["y"] })
        .to_string(),
    )
    .unwrap();
    let out = ferry(
        dir.path(),
        &[
            "adaptor",
            "infer",
            "Submission",
            "a.json",
            "b.json",
            "c.json",
            "--enums",
        ],
    );
    assert_eq!(out.exit, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "type Submission = {
  id: String,
  received_on: DateTime,
  status: \"done\" | \"new\",
  form: {
    weight_kg: Float,
    visit: Date,
    phone: Json,
    ..
  },
  tags: [String],
  site?: Url,
  ..
}
"
    );
    let out = ferry(dir.path(), &["adaptor", "infer", "submission", "a.json"]);
    assert_eq!(out.exit, 2);
    assert_eq!(
        out.stderr,
        "error: `submission` cannot name a type: use a capitalised name of letters, digits and `_` (e.g. `Registration`)\n"
    );
}

/// The spec's shapes, as a petstore would answer them.
fn petstore(server: &Server, pet: serde_json::Value) {
    server.route(
        "GET",
        "/v2/pet/findByStatus",
        vec![Reply::json(
            200,
            json!([
                { "id": 7, "name": "Rex", "photoUrls": [], "status": "available" },
                { "id": 8, "name": "Tom", "photoUrls": ["https://x/1.jpg"], "status": "pending",
                  "category": { "id": 1, "name": "cats" } },
            ]),
        )],
    );
    server.route("GET", "/v2/pet/7", vec![Reply::json(200, pet)]);
    server.route("POST", "/v2/pet/7", vec![Reply::status(200)]);
    server.route(
        "POST",
        "/v2/store/order",
        vec![Reply::json(
            200,
            json!({ "id": 99, "petId": 7, "quantity": 1, "status": "placed" }),
        )],
    );
    server.route("DELETE", "/v2/pet/8", vec![Reply::status(200)]);
}

const JOB: &str = r#"use swagger_petstore

let pets = swagger_petstore.find_pets_by_status(["available", "pending"])
let rex = swagger_petstore.get_pet_by_id(7)
swagger_petstore.update_pet_with_form(7, name: "Rex the Second")
let order = swagger_petstore.place_order({ petId: rex.id ?? 0, quantity: 1, status: "placed" })
swagger_petstore.delete_pet(8, api_key: "k-1")
output { names: pets.map(p => p.name), rex: rex.name, order: order.id }
"#;

fn setup(server: &Server) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let spec = fixture("petstore_swagger2.yaml");
    let out = ferry(
        dir.path(),
        &["adaptor", "import", "openapi", spec.to_str().unwrap()],
    );
    assert_eq!(out.exit, 0, "{}", out.stderr);
    std::fs::write(dir.path().join("job.ferry"), JOB).unwrap();
    std::fs::write(
        dir.path().join("config.json"),
        json!({ "swagger_petstore": { "baseUrl": format!("{}/v2", server.base()), "accessToken": "tok-123" } })
            .to_string(),
    )
    .unwrap();
    let out = ferry(dir.path(), &["check", "job.ferry"]);
    assert_eq!(out.exit, 0, "{}", out.stderr);
    dir
}

#[test]
fn an_imported_adaptor_runs_against_the_api() {
    let server = Server::start();
    petstore(
        &server,
        json!({ "id": 7, "name": "Rex", "photoUrls": [], "tags": [{ "id": 1, "name": "good" }] }),
    );
    let dir = setup(&server);
    let out = ferry(dir.path(), &["run", "job.ferry", "--config", "config.json"]);
    assert_eq!(out.exit, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "{\"names\":[\"Rex\",\"Tom\"],\"rex\":\"Rex\",\"order\":99}\n"
    );
    let requests = server.requests();
    let summary: Vec<String> = requests
        .iter()
        .map(|r| {
            format!(
                "{} {}{}",
                r.method,
                r.path,
                r.raw_query
                    .as_ref()
                    .map_or(String::new(), |q| format!("?{q}"))
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "GET /v2/pet/findByStatus?status=available&status=pending",
            "GET /v2/pet/7",
            "POST /v2/pet/7",
            "POST /v2/store/order",
            "DELETE /v2/pet/8",
        ]
    );
    for r in &requests {
        assert_eq!(
            r.header("authorization"),
            Some("Bearer tok-123"),
            "{} {}",
            r.method,
            r.path
        );
    }
    // The form body: the null `status` left out.
    assert_eq!(
        requests[2].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        requests[2].form(),
        [("name".to_string(), "Rex the Second".to_string())]
    );
    assert_eq!(
        requests[3].json(),
        json!({ "petId": 7, "quantity": 1, "status": "placed" })
    );
    assert_eq!(requests[4].header("api_key"), Some("k-1"));
}

#[test]
fn a_response_that_does_not_fit_the_spec_fails_with_its_json_path() {
    let server = Server::start();
    petstore(
        &server,
        json!({ "id": 7, "name": "Rex", "photoUrls": "none" }),
    );
    let dir = setup(&server);
    let out = ferry(dir.path(), &["run", "job.ferry", "--config", "config.json"]);
    assert_eq!(out.exit, 1, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    insta::assert_snapshot!("import_decode_error", out.stderr);
    // Nothing after the failed call was sent.
    assert_eq!(server.requests().len(), 2);
}
