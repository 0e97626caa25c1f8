//! `ferry lsp` from a real editor: headless Neovim (0.7, Debian's package) runs
//! `tests/lsp/nvim_e2e.lua` on a copy of `examples/registration.ferry` with a
//! mistake in it, and writes what the server answered to a JSON file: the
//! diagnostics, completion at a statement and after `input.form.` (typed, on a
//! line that does not parse), the outline, a hover and a definition.
//! `FERRY_NVIM` names another `nvim`.

use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(90);

fn nvim() -> String {
    let nvim = std::env::var("FERRY_NVIM").unwrap_or_else(|_| "nvim".into());
    let found = Command::new(&nvim)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(found, "`{nvim}` not found: install neovim (run .ci/setup)");
    nvim
}

#[test]
fn neovim_gets_diagnostics_completion_symbols_hover_and_definition() {
    let nvim = nvim();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("registration.ferry");
    let original = std::fs::read_to_string(root.join("examples/registration.ferry")).unwrap();
    // Single quotes: a syntax error with a fix; and an empty last line to complete on.
    let text = original.replacen(
        "!= \"Patient Registration\"",
        "!= 'Patient Registration'",
        1,
    );
    assert_ne!(text, original);
    std::fs::write(&job, format!("{text}\n")).unwrap();
    let out = dir.path().join("out.json");

    let mut child = Command::new(&nvim)
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            root.join("tests/lsp/nvim_e2e.lua").display()
        ))
        .env("FERRY_BIN", env!("CARGO_BIN_EXE_ferry"))
        .env("FERRY_FILE", &job)
        .env("FERRY_OUT", &out)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > TIMEOUT {
            child.kill().unwrap();
            panic!("nvim did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let result: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(result.get("error"), None, "the Lua script failed");

    assert_eq!(
        result["diagnostics"],
        json!([{
            "lnum": 52, "col": 26, "end_lnum": 52, "end_col": 48, "severity": 1,
            "source": "ferry", "code": "E0005",
            "message": "strings are written with double quotes\nsingle quotes\nhelp: use double quotes: `\"Patient Registration\"`"
        }])
    );

    // Neovim 0.7 takes no snippets: keywords by name. Names in scope follow the
    // statement keywords, nearest first.
    assert_eq!(
        result["completion"],
        json!([
            "use",
            "trigger webhook",
            "trigger cron",
            "trigger every",
            "input",
            "type",
            "const",
            "fn",
            "test",
            "let",
            "var",
            "if",
            "match",
            "for",
            "while",
            "try",
            "log",
            "warn",
            "skip",
            "fail",
            "output",
            "report",
            "te",
            "day",
            "org",
            "uid",
            "sex_code",
            "VILLAGES",
            "dhis2",
            "not",
            "true",
            "false",
            "null",
            "input",
            "config",
            "trigger",
            "now",
            "today",
            "uuid",
            "json_parse",
            "json_string",
            "csv_parse",
            "env"
        ])
    );

    assert_eq!(
        result["symbols"],
        json!([
            "dhis2",
            "webhook /commcare/registration",
            "Registration",
            "input",
            "VILLAGES",
            "sex_code",
            "uid",
            "org",
            "day",
            "te",
            "report",
            "a registration is upserted with UIDs derived from the form's ID",
            "another form is skipped and nothing is sent",
            "a failure of DHIS2 fails the job with its status and body"
        ])
    );

    // Typed: the fields of `input.form` on a line that does not parse yet (`"@name"`
    // is not offered after a dot: it is read as `form["@name"]`).
    assert_eq!(
        result["typed_completion"],
        json!([
            "patient_name: String",
            "sex: \"female\" | \"male\"",
            "village: String?",
            "phone: String?",
            "visit: { weight_kg: Float, height_cm: Int, hiv_status: \"negative\" | \"positive\" | \"unknown\" }"
        ])
    );
    assert_eq!(
        result["hover"],
        "```ferry\nfn sex_code(s: \"female\" | \"male\") -> String\n```"
    );
    let dhis2 = ferry_compiler::adaptors::BUILTIN
        .iter()
        .find(|(name, _)| *name == "dhis2")
        .unwrap()
        .1;
    let line = dhis2
        .lines()
        .position(|l| l.starts_with("op upsert_tracked_entities("))
        .unwrap();
    assert_eq!(
        result["definition"],
        json!({ "uri": "ferry-builtin:///dhis2.ferry", "line": line })
    );
}
