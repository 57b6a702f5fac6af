"""Hostile input for the detector: what a crafted or badly decoded post may hold. Used by the
fast-path tests and by ``scripts/detector_diff.py hostile`` (a JSONL file of these texts)."""

from __future__ import annotations

import random


def hostile_texts(seed: int = 5, long_text: bool = True) -> list[str]:
    """Texts with control characters, escape sequences, invisible and bidi marks, TAG characters,
    emoji sequences, odd whitespace, stretched and leetspeak words, other scripts, very long
    tokens and (``long_text``) two texts of a million characters. Seeded: the same list each call."""
    rng = random.Random(seed)
    threats = ["i will kill you", "im gonna shoot up the school tomorrow", "kill them all",
               "i'm going to stab him", "you're dead", "bring the ar15 and 300 rounds", "burn it down"]
    fixed = [
        "", " ", "  ", "\n", "\t", "kill", " kill you", "kill you ", "i will  kill you", "i will\tkill you",
        "i will\r\nkill you", "i will\nkill you\n", "i will\u00a0kill you", "i will\u2003kill you",
        "i will\u3000kill you", "i\u200bwill k\u200bi\u200bl\u200bl you", "i will ki\u00adll you",
        "i will kill\x00you", "i will \x00kill you", "\x1b[31mi will kill you\x1b[0m", "\x1b]0;title\x07kill them",
        "i will \u202ekill you\u202c", "\u200fi will kill you\u200e", "\u2066kill\u2069 them all",
        "kill\U000e0041\U000e0042 you \U000e007f", "i will k1ll y0u", "i w1ll sh00t", "kiiiiiill youuuuu",
        "$hoot them", "KILL YOU", "Kill You!!!", "kill you.", "kill you...", "kill, you", "(kill) [you]",
        "\"i will kill you\" he said", "\u201ci will kill you\u201d", "don't kill me", "can't wait to kill it",
        "not gonna kill you", "I'm not joking, I'll kill you", "u.s.a. will kill", "e.g. kill", "it's 5:30",
        "kill 👨\u200d👩\u200d👧\u200d👦 you", "🔫🔫 you 💀", "kill👍you", "🏳️\u200d🌈 kill them",
        "убью тебя", "я тебя убью завтра", "سأقتلك", "我要杀了你", "殺すぞ", "te voy a matar", "ich bringe dich um",
        "ｋｉｌｌ ｙｏｕ", "𝐤𝐢𝐥𝐥 𝐲𝐨𝐮", "kіll you", "k\u0336i\u0336l\u0336l you", "z\u0351\u0302a\u0310l\u0313go kill",
        "https://example.com/kill?you=1 kill you", "@kill #kill you", "kill@you.com", "I'll", "y'all'll kill",
        "300rounds 9mm ar-15 kill", "24th of may bring guns", "x" * 5000, "kill " + "a" * 20000 + " you",
        "- kill you -", "kill—you", "kill–you", "kill/you", "kill\\you", "'kill' 'you'", "kill'", "'kill",
        "\ud800 kill you", "kill \udfff you", "\ufffd\ufffd kill", "\x7f\x80\x9f kill you",
        "line one\rline two kill you", "kill\u2028you\u2029them", "kill\x0bthem\x0call", "kill\x1c\x1d\x1e\x1fthem",
        ":) kill you :(", "<3 kill", "kill you :-)", "o.O kill", "n't kill", "kill n't", "'s kill",
        "gonna gotta wanna kill", "i'ma kill", "cannot kill", "ain't killing",
    ]
    pieces = threats + ["hello", "world", "the", ".", ",", "!", "?", "\"", "'", "-", "a", "B", "9mm", "1st",
                        "\u200b", "\u00a0", "\n", "\t", "  ", "😀", "\u202e", "\x00", "\x1b[0m", "über", "ß", "İ",
                        "ﬁre", "Ⅻ", "①", "½", "k1ll", "shoooot", "I'm", "you'll", "can't", "U.S.", "3:15", "#1"]
    random_mix = [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 25))) for _ in range(300)]
    glued = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(100)]
    out = fixed + random_mix + glued
    if long_text:  # ~1M characters each: one with a line break and an invisible mark, one of single spaces only
        out.append("kill them " * 60_000 + "i w1ll sh00t \u200b\n" + "x" * 400_000)
        out.append(("i will kill them, " * 55_000).strip())
    return out
