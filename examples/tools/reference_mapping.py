#!/usr/bin/env python3
"""The benchmark's reference mapping (the data README's "The reference mapping"),
in plain Python: CommCare form submissions -> DHIS2 tracked entities.

  reference_mapping.py [FORMS.json] [--out FILE]     (defaults: stdin, stdout)

Reads the JSON array that gen_commcare.py writes and writes
{"trackedEntities": [...]}, one entity per "Patient Registration" form, in input
order. This is how examples/mapping.output.json is made:

  python3 examples/tools/reference_mapping.py examples/mapping.input.json \
      --out examples/mapping.output.json

Python 3 standard library only.
"""
import argparse
import json
import sys

TRACKED_ENTITY_TYPE = "nEenWmSyUEp"
PROGRAM = "IpHINAT79UW"
PROGRAM_STAGE = "A03MvHHogjR"
ATTR_NAME = "w75KJ2mc4zz"
ATTR_SEX = "cejWyOfXge6"
DE_WEIGHT = "UXz7xuGCEhU"
DE_HEIGHT = "GieVkTxp4HH"
DE_HIV = "bx6fsa0t90x"

VILLAGES = {"Kakamega": "DiszpKrYNg8", "Bungoma": "Rp268JB6Ne4"}
DEFAULT_ORG = "DiszpKrYNg8"
SEX_CODES = {"female": "F", "male": "M"}


def float_text(x):
    """A float as the shortest text that reads back as the same float, with
    ".0" on whole numbers: Ferry's Float.to_string(), Rust's {:?}, Python's repr."""
    if isinstance(x, int):  # JSON 70 read into a Float field is the float 70.0
        x = float(x)
    return repr(x)


def tracked_entity(form):
    f = form["form"]
    org = VILLAGES.get(f.get("village") or "", DEFAULT_ORG)
    day = form["received_on"][:10]  # the date as written (YYYY-MM-DD)
    visit = f["visit"]
    return {
        "trackedEntityType": TRACKED_ENTITY_TYPE,
        "orgUnit": org,
        "attributes": [
            {"attribute": ATTR_NAME, "value": f["patient_name"]},
            {"attribute": ATTR_SEX, "value": SEX_CODES[f["sex"]]},
        ],
        "enrollments": [{
            "program": PROGRAM,
            "orgUnit": org,
            "enrolledAt": day,
            "events": [{
                "programStage": PROGRAM_STAGE,
                "occurredAt": day,
                "dataValues": [
                    {"dataElement": DE_WEIGHT, "value": float_text(visit["weight_kg"])},
                    {"dataElement": DE_HEIGHT, "value": str(visit["height_cm"])},
                    {"dataElement": DE_HIV, "value": visit["hiv_status"]},
                ],
            }],
        }],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("forms", nargs="?", help="the forms (default: stdin)")
    ap.add_argument("--out", help="output file (default: stdout)")
    a = ap.parse_args()
    if a.forms:
        with open(a.forms, encoding="utf-8") as fh:
            forms = json.load(fh)
    else:
        forms = json.load(sys.stdin)
    result = {"trackedEntities": [tracked_entity(f) for f in forms
                                  if f["form"]["@name"] == "Patient Registration"]}
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    if a.out:
        with open(a.out, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    else:
        sys.stdout.reconfigure(encoding="utf-8", newline="\n")
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
