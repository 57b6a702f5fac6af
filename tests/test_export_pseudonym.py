"""`--pseudonymize`: no handle, author id, @mention, url or post id leaves the station; the
key lives in the keyring (a real backend, in memory) and is made once."""

from __future__ import annotations

import json

import keyring.backends.fail
import pytest

from triage.export.pseudonym import KEY_NAME, SERVICE, Pseudonymizer

from .conftest import Cli
from .test_export_fixtures import POSTS, build_store, memory_keyring  # noqa: F401  (fixture)

HANDLES = sorted({p[1] for p in POSTS} | {"mayor_bob", "news_desk"})
AUTHOR_IDS = sorted({p[2] for p in POSTS})
SECRETS = HANDLES + AUTHOR_IDS + ["@mayor_bob", "@news_desk", "@grim_reaper_77", "social.example", "t.co/x1",
                                  "evil.example", "jsonl:p1", "Grim Reaper"]


@pytest.fixture
def cli(db_path):
    build_store(db_path).close()
    return Cli(db_path)


def grep(directory, needles) -> list[str]:
    found = []
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            data = path.read_bytes().lower()
            found += [f"{path.name}: {n}" for n in needles if n.lower().encode() in data]
    return found


@pytest.mark.parametrize("fmt, selection", [
    ("jsonl", ["--any-label"]), ("csv", ["--any-label"]), ("report", ["--any-label"]),
    ("report", ["--author", "grim_reaper_77,sad_sam_99"]),  # the filter names people too
])
def test_no_name_leaves_in_a_pseudonymized_export(cli, tmp_path, memory_keyring, fmt, selection):
    out = tmp_path / fmt
    result = cli("export", "--format", fmt, "--out", out, *selection, "--pseudonymize")
    assert result.exit_code == 0, result.stderr
    assert "(pseudonymized)" in result.stdout
    assert grep(out, SECRETS) == []
    assert json.loads((out / "manifest.json").read_text())["pseudonymized"] is True
    assert cli("export", "verify", out).exit_code == 0


def test_the_docbin_texts_are_pseudonymized_too(cli, tmp_path, memory_keyring):
    from spacy.tokens import DocBin
    import spacy

    out = tmp_path / "docbin"
    assert cli("export", "--format", "docbin", "--out", out, "--pseudonymize").exit_code == 0
    nlp = spacy.blank("en")
    texts = [d.text for name in ("train.spacy", "dev.spacy") for d in DocBin().from_disk(out / name).get_docs(nlp.vocab)]
    assert len(texts) == 5
    assert not [s for s in SECRETS for t in texts if s.lower() in t.lower()]


def test_pseudonyms_are_stable_keyed_and_the_same_for_an_author_and_a_mention(cli, tmp_path, memory_keyring):
    cli("export", "--format", "jsonl", "--out", tmp_path / "a", "--any-label", "--pseudonymize", "--dev-fraction", "0")
    cli("export", "--format", "jsonl", "--out", tmp_path / "b", "--any-label", "--pseudonymize", "--dev-fraction", "0")
    key = memory_keyring.secrets[(SERVICE, KEY_NAME)]
    assert len(bytes.fromhex(key)) == 32  # made once, on first use, kept in the keyring
    a = [json.loads(x) for x in (tmp_path / "a" / "train.jsonl").read_text().splitlines()]
    b = [json.loads(x) for x in (tmp_path / "b" / "train.jsonl").read_text().splitlines()]
    assert [r["id"] for r in a] == [r["id"] for r in b] and [r["text"] for r in a] == [r["text"] for r in b]
    by_text = {r["meta"]["store_id"]: r for r in a}
    grim = by_text[1]["meta"]["author"]
    assert grim.startswith("user_") and f"@{grim} headshot" in by_text[6]["text"]  # p6 mentions p1's author
    assert by_text[1]["text"].startswith("I bought a rifle and I will shoot @user_")
    assert by_text[1]["text"].endswith("at city hall <url>") and by_text[1]["meta"]["url"] == "<url>"
    assert by_text[1]["cats"] == {"threat": 1, "weapons": 1, "target": 1}  # labels untouched
    other_key = Pseudonymizer(b"\x00" * 32)
    assert other_key.handle("grim_reaper_77") != grim


def test_masking_keeps_evidence_offsets_on_the_same_words():
    ps = Pseudonymizer(b"k" * 32, known_handles=["grim_reaper_77"])
    text = "see https://x.example/a then grim_reaper_77 said I will hurt @bob_smith today"
    masked, to_masked = ps.mask_text(text)
    start, end = text.index("I will hurt"), text.index("I will hurt") + len("I will hurt")
    assert masked[to_masked(start):to_masked(end, is_end=True)] == "I will hurt"
    m_start = text.index("@bob_smith")
    assert masked[to_masked(m_start):to_masked(m_start + 10, is_end=True)] == "@" + ps.handle("bob_smith")
    assert "grim_reaper_77" not in masked and "x.example" not in masked
    short = Pseudonymizer(b"k" * 32, known_handles=["bob"])
    assert short.mask_text("me and bob")[0] == "me and bob"  # a bare short handle could be any word
    assert short.mask_text("me and @bob")[0] == "me and @" + short.handle("bob")


def test_display_names_written_in_the_text_are_pseudonymized_too():
    """Handles, mentions and urls were replaced; a display name in the text ("Jane Roe") was not."""
    ps = Pseudonymizer(b"k" * 32, known_handles=["jroe_1"], known_names={"Jane Roe": "jroe_1", "Al": "al_x"})
    text = "Jane Roe wrote it, and jane   roe\nagain; JANE ROE too. Jane Roebuck is someone else. Al stays."
    masked, to_masked = ps.mask_text(text)
    assert masked.count(ps.handle("jroe_1")) == 3  # the same pseudonym as her handle, any case or spacing
    assert masked.lower().count("jane") == 1 and "Jane Roebuck" in masked  # another name is not cut
    assert "Al stays" in masked  # a two-letter name could be any word
    start = text.index("wrote it")
    assert masked[to_masked(start):to_masked(start + 8, is_end=True)] == "wrote it"


def test_without_a_keyring_backend_the_error_says_how_to_set_one_up(cli, tmp_path):
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        result = cli("export", "--format", "jsonl", "--out", tmp_path / "x", "--pseudonymize")
    finally:
        keyring.set_keyring(before)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "no keyring backend" in result.stderr and "keyrings.alt" in result.stderr
    assert not (tmp_path / "x").exists()
