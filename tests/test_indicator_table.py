"""One indicator table: what lists indicators derives from it, the README's copy agrees with
it, and adding an indicator is one row plus one pattern file."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from triage import indicators as ind

REPO = Path(__file__).resolve().parent.parent


def test_scoring_queue_and_analytics_read_the_table():
    from triage.analytics import changes, concern
    from triage.detector.scoring import INDICATOR_WEIGHTS
    from triage.screens.formatting import QUEUE_HEADER

    assert INDICATOR_WEIGHTS == {"threat": 1.0, "plan": 0.9, "radicalization": 0.6, "weapons": 0.75,
                                 "fixation_past_attacks": 0.8, "target": 0.55, "violence_history": 0.6,
                                 "distress": 0.55, "isolation": 0.45}
    assert ind.TEXT_INDICATORS == ("threat", "plan", "radicalization", "weapons", "fixation_past_attacks",
                                   "target", "violence_history", "distress", "isolation")
    assert QUEUE_HEADER == " risk auth L TPRWFGVBDI time        source    author         text"
    assert set(changes.VIOLENT) == set(concern.VIOLENT) == {"threat", "plan", "weapons", "target",
                                                           "fixation_past_attacks"}
    assert concern.WEIGHTS == {"threat": 0.45, "plan": 0.6, "weapons": 0.55, "fixation_past_attacks": 0.5,
                               "target": 0.25, "radicalization": 0.3, "violence_history": 0.3,
                               "isolation": 0.25, "distress": 0.2}
    assert concern.TREND_INDICATORS == ("threat", "plan", "weapons", "fixation_past_attacks")
    assert concern.PROXIMITY_INDICATORS == ("plan", "weapons", "target")
    assert ind.badges("threat,distress") == "T·······D·" == ind.badges(["distress", "threat"])


def test_the_readme_table_is_the_code_table():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = {m.group(1): [c.strip() for c in m.group(2).split("|")]
            for m in re.finditer(r"^\| `(\w+)` \|(.*)\|$", readme, re.M)}
    for i in ind.INDICATOR_LIST:
        assert i.id in rows, f"README's indicator table has no row for {i.id}"
        letter, weight, concern, violent, trend, proximity, title, trap18 = rows[i.id]
        assert letter == i.badge and title == i.title and trap18 == i.trap18
        assert weight == ("—" if i.weight is None else str(i.weight)), i.id
        assert concern == (str(i.concern) if i.concern else "—"), i.id
        assert [violent, trend, proximity] == ["yes" if f else "" for f in (i.violent, i.trend, i.proximity)], i.id


def test_a_duplicate_letter_is_refused():
    import pytest

    with pytest.raises(ValueError, match="badge used twice: T"):
        ind._check((*ind.INDICATOR_LIST, ind.Indicator("tirade", "T", "t", "t", weight=0.5)))


NEW_ROW = '''    Indicator("countdown", "C", "counting down to a day", "pathway",
              weight=0.7, concern=0.4, violent=True),
)
'''

NEW_PATTERNS = '''# countdown: the writer counts down to a day.
indicator = "countdown"

[[rule]]
id = "countdown.started"
comment = "a countdown to a day the writer has in mind: \\"the countdown has started\\""
weight = 0.8
terms = ["the countdown has started"]
'''

CHECK = r'''
import csv, json, sys
from pathlib import Path
import triage
assert Path(triage.__file__).is_relative_to(sys.argv[1]), triage.__file__

from triage.detector import Detector
from triage.detector.scoring import INDICATOR_WEIGHTS
from triage.indicators import TEXT_INDICATORS, badges
from triage.screens.formatting import QUEUE_HEADER

a = Detector(model=None).analyze("so the countdown has started now")
print(json.dumps({
    "score": a.scores["countdown"], "risk": a.risk, "hits": [h.indicator for h in a.hits],
    "weight": INDICATOR_WEIGHTS["countdown"], "text_indicators": list(TEXT_INDICATORS), "header": QUEUE_HEADER,
    "badges": badges(["countdown", "threat"]),
}))
'''


def _copy_installed_layout(dest: Path) -> Path:
    """The package as a wheel lays it out (screens/, plugins/, data/ inside triage/), without the
    model and demo data this test does not use."""
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    pkg = dest / "triage"
    shutil.copytree(REPO / "triage", pkg, ignore=skip)
    shutil.copytree(REPO / "screens", pkg / "screens", ignore=skip)
    shutil.copytree(REPO / "plugins", pkg / "plugins", ignore=skip)
    shutil.copytree(REPO / "data", pkg / "data", ignore=shutil.ignore_patterns("__pycache__", "model", "demo"))
    return pkg


def test_adding_an_indicator_is_one_row_and_one_pattern_file(tmp_path):
    root = tmp_path / "site"
    pkg = _copy_installed_layout(root)
    table = pkg / "indicators.py"
    source = table.read_text(encoding="utf-8")
    end = source.index("\n)\n", source.index("INDICATOR_LIST"))
    table.write_text(source[:end + 1] + NEW_ROW + source[end + 3:], encoding="utf-8")
    (pkg / "data" / "patterns" / "countdown.toml").write_text(NEW_PATTERNS, encoding="utf-8")
    env = {"PYTHONPATH": str(root), "TRIAGE_DATA_DIR": str(tmp_path / "data"), "USER": "tester",
           "TRIAGE_CONFIG": str(tmp_path / "config.toml"), "PATH": "/usr/bin:/bin"}

    def run(*args):
        out = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=tmp_path,
                             timeout=600)
        assert out.returncode == 0, out.stderr
        return out.stdout

    seen = json.loads(run("-c", CHECK, str(root)))
    assert "countdown" in seen["hits"] and seen["score"] > 0.5 and seen["risk"] > 0.3
    assert seen["weight"] == 0.7 and seen["text_indicators"][-1] == "countdown"
    assert seen["header"] == " risk auth L TPRWFGVBDIC time        source    author         text"
    assert seen["badges"] == "T·········C"  # the queue line's letters, under the header's

    # The store, the queue line and the exports carry it: import (tagged on the way in), then export.
    posts = tmp_path / "posts.jsonl"
    posts.write_text(json.dumps({"id": "1", "text": "so the countdown has started now", "author": "a",
                                 "created_at": 1_780_000_000}) + "\n", encoding="utf-8")
    cli = "from triage.cli import run; run()"
    db = str(tmp_path / "store.db")
    run("-c", cli, "--db", db, "import", str(posts))
    run("-c", cli, "--db", db, "export", "--format", "csv", "--out", str(tmp_path / "out"), "--any-label")
    with open(next((tmp_path / "out").glob("*.csv")), encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert "countdown" in rows[0]  # its own label column
    assert "countdown" in re.split(r"[,; ]+", rows[0]["detector_indicators"])


def test_the_shipped_misp_taxonomy_names_every_indicator_as_the_table_does():
    """data/misp_taxonomy.json is a file in MISP's own format that MISP administrators load; its
    indicator values must say what the table says."""
    taxonomy = json.loads((REPO / "data" / "misp_taxonomy.json").read_text(encoding="utf-8"))
    entries = next(v["entry"] for v in taxonomy["values"] if v["predicate"] == "indicator")
    assert entries == [{"value": i.id, "expanded": i.title, "description": f"TRAP-18: {i.trap18}"}
                       for i in ind.INDICATOR_LIST]
