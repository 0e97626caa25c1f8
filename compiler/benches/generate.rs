//! A generated job of realistic shape, for the front-end benchmarks: types,
//! functions, mappings, `match`, `try`, loops and string interpolation. It is
//! made of whole blocks, so it has at least the lines asked for, and it checks
//! without an error.

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
