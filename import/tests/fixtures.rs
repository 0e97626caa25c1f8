//! Every fixture (small real API descriptions, and `clinic/`, which uses
//! every construct the importer knows and some it cannot express) imported:
//! the adaptor written and the warnings are reviewed snapshots, and each
//! adaptor passes the checker and is left as it is by the formatter.

use ferry_compiler::adaptors::Search;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openapi")
        .join(name)
}

/// The adaptor and the import's warnings, after checking that the adaptor
/// has no error and is formatted.
fn import(name: &str) -> String {
    let path = fixture(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let imported = ferry_import::import_openapi(&text, Some(&path), None).unwrap();
    let analysis = ferry_compiler::analyze(
        &format!("{}.ferry", imported.name),
        &imported.text,
        &Search::default(),
    );
    let diagnostics: Vec<String> = analysis
        .diagnostics
        .iter()
        .map(|d| format!("{:?} {}", d.severity, d.message))
        .collect();
    assert!(
        !analysis.has_errors(),
        "{name}: the adaptor has errors: {diagnostics:#?}\n{}",
        imported.text
    );
    assert_eq!(
        ferry_compiler::fmt::format(&imported.text).unwrap(),
        imported.text,
        "{name}: the adaptor is not formatted"
    );
    let mut out = imported.text;
    out.push_str("\n// ---- import warnings\n");
    for w in &imported.warnings {
        out.push_str(&format!("// {w}\n"));
    }
    out.push_str("// ---- checker diagnostics\n");
    for d in diagnostics {
        out.push_str(&format!("// {d}\n"));
    }
    out
}

#[test]
fn clinic_every_construct_yaml_across_files() {
    insta::assert_snapshot!("clinic", import("clinic/openapi.yaml"));
}

#[test]
fn petstore_swagger_2() {
    insta::assert_snapshot!("petstore_swagger2", import("petstore_swagger2.yaml"));
}

#[test]
fn twilio_flex_basic_auth_and_form_body() {
    insta::assert_snapshot!("twilio_flex", import("twilio_flex.json"));
}

#[test]
fn ebay_translation_client_credentials_and_server_variables() {
    insta::assert_snapshot!("ebay_translation", import("ebay_translation.json"));
}

#[test]
fn mercure_bearer_and_cookie_schemes() {
    insta::assert_snapshot!("mercure", import("mercure.json"));
}

#[test]
fn ticketmaster_commerce_discriminated_unions() {
    insta::assert_snapshot!(
        "ticketmaster_commerce",
        import("ticketmaster_commerce.json")
    );
}

#[test]
fn carbondoomsday_next_link_paging() {
    insta::assert_snapshot!("carbondoomsday", import("carbondoomsday.json"));
}

#[test]
fn json_and_yaml_errors_name_the_line() {
    let err = ferry_import::import_openapi(
        "openapi: 3.0.0\npaths: [\n",
        Some(Path::new("api.yaml")),
        None,
    )
    .err()
    .unwrap();
    assert!(err.starts_with("api.yaml:"), "{err}");
    assert!(err.contains("not valid YAML"), "{err}");
    let err = ferry_import::import_openapi(
        "{\"openapi\": \"3.0.0\",}",
        Some(Path::new("api.json")),
        None,
    )
    .err()
    .unwrap();
    assert_eq!(err, "api.json:1:21: not valid JSON: trailing comma");
    let err = ferry_import::import_openapi("{\"info\": {}}", Some(Path::new("x.json")), None)
        .err()
        .unwrap();
    assert_eq!(
        err,
        "x.json: not an OpenAPI document: it has no `openapi: 3.x` or `swagger: \"2.0\"` field"
    );
    let err = ferry_import::import_openapi("openapi: 3.0.0\n", None, Some("my-api"))
        .err()
        .unwrap();
    assert!(err.starts_with("`my-api` cannot name an adaptor"), "{err}");
}

#[test]
fn a_missing_file_of_a_ref_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("api.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.0\ninfo: { title: t, version: '1' }\npaths: {}\ncomponents:\n  schemas:\n    A: { $ref: 'missing.yaml#/A' }\n",
    )
    .unwrap();
    let err =
        ferry_import::import_openapi(&std::fs::read_to_string(&spec).unwrap(), Some(&spec), None)
            .err()
            .unwrap();
    assert!(
        err.starts_with(&format!(
            "cannot read {}",
            dir.path().join("missing.yaml").display()
        )),
        "{err}"
    );
    assert!(err.contains("named by a `$ref` in"), "{err}");
}

/// The `auth` line and config fields each security scheme gives.
#[test]
fn each_security_scheme_gives_its_auth() {
    let cases = [
        (
            "{type: apiKey, in: cookie, name: sid}",
            "auth header(\"Cookie\", \"sid=${config.apiKey}\")",
        ),
        (
            "{type: apiKey, in: query, name: key}",
            "auth query(\"key\", config.apiKey)",
        ),
        (
            "{type: apiKey, in: header, name: X-Key}",
            "auth header(\"X-Key\", config.apiKey)",
        ),
        (
            "{type: http, scheme: basic}",
            "auth basic(config.username, config.password)",
        ),
        ("{type: http, scheme: bearer}", "auth bearer(config.token)"),
        (
            "{type: openIdConnect, openIdConnectUrl: 'https://x/.well-known'}",
            "auth bearer(config.accessToken)",
        ),
    ];
    for (scheme, auth) in cases {
        let spec = format!(
            "openapi: 3.0.0\ninfo: {{ title: t, version: '1' }}\nservers: [{{ url: 'https://api.example.org' }}]\nsecurity: [{{ s: [] }}]\npaths: {{}}\ncomponents:\n  securitySchemes:\n    s: {scheme}\n"
        );
        let imported = ferry_import::import_openapi(&spec, None, Some("t")).unwrap();
        assert!(
            imported.text.lines().any(|l| l == auth),
            "{scheme}: expected `{auth}` in\n{}",
            imported.text
        );
        let analysis = ferry_compiler::analyze("t.ferry", &imported.text, &Search::default());
        assert!(
            !analysis.has_errors(),
            "{scheme}: {:?}",
            analysis.diagnostics
        );
    }
}
