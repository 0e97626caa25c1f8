#!/usr/bin/env python3
"""Generates CommCare form submissions, as the CommCare form API returns them.

  gen_commcare.py [--count N] [--seed S] [--out FILE]   (defaults: 100000 forms, seed 1, stdout)

Writes one JSON array, one form a line, about 1.1 kB a form (100,000 forms: 110 MB,
in about 6 s). The output depends only on --count and --seed, and a smaller count
gives a prefix of a larger one. Python 3 standard library only.

About 80% of the forms are "Patient Registration", 20% "Follow Up"; both kinds carry
every field of the input type of examples/mapping.ferry, plus the fields that real
submissions carry and a mapping ignores. Weights always have one or two decimals and
are never integral (61.5, 80.25; never 70 or 70.0), so every program prints them
alike. Keys are sorted, as the API writes them."""
import argparse, datetime, json, os, random, sys

VILLAGES = ["Kakamega", "Bungoma", "Busia", "Vihiga", "Siaya", "Kisumu"]
FIRST = ["Amina", "Otieno", "Wanjiků", "Achieng", "Kiprono", "Ñandú", "Fatuma", "Baraka",
         "Zawadi", "Mwangi", "Nekesa", "Juma", "Chébet", "Odhiambo", "Wafula", "Auma",
         "Nyambura", "Kamau", "Zoë", "Wairimũ"]
LAST = ["W.", "Wekesa", "O'Neill", "Mutua", "Njoroge", "Barasa", "\"Kip\" Rotich",
        "Omondi", "Kamau", "Nasimiyu", "Owino", "Müller", "Ngũgĩ", "Odero"]
NOTES = ["Referred to clinic.\nNext visit in 2 weeks.", "Mother says \"fine\"",
         "BP 120/80\tpulse 72", "Wants SMS reminders 👍🏾", "C:\\forms\\scan.jpg attached",
         "Transport: boda-boda (20 KSh)"]
STATUS = ["negative", "negative", "negative", "positive", "unknown"]
RISK = ["low", "low", "medium", "high"]
APP_ID = "5b1e0c2f8a7d4e3b9c6a1f0e2d3c4b5a"
OWNERS = ["%032x" % random.Random(k).getrandbits(128) for k in range(40)]  # health workers
HEX = "0123456789abcdef"
EPOCH = datetime.datetime(2024, 1, 1, 6, 0, 0)


def hexid(r, n=32):
    return "".join(r.choice(HEX) for _ in range(n))


def uuid(r):
    h = hexid(r)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def ts(t):  # the API's own format: microseconds, UTC, "Z"
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def weight(r):  # one or two decimals, never integral
    decimals = r.choice(["1", "2", "25", "3", "4", "45", "5", "6", "7", "75", "8", "9"])
    return float(f"{r.randrange(3, 110)}.{decimals}")


def submission(r, i):
    registration = r.random() < 0.8
    # received in input order, one every 5 minutes or so (100,000 forms span a year),
    # so the first forms are the same whatever the count
    received = EPOCH + datetime.timedelta(seconds=i * 315 + r.randrange(300), microseconds=r.randrange(10**6))
    start = received - datetime.timedelta(seconds=r.randrange(60, 3 * 86400))
    end = start + datetime.timedelta(seconds=r.randrange(30, 900), microseconds=r.randrange(10**6))
    user = OWNERS[r.randrange(len(OWNERS))]
    instance = uuid(r)
    name = f"{r.choice(FIRST)} {r.choice(LAST)}"
    meta = {
        "appVersion": "CommCare Android, version \"2.53.1\". App v241.",
        "deviceID": "35" + "".join(r.choice("0123456789") for _ in range(13)),  # an IMEI
        "instanceID": instance,
        "location": f"{r.uniform(-0.2, 0.9):.4f} {r.uniform(34.1, 35.0):.4f} {r.randrange(1100, 1700)}.0 {r.randrange(3, 40)}.0"
                    if r.random() < 0.5 else None,
        "timeEnd": ts(end),
        "timeStart": ts(start),
        "userID": user,
        "username": f"chw{OWNERS.index(user) + 1}",
    }
    form = {
        "@name": "Patient Registration" if registration else "Follow Up",
        "@uiVersion": "1",
        "@version": "241",
        "@xmlns": "http://openrosa.org/formdesigner/" + ("5F1B7A2C-REG" if registration else "9C3D8E1F-FUP"),
        "case": {
            "@case_id": uuid(r),
            "update": {"risk": r.choice(RISK)},
        },
        "meta": meta,
        "patient_name": name,
        "sex": r.choice(["female", "male"]),
        "visit": {
            "height_cm": r.randrange(45, 200),
            "hiv_status": r.choice(STATUS),
            "weight_kg": weight(r),
        },
    }
    v = r.random()
    if v < 0.85:
        form["village"] = r.choice(VILLAGES)
    elif v < 0.95:
        form["village"] = None  # else: absent
    if r.random() < 0.6:
        form["phone"] = f"+2547{r.randrange(10**7, 10**8)}"
    if r.random() < 0.15:
        form["notes"] = r.choice(NOTES)
    if not registration:
        form["next_visit"] = (end + datetime.timedelta(days=r.randrange(7, 60))).strftime("%Y-%m-%d")
    return {
        "app_id": APP_ID,
        "archived": False,
        "attachments": {} if r.random() < 0.9 else
                       {"photo.jpg": {"content_type": "image/jpeg", "length": r.randrange(20000, 90000)}},
        "build_id": "e4f2a1" + hexid(r, 26),
        "domain": "kenya-chw",
        "form": form,
        "id": instance,
        "metadata": {"deviceID": meta["deviceID"], "username": meta["username"]},
        "received_on": ts(received),
        "resource_uri": "",
        "server_modified_on": ts(received + datetime.timedelta(milliseconds=r.randrange(5, 900))),
        "uiversion": "1",
        "version": "1",
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=100_000, help="number of forms (default 100000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", help="output file (default stdout)")
    a = ap.parse_args()
    r = random.Random(a.seed)
    if a.out:
        out = open(a.out, "w", encoding="utf-8", newline="\n")
    else:
        out = sys.stdout
        out.reconfigure(encoding="utf-8", newline="\n")
    out.write("[")
    for i in range(a.count):
        if i:
            out.write(",\n")
        s = submission(r, i)
        # a few submissions come with non-ASCII text written as \u escapes
        out.write(json.dumps(s, ensure_ascii=r.random() < 0.03, separators=(",", ":"), sort_keys=True))
    out.write("]\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:  # e.g. piped into head
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
