"""Cross-source identity: near-same handles suggested, analyst links and unlinks (audited), a
linked profile merges the accounts' timelines."""

from __future__ import annotations

import pytest

from triage.analytics import synth
from triage.analytics.authors import AuthorLookupError, resolve_author
from triage.analytics.derived import refresh_derived
from triage.analytics.identity import (edit_distance, link_identities, linked_component, normalise_handle,
                                       suggest_identities, unlink_identities)
from triage.analytics.profile import author_profile
from triage.store import Store

T0 = 1_780_000_000


def add(store, handle, source, n, name=None, start=T0):
    store.add_posts(synth.records(handle, [start + i * 3600 for i in range(n)], source=source, author_name=name))


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "i.db") as s:
        add(s, "Dark_Wanderer", "x", 4)
        add(s, "darkwanderer", "reddit", 3, start=T0 + 30 * 86_400)
        add(s, "dark.wandrer", "mastodon", 2)  # one letter dropped
        add(s, "someone_else", "telegram", 2, name="Dark Wanderer")  # same display name
        add(s, "dark_wandrers", "telegram", 2)  # two edits: long enough to count
        add(s, "dw", "reddit", 2)  # short and unrelated
        add(s, "dw", "telegram", 1)
        add(s, "Dark_Wanderer_", "x", 1)  # same source: never suggested
        yield s


def refs(cands):
    return [c.author.ref for c in cands]


@pytest.mark.parametrize("indexed", [False, True])
def test_near_same_handles_on_other_sources_are_suggested(store, indexed):
    if indexed:
        refresh_derived(store, terms=False)  # the author_keys index; without it every author is checked
    me = resolve_author(store.conn, "x:Dark_Wanderer")
    store.conn.execute("UPDATE authors SET display_name = 'Dark Wanderer' WHERE id = ?", (me.id,))
    me = resolve_author(store.conn, "x:Dark_Wanderer")
    cands = suggest_identities(store.conn, [me])
    assert refs(cands) == ["reddit:darkwanderer", "mastodon:dark.wandrer", "telegram:dark_wandrers",
                           "telegram:someone_else"]
    assert cands[0].reasons == ["same handle once normalised"] and cands[0].score == 0.9
    assert cands[1].reasons == ["handle 1 edit apart"]
    assert cands[3].reasons == ["same display name"]


def test_handle_normalising_and_distance():
    assert normalise_handle("@Dark_Wanderer@mastodon.example") == "darkwanderer"
    assert edit_distance("darkwanderer", "darkwnaderer") == 1  # neighbours swapped
    assert edit_distance("abc", "xyzabc") == 3 and edit_distance("", "ab") == 2


def test_ambiguous_and_unknown_handles_are_clear_errors(store):
    with pytest.raises(AuthorLookupError, match="several sources"):
        resolve_author(store.conn, "dw")
    with pytest.raises(AuthorLookupError, match="no author"):
        resolve_author(store.conn, "nobody")
    assert resolve_author(store.conn, "dw", "reddit").source == "reddit"
    assert resolve_author(store.conn, "telegram:dw").source == "telegram"
    assert resolve_author(store.conn, "DARKWANDERER").ref == "reddit:darkwanderer"  # case-insensitive fallback


def test_link_merges_timelines_and_unlink_splits_them_all_audited(store):
    a = resolve_author(store.conn, "x:Dark_Wanderer")
    b = resolve_author(store.conn, "reddit:darkwanderer")
    c = resolve_author(store.conn, "mastodon:dark.wandrer")
    link_identities(store, a, b, "ana", note="same avatar and writing style")
    link_identities(store, b, c, "ana")
    assert linked_component(store.conn, c.id) == sorted([a.id, b.id, c.id])
    prof = author_profile(store, a)
    assert prof.posts == 4 + 3 + 2 and [x.ref for x in prof.accounts][0] == a.ref
    assert sum(bucket.posts for bucket in prof.timeline.buckets) == 9
    assert prof.timeline.buckets[-1].posts == 3  # reddit posts a month later
    assert b.ref not in refs(prof.identities) and c.ref not in refs(prof.identities)
    assert author_profile(store, a, merge_linked=False).posts == 4

    unlink_identities(store, b, c, "bo", note="different people after all")
    assert linked_component(store.conn, a.id) == sorted([a.id, b.id])
    assert c.ref not in refs(suggest_identities(store.conn, [a, b]))  # a decided "no" is not re-suggested
    actions = store.conn.execute("SELECT analyst, action, target FROM audit ORDER BY id").fetchall()
    assert actions == [("ana", "link-identity", f"{a.ref} {b.ref}"), ("ana", "link-identity", f"{b.ref} {c.ref}"),
                       ("bo", "unlink-identity", f"{b.ref} {c.ref}")]
    assert store.verify_audit().ok
    with pytest.raises(ValueError):
        link_identities(store, a, a, "ana")
