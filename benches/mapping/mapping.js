// The reference mapping in Node: JSON.parse, map, JSON.stringify.
// `String(weight)` prints the same digits as the others for this data (no whole numbers).
const fs = require("fs");
const forms = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const VILLAGES = { Kakamega: "DiszpKrYNg8", Bungoma: "Rp268JB6Ne4" };
const trackedEntities = forms
  .filter((r) => r.form["@name"] === "Patient Registration")
  .map((r) => {
    const org = VILLAGES[r.form.village ?? ""] ?? "DiszpKrYNg8";
    const day = r.received_on.slice(0, 10);
    return {
      trackedEntityType: "nEenWmSyUEp",
      orgUnit: org,
      attributes: [
        { attribute: "w75KJ2mc4zz", value: r.form.patient_name },
        { attribute: "cejWyOfXge6", value: r.form.sex === "female" ? "F" : "M" },
      ],
      enrollments: [{
        program: "IpHINAT79UW", orgUnit: org, enrolledAt: day,
        events: [{
          programStage: "A03MvHHogjR", occurredAt: day,
          dataValues: [
            { dataElement: "UXz7xuGCEhU", value: String(r.form.visit.weight_kg) },
            { dataElement: "GieVkTxp4HH", value: String(r.form.visit.height_cm) },
            { dataElement: "bx6fsa0t90x", value: r.form.visit.hiv_status },
          ],
        }],
      }],
    };
  });
process.stdout.write(JSON.stringify({ trackedEntities }));
