"""`triage export --format stix`: a STIX 2.1 bundle from a real store, checked by the stix2 library
(strict parse, no custom content) and by the OASIS validator (stix2-validator), through the CLI."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from triage.cli.export_cmds import FORMAT_CHOICES, TLP_CHOICES
from triage.export import FORMATS, TLP_LEVELS
from triage.export.stix import EVIDENCE_EXTENSION, TLP_MARKINGS

from . import backend
from .conftest import Cli
from .test_export_fixtures import POSTS, build_store


def copy_store(src, dst):
    """The session's demo store, copied (an export writes its audit row into the store)."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst


def triage_binary(db, *args, env=None) -> subprocess.CompletedProcess:
    """The installed `triage` in a child process: stix2 is imported there, not in this session
    (whose peak RSS the importer fuzz test measures)."""
    return subprocess.run([str(Path(sys.executable).parent / "triage"), "--db", backend.cli_value(db), *map(str, args)],
                          capture_output=True, text=True, timeout=300, env=env)


def export_bundle(cli: Cli, out, *args, env=None) -> dict:
    result = triage_binary(cli.db, "export", "--format", "stix", "--out", out, *args, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads((out / "bundle.json").read_text(encoding="utf-8"))


def check(kind: str, out) -> dict:
    """stix2.parse(allow_custom=False) + stix2-validator, or PyMISP's loader, in a child process
    (tests/sharing_check.py): the validators' modules stay out of this session, whose peak RSS
    the importer fuzz test measures."""
    proc = subprocess.run([sys.executable, str(Path(__file__).parent / "sharing_check.py"), f"check-{kind}",
                           str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def assert_valid(out) -> None:
    summary = check("stix", out)
    assert summary["valid"], summary["errors"]


def by_type(bundle: dict, kind: str) -> list[dict]:
    return [o for o in bundle["objects"] if o["type"] == kind]


def test_the_cli_offers_every_export_format_and_tlp_level():
    assert FORMAT_CHOICES == FORMATS and TLP_CHOICES == TLP_LEVELS


def test_a_labeled_store_exports_a_valid_bundle_with_evidence_dispositions_and_notes(tmp_path, db_path):
    build_store(db_path).close()
    result = triage_binary(db_path, "export", "--format", "stix", "--out", tmp_path / "b", "--any-label")
    assert result.returncode == 0, result.stderr
    assert "exported 6 posts as stix marked TLP:AMBER to" in result.stdout
    bundle = json.loads((tmp_path / "b" / "bundle.json").read_text(encoding="utf-8"))
    assert_valid(tmp_path / "b")

    [marking] = by_type(bundle, "marking-definition")
    assert marking["id"] == TLP_MARKINGS["amber"] and marking["name"] == "TLP:AMBER"
    [analyst] = by_type(bundle, "identity")
    assert analyst["name"] == "tester" and analyst["identity_class"] == "individual"
    for obj in bundle["objects"]:
        if obj["type"] != "marking-definition":
            assert obj["object_marking_refs"] == [marking["id"]], obj["id"]
    accounts = {a["account_login"]: a for a in by_type(bundle, "user-account")}
    assert sorted(accounts) == ["coffee_fan_2", "grim_reaper_77", "sad_sam_99"]
    assert accounts["grim_reaper_77"]["user_id"] == "acct-grim-77"

    posts = {n["external_references"][0]["external_id"]: n for n in by_type(bundle, "note")
             if n.get("abstract", "").startswith("jsonl post")}
    assert sorted(posts) == [p[0] for p in POSTS]
    p1 = posts["p1"]
    assert p1["content"] == POSTS[0][3]
    assert p1["object_refs"] == [accounts["grim_reaper_77"]["id"]]
    assert set(p1["labels"]) >= {"detected:threat", "confirmed:target", "confirmed:weapons"}
    ext = p1["extensions"][EVIDENCE_EXTENSION]
    spans = {(e["indicator"], p1["content"][e["start"]:e["end"]]) for e in ext["evidence"]}
    assert spans == {("weapons", "bought a rifle"), ("threat", "I will shoot @mayor_bob"),
                     ("target", "@mayor_bob at city hall")}
    assert (ext["disposition"], ext["score"], ext["posted_at"]) == ("escalate", 0.91, "2026-05-28T20:26:40Z")

    opinions = {o["object_refs"][0]: o for o in by_type(bundle, "opinion")}
    assert opinions[p1["id"]]["opinion"] == "strongly-agree"
    assert opinions[posts["p3"]["id"]]["opinion"] == "strongly-disagree"  # benign
    assert posts["p6"]["id"] not in opinions  # never labeled
    [note] = [n for n in by_type(bundle, "note") if n.get("abstract") == "analyst note"]
    assert note["object_refs"] == [p1["id"]] and note["authors"] == ["ana"]
    assert "<b>locally</b>" in note["content"]  # a value, never markup in a JSON consumer's hands

    [grouping] = by_type(bundle, "grouping")
    assert set(grouping["object_refs"]) == {o["id"] for o in bundle["objects"]} - {marking["id"], grouping["id"]}


@pytest.mark.parametrize("level", TLP_LEVELS)
def test_each_tlp_level_is_the_published_tlp_2_marking(tmp_path, level, db_path):
    build_store(db_path).close()
    bundle = export_bundle(Cli(db_path), tmp_path / "b", "--tlp", level)
    [marking] = by_type(bundle, "marking-definition")
    assert marking["id"] == TLP_MARKINGS[level]
    assert marking["extensions"]["extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"]["tlp_2_0"] == level
    assert_valid(tmp_path / "b")


def sharing_check(fmt: str, demo_db, tmp_path) -> dict:
    """The real binary exports every post of a copy of the demo store; a child process checks it
    (tests/sharing_check.py: the full demo bundle in memory stays out of this session)."""
    db = copy_store(demo_db, tmp_path / "demo.db")
    proc = subprocess.run([sys.executable, str(Path(__file__).parent / "sharing_check.py"), fmt, str(db),
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_the_demo_store_exports_a_valid_bundle_with_its_authors_of_concern(demo_db, tmp_path):
    summary = sharing_check("stix", demo_db, tmp_path)
    assert summary["valid"], summary["errors"]
    posts = sqlite3.connect(tmp_path / "demo.db").execute("SELECT COUNT(*) FROM posts").fetchone()[0]
    assert summary["posts"] == posts  # every post of the demo store
    assert "trap-18:leakage" in summary["concern_labels"], "the demo's escalating authors are of concern"
    assert all(c.startswith("author concern ") for c in summary["concern_contents"])
    assert summary["dangling"] == []  # every reference resolves inside the bundle


def test_a_pseudonymized_bundle_names_no_author(tmp_path, db_path):
    build_store(db_path).close()
    # The child's pseudonymization key for this one run, as the README documents it.
    env = {**os.environ, "TRIAGE_SECRET_EXPORT_HMAC_KEY": "7a" * 32}
    bundle = export_bundle(Cli(db_path), tmp_path / "b", "--any-label", "--pseudonymize", env=env)
    assert_valid(tmp_path / "b")
    text = json.dumps(bundle)
    for handle in ("grim_reaper_77", "acct-grim-77", "mayor_bob", "Grim Reaper 77"):
        assert handle not in text


def test_hostile_text_stays_a_value(tmp_path, db_path):
    from triage.records import PostRecord
    from triage.store import Store

    hostile = '"}], "type": "identity", "id": "identity--x", "\x1b]0;pwn\x07 \u2028 {{id}}'
    store = Store.open(db_path)
    store.add_posts([PostRecord(source="jsonl", external_id='x"1', text=hostile, author_handle='a"b',
                                created_at=1_780_000_000, created_raw="1780000000", raw={})])
    store.close()
    bundle = export_bundle(Cli(db_path), tmp_path / "b", "--any-label")
    assert_valid(tmp_path / "b")
    [post] = [n for n in by_type(bundle, "note") if n.get("abstract", "").startswith("jsonl post")]
    assert post["content"] == hostile
    assert len(by_type(bundle, "identity")) == 1
    assert "\u2028" not in (tmp_path / "b" / "bundle.json").read_text(encoding="utf-8")
