//! `Registration`, the type of the benchmark's CommCare forms, described by hand
//! as the compiler describes it: shared by the value tests and the JSON benchmark.

use ferry_runtime::json::{FieldDesc, TypeDesc};

pub fn registration() -> TypeDesc {
    let visit = TypeDesc::record(
        vec![
            ("weight_kg", FieldDesc::required(TypeDesc::Float)),
            ("height_cm", FieldDesc::required(TypeDesc::Int)),
            (
                "hiv_status",
                FieldDesc::required(TypeDesc::enumeration(&["negative", "positive", "unknown"])),
            ),
        ],
        false,
    );
    let form = TypeDesc::record(
        vec![
            ("@name", FieldDesc::required(TypeDesc::String)),
            ("patient_name", FieldDesc::required(TypeDesc::String)),
            (
                "sex",
                FieldDesc::required(TypeDesc::enumeration(&["female", "male"])),
            ),
            (
                "village",
                FieldDesc::required(TypeDesc::optional(TypeDesc::String)),
            ),
            (
                "phone",
                FieldDesc::required(TypeDesc::optional(TypeDesc::String)),
            ),
            ("visit", FieldDesc::required(visit)),
        ],
        true,
    );
    TypeDesc::named(
        "Registration",
        TypeDesc::record(
            vec![
                ("id", FieldDesc::required(TypeDesc::String)),
                ("received_on", FieldDesc::required(TypeDesc::DateTime)),
                ("form", FieldDesc::required(form)),
            ],
            true,
        ),
    )
}

pub fn registrations() -> TypeDesc {
    TypeDesc::list(registration())
}
