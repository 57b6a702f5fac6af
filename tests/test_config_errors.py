"""Config mistakes through the real `triage` binary: one line on stderr naming the file, the key
and what is allowed; no traceback; exit code 1; the console never starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TRIAGE = Path(sys.executable).parent / "triage"


def run_triage(tmp_path, config: str, *args: str) -> subprocess.CompletedProcess:
    conf = tmp_path / "config.toml"
    conf.write_text(config)
    env = dict(os.environ, TRIAGE_CONFIG=str(conf), TRIAGE_DATA_DIR=str(tmp_path / "data"), TERM="dumb")
    # stdin closed: a console that did start would fail, not wait for keys.
    return subprocess.run([str(TRIAGE), "--db", str(tmp_path / "s.db"), *args], env=env, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def one_line_error(result) -> str:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.mark.parametrize("args", [(), ("stats",)])
def test_an_unknown_time_zone_is_one_line_for_every_command(tmp_path, args):
    line = one_line_error(run_triage(tmp_path, 'timezone = "Mars/Olympus"\n', *args))
    assert line == (f"triage: error: {tmp_path / 'config.toml'}: timezone: unknown time zone 'Mars/Olympus' "
                    '(an IANA name such as "Europe/Berlin", "America/New_York" or "UTC")')


def test_an_unknown_theme_names_the_themes_there_are(tmp_path):
    line = one_line_error(run_triage(tmp_path, 'theme = "ansi-drak"\n'))
    assert line.startswith(f"triage: error: {tmp_path / 'config.toml'}: theme: unknown theme 'ansi-drak' — did you mean "
                           "'ansi-dark'? (one of: ansi-dark, ansi-light, ")
    assert "textual-dark" in line


def test_an_unknown_binding_id_is_named_with_the_nearest_one(tmp_path):
    line = one_line_error(run_triage(tmp_path, '[keys]\n"queue.lable_1" = "e"\n"queue.next" = "n"\n'))
    assert line.startswith(f"triage: error: {tmp_path / 'config.toml'}: keys: unknown binding id 'queue.lable_1' — did "
                           "you mean 'queue.label_1'?")


def test_a_binding_with_no_key_is_refused(tmp_path):
    line = one_line_error(run_triage(tmp_path, '[keys]\n"queue.next" = ""\n'))
    assert "keys: queue.next = '' names no key" in line


def test_a_good_config_passes_the_check(tmp_path):
    from triage.config import load_config
    from triage.screens.config_check import check_console_config

    conf = tmp_path / "good.toml"
    conf.write_text('timezone = "Europe/Berlin"\ntheme = "ansi-dark"\n[keys]\n"queue.goto" = "ctrl+g"\n'
                    '"verdict.confirm" = "Y"\n')
    check_console_config(load_config(conf))  # raises on any mistake


def test_confirm_indicators_with_must_name_dispositions(tmp_path):
    line = one_line_error(run_triage(tmp_path, 'confirm_indicators_with = ["escalate", "panic"]\n', "stats"))
    assert line == (f"triage: error: {tmp_path / 'config.toml'}: confirm_indicators_with: 'panic' is not a "
                    "disposition (one of: escalate, monitor, benign, unclear)")


def test_confirm_indicators_with_defaults_to_the_dispositions_there_are(tmp_path):
    from triage.config import load_config

    conf = tmp_path / "c.toml"
    conf.write_text('dispositions = ["escalate", "noise"]\n')
    assert load_config(conf).confirm_indicators_with == ("escalate",)
    conf.write_text("confirm_indicators_with = []\n")
    assert load_config(conf).confirm_indicators_with == ()
