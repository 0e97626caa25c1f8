//! The reference mapping (examples/mapping.ferry) over typed serde structs:
//! unknown fields skipped, strings borrowed from the input where possible.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

#[derive(Deserialize)]
struct Registration<'a> {
    #[serde(borrow)]
    received_on: Cow<'a, str>,
    #[serde(borrow)]
    form: Form<'a>,
}

#[derive(Deserialize)]
struct Form<'a> {
    #[serde(rename = "@name", borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    patient_name: Cow<'a, str>,
    #[serde(borrow)]
    sex: Cow<'a, str>,
    #[serde(default, borrow)]
    village: Option<Cow<'a, str>>,
    #[serde(borrow)]
    visit: Visit<'a>,
}

#[derive(Deserialize)]
struct Visit<'a> {
    weight_kg: f64,
    height_cm: i64,
    #[serde(borrow)]
    hiv_status: Cow<'a, str>,
}

#[derive(Serialize)]
struct Output<'a> {
    #[serde(rename = "trackedEntities")]
    tracked_entities: Vec<TrackedEntity<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TrackedEntity<'a> {
    tracked_entity_type: &'static str,
    org_unit: &'static str,
    attributes: [Attribute<'a>; 2],
    enrollments: [Enrollment<'a>; 1],
}

#[derive(Serialize)]
struct Attribute<'a> {
    attribute: &'static str,
    value: Cow<'a, str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Enrollment<'a> {
    program: &'static str,
    org_unit: &'static str,
    enrolled_at: &'a str,
    events: [Event<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Event<'a> {
    program_stage: &'static str,
    occurred_at: &'a str,
    data_values: [DataValue<'a>; 3],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DataValue<'a> {
    data_element: &'static str,
    value: Cow<'a, str>,
}

fn org(village: Option<&str>) -> &'static str {
    match village {
        Some("Kakamega") => "DiszpKrYNg8",
        Some("Bungoma") => "Rp268JB6Ne4",
        _ => "DiszpKrYNg8",
    }
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: typed FORMS.json");
    let input = std::fs::read(&path).expect("read the input");
    let forms: Vec<Registration> = serde_json::from_slice(&input).expect("valid input");
    let tracked_entities = forms
        .iter()
        .filter(|r| r.form.name == "Patient Registration")
        .map(|r| {
            let org = org(r.form.village.as_deref());
            let day = &r.received_on[..10];
            TrackedEntity {
                tracked_entity_type: "nEenWmSyUEp",
                org_unit: org,
                attributes: [
                    Attribute { attribute: "w75KJ2mc4zz", value: Cow::Borrowed(&r.form.patient_name) },
                    Attribute { attribute: "cejWyOfXge6", value: Cow::Borrowed(if r.form.sex == "female" { "F" } else { "M" }) },
                ],
                enrollments: [Enrollment {
                    program: "IpHINAT79UW",
                    org_unit: org,
                    enrolled_at: day,
                    events: [Event {
                        program_stage: "A03MvHHogjR",
                        occurred_at: day,
                        data_values: [
                            DataValue { data_element: "UXz7xuGCEhU", value: Cow::Owned(format!("{:?}", r.form.visit.weight_kg)) },
                            DataValue { data_element: "GieVkTxp4HH", value: Cow::Owned(r.form.visit.height_cm.to_string()) },
                            DataValue { data_element: "bx6fsa0t90x", value: Cow::Borrowed(&r.form.visit.hiv_status) },
                        ],
                    }],
                }],
            }
        })
        .collect();
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::new(stdout);
    serde_json::to_writer(&mut out, &Output { tracked_entities }).expect("write the output");
}
