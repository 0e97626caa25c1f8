//! The operator page in a real browser: headless Chromium (Debian's package,
//! installed by `.ci/setup`) driven by `runtime/tests/browser/drive.js` with
//! playwright-core: log in, filter, open a run, replay it, look at it on a
//! phone, and check every page with axe-core. The screenshots are written to
//! `target/tmp/serve-page-screenshots/`.
//!
//! Without Chromium or the npm packages the test is skipped, saying why,
//! unless `CI` is set: in CI it must run.

mod serve_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use serve_support::*;

/// The browser: `$CHROMIUM`, else `chromium` on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|p| p.is_file())
}

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Why the test cannot run here, if it cannot.
fn missing() -> Option<String> {
    if chromium().is_none() {
        return Some(
            "chromium is not installed (apt-get install chromium, or run .ci/setup)".into(),
        );
    }
    if !browser_dir().join("node_modules/playwright-core").is_dir() {
        return Some(format!(
            "the npm packages are missing: run .ci/setup (or npm ci in {})",
            browser_dir().display()
        ));
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_in_filter_open_a_run_and_replay_it_in_chromium() {
    if let Some(why) = missing() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the browser test must run in CI, but {why}"
        );
        eprintln!("skipped: {why}");
        return;
    }
    let scratch = Scratch::new();
    let fx = scratch.start(&[
        (
            "--job",
            "name=registration;trigger=webhook:/reg;action=fail-final",
        ),
        ("--job", "name=echo;trigger=webhook:/echo;action=echo"),
        (
            "--job",
            "name=nightly;trigger=cron:0 2 * * *;tz=Africa/Nairobi;action=ok",
        ),
    ]);
    for n in 0..3 {
        post(&fx.url("/echo"), &format!(r#"{{"n":{n}}}"#)).await;
    }
    post(&fx.url("/reg"), r#"{"id":"P-1"}"#).await;
    post(&fx.url("/reg"), r#"{"name":"<script>alert(1)</script>"}"#).await;
    wait_for("five ended runs", || async {
        let all = runs(&fx.base, "").await;
        (all.iter()
            .filter(|r| r["status"] == "succeeded" || r["status"] == "dead")
            .count()
            == 5)
            .then_some(())
    })
    .await;

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-page-screenshots");
    let _ = std::fs::remove_dir_all(&shots);
    let out = Command::new("node")
        .arg(browser_dir().join("drive.js"))
        .current_dir(browser_dir())
        .env("BASE", &fx.base)
        .env("TOKEN", OPERATOR_TOKEN)
        .env("CHROMIUM", chromium().unwrap())
        .env("SHOTS", &shots)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "drive.js failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("screenshots: {}", shots.display());
    let result: Value = serde_json::from_slice(&out.stdout).expect("drive.js prints JSON");
    assert_eq!(
        result["steps"],
        json!([
            "GET / without a session: 401",
            "first Tab: Skip to the content",
            "logged in: Runs",
            "filtered: 2 runs, dead",
            "opened: Run 5 · registration dead",
            "input shown as text: true",
            "scripts in the page: 0",
            "replayed #5: Run 6, replay of run 5",
            "phone: 200, page wider than the screen: false",
        ])
    );
    assert_eq!(result["violations"], json!([]), "accessibility");
    for shot in [
        "1-login",
        "2-runs",
        "3-filtered",
        "4-run",
        "5-replayed",
        "6-phone",
    ] {
        assert!(shots.join(format!("{shot}.png")).is_file(), "{shot}.png");
    }
    // The replay really ran (and failed the same way).
    wait_run(&fx.base, "", "the replay's end", |r| {
        r["id"] == 6 && r["status"] == "dead" && r["replay_of"] == 5
    })
    .await;
}
