# The reference mapping in jq.
{ trackedEntities: [ .[] | select(.form["@name"] == "Patient Registration")
  | ({ "Kakamega": "DiszpKrYNg8", "Bungoma": "Rp268JB6Ne4" }[.form.village // ""] // "DiszpKrYNg8") as $org
  | .received_on[0:10] as $day
  | { trackedEntityType: "nEenWmSyUEp", orgUnit: $org,
      attributes: [ { attribute: "w75KJ2mc4zz", value: .form.patient_name },
                    { attribute: "cejWyOfXge6", value: (if .form.sex == "female" then "F" else "M" end) } ],
      enrollments: [ { program: "IpHINAT79UW", orgUnit: $org, enrolledAt: $day,
        events: [ { programStage: "A03MvHHogjR", occurredAt: $day,
          dataValues: [ { dataElement: "UXz7xuGCEhU", value: (.form.visit.weight_kg | tostring) },
                        { dataElement: "GieVkTxp4HH", value: (.form.visit.height_cm | tostring) },
                        { dataElement: "bx6fsa0t90x", value: .form.visit.hiv_status } ] } ] } ] } ] }
