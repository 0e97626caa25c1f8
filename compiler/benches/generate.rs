//! A generated job of realistic shape, for the front-end benchmarks: types,
//! functions, mappings, `match`, `try`, loops and string interpolation. It is
//! made of whole blocks, so it has at least the lines asked for, and it checks
//! without an error.

// Each benchmark and example that includes this file uses only some of its shapes.
#![allow(dead_code)]

pub fn job(lines: usize) -> String {
    let mut out = String::from(
        "use dhis2\n\ntype Registration = { id: String, received_on: DateTime, form: { \"@name\": String, patient_name: String, sex: \"female\" | \"male\", village: String?, visit: { weight_kg: Float, height_cm: Int, hiv_status: \"negative\" | \"positive\" | \"unknown\" }, .. }, .. }\n\ninput: [Registration]\n\n",
    );
    let mut i = 0;
    let mut count = out.lines().count();
    while count < lines {
        let before = out.len();
        out.push_str(&format!(
            r#"/// Registration shape number {i}.
type Registration{i} = {{
  id: String,
  received_on: DateTime,
  form: {{
    "@name": String,
    patient_name: String,
    sex: "female" | "male",
    village: String?,
    visit: {{ weight_kg: Float, height_cm: Int, hiv_status: "negative" | "positive" | "unknown" }},
    ..
  }},
  ..
}}

const VILLAGES_{i} = {{ "Kakamega": "DiszpKrYNg8", "Bungoma": "Rp268JB6Ne4" }}

fn sex_code_{i}(s: "female" | "male") -> String {{
  match s {{ "female" => "F", "male" => "M" }}
}}

/// Maps one form.
fn entity_{i}(r: Registration{i}, program: String = "IpHINAT79UW") {{
  let org = VILLAGES_{i}[r.form.village ?? ""] ?? "DiszpKrYNg8"
  let day = r.received_on.date()
  let weight = r.form.visit.weight_kg * 2.0 + 1.5 / 3.0
  {{
    trackedEntityType: "nEenWmSyUEp",
    orgUnit: org,
    attributes: [
      {{ attribute: "w75KJ2mc4zz", value: r.form.patient_name.trim().upper() }},
      {{ attribute: "cejWyOfXge6", value: sex_code_{i}(r.form.sex) }},
    ],
    enrollments: [{{ program: program, orgUnit: org, enrolledAt: day, occurredAt: "weight ${{weight}} kg" }}],
  }}
}}

var total_{i} = 0
for (n, r) in input.enumerate() {{
  if r.form["@name"] != "Patient Registration" {{
    continue
  }}
  try {{
    let created = dhis2.create_tracked_entity(entity_{i}(r))
    total_{i} = total_{i} + 1
    log "created ${{created.uid}} for form ${{r.id}} (${{n}})"
  }} catch err {{
    warn "form ${{r.id}} failed: ${{err.message}}"
  }}
}}
log "created ${{total_{i}}}"

"#
        ));
        count += out[before..].lines().count();
        i += 1;
    }
    out
}

/// The hostile and the long shapes: one a function, each a whole job.
pub mod shapes {
    const INPUT: &str = "input: { form: { patient_name: String }, .. }\n";

    /// `output 1 + 1 + ...`: a left-nested sum of `terms` terms.
    pub fn sum(terms: usize) -> String {
        let mut out = String::from("output 1");
        for _ in 1..terms {
            out.push_str(" + 1");
        }
        out.push('\n');
        out
    }

    /// `output { a: { a: ... 1 } }`: records nested `depth` deep.
    pub fn nested_records(depth: usize) -> String {
        format!("output {}1{}\n", "{ a: ".repeat(depth), " }".repeat(depth))
    }

    /// `fn f(x: Int) -> Int { x }` and `output f(f(...f(1)))`.
    pub fn nested_calls(depth: usize) -> String {
        format!(
            "fn f(x: Int) -> Int {{\n  x\n}}\n\noutput {}1{}\n",
            "f(".repeat(depth),
            ")".repeat(depth)
        )
    }

    /// `output [0, 1, 2, ...]`.
    pub fn int_list(len: usize) -> String {
        let items: Vec<String> = (0..len).map(|i| i.to_string()).collect();
        format!("output [{}]\n", items.join(", "))
    }

    /// A list literal of `len` records, one a line.
    pub fn record_list(len: usize) -> String {
        let mut out = String::from("output [\n");
        for i in 0..len {
            out.push_str(&format!(
                "  {{ id: {i}, name: \"patient {i}\", sex: \"female\", weight: {i}.5 }},\n"
            ));
        }
        out.push_str("]\n");
        out
    }

    /// A `match` of `arms` arms.
    pub fn match_arms(arms: usize) -> String {
        let mut out = String::from("input: { n: Int }\n\noutput match input.n {\n");
        for i in 0..arms {
            out.push_str(&format!("  {i} => \"arm {i}\"\n"));
        }
        out.push_str("  _ => \"other\"\n}\n");
        out
    }

    /// `bytes` bytes of `)]}`: one error after another on one line.
    pub fn closers(bytes: usize) -> String {
        ")]}".repeat(bytes / 3)
    }

    /// `count` NUL bytes.
    pub fn nul_bytes(count: usize) -> String {
        "\0".repeat(count)
    }

    /// `count` unused `let`s: one warning each.
    pub fn warnings(count: usize) -> String {
        let mut out = String::new();
        for i in 0..count {
            out.push_str(&format!("let unused_{i} = {i}\n"));
        }
        out
    }

    /// One scope of `lines` lines: `let vN = input.form.patient_name.upper() + "N"`
    /// and `log vN`, in pairs.
    pub fn long_scope(lines: usize) -> String {
        let mut out = String::from(INPUT);
        for i in 0..lines / 2 {
            out.push_str(&format!(
                "let v{i} = input.form.patient_name.upper() + \"{i}\"\nlog v{i}\n"
            ));
        }
        out
    }

    /// The same lines in functions of 20 lines each, called in turn.
    pub fn many_scopes(lines: usize) -> String {
        let mut out = String::from(INPUT);
        let functions = lines / 22;
        for f in 0..functions {
            out.push_str(&format!("fn part{f}(name: String) {{\n"));
            for i in 0..10 {
                out.push_str(&format!(
                    "  let v{i} = name.upper() + \"{i}\"\n  log v{i}\n"
                ));
            }
            out.push_str("}\n");
        }
        for f in 0..functions {
            out.push_str(&format!("part{f}(input.form.patient_name)\n"));
        }
        out
    }
}
