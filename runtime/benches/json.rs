//! JSON decode and encode of the mapping workload: 100,000 CommCare forms decoded
//! as `[Registration]` (examples/registration.ferry), by the runtime's type-directed decoder,
//! by serde_json into typed structs, and by serde_json into `serde_json::Value`;
//! then written back. Prints a table; asserts nothing about time.
//!
//! ```sh
//! python3 benches/mapping/gen_commcare.py --count 100000 --out /tmp/forms.json
//! FERRY_BENCH_FORMS=/tmp/forms.json cargo bench -p ferry-runtime --bench json
//! cargo bench -p ferry-runtime --bench json -- /tmp/forms.json     # the same
//! ```
//!
//! `decode(&[u8])` copies its input into the buffer the values share (and checks
//! it is UTF-8); `decode_vec(Vec<u8>)` takes a buffer the caller owns, as a job
//! does with its `--input` file or a response body, and copies nothing.
//!
//! `FERRY_BENCH_RUNS` (default 5) sets how many times each case runs; the table
//! shows the fastest run and the median. `FERRY_BENCH_ONLY=typed|decode|decode_vec`
//! runs one case alone (under `perf record`, say).

use std::borrow::Cow;
use std::hint::black_box;
use std::time::{Duration, Instant};

use ferry_runtime::json::{decode, decode_vec, write_json};
use ferry_runtime::value::Value;
use serde::Deserialize;

#[path = "../tests/value_fixtures/registration.rs"]
mod registration;
use registration::registrations;

// The same type for serde: strings borrowed from the input where they have no
// escapes, unknown fields skipped (serde's default).
#[derive(Deserialize)]
#[allow(dead_code)]
struct Registration<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    received_on: Cow<'a, str>,
    #[serde(borrow)]
    form: Form<'a>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Form<'a> {
    #[serde(rename = "@name", borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    patient_name: Cow<'a, str>,
    sex: Sex,
    #[serde(borrow, default)]
    village: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    phone: Option<Cow<'a, str>>,
    visit: Visit,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Sex {
    Female,
    Male,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum HivStatus {
    Negative,
    Positive,
    Unknown,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Visit {
    weight_kg: f64,
    height_cm: i64,
    hiv_status: HivStatus,
}

/// The fastest and the median of `runs` timings of `f`.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let out = f();
            let elapsed = start.elapsed();
            drop(black_box(out));
            elapsed
        })
        .collect();
    times.sort();
    (times[0], times[times.len() / 2])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .or_else(|| std::env::var("FERRY_BENCH_FORMS").ok());
    let Some(path) = path else {
        println!(
            "json bench skipped: no input. Generate one and name it:\n  \
             python3 benches/mapping/gen_commcare.py --count 100000 --out /tmp/forms.json\n  \
             FERRY_BENCH_FORMS=/tmp/forms.json cargo bench -p ferry-runtime --bench json"
        );
        return;
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            println!("json bench skipped: cannot read {path}: {e}");
            return;
        }
    };
    let runs: usize = std::env::var("FERRY_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5)
        .max(1);
    let desc = registrations();
    let mb = bytes.len() as f64 / 1e6;

    // FERRY_BENCH_ONLY=decode_vec (or typed): run one case alone, for a profiler.
    if let Ok(case) = std::env::var("FERRY_BENCH_ONLY") {
        let (best, median) = match case.as_str() {
            "typed" => time(runs, || {
                serde_json::from_slice::<Vec<Registration>>(&bytes).expect("typed")
            }),
            "decode" => time(runs, || decode(&bytes, &desc).expect("decode")),
            _ => {
                let mut timings: Vec<Duration> = (0..runs)
                    .map(|_| {
                        let input = bytes.clone();
                        let start = Instant::now();
                        let out = decode_vec(input, &desc).expect("decode_vec");
                        let elapsed = start.elapsed();
                        drop(black_box(out));
                        elapsed
                    })
                    .collect();
                timings.sort();
                (timings[0], timings[timings.len() / 2])
            }
        };
        println!(
            "{case}: best {:.1} ms, median {:.1} ms",
            ms(best),
            ms(median)
        );
        return;
    }

    // Check once that every decoder reads the same forms.
    let ours = decode(&bytes, &desc).unwrap_or_else(|e| panic!("{path}: {e}"));
    let typed: Vec<Registration> = serde_json::from_slice(&bytes).expect("typed serde decode");
    let forms = ours.as_list().map_or(0, <[Value]>::len);
    assert_eq!(forms, typed.len());
    let registrations = typed
        .iter()
        .filter(|r| r.form.name == "Patient Registration")
        .count();
    let ours_registrations = ours
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter(|r| {
            r.get_field("form").and_then(|f| {
                f.get_field("@name")
                    .map(|n| n.as_str() == Some("Patient Registration"))
            }) == Some(true)
        })
        .count();
    assert_eq!(registrations, ours_registrations);
    let mut written = Vec::with_capacity(bytes.len());
    write_json(&ours, &mut written);
    let reread: serde_json::Value =
        serde_json::from_slice(&written).expect("written JSON reads back");
    let original: serde_json::Value =
        serde_json::from_slice(&bytes).expect("serde_json::Value decode");
    assert!(
        reread == original,
        "write_json(decode(input)) is not the input"
    );
    drop((typed, reread));
    println!(
        "{path}: {mb:.1} MB, {forms} forms, {registrations} registrations; write_json(decode(x)) == x; \
         {runs} runs each"
    );

    let typed = time(runs, || {
        serde_json::from_slice::<Vec<Registration>>(&bytes).expect("typed")
    });
    let generic = time(runs, || {
        serde_json::from_slice::<serde_json::Value>(&bytes).expect("Value")
    });
    let ferry = time(runs, || decode(&bytes, &desc).expect("decode"));
    let ferry_owned = {
        let mut timings = Vec::new();
        for _ in 0..runs {
            let input = bytes.clone();
            let start = Instant::now();
            let out = decode_vec(input, &desc).expect("decode_vec");
            timings.push(start.elapsed());
            drop(black_box(out));
        }
        timings.sort();
        (timings[0], timings[timings.len() / 2])
    };
    let drop_time = {
        let mut timings = Vec::new();
        for _ in 0..runs {
            let v = decode(&bytes, &desc).expect("decode");
            let start = Instant::now();
            drop(black_box(v));
            timings.push(start.elapsed());
        }
        timings.sort();
        (timings[0], timings[timings.len() / 2])
    };
    let write_ferry = time(runs, || {
        let mut out = Vec::with_capacity(bytes.len());
        write_json(&ours, &mut out);
        out
    });
    let write_serde = time(runs, || serde_json::to_vec(&original).expect("to_vec"));

    let base = ms(typed.0);
    let row = |name: &str, (best, median): (Duration, Duration), vs: Option<f64>| {
        let ratio = vs.map_or(String::from("-"), |b| format!("{:.2}x", ms(best) / b));
        println!(
            "| {name:<46} | {:>9.1} | {:>9.1} | {:>8.0} | {ratio:>8} |",
            ms(best),
            ms(median),
            mb / best.as_secs_f64()
        );
    };
    println!(
        "| {:<46} | {:>9} | {:>9} | {:>8} | {:>8} |",
        "case", "best ms", "median ms", "MB/s", "vs typed"
    );
    println!(
        "|{:-<48}|{:-<11}|{:-<11}|{:-<10}|{:-<10}|",
        "", "", "", "", ""
    );
    row(
        "serde_json -> typed structs (Cow<str>, skip)",
        typed,
        Some(base),
    );
    row("ferry decode(&[u8], [Registration])", ferry, Some(base));
    row(
        "ferry decode_vec(Vec<u8>, [Registration])",
        ferry_owned,
        Some(base),
    );
    row("serde_json -> serde_json::Value", generic, Some(base));
    row("drop of the decoded Value", drop_time, None);
    row("ferry write_json(decoded)", write_ferry, None);
    row("serde_json::to_vec(serde_json::Value)", write_serde, None);
}
