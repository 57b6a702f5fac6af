"""`triage export --format misp` and `triage import --format misp`: a MISP event from a real store,
loaded by PyMISP (MISP's own library), checked against MISP's microblog template and the shipped
taxonomy, and read back into a fresh store through the CLI."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from importlib.resources import files
from pathlib import Path

from triage.analytics.warnings import load_rules
from triage.misp_format import MICROBLOG_TEMPLATE_UUID, MICROBLOG_TEMPLATE_VERSION
from triage.indicators import INDICATORS

from . import backend
from .conftest import Cli
from .test_export_fixtures import POSTS, build_store
from .test_export_stix import check, sharing_check

TAXONOMY = json.loads((files("triage.data") / "misp_taxonomy.json").read_text(encoding="utf-8"))
# MISP's own template, as PyMISP ships it (found without importing PyMISP at collection: the
# session's peak RSS, which the importer fuzz test measures, should not carry it from the start).
TEMPLATE = json.loads((Path(importlib.util.find_spec("pymisp").origin).parent / "data" / "misp-objects" / "objects"
                       / "microblog" / "definition.json").read_text(encoding="utf-8"))


def export_event(cli: Cli, out: Path, *args) -> dict:
    result = cli("export", "--format", "misp", "--out", out, *args)
    assert result.exit_code == 0, result.stderr
    return json.loads((out / "event.json").read_text(encoding="utf-8"))


def taxonomy_tags() -> set[str]:
    ns = TAXONOMY["namespace"]
    return {f'{ns}:{v["predicate"]}="{e["value"]}"' for v in TAXONOMY["values"] for e in v["entry"]}


def allowed_values(relation: str) -> list[str] | None:
    """The template's vocabulary for a relation (a closed values_list or a suggested sane_default)."""
    spec = TEMPLATE["attributes"][relation]
    return spec.get("values_list") or spec.get("sane_default")


def assert_fits_misp(summary: dict) -> None:
    """PyMISP loaded it (in a child); every object is MISP's microblog template, every relation the
    template's with its type and vocabulary, every tag from the tlp taxonomy or ours."""
    known = taxonomy_tags()
    assert summary["objects"]
    for name, template_uuid, version, attributes in summary["objects"]:
        assert (name, template_uuid, version) == ("microblog", TEMPLATE["uuid"], str(TEMPLATE["version"]))
        assert any(a[0] in TEMPLATE["requiredOneOf"] for a in attributes)
        for relation, kind, value, tags in attributes:
            assert kind == TEMPLATE["attributes"][relation]["misp-attribute"], relation
            assert value is None or value in allowed_values(relation)
            assert set(tags) <= known, tags
    for t in summary["event_tags"]:
        assert t.startswith("tlp:") or t in known, t


def test_the_taxonomy_names_every_indicator_warning_behaviour_and_disposition():
    values = {v["predicate"]: [e["value"] for e in v["entry"]] for v in TAXONOMY["values"]}
    assert values["indicator"] == list(INDICATORS)
    assert values["warning-behaviour"] == [r.name for r in load_rules()]
    assert values["disposition"] == ["escalate", "monitor", "unclear", "benign"]
    assert {p["value"] for p in TAXONOMY["predicates"]} == set(values)
    assert (MICROBLOG_TEMPLATE_UUID, MICROBLOG_TEMPLATE_VERSION) == (TEMPLATE["uuid"], str(TEMPLATE["version"]))


def test_a_labeled_store_exports_an_event_misp_loads_with_tags_evidence_and_notes(tmp_path, db_path):
    build_store(db_path).close()
    data = export_event(Cli(db_path), tmp_path / "e", "--any-label", "--tlp", "green")
    summary = check("misp", tmp_path / "e")
    assert_fits_misp(summary)
    assert summary["event_tags"][0] == "tlp:green" and data["Event"]["distribution"] == "1"
    assert summary["threat_level_id"] == 1  # an escalated post
    posts = summary["values"]
    assert sorted(posts) == [f"triage post jsonl:{p[0]}" for p in POSTS]
    p1 = posts["triage post jsonl:p1"]
    assert p1["post"][0] == POSTS[0][3]
    assert p1["username"][0] == "grim_reaper_77"
    assert p1["link"][0] == "https://social.example/grim_reaper_77/p1"
    assert set(p1["post"][2]) == {
        'threat-leakage:indicator="threat"', 'threat-leakage:indicator="weapons"',
        'threat-leakage:indicator="target"', 'threat-leakage:disposition="escalate"'}
    for indicator, evidence in POSTS[0][4]:
        start = POSTS[0][3].index(evidence)
        assert f"{indicator} {start}-{start + len(evidence)}" in p1["post"][1]
    notes = summary["reports"]["Analyst notes"]
    assert "jsonl:p1" in notes and r"\<b\>locally\</b\>" in notes  # inert Markdown


def test_the_demo_store_exports_an_event_with_its_warning_behaviours(demo_db, tmp_path):
    summary = sharing_check("misp", demo_db, tmp_path)  # loaded by PyMISP in a child process
    posts = sqlite3.connect(tmp_path / "demo.db").execute("SELECT COUNT(*) FROM posts").fetchone()[0]
    assert len(summary["objects"]) == posts
    assert_fits_misp(summary)
    assert "tlp:amber" in summary["event_tags"]
    assert 'threat-leakage:warning-behaviour="leakage"' in summary["event_tags"]
    assert any('threat-leakage:warning-behaviour="leakage"' in tags
               for *_, attributes in summary["objects"] for *_, tags in attributes), "evidence posts carry the tag"
    assert "leakage" in summary["reports"]["Authors of concern"]


def test_an_exported_event_imports_back_to_the_same_posts_once(tmp_path, db_path, other_db_path):
    build_store(other_db_path).close()
    export_event(Cli(other_db_path), tmp_path / "e", "--any-label")
    cli = Cli(db_path)
    first = cli("import", "--format", "misp", "--no-tag", tmp_path / "e" / "event.json")
    assert first.exit_code == 0, first.stderr
    assert "6 read, 6 added" in first.stdout
    again = cli("import", tmp_path / "e" / "event.json", "--no-tag")  # the format is recognised
    assert "6 read, 0 added, 6 already stored" in again.stdout

    def posts(db):
        return backend.rows(db, "SELECT p.source, p.external_id, p.text, a.handle, p.created_at, p.url FROM posts p "
                                "JOIN authors a ON a.id = p.author_id ORDER BY p.external_id")

    assert posts(db_path) == posts(other_db_path)
    audit = backend.rows(db_path, "SELECT detail FROM audit WHERE action = 'import'")
    assert json.loads(audit[0][0])["format"] == "misp"


def test_a_foreign_event_imports_its_good_objects_and_names_the_bad_one(tmp_path, db_path):
    event = {"Event": {"info": "from another MISP", "Object": [
        {"name": "microblog", "uuid": "0b7c5a4e-0000-4000-8000-000000000001", "Attribute": [
            {"object_relation": "post", "type": "text", "value": "we will burn it down friday"},
            {"object_relation": "username", "type": "text", "value": "ember"},
            {"object_relation": "creation-date", "type": "datetime", "value": "2026-05-02T10:00:00+00:00"}]},
        {"name": "file", "uuid": "0b7c5a4e-0000-4000-8000-000000000002", "Attribute": []},
        {"name": "microblog", "uuid": "0b7c5a4e-0000-4000-8000-000000000003", "Attribute": [
            {"object_relation": "username", "type": "text", "value": "no_text"}]},
        {"name": "microblog", "uuid": "0b7c5a4e-0000-4000-8000-000000000004", "timestamp": "1777716000",
         "Attribute": [{"object_relation": "post", "type": "text", "value": "\x1b]0;pwned\x07 second post"}]},
    ]}}
    path = tmp_path / "foreign.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    cli = Cli(db_path)
    result = cli("import", "--format", "misp", "--no-tag", path)
    assert result.exit_code == 3  # finished, one bad record
    assert f"{path}: entry 2: post: missing" in result.stderr
    assert "\x1b" not in result.stderr + result.stdout
    assert "2 read, 2 added, 0 already stored, 1 bad" in result.stdout
    rows = dict(backend.rows(db_path, "SELECT external_id, source FROM posts"))
    assert rows == {"0b7c5a4e-0000-4000-8000-000000000001": "misp", "0b7c5a4e-0000-4000-8000-000000000004": "misp"}
