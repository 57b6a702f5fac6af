"""Run as a child process by the demo-store tests: export the store with the real `triage` binary
and check the result with the stix2 library + stix2-validator or with PyMISP, printing a JSON
summary. In a child, because the demo store's full bundle/event loaded into PyMISP or stix2 costs
tens of MB, and the importer fuzz test measures the test session's peak RSS.

    python tests/sharing_check.py stix|misp DB OUT     export, then check
    python tests/sharing_check.py check-stix|check-misp OUT   check an export made already
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def export(fmt: str, db: str, out: str) -> None:
    triage = str(Path(sys.executable).parent / "triage")
    proc = subprocess.run([triage, "--db", db, "export", "--format", fmt, "--out", out, "--any-label"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"export failed: {proc.stderr}")


def check_stix(out: Path) -> dict:
    import stix2
    from stix2validator import ValidationOptions, validate_string

    text = (out / "bundle.json").read_text(encoding="utf-8")
    stix2.parse(text, allow_custom=False)
    result = validate_string(text, ValidationOptions(version="2.1"))
    bundle = json.loads(text)
    ids = {o["id"] for o in bundle["objects"]}
    concern = [o for o in bundle["objects"] if o["type"] == "note" and o.get("abstract") == "author of concern"]
    return {"valid": result.is_valid, "errors": [str(e) for e in result.errors],
            "posts": sum(1 for o in bundle["objects"] if o["type"] == "note" and o.get("external_references")),
            "concern_labels": sorted({label for n in concern for label in n.get("labels", [])}),
            "concern_contents": [n["content"] for n in concern],
            "dangling": sorted({r for n in concern for r in n["object_refs"]} - ids)}


def check_misp(out: Path) -> dict:
    from pymisp import MISPEvent

    event = MISPEvent()
    event.load((out / "event.json").read_text(encoding="utf-8"))
    return {"objects": [[o.name, o.template_uuid, str(o.template_version),
                         [[a.object_relation, a.type, a.value if a.object_relation == "type" else None,
                           [t.name for t in a.tags]] for a in o.attributes]] for o in event.objects],
            "values": {o.comment: {a.object_relation: [a.value, a.comment, [t.name for t in a.tags]]
                                   for a in o.attributes} for o in event.objects},
            "threat_level_id": event.threat_level_id,
            "event_tags": [t.name for t in event.tags],
            "reports": {r.name: r.content for r in event.event_reports}}


if __name__ == "__main__":
    if sys.argv[1].startswith("check-"):
        fmt, out = sys.argv[1][len("check-"):], sys.argv[2]
    else:
        fmt, db, out = sys.argv[1:4]
        export(fmt, db, out)
    print(json.dumps((check_stix if fmt == "stix" else check_misp)(Path(out)), default=str))
