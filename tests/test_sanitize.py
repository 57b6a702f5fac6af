"""The one sanitizer: no control byte, bidi override or invisible character gets through raw."""

from __future__ import annotations

from hypothesis import given, strategies as st

from triage.sanitize import clip, is_clean, sanitize, sanitize_with_offsets


def test_escape_sequences_become_visible_placeholders():
    hostile = "hi \x1b]0;owned\x07 \x1b[2J \x1b]52;c;ZXZpbA==\x07 \x9b31m"
    clean = sanitize(hostile)
    assert "\x1b" not in clean and "\x07" not in clean and "\x9b" not in clean
    assert clean == "hi ␛]0;owned␇ ␛[2J ␛]52;c;ZXZpbA==␇ ⟨C1:9B⟩31m"


def test_bidi_and_zero_width_are_named():
    assert sanitize("pay\u202eusd.exe") == "pay⟨RLO⟩usd.exe"
    assert sanitize("k\u200bill") == "k⟨ZWSP⟩ill"


def test_newline_tab_and_ordinary_unicode_pass_unchanged():
    text = "line one\n\tline two — مرحبا שלום 👩🏽‍💻 ✓"
    # The ZWJ inside the emoji sequence is shown: invisible joiners can hide text too.
    assert sanitize("a\nb\tc ünïcode 🙂") == "a\nb\tc ünïcode 🙂"
    assert "\u200d" not in sanitize(text)


def test_clip_is_one_line():
    assert clip("a\nb", 10) == "a ⏎ b"
    assert clip("x" * 50, 10) == "x" * 9 + "…"


@given(st.text())
def test_any_text_comes_out_clean_and_offsets_map_inside(text):
    clean, to_clean = sanitize_with_offsets(text)
    assert is_clean(clean)
    assert clean == sanitize(text)
    for i in range(len(text) + 1):
        assert 0 <= to_clean(i) <= len(clean)


@given(st.text(alphabet=st.characters(codec="utf-8")), st.text(min_size=1, alphabet="abc xyz"))
def test_a_span_maps_to_the_same_text_after_sanitizing(prefix, word):
    text = prefix + word + prefix
    clean, to_clean = sanitize_with_offsets(text)
    start, end = len(prefix), len(prefix) + len(word)
    assert clean[to_clean(start):to_clean(end)] == word


def test_every_invisible_format_character_and_tag_is_marked():
    """Unicode category Cf (U+2063 INVISIBLE SEPARATOR and the rest) and the TAG block, which
    spells hidden ASCII, never reach the screen unmarked."""
    import sys
    import unicodedata

    every_cf = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert len(every_cf) > 150
    for ch in every_cf:
        assert sanitize(f"a{ch}b") != f"a{ch}b", f"U+{ord(ch):04X} passes unmarked"
    assert sanitize("ok\U000E0069\U000E0067\U000E006E\U000E006F\U000E0072\U000E0065") == \
        "ok⟨TAG i⟩⟨TAG g⟩⟨TAG n⟩⟨TAG o⟩⟨TAG r⟩⟨TAG e⟩"
    assert sanitize("in\u2063visible") == "in⟨U+2063⟩visible"
    assert sanitize("\u3164") == "⟨U+3164⟩"
