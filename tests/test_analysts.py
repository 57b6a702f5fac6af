"""Who labels: --analyst, then TRIAGE_ANALYST, then the config's analyst, then the OS user, as the
store's labels.analyst (and the audit log) hold it; a bad name is one line and writes nothing."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from triage.cli import main

from .conftest import post, write_jsonl


@pytest.fixture
def store(tmp_path, cli):
    cli("import", write_jsonl(tmp_path / "p.jsonl", [post(i) for i in range(1, 4)]), "--no-tag")
    return cli.db


def label_rows(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT post_id, analyst FROM labels ORDER BY id").fetchall()
    finally:
        conn.close()


def run(db, *args):
    return CliRunner().invoke(main, ["--db", str(db), *map(str, args)], catch_exceptions=False)


def test_the_name_comes_from_the_option_then_the_env_then_the_config_then_the_os_user(store, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    monkeypatch.setenv("TRIAGE_CONFIG", str(config))
    monkeypatch.delenv("TRIAGE_ANALYST", raising=False)
    assert run(store, "label", "1", "--as", "benign").exit_code == 0  # no config: the OS user (USER=tester)
    config.write_text('analyst = "cfg-ann"\n')
    assert run(store, "label", "1", "--as", "benign").exit_code == 0
    monkeypatch.setenv("TRIAGE_ANALYST", "env-bob")
    assert run(store, "label", "1", "--as", "benign").exit_code == 0
    assert run(store, "label", "1", "--as", "benign", "--analyst", "opt-cy").exit_code == 0  # on the subcommand
    assert run(store, "--analyst", "grp-dee", "label", "1", "--as", "benign").exit_code == 0  # on the group
    assert [a for _p, a in label_rows(store)] == ["tester", "cfg-ann", "env-bob", "opt-cy", "grp-dee"]
    conn = sqlite3.connect(store)
    audit = [r[0] for r in conn.execute("SELECT analyst FROM audit WHERE action = 'label' ORDER BY id")]
    conn.close()
    assert audit == ["tester", "cfg-ann", "env-bob", "opt-cy", "grp-dee"]


@pytest.mark.parametrize("args, env, message", [
    (["--analyst", "", "label", "1", "--as", "benign"], {}, "--analyst: analyst name '' must not be empty"),
    (["label", "1", "--as", "benign", "--analyst", "a\x1b[2Jb"], {}, "must be printable"),
    (["label", "1", "--as", "benign", "--analyst", "x" * 65], {}, "at most 64 characters (got 65)"),
    (["label", "1", "--as", "benign", "--analyst", "ann\u202e"], {}, "must be printable"),
    (["label", "1", "--as", "benign"], {"TRIAGE_ANALYST": "bad\nname"}, "TRIAGE_ANALYST: analyst name"),
])
def test_a_bad_name_is_one_line_and_nothing_is_written(store, args, env, message):
    result = CliRunner().invoke(main, ["--db", str(store), *args], env=env)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines() if hasattr(result, "stderr") else result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("triage: error: ") and message in lines[0]
    assert "\x1b" not in result.output and "Traceback" not in result.output
    assert label_rows(store) == []


def test_a_bad_name_in_the_config_names_the_file(store, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('analyst = "a\\u0007b"\n')
    monkeypatch.setenv("TRIAGE_CONFIG", str(config))
    result = CliRunner().invoke(main, ["--db", str(store), "label", "1", "--as", "benign"])
    assert result.exit_code == 1
    assert f"{config}: analyst name" in result.output and "must be printable" in result.output
    assert label_rows(store) == []


@pytest.mark.parametrize("value", ["0", "-1", "true", '"5"', "1000"])
def test_a_bad_claim_length_in_the_config_is_one_line(store, tmp_path, monkeypatch, value):
    config = tmp_path / "config.toml"
    config.write_text(f"claim_minutes = {value}\n")
    monkeypatch.setenv("TRIAGE_CONFIG", str(config))
    result = CliRunner().invoke(main, ["--db", str(store), "label", "1", "--as", "benign"])
    assert result.exit_code == 1
    assert result.output.strip() == f"triage: error: {config}: claim_minutes: must be minutes, 0.5 to 240"
