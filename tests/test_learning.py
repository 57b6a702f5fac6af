"""The retraining loop end to end (issue #6): a labeled store -> `triage export --format jsonl` ->
`triage eval` -> `triage train` -> `triage rescore`, and the numbers agreeing along the way."""

from __future__ import annotations

import json
import random
from datetime import timezone
from pathlib import Path

import pytest

from triage.evaluation import Metrics
from triage.records import PostRecord
from triage.store import SCHEMA_VERSION, Store

from . import backend
from .conftest import Cli

T0 = 1_780_000_000
ANALYST = "tester"  # conftest sets USER, which is the default analyst

GROUPS = ["the landlords", "those bankers", "the council", "city hall staff", "the referees", "my neighbours",
          "the school board", "the tax office", "the night shift", "the new tenants"]
PLACES = ["the market", "the depot", "the harbour", "the mall", "the station", "the plaza", "the library",
          "the stadium", "the ferry dock", "the car park"]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# Oblique wording the rules hardly know and the starter model never saw: a model trained on the
# analysts' labels has something to learn that the current detector does not already score.
TEMPLATES = {
    "threat": ["{g} will meet the reckoning at {p} on {d}",
               "soon {g} get the reckoning they earned, {d} at {p}, mark my words",
               "the cleansing of {p} starts {d}, {g} first",
               "{g} have until {d} before the reckoning reaches {p}"],
    "distress": ["everything feels grey and pointless since {d}, even {p} means nothing now",
                 "i feel so empty and hollow, {d} at {p} was unbearable",
                 "nobody at {p} notices me, so tired of existing, {d} again",
                 "another {d} sobbing alone near {p}, hollow inside"],
    "benign": ["{g} organised a lovely fair at {p} on {d}",
               "met {g} at {p} on {d}, nice chat about the weather",
               "{p} is busy on {d}, grab a coffee first, {g} say hi",
               "watching the match at {p} this {d} with {g}"],
}


def texts(kind: str, n: int, rng: random.Random, taken: set[str]) -> list[str]:
    out = []
    while len(out) < n:
        t = rng.choice(TEMPLATES[kind]).format(g=rng.choice(GROUPS), p=rng.choice(PLACES), d=rng.choice(DAYS))
        if t not in taken:
            taken.add(t)
            out.append(t)
    return out


def build_labeled_store(path: Path) -> dict[str, list[int]]:
    """~360 labeled posts (threat escalated, distress monitored, benign) and 60 unlabeled ones,
    tagged by the current detector as an import would. Returns store ids by kind."""
    from triage.tagging import make_tagger

    rng = random.Random(6)
    taken: set[str] = set()
    plan = [("threat", 120, True), ("distress", 80, True), ("benign", 160, True),
            ("threat", 20, False), ("distress", 20, False), ("benign", 20, False)]
    rows = [(kind, labeled, t) for kind, n, labeled in plan for t in texts(kind, n, rng, taken)]
    rng.shuffle(rows)
    store = Store.open(path)
    store.add_posts([PostRecord(source="jsonl", external_id=f"p{n}", text=t, author_handle=f"user{n % 23}",
                                created_at=T0 + n * 3600, created_raw=str(T0 + n * 3600), raw={"id": n})
                     for n, (_, _, t) in enumerate(rows)])
    ids: dict[str, list[int]] = {}
    make_tagger().tag_untagged(store)  # Store.write_tags with the current (starter) detector
    for n, (kind, labeled, _) in enumerate(rows):
        pid = store.resolve_post(f"jsonl:p{n}")
        ids.setdefault(kind if labeled else f"unlabeled_{kind}", []).append(pid)
    store.set_disposition(ids["threat"], "escalate", ANALYST)
    store.set_disposition(ids["distress"], "monitor", ANALYST)
    store.set_disposition(ids["benign"], "benign", ANALYST)  # every text indicator 0 in the export
    for pid in ids["threat"]:
        store.set_verdict(pid, "threat", 1, ANALYST)
    for pid in ids["distress"]:
        store.set_verdict(pid, "distress", 1, ANALYST)
        store.set_verdict(pid, "threat", 0, ANALYST)
    store.close()
    return ids


def eval_json(cli: Cli, path: Path, *extra) -> dict:
    result = cli("eval", path, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_labels_to_export_to_eval_to_train_to_rescore(cli, db_path, tmp_path):
    from screens.formatting import post_panel
    from triage.learning import active_model_dir, models_dir
    from triage.store import queries
    from triage.store.rescore_queries import rescores_at

    ids = build_labeled_store(db_path)

    # export: the labeled set as JSONL with its manifest
    out = tmp_path / "set"
    result = cli("export", "--format", "jsonl", "--out", out)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["posts"] == 360

    # eval: the current detector (the shipped starter model) on the exported dev file
    before = eval_json(cli, out / "dev.jsonl")

    # train on the store's labels
    result = cli("train", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # the same examples and split as the export wrote
    assert (report["examples"], report["train"], report["dev"]) == (
        manifest["counts"]["posts"], manifest["counts"]["train"], manifest["counts"]["dev"])
    assert report["trained_on"] == manifest["counts"]["train"]  # every exported post labels an indicator
    # training continues from the model in use: the starter's labels stay (radicalization and
    # target keep their weights, the analysts did not label them) and distress is added
    from triage.detector.model import read_info
    from triage.detector.resources import default_model_dir

    starter = read_info(default_model_dir())
    assert report["labels"] == starter.labels + ["distress"]
    assert report["continued_from"] == starter.model_id and report["dropped_labels"] == []
    for ind in ("threat", "distress"):
        cmp = report["comparison"][ind]
        counts = manifest["counts"]["indicators"][ind]
        assert cmp["n"] == counts["dev_positive"] + counts["dev_negative"]
        assert cmp["positives"] == counts["dev_positive"]
        # the "current" column is what `triage eval` said about the current detector
        assert cmp["current"] == pytest.approx(before["indicators"][ind])
    assert report["current_detector"] == before["detector"]

    # the new model is saved, versioned, carries its record, and (better on dev) was activated
    model_dir = Path(report["model_dir"])
    assert model_dir.parent == models_dir() and model_dir.name.endswith("-" + report["model_id"])
    meta = json.loads((model_dir / "triage_model.json").read_text())
    assert meta["training"]["dev"] == report["dev"] and meta["training"]["source"]["kind"] == "store"
    assert report["new_detector"].endswith("+model-" + report["model_id"])
    assert report["mean_auc_new"] > report["mean_auc_current"]
    assert report["recommend"] and report["activated"] and set(report["judged_on"]) == {"threat", "distress"}
    assert active_model_dir() == model_dir

    # eval of the new model on the exported dev file: the numbers train printed for "new"
    after = eval_json(cli, out / "dev.jsonl", "--model", model_dir)
    assert after["detector"] == report["new_detector"]
    for ind in ("threat", "distress"):
        assert report["comparison"][ind]["new"] == pytest.approx(after["indicators"][ind])
    table = cli("eval", out / "dev.jsonl", "--model", model_dir).output
    auc = f"{after['indicators']['threat']['roc_auc']:.3f}"
    assert auc in table

    # rescore: the store's posts get the new detector; what moved is recorded
    with backend.connection(db_path) as conn:
        old = {pid: (score, bool(flagged)) for pid, score, flagged in conn.execute("SELECT id, score, flagged FROM posts")}
        lifted = {pid for (pid,) in conn.execute("SELECT post_id FROM concern_lifts")}
    result = cli("rescore", "--json")
    assert result.exit_code == 0, result.output
    rs = json.loads(result.output)
    assert rs["detector_version"] == report["new_detector"] and report["model_id"] in rs["detector_version"]
    assert rs["previous_versions"] == {before["detector"]: 420}
    with backend.connection(db_path) as conn:
        new = {pid: (score, bool(flagged)) for pid, score, flagged in conn.execute("SELECT id, score, flagged FROM posts")}
        versions = {v for (v,) in conn.execute("SELECT DISTINCT detector_version FROM posts")}
        # Posts flagged for their author's concern (not their own score) are the analytics' doing:
        # the refresh after the rescore lifts them again. The detector's flags are the rest.
        lifted |= {pid for (pid,) in conn.execute("SELECT post_id FROM concern_lifts")}
    detector = [p for p in old if p not in lifted]
    assert versions == {report["new_detector"]}
    moved = {pid for pid in old if abs(new[pid][0] - old[pid][0]) > 0.05 or new[pid][1] != old[pid][1]}
    assert rs["newly_flagged"] == sum(1 for p in detector if new[p][1] and not old[p][1])
    assert rs["unflagged"] == sum(1 for p in detector if old[p][1] and not new[p][1])
    assert rs["mean_shift"] == pytest.approx(sum(new[p][0] - old[p][0] for p in old) / len(old))
    store = Store.open(db_path)
    rows = rescores_at(store.conn, rs["at"])
    assert len(moved) > 0 and {r.post_id for r in rows} - lifted == moved - lifted
    assert rs["recorded"] == len(rows)
    assert all((r.old_score, r.new_score) == pytest.approx((old[r.post_id][0], new[r.post_id][0])) for r in rows)
    assert any(r.post_id in ids["unlabeled_threat"] for r in rows)  # unlabeled posts move too

    # the post view says what changed
    row = max(rows, key=lambda r: r.new_score - r.old_score)
    panel = post_panel(queries.post_detail(store.conn, row.post_id), timezone.utc, 10_000).plain
    assert f"{row.old_score:.2f} → {row.new_score:.2f}" in panel
    assert f"(detector {before['detector']} → {report['new_detector']})" in panel
    still = next(p for p in old if p not in moved)
    assert "rescored" not in post_panel(queries.post_detail(store.conn, still), timezone.utc, 10_000).plain

    # both runs are in the audit chain, which still verifies
    actions = [a for (a,) in store.conn.execute("SELECT action FROM audit ORDER BY id")]
    detail = json.loads(store.conn.execute("SELECT detail FROM audit WHERE action = 'train'").fetchone()[0])
    assert detail["model_id"] == report["model_id"] and detail["activated"] is True
    assert actions.index("train") < actions.index("rescore")
    assert store.verify_audit().ok
    store.close()


def test_training_on_the_exported_files_splits_them_back_the_same_way(cli, db_path, tmp_path):
    from triage.learning import active_model_dir, file_training_set

    build_labeled_store(db_path)
    out = tmp_path / "set"
    assert cli("export", "--format", "jsonl", "--out", out).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    training = file_training_set([out / "train.jsonl", out / "dev.jsonl"], 0.2)
    train_texts = {json.loads(line)["text"] for line in (out / "train.jsonl").read_text().splitlines()}
    assert {e.text for e in training.train} == train_texts
    assert (len(training.train), len(training.dev)) == (manifest["counts"]["train"], manifest["counts"]["dev"])

    result = cli("train", out / "train.jsonl", out / "dev.jsonl", "--no-activate")
    assert result.exit_code == 0, result.output
    assert f"{manifest['counts']['posts']} labeled examples from 2 file(s): {manifest['counts']['train']} train, " \
           f"{manifest['counts']['dev']} dev" in result.output
    assert "not activated (--no-activate)" in result.output and "triage models activate 2" in result.output
    assert active_model_dir() is None
    assert "* judged" in result.output and "threat" in result.output


# ---- the pieces, without training -------------------------------------------------------------

def _m(auc: float | None, positives: int = 10) -> Metrics:
    return Metrics(n=50, positives=positives, roc_auc=auc, average_precision=None, precision=0.0, recall=0.0, f1=0.0,
                   threshold=0.5)


def test_activation_rule_averages_roc_auc_over_indicators_with_enough_dev_positives():
    from triage.learning import IndicatorComparison, _decide

    better = [IndicatorComparison("threat", 50, 10, _m(0.7), _m(0.9)),
              IndicatorComparison("target", 50, 3, _m(0.9, 3), _m(0.2, 3))]  # 3 positives: not judged
    ok, cur, new, reason = _decide(better)
    assert ok and (cur, new) == (0.7, 0.9) and "over threat is not worse" in reason
    tie = [IndicatorComparison("threat", 50, 10, _m(0.8), _m(0.8))]
    assert _decide(tie)[0]
    worse = [IndicatorComparison("threat", 50, 10, _m(0.9), _m(0.95)),
             IndicatorComparison("distress", 50, 6, _m(0.9), _m(0.8))]
    ok, cur, new, reason = _decide(worse)
    assert not ok and new == pytest.approx(0.875) and "worse" in reason
    ok, cur, new, reason = _decide([IndicatorComparison("threat", 50, 4, _m(0.5, 4), _m(0.9, 4))])
    assert not ok and cur is None and "cannot tell" in reason


def _copy_starter_as(name: str) -> Path:
    import shutil

    from triage.detector import resources
    from triage.learning import models_dir

    target = models_dir() / name
    shutil.copytree(resources.default_model_dir(), target)
    return target


def test_models_activate_and_roll_back_to_the_starter(cli, db_path):
    from triage.learning import ACTIVE, LearningError, active_model_dir, models_dir, resolve_model

    Store.open(db_path).close()
    assert resolve_model("default") == "default" and resolve_model(None) is None
    result = cli("models")
    assert "no saved models" in result.output
    a = _copy_starter_as("20261101T000000Z-aaaaaaaaaaaa")
    _copy_starter_as("20261102T000000Z-bbbbbbbbbbbb")

    result = cli("models", "activate", "20261101")
    assert result.exit_code == 0, result.output
    assert "active model: 20261101T000000Z-aaaaaaaaaaaa (was starter)" in result.output
    assert active_model_dir() == a and resolve_model("default") == str(a)
    listing = cli("models").output
    assert "* 20261101T000000Z-aaaaaaaaaaaa" in listing and "  20261102T000000Z-bbbbbbbbbbbb" in listing

    assert cli("models", "activate", "2026").exit_code == 1  # ambiguous prefix
    assert "no saved model" in cli("models", "activate", "nope").output
    assert cli("models", "activate", "starter").exit_code == 0
    assert active_model_dir() is None and not (models_dir() / ACTIVE).exists()

    (models_dir() / ACTIVE).write_text("gone-model\n")
    with pytest.raises(LearningError, match="not a model directory"):
        active_model_dir()
    assert "not a model directory" in cli("models").output  # the list still shows, with a warning
    assert cli("models", "activate", "20261102").exit_code == 0  # repairs the pointer

    store = Store.open(db_path)
    acts = [json.loads(d) | {"t": t} for t, d in
            store.conn.execute("SELECT target, detail FROM audit WHERE action = 'activate-model' ORDER BY id")]
    store.close()
    assert [a["t"] for a in acts] == ["20261101T000000Z-aaaaaaaaaaaa", "starter", "20261102T000000Z-bbbbbbbbbbbb"]


def test_train_with_no_labels_says_so_in_one_line(cli, db_path):
    store = Store.open(db_path)
    store.add_posts([PostRecord(source="s", external_id="1", text="hi", author_handle="a", created_at=T0,
                                created_raw=str(T0))])
    store.close()
    result = cli("train")
    assert result.exit_code == 1
    assert result.output.strip() == ("triage: error: no labeled examples to train on "
                                     "(label posts first, or give FILE.jsonl)")


def test_schema_v3_has_the_rescores_table_and_an_old_store_reads_without_it(db_path):
    from triage.store import catalog, queries
    from triage.store.rescore_queries import RescoreRow, latest_rescore, record_rescores

    store = Store.open(db_path)
    assert SCHEMA_VERSION >= 3 and catalog.schema_version(store.conn) == SCHEMA_VERSION
    store.add_posts([PostRecord(source="s", external_id="1", text="hi", author_handle="a", created_at=T0,
                                created_raw=str(T0))])
    record_rescores(store, [RescoreRow(1, T0, 0.42, 0.71, False, True, "rules-x", "rules-x+model-y")])
    assert latest_rescore(store.conn, 1).describe(timezone.utc) == (
        "rescored 2026-05-28: 0.42 → 0.71, now flagged (detector rules-x → rules-x+model-y)")
    store.conn.execute("DROP TABLE rescores")  # as a v2 store opened read-only would be
    assert queries.post_detail(store.conn, 1).rescore is None
    store.close()
