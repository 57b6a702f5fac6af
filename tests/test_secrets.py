"""Secrets go through keyring (a real file backend from keyrings.alt here, in a tmp dir) and
never reach the store, the config, the audit log, an error message or a log line."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring

from triage import credentials as secrets

from .fixtures.collectors.mastodon_api import FakeMastodon
from .fixtures.collectors.replay import Reply, ReplayServer

SECRET = "tok-8d1f0a9be2c4477d"


@pytest.fixture
def file_keyring(tmp_path, monkeypatch):
    monkeypatch.setenv(secrets.PLAINTEXT_OPT_IN, "1")  # the unencrypted file backend, opted into
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring" / "keyring_pass.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def write_config(text: str) -> Path:
    path = Path(os.environ["TRIAGE_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def masto_config(url: str) -> str:
    return (f'[[collectors]]\nname = "masto"\nplugin = "mastodon"\n[collectors.options]\ninstance = "{url}"\n'
            'timelines = ["public"]\ntoken = "masto-token"\n')


def test_set_list_delete_through_the_keyring_without_echo(cli, file_keyring, tmp_path):
    write_config(masto_config("https://social.example"))
    result = cli("secret", "set", "masto-token", input=SECRET + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("stored secret masto-token in the keyring (PlaintextKeyring)")
    assert SECRET not in result.stdout + result.stderr  # the prompt hides input
    assert file_keyring.get_password("triage", "masto-token") == SECRET
    assert cli("secret", "list").stdout.split() == ["masto-token", "keyring", "used", "by", "masto"]
    assert cli("secret", "delete", "masto-token").stdout == "deleted secret masto-token\n"
    gone = cli("secret", "delete", "masto-token")
    assert gone.exit_code == 1 and gone.stderr == "triage: error: secret 'masto-token' is not set\n"
    assert cli("secret", "list").stdout.split()[:2] == ["masto-token", "missing"]


def test_the_environment_overrides_the_keyring_for_one_run(file_keyring, monkeypatch):
    file_keyring.set_password("triage", "masto-token", "from-keyring")
    monkeypatch.setenv("TRIAGE_SECRET_MASTO_TOKEN", "from-env")
    assert secrets.env_name("masto-token") == "TRIAGE_SECRET_MASTO_TOKEN"
    assert secrets.get_secret("masto-token") == "from-env"
    assert secrets.secret_status("masto-token") == "env"
    monkeypatch.delenv("TRIAGE_SECRET_MASTO_TOKEN")
    assert secrets.get_secret("masto-token") == "from-keyring"


def test_no_keyring_backend_is_one_line_that_says_how_to_get_one(cli, no_keyring, monkeypatch):
    result = cli("secret", "set", "api.key", input="x\n")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "no keyring backend" in lines[0] and "pip install 'triage-console[encrypted-keyring]'" in lines[0]
    assert "PYTHON_KEYRING_BACKEND=keyrings.alt.file.EncryptedKeyring" in lines[0]
    assert "$TRIAGE_SECRET_API_KEY" in lines[0]
    monkeypatch.setenv("TRIAGE_SECRET_API_KEY", "works-anyway")
    assert secrets.get_secret("api.key") == "works-anyway"  # the one-run way needs no backend


def test_a_missing_secret_says_how_to_set_it(file_keyring):
    with pytest.raises(secrets.SecretError) as err:
        secrets.get_secret("masto-token")
    assert str(err.value) == ("secret 'masto-token' is not set: run `triage secret set masto-token` "
                              "(or set TRIAGE_SECRET_MASTO_TOKEN for one run)")


def test_the_token_is_used_but_never_stored_logged_or_shown(cli, file_keyring, db_path, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    file_keyring.set_password("triage", "masto-token", SECRET)
    fake = FakeMastodon(6)
    seen = []

    def answer(req):
        seen.append(req.headers.get("authorization"))
        if req.query.get("min_id"):  # the second run: the server rejects the token, echoing it
            return Reply(401, {"error": f"The access token {SECRET} is invalid"})
        return fake.handle(req)

    with ReplayServer(answer) as srv:
        config = write_config(masto_config(srv.url))
        first = cli("collect", "--no-tag")
        second = cli("collect", "--no-tag")
        listing = cli("collectors", "--json")
    assert seen[0] == f"Bearer {SECRET}"
    assert first.exit_code == 0 and second.exit_code == 1
    assert "HTTP 401: The access token *** is invalid" in second.stderr
    shown = first.stdout + first.stderr + second.stdout + second.stderr + listing.stdout + caplog.text
    assert SECRET not in shown
    assert SECRET not in config.read_text()
    store_files = [p for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)]
    assert store_files and not any(SECRET.encode() in p.read_bytes() for p in store_files)


def test_a_plaintext_backend_is_refused_unless_the_analyst_opts_in(tmp_path):
    """keyring picks keyrings.alt's PlaintextKeyring by itself wherever it is installed; the
    pseudonymization key once went there without a word."""
    env = {k: v for k, v in os.environ.items() if k != secrets.PLAINTEXT_OPT_IN}
    env.update({"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
                "XDG_DATA_HOME": str(tmp_path / "data")})
    run = [sys.executable, "-c", "from triage.cli import run; run()", "secret"]
    refused = subprocess.run([*run, "set", "feed-pass"], input="hunter2-but-longer\n", env=env,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "PlaintextKeyring, an unencrypted file: refused" in refused.stderr
    assert not (tmp_path / "data" / "python_keyring").exists()  # nothing written
    config = tmp_path / "config.toml"
    config.write_text("allow_plaintext_keyring = true\n")
    allowed = subprocess.run([*run, "set", "feed-pass"], input="hunter2-but-longer\n",
                             env={**env, "TRIAGE_CONFIG": str(config)}, capture_output=True, text=True, timeout=60)
    assert allowed.returncode == 0, allowed.stderr


def test_setup_through_the_environment_as_the_error_says(tmp_path):
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
           "XDG_DATA_HOME": str(tmp_path / "data"), secrets.PLAINTEXT_OPT_IN: "1"}
    run = [sys.executable, "-c", "from triage.cli import run; run()", "secret"]
    stored = subprocess.run([*run, "set", "feed-pass"], input="hunter2-but-longer\n", env=env,
                            capture_output=True, text=True, timeout=60)
    assert stored.returncode == 0, stored.stderr
    assert "PlaintextKeyring" in stored.stdout and "unencrypted" in stored.stdout
    assert "feed_2dpass" in (tmp_path / "data" / "python_keyring" / "keyring_pass.cfg").read_text()
    check = subprocess.run([sys.executable, "-c", "from triage.collectors.credentials import get_secret; "
                            "print(get_secret('feed-pass'))"], env=env, capture_output=True, text=True, timeout=60)
    assert check.stdout.strip() == "hunter2-but-longer"
