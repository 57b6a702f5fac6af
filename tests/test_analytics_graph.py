"""Who talks to whom: interlocutors both ways, hashtags, links, places, and the edge-list export
(CSV, GEXF, GraphML) parsed back with the standard library."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from triage.analytics import synth
from triage.analytics.derived import refresh_derived
from triage.analytics.graph_export import interaction_edges, interaction_graph, write_graph
from triage.analytics.profile import author_profile
from triage.records import PostRecord
from triage.store import Store

T0 = 1_780_000_000


def rec(source, ext, handle, i, **kw):
    return PostRecord(source=source, external_id=ext, text=kw.pop("text", f"post {ext}"), author_handle=handle,
                      created_at=T0 + i * 60, created_raw=str(T0 + i * 60), **kw)


POSTS = [
    rec("m", "1", "ann", 0, mentions=["Bob", "@cy"], hashtags=["Rally", "news"],
        text="see https://news.example/a?x=1, and www.Blog.example/p. #Rally", url="https://m.example/ann/1",
        place="Leeds", lat=53.8, lon=-1.55),
    rec("m", "2", "bob", 1, reply_to="1", text="replying without the handle"),  # resolved via the parent id
    rec("m", "3", "bob", 2, reply_to_author="ann", mentions=["ann"]),
    rec("m", "4", "ann", 3, reply_to_author="bob", hashtags=["rally"], text="https://news.example/b", place="leeds"),
    rec("m", "5", "cy", 4, mentions=["ANN"], lat=51.5, lon=-0.12),
    rec("m", "6", "ann", 5, mentions=["ann"]),  # talking to oneself is not an interlocutor
    rec("m", "7", "eve\x1b]0;pwn\x07", 6, mentions=["ann"]),  # a hostile handle
    rec("r", "1", "ann", 7, mentions=["bob"]),  # another source: another bob
]


@pytest.fixture(params=["tail", "indexed"])
def store(tmp_path, request):
    with Store.open(tmp_path / "g.db") as s:
        s.add_posts(POSTS)
        if request.param == "indexed":
            refresh_derived(s, terms=False)
            s.add_posts([rec("m", "8", "dan", 8, reply_to_author="ann")])  # past the watermark: the tail
        else:
            s.add_posts([rec("m", "8", "dan", 8, reply_to_author="ann")])
        yield s


def test_interlocutors_both_directions(store):
    prof = author_profile(store, "m:ann")
    got = {(i.ref, i.replies_to, i.mentions_of, i.replied_by, i.mentioned_by) for i in prof.interlocutors}
    assert got == {("m:bob", 1, 1, 2, 1), ("m:cy", 0, 1, 0, 1), ("m:dan", 0, 0, 1, 0),
                   ("m:eve\x1b]0;pwn\x07", 0, 0, 0, 1)}
    assert prof.interlocutors[0].ref == "m:bob"


def test_hashtags_links_domains_places(store):
    prof = author_profile(store, "m:ann")
    assert [(t.term, t.posts) for t in prof.hashtags] == [("Rally", 2), ("news", 1)]
    assert {(link.url, link.posts) for link in prof.links} == {
        ("https://news.example/a?x=1", 1), ("www.Blog.example/p", 1), ("https://news.example/b", 1)}
    assert [(d.domain, d.links, d.posted_on) for d in prof.domains] == [
        ("news.example", 2, 0), ("blog.example", 1, 0), ("m.example", 0, 1)]
    assert [(p.place, p.posts, p.lat) for p in prof.places] == [("Leeds", 2, 53.8)]
    assert [(p.place, p.posts) for p in author_profile(store, "m:cy").places] == [("51.50,-0.12", 1)]


def test_edges_export_to_csv_gexf_and_graphml(store, tmp_path):
    edges = interaction_edges(store)
    triples = {(e.source, e.target, e.kind, e.weight) for e in edges}
    assert ("m:bob", "m:ann", "reply", 2) in triples
    assert ("m:ann", "m:bob", "mention", 1) in triples and ("r:ann", "r:bob", "mention", 1) in triples
    assert ("m:cy", "m:ann", "mention", 1) in triples and ("m:dan", "m:ann", "reply", 1) in triples
    assert ("m:eve␛]0;pwn␇", "m:ann", "mention", 1) in triples  # sanitized: visible, harmless
    assert len(edges) == 9  # ann mentioning herself is no edge

    write_graph(edges, tmp_path / "g.csv", "csv")
    with open(tmp_path / "g.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {(r["source"], r["target"], r["kind"], int(r["weight"])) for r in rows} == triples

    write_graph(edges, tmp_path / "g.gexf", "gexf")
    ns = {"g": "http://gexf.net/1.3"}
    root = ET.parse(tmp_path / "g.gexf").getroot()
    labels = {n.get("id"): n.get("label") for n in root.iterfind(".//g:node", ns)}
    got = {(labels[e.get("source")], labels[e.get("target")], e.get("label"), int(e.get("weight")))
           for e in root.iterfind(".//g:edge", ns)}
    assert got == triples and root.find("g:graph", ns).get("defaultedgetype") == "directed"

    write_graph(edges, tmp_path / "g.graphml", "graphml")
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(tmp_path / "g.graphml").getroot()
    labels = {n.get("id"): n.find("g:data", ns).text for n in root.iterfind(".//g:node", ns)}
    got = set()
    for e in root.iterfind(".//g:edge", ns):
        data = {d.get("key"): d.text for d in e.iterfind("g:data", ns)}
        got.add((labels[e.get("source")], labels[e.get("target")], data["kind"], int(data["weight"])))
    assert got == triples


def test_ego_network_and_min_weight(store):
    ann = store.conn.execute("SELECT id FROM authors WHERE source = 'm' AND handle = 'ann'").fetchone()[0]
    ego = interaction_edges(store, author_ids=[ann])
    assert all("m:ann" in (e.source, e.target) for e in ego) and len(ego) == 8
    assert [(e.source, e.target) for e in interaction_edges(store, min_weight=2)] == [("m:bob", "m:ann")]


def test_csv_cells_that_would_run_as_formulas_are_defused(tmp_path):
    with Store.open(tmp_path / "f.db") as s:
        s.add_posts(synth.records("x", [T0], source="=HYPERLINK(1)", mentions=["y"]))
        write_graph(interaction_edges(s), tmp_path / "f.csv", "csv")
    assert (tmp_path / "f.csv").read_text().splitlines()[1].startswith("'=HYPERLINK(1):x,'=HYPERLINK(1):y,")


def _tagged_and_linked(store):
    """ann's first post tagged threat+target (the detector's columns), m:ann linked to r:ann."""
    from triage.analytics.authors import resolve_author
    from triage.analytics.identity import link_identities
    from triage.store import TagResult

    first = store.resolve_post("m:1")
    store.write_tags([TagResult(first, 0.83, True, ["target", "threat"], [])], "rules-1.0")
    link_identities(store, resolve_author(store.conn, "m:ann"), resolve_author(store.conn, "r:ann"), "ana")


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_networkx_loads_parallel_edge_kinds_times_and_node_attributes(store, tmp_path, fmt):
    nx = pytest.importorskip("networkx")  # the test extra
    _tagged_and_linked(store)
    graph = interaction_graph(store)
    write_graph(graph, tmp_path / f"g.{fmt}", fmt)
    g = nx.read_gexf(tmp_path / "g.gexf") if fmt == "gexf" else nx.read_graphml(tmp_path / "g.graphml")
    assert isinstance(g, nx.MultiDiGraph)
    by_label = {data["label"]: node for node, data in g.nodes(data=True)}
    ann, bob = by_label["m:ann"], by_label["m:bob"]
    # bob -> ann twice over: a reply edge (2 posts) and a mention edge (1), parallel.
    between = [d for u, v, d in g.edges(data=True) if (u, v) == (bob, ann)]
    assert sorted((d["kind"], int(d["weight"])) for d in between) == [("mention", 1), ("reply", 2)]
    reply = next(d for d in between if d["kind"] == "reply")
    assert (reply["first_at"], reply["last_at"]) == ("2026-05-28T20:27:40Z", "2026-05-28T20:28:40Z")
    if fmt == "gexf":
        assert g.graph["mode"] == "dynamic" and (reply["start"], reply["end"]) == ("2026-05-28", "2026-05-28")
    identity = [(g.nodes[u]["label"], g.nodes[v]["label"]) for u, v, d in g.edges(data=True)
                if d["kind"] == "identity"]
    assert identity == [("m:ann", "r:ann")]
    posts = store.conn.execute("SELECT COUNT(*) FROM posts p JOIN authors a ON a.id = p.author_id "
                               "WHERE a.source = 'm' AND a.handle = 'ann'").fetchone()[0]
    node = g.nodes[ann]
    assert (node["posts"], node["flagged"], node["risk"]) == (posts, 1, 0.83)
    assert node["indicators"] == "threat,target" and node["ind_threat"] == 1 and node["ind_plan"] == 0
    assert g.nodes[by_label["m:cy"]]["posts"] == 1 and g.nodes[by_label["m:cy"]]["indicators"] == ""
    addressed_only = g.nodes[by_label["r:bob"]]  # mentioned, never collected
    assert addressed_only["posts"] == 0 and addressed_only["risk"] == 0.0
    assert "m:eve␛]0;pwn␇" in by_label  # the hostile handle, sanitized, and the XML still parses


def test_the_graph_command_counts_each_edge_kind(store, tmp_path):
    _tagged_and_linked(store)
    store.close()
    triage = Path(sys.executable).parent / "triage"
    out = subprocess.run([str(triage), "--db", str(tmp_path / "g.db"), "graph", "--out", str(tmp_path / "x.gexf")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert re.search(r"wrote 10 edges \((?=.*\b1 identity\b)(?=.*\b3 reply\b)(?=.*\b6 mention\b).*\) between 7 "
                     r"accounts", out.stdout), out.stdout
