"""`triage bundle export` / `import` between two real stations (two SQLite stores built from the
same posts through `triage import`), through the real CLI: both sides' decisions kept with their
analyst and time, conflicts reported, a second import adding nothing, since-last carrying only
what is new, both directions; and a tampered bundle refused whole with the store unchanged."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from triage.bundle import manifest as bundle_manifest
from triage.cli import main
from triage.store import Store

from .conftest import Cli, write_jsonl

TABLES = ("posts", "labels", "verdicts", "notes", "identity_links", "audit", "bundles", "bundle_rows",
          "bundle_audit", "meta")


def posts(numbers, source_author="u"):
    return [{"id": f"p{i}", "text": f"post {i}: they will pay for this", "author": f"{source_author}{i % 3}",
             "created_at": 1_780_000_000 + i * 3600} for i in numbers]


@pytest.fixture(autouse=True)
def _no_keyring():
    """No test here reads the developer's keyring: the team's bundle-key comes only from
    TRIAGE_SECRET_BUNDLE_KEY, given per command (``Station.run(key=...)``)."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


class Station:
    """One air-gapped station: its own store, analysts acting through the real CLI."""

    def __init__(self, tmp_path: Path, name: str, numbers=range(1, 7), db=None):
        self.db = db if db is not None else tmp_path / f"{name}.db"  # a PgUrl: a station on PostgreSQL
        self.cli = Cli(self.db)
        self.tmp = tmp_path
        self.run("import", write_jsonl(tmp_path / f"{name}-posts.jsonl", posts(numbers)), "--no-tag")
        self.run("import", write_jsonl(tmp_path / f"{name}-forum.jsonl", posts([1, 2], "f")), "--no-tag",
                 "--source", "forum")

    def run(self, *args, analyst: str = "tester", code: int = 0, key: str | None = None):
        # cli.analyst: the config's analyst, else the OS user
        env = {"USER": analyst, "TRIAGE_SECRET_BUNDLE_KEY": key}
        result = self.cli.runner.invoke(main, ["--db", str(getattr(self.db, "url", self.db)), *map(str, args)], env=env,
                                        catch_exceptions=False)
        assert result.exit_code == code, (args, result.output, result.stderr)
        return result

    def rows(self, sql: str, params=()):
        if hasattr(self.db, "url"):
            import psycopg

            with psycopg.connect(self.db.url) as pg:
                return [tuple(r) for r in pg.execute(sql.replace("?", "%s"), params).fetchall()]
        conn = sqlite3.connect(self.db)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def counts(self) -> dict:
        return {t: self.rows(f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES} | \
            {"meta rows": self.rows("SELECT key, value FROM meta ORDER BY key")}

    def decisions(self, table: str = "labels", column: str = "disposition"):
        return sorted(self.rows(f"SELECT p.source || ':' || p.external_id, t.analyst, t.{column}, t.at "
                                f"FROM {table} t JOIN posts p ON p.id = t.post_id"))

    def dispositions(self):
        return dict(self.rows("SELECT source || ':' || external_id, disposition FROM posts"))


@pytest.fixture
def stations(tmp_path):
    one, two = Station(tmp_path, "one"), Station(tmp_path, "two")
    one.run("label", "jsonl:p1", "jsonl:p2", "--as", "escalate", "--indicator", "threat=1", analyst="ana")
    one.run("label", "jsonl:p1", "--as", "escalate", "--note", "same wording as the March post", analyst="ana")
    one.run("link", "jsonl:u1", "forum:f1", "--note", "same signature", analyst="ana")
    one.run("label", "jsonl:p3", "--as", "monitor", analyst="carol")  # another analyst on station one
    two.run("label", "jsonl:p2", "--as", "benign", analyst="bob")
    two.run("label", "jsonl:p4", "--as", "monitor", analyst="bob")
    return one, two


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_bundle_carries_both_sides_and_reports_the_conflict(stations, tmp_path):
    one, two = stations
    out = tmp_path / "usb" / "ana-1"
    out.parent.mkdir()
    said = one.run("bundle", "export", out, analyst="ana").output
    assert "bundle of ana: 3 labels, 2 verdicts, 1 notes, 1 identity links on 2 posts" in said
    assert sorted(p.name for p in out.iterdir()) == ["audit.jsonl", "identity_links.jsonl", "labels.jsonl",
                                                     "manifest.json", "notes.jsonl", "posts.jsonl", "verdicts.jsonl"]
    # carol's label stays home; her audit rows travel as id and hashes only
    assert {r["analyst"] for r in read_jsonl(out / "labels.jsonl")} == {"ana"}
    carried = read_jsonl(out / "audit.jsonl")
    assert [r["id"] for r in carried] == list(range(1, len(carried) + 1))
    assert any(r.get("withheld") for r in carried) and all("action" not in r for r in carried if r.get("withheld"))
    sealed = json.loads((out / "manifest.json").read_text())
    assert sealed["bundle_id"] in said and sealed["analyst"] == "ana" and sealed["counts"]["audit"] == len(carried)

    said = two.run("bundle", "import", out, analyst="bob").output
    assert "3 labels, 2 verdicts, 1 notes, 1 identity links added, 0 already here" in said
    assert "conflict jsonl:p2: ana escalate, bob benign" in said
    assert "1 conflicts" in said
    # ana's decisions arrived with her name and her original times; bob's are all still there
    assert [d for d in two.decisions() if d[1] == "ana"] == [d for d in one.decisions() if d[1] == "ana"]
    assert [d[:3] for d in two.decisions() if d[1] == "bob"] == [("jsonl:p2", "bob", "benign"),
                                                                 ("jsonl:p4", "bob", "monitor")]
    assert two.decisions("verdicts", "verdict") == one.decisions("verdicts", "verdict")
    assert two.decisions("notes", "body") == one.decisions("notes", "body")
    assert two.rows("SELECT a.source || ':' || a.handle, b.source || ':' || b.handle, l.linked, l.analyst, l.note "
                    "FROM identity_links l JOIN authors a ON a.id = l.a_id JOIN authors b ON b.id = l.b_id") == \
        [("jsonl:u1", "forum:f1", 1, "ana", "same signature")]
    # bob labeled p2 after ana: the latest decision is current; the disagreement stays in labels
    assert two.dispositions()["jsonl:p2"] == "benign" and two.dispositions()["jsonl:p1"] == "escalate"
    assert two.rows("SELECT COUNT(*) FROM bundle_audit")[0][0] == len(carried)
    assert two.rows("SELECT action, analyst FROM audit ORDER BY id DESC LIMIT 1") == [("bundle-import", "bob")]
    assert "audit chain ok" in two.run("audit", "verify").output

    before = two.counts()
    said = two.run("bundle", "import", out, analyst="bob").output
    assert "imported before" in said and "0 labels, 0 verdicts, 0 notes, 0 identity links added, 7 already here" in said
    after = two.counts()
    assert after.pop("audit") == before.pop("audit") + 1  # the second import is logged, and adds nothing else
    assert after["meta rows"] != before["meta rows"]  # the audit head moved with that row
    assert {k: v for k, v in after.items() if k != "meta rows"} == {k: v for k, v in before.items() if k != "meta rows"}


def test_since_last_carries_only_what_is_new_and_the_chain_joins(stations, tmp_path):
    one, two = stations
    one.run("bundle", "export", tmp_path / "b1", analyst="ana")
    two.run("bundle", "import", tmp_path / "b1", analyst="bob")
    assert "nothing new from ana" in one.run("bundle", "export", tmp_path / "b-empty", analyst="ana").output
    assert not (tmp_path / "b-empty").exists()

    one.run("label", "jsonl:p5", "--as", "unclear", analyst="ana")
    one.run("bundle", "export", tmp_path / "b2", analyst="ana")
    assert [(r["external_id"], r["disposition"]) for r in read_jsonl(tmp_path / "b2" / "labels.jsonl")] == \
        [("p5", "unclear")]
    first = json.loads((tmp_path / "b1" / "manifest.json").read_text())["audit"]
    second = json.loads((tmp_path / "b2" / "manifest.json").read_text())["audit"]
    assert second["first_id"] == first["last_id"] + 1 and second["first_prev_hash"] == first["last_hash"]
    said = two.run("bundle", "import", tmp_path / "b2", analyst="bob").output
    assert "1 labels, 0 verdicts, 0 notes, 0 identity links added" in said
    assert "not here yet" not in said  # the piece follows the one b1 brought
    assert ("jsonl:p5", "ana", "unclear") in [d[:3] for d in two.decisions()]

    # --all carries everything again; what is already here is recognised row by row
    one.run("bundle", "export", tmp_path / "b-all", "--all", analyst="ana")
    said = two.run("bundle", "import", tmp_path / "b-all", analyst="bob").output
    assert "0 labels, 0 verdicts, 0 notes, 0 identity links added, 8 already here" in said


def test_bundles_go_both_ways_and_never_carry_what_came_from_elsewhere(stations, tmp_path):
    one, two = stations
    one.run("bundle", "export", tmp_path / "from-one", analyst="ana")
    two.run("bundle", "import", tmp_path / "from-one", analyst="bob")
    said = two.run("bundle", "export", tmp_path / "from-two", analyst="bob").output
    assert "bundle of bob: 2 labels" in said
    said = one.run("bundle", "import", tmp_path / "from-two", analyst="ana").output
    assert "2 labels, 0 verdicts, 0 notes, 0 identity links added" in said
    assert "conflict jsonl:p2: bob benign, ana escalate" in said
    assert "audit chain ok" in one.run("audit", "verify").output
    # carol's bundle (one station, one bundle per analyst) follows ana's: its audit piece starts
    # at row 1 again, with ana's rows withheld
    one.run("bundle", "export", tmp_path / "carol", analyst="carol")
    assert "1 labels" in two.run("bundle", "import", tmp_path / "carol", analyst="bob").output
    # the two stations now agree on every post's current disposition
    assert one.dispositions() == two.dispositions()
    # ana's rows that went to two did not come back (two exported bob's only, and re-exporting
    # ana's from two leaves out what a bundle brought)
    assert "nothing new from ana" in two.run("bundle", "export", tmp_path / "echo", analyst="ana").output
    assert len([d for d in one.decisions() if d[1] == "ana"]) == 3
    # a station does not take its own bundle back
    result = one.run("bundle", "import", tmp_path / "from-one", analyst="ana", code=1)
    assert "made on this station" in result.stderr


def test_rows_on_posts_this_station_lacks_wait_for_them(tmp_path):
    one, two = Station(tmp_path, "one"), Station(tmp_path, "two", numbers=range(1, 4))
    one.run("label", "jsonl:p1", "jsonl:p5", "--as", "escalate", analyst="ana")
    one.run("bundle", "export", tmp_path / "b", analyst="ana")
    result = two.run("bundle", "import", tmp_path / "b", analyst="bob", code=3)
    assert "1 labels" in result.output
    assert "1 rows wait for 1 posts and 0 accounts this store does not have (jsonl:p5)" in result.output
    assert [d[0] for d in two.decisions()] == ["jsonl:p1"]
    two.run("import", write_jsonl(tmp_path / "late.jsonl", posts([5])), "--no-tag")
    result = two.run("bundle", "import", tmp_path / "b", analyst="bob")
    assert "1 labels, 0 verdicts, 0 notes, 0 identity links added, 1 already here" in result.output
    assert [d[:3] for d in two.decisions()] == [("jsonl:p1", "ana", "escalate"), ("jsonl:p5", "ana", "escalate")]


# ---- tampering ---------------------------------------------------------------------------------

def reseal(root: Path) -> None:
    """What a careful tamperer does after editing: recompute every file hash and the seal."""
    body = json.loads((root / "manifest.json").read_text())
    body["files"] = [bundle_manifest.file_entry(root, name) for name in bundle_manifest.FILES]
    body["bundle_id"] = bundle_manifest.bundle_id(body)
    (root / "manifest.json").write_text(json.dumps(body))


def flip_a_byte(root: Path) -> None:
    data = bytearray((root / "labels.jsonl").read_bytes())
    at = data.index(b"escalate")
    data[at] = ord("E")
    (root / "labels.jsonl").write_bytes(bytes(data))


def edit_manifest(root: Path) -> None:
    body = json.loads((root / "manifest.json").read_text())
    body["analyst"] = "mallory"
    (root / "manifest.json").write_text(json.dumps(body))


def drop_a_file(root: Path) -> None:
    (root / "notes.jsonl").unlink()


def add_a_file(root: Path) -> None:
    (root / "extra.jsonl").write_text('{"id": 1}\n')


def reorder_audit_rows(root: Path) -> None:
    lines = (root / "audit.jsonl").read_text().splitlines(keepends=True)
    lines[1], lines[2] = lines[2], lines[1]
    (root / "audit.jsonl").write_text("".join(lines))
    reseal(root)


def edit_an_audit_row(root: Path) -> None:
    rows = read_jsonl(root / "audit.jsonl")
    label = next(r for r in rows if r.get("action") == "label")
    label["detail"] = label["detail"].replace("escalate", "benign")
    (root / "audit.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    reseal(root)


def bad_record(root: Path) -> None:
    rows = read_jsonl(root / "labels.jsonl")
    rows[1]["at"] = 1e300
    (root / "labels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    reseal(root)


def another_analysts_row(root: Path) -> None:
    rows = read_jsonl(root / "labels.jsonl")
    rows[0]["analyst"] = "mallory"
    (root / "labels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    reseal(root)


@pytest.mark.parametrize(("tamper", "message"), [
    (flip_a_byte, "labels.jsonl: changed since export (SHA-256 differs from the manifest)"),
    (edit_manifest, "manifest.json: edited after export (it does not hash to its bundle_id)"),
    (drop_a_file, "notes.jsonl: missing"),
    (add_a_file, "extra.jsonl: extra file, not in the manifest"),
    (reorder_audit_rows, "audit.jsonl:2: row 3 out of order (row 2 should follow row 1)"),
    (edit_an_audit_row, "was changed after it was written (hash differs)"),
    (bad_record, "labels.jsonl:2: at: 1e+300 is not a time between 1990 and tomorrow"),
    (another_analysts_row, "labels.jsonl:1: analyst: 'mallory' is not the bundle's analyst"),
])
def test_a_tampered_bundle_is_refused_whole_and_nothing_is_written(stations, tmp_path, tamper, message):
    one, two = stations
    good = tmp_path / "good"
    one.run("bundle", "export", good, analyst="ana")
    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    tamper(bad)
    before = two.counts()
    result = two.run("bundle", "import", bad, analyst="bob", code=1)
    assert message in result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith("bundle refused, nothing imported")
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""
    assert two.counts() == before
    # the untouched bundle still goes in
    assert "3 labels" in two.run("bundle", "import", good, analyst="bob").output


def test_not_a_bundle_is_one_line(stations, tmp_path):
    _one, two = stations
    (tmp_path / "empty").mkdir()
    result = two.run("bundle", "import", tmp_path / "empty", code=1)
    assert result.stderr == f"triage: error: {tmp_path / 'empty'}: manifest.json: missing (not a triage bundle): " \
                            "bundle refused, nothing imported\n"
    result = two.run("bundle", "import", tmp_path / "nowhere", code=1)
    assert "not a bundle directory" in result.stderr
    result = _one.run("bundle", "export", tmp_path / "empty", code=1)
    assert "already exists" in result.stderr


def rechain(root: Path, prev_hash: str) -> None:
    """A station whose audit chain was rewritten: the same rows, hashed onto another past."""
    from triage.store.audit import row_hash

    rows = read_jsonl(root / "audit.jsonl")
    for row in rows:
        row["prev_hash"] = prev_hash
        row["hash"] = ("f" * 64 if row.get("withheld") else
                       row_hash(prev_hash, row["id"], row["at"], row["analyst"], row["action"], row["target"],
                                row["detail"]))
        prev_hash = row["hash"]
    (root / "audit.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    body = json.loads((root / "manifest.json").read_text())
    body["audit"]["first_prev_hash"], body["audit"]["last_hash"] = rows[0]["prev_hash"], rows[-1]["hash"]
    (root / "manifest.json").write_text(json.dumps(body))
    reseal(root)


def test_a_station_whose_chain_was_rewritten_between_bundles_is_refused(stations, tmp_path):
    one, two = stations
    one.run("bundle", "export", tmp_path / "b1", analyst="ana")
    two.run("bundle", "import", tmp_path / "b1", analyst="bob")
    one.run("label", "jsonl:p5", "--as", "unclear", analyst="ana")
    one.run("bundle", "export", tmp_path / "b2", analyst="ana")
    shutil.copytree(tmp_path / "b2", tmp_path / "forged")
    rechain(tmp_path / "forged", "e" * 64)  # self-consistent on its own: only the join gives it away
    before = two.counts()
    result = two.run("bundle", "import", tmp_path / "forged", analyst="bob", code=1)
    first = json.loads((tmp_path / "b2" / "manifest.json").read_text())["audit"]["first_id"]
    assert f"audit.jsonl:1: row {first} does not follow row {first - 1} of an earlier bundle from this station" \
        in result.stderr
    assert two.counts() == before
    # a later bundle whose earlier piece never arrived is taken, and says so
    three = Station(tmp_path, "three")
    said = three.run("bundle", "import", tmp_path / "b2", analyst="dan").output
    assert f"audit rows before {first} of this station are not here yet" in said


def test_names_from_another_station_reach_the_terminal_sanitized(tmp_path):
    one, two = Station(tmp_path, "one"), Station(tmp_path, "two")
    hostile = "ana\x1b]0;owned\x07\x1b[2J"
    # The CLI refuses such a name (--analyst is checked); a station's store may still hold one
    # (an older triage, a script on the Store API): it must travel and be shown sanitized.
    with Store.open(one.db) as store:
        store.set_disposition([store.resolve_post("jsonl:p1")], "escalate", hostile)
    two.run("label", "jsonl:p1", "--as", "benign", analyst="bob")
    one.run("bundle", "export", tmp_path / "b", "--of", hostile, analyst="ana")
    said = two.run("bundle", "import", tmp_path / "b", analyst="bob").output
    assert "conflict jsonl:p1: ana" in said and "\x1b" not in said and "\x07" not in said
    assert two.rows("SELECT analyst FROM labels WHERE disposition = 'escalate'") == [(hostile,)]  # kept as written


def test_identity_links_on_accounts_this_station_lacks_wait(tmp_path):
    one = Station(tmp_path, "one")
    two = Station(tmp_path, "two")
    one.run("import", write_jsonl(tmp_path / "extra.jsonl", posts([9], "zed")), "--no-tag", "--source", "board")
    one.run("link", "jsonl:u1", "board:zed0", analyst="ana")
    one.run("link", "jsonl:u1", "forum:f1", analyst="ana")
    one.run("bundle", "export", tmp_path / "b", analyst="ana")
    result = two.run("bundle", "import", tmp_path / "b", analyst="bob", code=3)
    assert "0 labels, 0 verdicts, 0 notes, 1 identity links added" in result.output
    assert "1 rows wait for 0 posts and 1 accounts this store does not have (board:zed0)" in result.output


def test_audit_rows_withheld_in_one_bundle_are_kept_whole_from_their_analysts_own(stations, tmp_path):
    one, two = stations
    one.run("bundle", "export", tmp_path / "carol", analyst="carol")  # ana's rows withheld in it
    one.run("bundle", "export", tmp_path / "ana", analyst="ana")
    two.run("bundle", "import", tmp_path / "carol", analyst="bob")
    withheld = two.rows("SELECT COUNT(*) FROM bundle_audit WHERE withheld = 1")[0][0]
    said = two.run("bundle", "import", tmp_path / "ana", analyst="bob").output
    ana_rows = [r for r in read_jsonl(tmp_path / "ana" / "audit.jsonl") if not r.get("withheld")]
    assert two.rows("SELECT COUNT(*) FROM bundle_audit WHERE withheld = 1")[0][0] == withheld - len(ana_rows) + 1
    assert two.rows("SELECT action FROM bundle_audit WHERE analyst = 'ana' ORDER BY remote_id") == \
        [(r["action"],) for r in ana_rows]
    assert f"{len(ana_rows) + 1} audit rows kept" in said  # and carol's export row, new here


def test_a_team_key_signs_bundles_and_a_station_with_it_takes_signed_ones_only(stations, tmp_path):
    one, two = stations
    team = "correct horse battery staple"
    said = one.run("bundle", "export", tmp_path / "signed", analyst="ana", key=team).output
    assert "signed with the team's bundle-key" in said
    assert json.loads((tmp_path / "signed" / "manifest.json").read_text())["signature"]["method"] == "hmac-sha256"
    one.run("label", "jsonl:p6", "--as", "benign", analyst="carol")
    assert "unsigned: no bundle-key" in one.run("bundle", "export", tmp_path / "plain", analyst="carol").output

    # a careful tamperer reseals every hash; only the key tells
    shutil.copytree(tmp_path / "signed", tmp_path / "resealed")
    bad_record(tmp_path / "resealed")
    body = json.loads((tmp_path / "resealed" / "manifest.json").read_text())
    assert body["bundle_id"] != json.loads((tmp_path / "signed" / "manifest.json").read_text())["bundle_id"]
    before = two.counts()
    result = two.run("bundle", "import", tmp_path / "resealed", analyst="bob", key=team, code=1)
    assert "manifest.json: signature does not match this station's bundle-key" in result.stderr
    result = two.run("bundle", "import", tmp_path / "signed", analyst="bob", key="another team", code=1)
    assert "signature does not match" in result.stderr
    result = two.run("bundle", "import", tmp_path / "plain", analyst="bob", key=team, code=1)
    assert "manifest.json: not signed, and this station takes signed bundles only" in result.stderr
    assert two.counts() == before

    said = two.run("bundle", "import", tmp_path / "signed", analyst="bob", key=team).output
    assert "signature verified with the team's bundle-key" in said and "3 labels" in said
    said = two.run("bundle", "import", tmp_path / "plain", analyst="bob").output  # no key here: taken, and said
    assert "unsigned: no bundle-key on this station" in said and "2 labels" in said  # carol: p3, p6
    three = Station(tmp_path, "three")
    assert "signed, but not checked" in three.run("bundle", "import", tmp_path / "signed", analyst="dan").output


def test_bundles_go_between_a_sqlite_station_and_a_postgresql_store(tmp_path, pg_url):
    """A field station on SQLite and the team's PostgreSQL store exchange bundles both ways."""
    field, team = Station(tmp_path, "field"), Station(tmp_path, "team", db=pg_url)
    field.run("label", "jsonl:p1", "--as", "escalate", analyst="ana")
    field.run("label", "jsonl:p2", "--as", "escalate", "--note", "seen twice", analyst="ana")
    team.run("label", "jsonl:p2", "--as", "benign", analyst="bob")
    team.run("label", "jsonl:p3", "--as", "monitor", "--indicator", "threat=1", analyst="bob")

    field.run("bundle", "export", tmp_path / "ana", analyst="ana")
    said = team.run("bundle", "import", tmp_path / "ana", analyst="bob").output
    assert "2 labels, 0 verdicts, 1 notes, 0 identity links added" in said
    assert "conflict jsonl:p2: ana escalate, bob benign" in said
    assert "0 labels, 0 verdicts, 0 notes, 0 identity links added, 3 already here" in \
        team.run("bundle", "import", tmp_path / "ana", analyst="bob").output  # twice adds nothing

    team.run("bundle", "export", tmp_path / "bob", analyst="bob")
    said = field.run("bundle", "import", tmp_path / "bob", analyst="ana").output
    assert "2 labels, 1 verdicts, 0 notes, 0 identity links added" in said
    # Both stores now hold both analysts' decisions, with their own times.
    assert field.decisions() == team.decisions()
    assert field.decisions("verdicts", "verdict") == team.decisions("verdicts", "verdict")
    assert [d[:3] for d in team.decisions() if d[0] == "jsonl:p2"] == [("jsonl:p2", "ana", "escalate"),
                                                                      ("jsonl:p2", "bob", "benign")]
    for station in (field, team):
        assert "audit chain ok" in station.run("audit", "verify").output
