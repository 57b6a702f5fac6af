"""The interaction graph for Gephi, Maltego and scripts: CSV (an edge list), GEXF 1.3 or GraphML,
written with the standard library only.

Nodes are accounts named ``source:handle``, with attributes Gephi and Maltego users filter by:
``posts``, ``flagged``, ``risk`` (the account's highest post risk score), ``concern`` (author
concern, -1 when not computed), ``indicators`` (the detector's indicator ids over their posts,
comma-separated) and, per indicator, ``ind_<id>`` (posts carrying it); an account that is only
addressed, never collected, has zeros. Edges are parallel, one per (from, to, kind):

* ``reply`` and ``mention`` — A -> B when A replied to or mentioned B, with ``weight`` (posts)
  and the first and last of those posts;
* ``identity`` — accounts an analyst linked as one person (``triage link``), from the lower
  account id to the higher, at the time of the decision.

GEXF is written in dynamic mode (``timeformat="date"``): every edge has ``start``/``end`` (the
days of its first and last post) and every collected account the days of its first and last
post, so Gephi's timeline plays the graph; the exact times are the ``first_at``/``last_at``
attributes. GraphML has the same as declared ``<key>``s (``first_at``/``last_at``).
Handles are untrusted text: they go through the sanitizer (control characters would also make the
XML unparsable), XML escaping is ElementTree's, and a CSV cell that a spreadsheet would run as a
formula is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Sequence

from ..output_paths import partial_name
from ..sanitize import sanitize, spreadsheet_cell
from ..timeparse import format_epoch
from ..indicators import INDICATORS
from ..store import analytics_queries as aq
from .profile import connection
from .timeline import split_indicators

FORMATS = ("csv", "gexf", "graphml")
CSV_COLUMNS = ("source", "target", "kind", "weight", "first_at", "last_at")


EDGE_KINDS = ("reply", "mention", "identity")


@dataclass
class Edge:
    source: str  # source:handle of the account that wrote (identity: the lower account id)
    target: str  # source:handle of the account addressed (identity: the other account)
    kind: str  # one of EDGE_KINDS
    weight: int  # posts (identity: 1)
    first_at: int
    last_at: int


@dataclass
class Node:
    """An account as the graph's node attributes describe it."""

    name: str  # source:handle, as the edges name it
    posts: int = 0
    flagged: int = 0
    risk: float = 0.0  # the highest risk score of its posts
    concern: float = -1.0  # author concern; -1: not computed
    indicators: dict[str, int] = field(default_factory=dict)  # indicator id -> posts
    first_at: int | None = None
    last_at: int | None = None


@dataclass
class Graph:
    nodes: list[Node]
    edges: list[Edge]


def interaction_edges(store_or_conn, min_weight: int = 1, author_ids: Sequence[int] | None = None) -> list[Edge]:
    """Store-wide reply and mention edges, or the ego network of ``author_ids`` (both ways)."""
    rows = aq.interaction_edges(connection(store_or_conn), min_weight, author_ids)
    return [Edge(sanitize(f"{r.source}:{r.handle}"), sanitize(f"{r.source}:{r.target}"), r.kind, r.weight,
                 r.first_at, r.last_at) for r in rows]


def identity_edges(store_or_conn, author_ids: Sequence[int] | None = None) -> list[Edge]:
    """Accounts an analyst linked as one person: one edge per linked pair, at the decision."""
    return [Edge(sanitize(f"{r.a_source}:{r.a_handle}"), sanitize(f"{r.b_source}:{r.b_handle}"), "identity", 1,
                 int(r.at), int(r.at)) for r in aq.identity_edges(connection(store_or_conn), author_ids)]


def interaction_graph(store_or_conn, min_weight: int = 1, author_ids: Sequence[int] | None = None) -> Graph:
    """Every edge kind, and the attributes of every account an edge touches."""
    conn = connection(store_or_conn)
    edges = interaction_edges(conn, min_weight, author_ids) + identity_edges(conn, author_ids)
    names = list(_nodes(edges))
    # Interactions name the addressed account by its handle case folded: look accounts up so.
    keyed: dict[tuple[str, str], list[str]] = {}
    for name in names:
        source, _, handle = name.partition(":")
        keyed.setdefault((source, handle.lower()), []).append(name)
    stats, indicator_rows = aq.account_stats(conn, list(keyed))
    nodes = {name: Node(name) for name in names}
    for row in stats:
        for name in keyed.get((row.source, row.handle_key), ()):
            node = nodes[name]
            node.posts, node.flagged, node.first_at, node.last_at = row.posts, row.flagged, row.first_at, row.last_at
            node.risk = round(row.max_score or 0.0, 4)
            node.concern = -1.0 if row.concern is None else round(row.concern, 4)
    for source, handle_key, indicators, posts in indicator_rows:
        for name in keyed.get((source, handle_key), ()):
            counts = nodes[name].indicators
            for indicator in split_indicators(indicators):
                counts[indicator] = counts.get(indicator, 0) + posts
    return Graph(list(nodes.values()), edges)


def _iso(ts: int) -> str:
    return format_epoch(ts, "%Y-%m-%dT%H:%M:%SZ")


def _day(ts: int) -> str:
    return format_epoch(ts, "%Y-%m-%d")


def _cell(value) -> str:
    return spreadsheet_cell(str(value))


def write_csv(edges: Sequence[Edge], out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in edges:
        writer.writerow([_cell(e.source), _cell(e.target), e.kind, e.weight, _iso(e.first_at), _iso(e.last_at)])


def _nodes(edges: Sequence[Edge]) -> dict[str, str]:
    """node label -> id (n0, n1, ...), in first-seen order."""
    ids: dict[str, str] = {}
    for e in edges:
        for name in (e.source, e.target):
            ids.setdefault(name, f"n{len(ids)}")
    return ids


def _node_values(node: Node) -> list[tuple[str, str, str]]:
    """(name, GEXF type, value) of a node's attributes, in declaration order."""
    out = [("posts", "integer", str(node.posts)), ("flagged", "integer", str(node.flagged)),
           ("risk", "double", repr(node.risk)), ("concern", "double", repr(node.concern)),
           ("indicators", "string", ",".join(i for i in INDICATORS if node.indicators.get(i)))]
    out += [(f"ind_{i}", "integer", str(node.indicators.get(i, 0))) for i in INDICATORS]
    return out


_EDGE_ATTRS = (("kind", "string"), ("first_at", "string"), ("last_at", "string"))


def gexf_tree(graph: Graph) -> ET.ElementTree:
    root = ET.Element("gexf", {"xmlns": "http://gexf.net/1.3", "version": "1.3"})
    meta = ET.SubElement(root, "meta", {"lastmodifieddate": datetime.now(timezone.utc).strftime("%Y-%m-%d")})
    ET.SubElement(meta, "creator").text = "triage-console"
    # Days (timeformat "date"): Gephi's timeline reads them, and so does networkx's reader, which
    # knows no "dateTime"; the exact times are in the first_at/last_at attributes.
    xml_graph = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "dynamic",
                                              "timeformat": "date"})
    node_attrs = ET.SubElement(xml_graph, "attributes", {"class": "node", "mode": "static"})
    template = _node_values(Node(""))
    for i, (name, kind, _) in enumerate(template):
        ET.SubElement(node_attrs, "attribute", {"id": f"n{i}", "title": name, "type": kind})
    edge_attrs = ET.SubElement(xml_graph, "attributes", {"class": "edge", "mode": "static"})
    for i, (name, kind) in enumerate(_EDGE_ATTRS):
        ET.SubElement(edge_attrs, "attribute", {"id": str(i), "title": name, "type": kind})
    node_ids = _nodes(graph.edges)
    nodes = ET.SubElement(xml_graph, "nodes")
    for node in graph.nodes:
        attrs = {"id": node_ids[node.name], "label": node.name}
        if node.first_at is not None and node.last_at is not None:  # a collected account lives from its first post to its last
            attrs.update(start=_day(node.first_at), end=_day(node.last_at))
        values = ET.SubElement(ET.SubElement(nodes, "node", attrs), "attvalues")
        for i, (_, _, value) in enumerate(_node_values(node)):
            ET.SubElement(values, "attvalue", {"for": f"n{i}", "value": value})
    xml_edges = ET.SubElement(xml_graph, "edges")
    for i, e in enumerate(graph.edges):
        # GEXF 1.3's own ``kind`` tells parallel edges apart; the attribute carries it for filters.
        edge = ET.SubElement(xml_edges, "edge", {"id": f"e{i}", "source": node_ids[e.source],
                                                 "target": node_ids[e.target], "weight": str(e.weight),
                                                 "kind": e.kind, "label": e.kind,
                                                 "start": _day(e.first_at), "end": _day(e.last_at)})
        values = ET.SubElement(edge, "attvalues")
        for j, value in enumerate((e.kind, _iso(e.first_at), _iso(e.last_at))):
            ET.SubElement(values, "attvalue", {"for": str(j), "value": value})
    return ET.ElementTree(root)


_GRAPHML_TYPES = {"integer": "int", "double": "double", "string": "string"}


def _node_key(name: str) -> str:
    return name if name == "label" else f"node_{name}"


def graphml_tree(graph: Graph) -> ET.ElementTree:
    root = ET.Element("graphml", {"xmlns": "http://graphml.graphdrawing.org/xmlns"})
    node_keys = [("label", "string")] + [(name, _GRAPHML_TYPES[kind]) for name, kind, _ in _node_values(Node(""))]
    node_keys += [("first_at", "string"), ("last_at", "string")]
    # Key ids are unique across domains: edges keep the plain names, nodes' carry a prefix
    # (but the label), since both have first_at/last_at.
    for name, kind in node_keys:
        ET.SubElement(root, "key", {"id": _node_key(name), "for": "node", "attr.name": name, "attr.type": kind})
    edge_keys = (("kind", "string"), ("weight", "int"), ("first_at", "string"), ("last_at", "string"))
    for name, kind in edge_keys:
        ET.SubElement(root, "key", {"id": name, "for": "edge", "attr.name": name, "attr.type": kind})
    xml_graph = ET.SubElement(root, "graph", {"id": "interactions", "edgedefault": "directed"})
    node_ids = _nodes(graph.edges)
    for node in graph.nodes:
        el = ET.SubElement(xml_graph, "node", {"id": node_ids[node.name]})
        values = [("label", node.name)] + [(name, value) for name, _, value in _node_values(node)]
        if node.first_at is not None and node.last_at is not None:
            values += [("first_at", _iso(node.first_at)), ("last_at", _iso(node.last_at))]
        for name, value in values:
            ET.SubElement(el, "data", {"key": _node_key(name)}).text = value
    for i, e in enumerate(graph.edges):
        edge = ET.SubElement(xml_graph, "edge", {"id": f"e{i}", "source": node_ids[e.source],
                                                 "target": node_ids[e.target]})
        for key, value in (("kind", e.kind), ("weight", str(e.weight)), ("first_at", _iso(e.first_at)),
                           ("last_at", _iso(e.last_at))):
            ET.SubElement(edge, "data", {"key": key}).text = value
    return ET.ElementTree(root)


def write_graph(graph: Graph | Sequence[Edge], path, fmt: str) -> None:
    """Write ``graph`` (or bare edges: nodes without attributes) to ``path`` as csv, gexf or graphml.

    Written beside the target under a hidden name and renamed into place: an existing file
    (replaced only with --force, see triage.output_paths) is whole until the new one is."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: one of {', '.join(FORMATS)}")
    if not isinstance(graph, Graph):
        graph = Graph([Node(name) for name in _nodes(graph)], list(graph))
    out = Path(path)
    tmp = partial_name(out)
    try:
        if fmt == "csv":
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                write_csv(graph.edges, fh)
        else:
            tree = gexf_tree(graph) if fmt == "gexf" else graphml_tree(graph)
            ET.indent(tree)
            tree.write(tmp, encoding="utf-8", xml_declaration=True)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
