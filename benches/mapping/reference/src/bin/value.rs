//! The reference mapping over a generic JSON tree (serde_json::Value).

use serde_json::{Value, json};

fn main() {
    let path = std::env::args().nth(1).expect("usage: value FORMS.json");
    let input = std::fs::read(&path).expect("read the input");
    let forms: Value = serde_json::from_slice(&input).expect("valid input");
    let mut entities = Vec::new();
    for r in forms.as_array().expect("an array") {
        let form = &r["form"];
        if form["@name"] != "Patient Registration" {
            continue;
        }
        let org = match form["village"].as_str() {
            Some("Kakamega") => "DiszpKrYNg8",
            Some("Bungoma") => "Rp268JB6Ne4",
            _ => "DiszpKrYNg8",
        };
        let day = &r["received_on"].as_str().expect("received_on")[..10];
        let visit = &form["visit"];
        let sex = if form["sex"] == "female" { "F" } else { "M" };
        entities.push(json!({
            "trackedEntityType": "nEenWmSyUEp",
            "orgUnit": org,
            "attributes": [
                { "attribute": "w75KJ2mc4zz", "value": form["patient_name"] },
                { "attribute": "cejWyOfXge6", "value": sex },
            ],
            "enrollments": [{
                "program": "IpHINAT79UW", "orgUnit": org, "enrolledAt": day,
                "events": [{
                    "programStage": "A03MvHHogjR", "occurredAt": day,
                    "dataValues": [
                        { "dataElement": "UXz7xuGCEhU", "value": format!("{:?}", visit["weight_kg"].as_f64().expect("weight")) },
                        { "dataElement": "GieVkTxp4HH", "value": visit["height_cm"].as_i64().expect("height").to_string() },
                        { "dataElement": "bx6fsa0t90x", "value": visit["hiv_status"] },
                    ],
                }],
            }],
        }));
    }
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::new(stdout);
    serde_json::to_writer(&mut out, &json!({ "trackedEntities": entities })).expect("write the output");
}
