"""The interaction graph (who replies to / mentions whom) as an edge list for Gephi, Maltego
and scripts: CSV, GEXF 1.3 or GraphML, written with the standard library only.

Nodes are accounts named ``source:handle``; an edge per (from, to, kind) carries how many posts
made it and when the first and last were. Edge direction is the direction of address: A -> B
means A replied to or mentioned B. Handles are untrusted text: they go through the sanitizer
(control characters would also make the XML unparsable), XML escaping is ElementTree's, and a
CSV cell that a spreadsheet would run as a formula is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Sequence

from ..output_paths import partial_name
from ..sanitize import sanitize, spreadsheet_cell
from ..timeparse import format_epoch
from ..store import analytics_queries as aq
from .profile import connection

FORMATS = ("csv", "gexf", "graphml")
CSV_COLUMNS = ("source", "target", "kind", "weight", "first_at", "last_at")


@dataclass
class Edge:
    source: str  # source:handle of the account that wrote
    target: str  # source:handle of the account addressed
    kind: str  # reply | mention
    weight: int  # posts
    first_at: int
    last_at: int


def interaction_edges(store_or_conn, min_weight: int = 1, author_ids: Sequence[int] | None = None) -> list[Edge]:
    """Store-wide edges, or the ego network of ``author_ids`` (their edges both ways)."""
    rows = aq.interaction_edges(connection(store_or_conn), min_weight, author_ids)
    return [Edge(sanitize(f"{r.source}:{r.handle}"), sanitize(f"{r.source}:{r.target}"), r.kind, r.weight,
                 r.first_at, r.last_at) for r in rows]


def _iso(ts: int) -> str:
    return format_epoch(ts, "%Y-%m-%dT%H:%M:%SZ")


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


def gexf_tree(edges: Sequence[Edge]) -> ET.ElementTree:
    root = ET.Element("gexf", {"xmlns": "http://gexf.net/1.3", "version": "1.3"})
    meta = ET.SubElement(root, "meta", {"lastmodifieddate": datetime.now(timezone.utc).strftime("%Y-%m-%d")})
    ET.SubElement(meta, "creator").text = "triage-console"
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "static"})
    attrs = ET.SubElement(graph, "attributes", {"class": "edge"})
    for i, (name, kind) in enumerate((("kind", "string"), ("first_at", "string"), ("last_at", "string"))):
        ET.SubElement(attrs, "attribute", {"id": str(i), "title": name, "type": kind})
    node_ids = _nodes(edges)
    nodes = ET.SubElement(graph, "nodes")
    for label, nid in node_ids.items():
        ET.SubElement(nodes, "node", {"id": nid, "label": label})
    xml_edges = ET.SubElement(graph, "edges")
    for i, e in enumerate(edges):
        edge = ET.SubElement(xml_edges, "edge", {"id": f"e{i}", "source": node_ids[e.source],
                                                 "target": node_ids[e.target], "weight": str(e.weight),
                                                 "label": e.kind})
        values = ET.SubElement(edge, "attvalues")
        for j, value in enumerate((e.kind, _iso(e.first_at), _iso(e.last_at))):
            ET.SubElement(values, "attvalue", {"for": str(j), "value": value})
    return ET.ElementTree(root)


def graphml_tree(edges: Sequence[Edge]) -> ET.ElementTree:
    root = ET.Element("graphml", {"xmlns": "http://graphml.graphdrawing.org/xmlns"})
    keys = (("label", "node", "string"), ("kind", "edge", "string"), ("weight", "edge", "int"),
            ("first_at", "edge", "string"), ("last_at", "edge", "string"))
    for name, domain, kind in keys:
        ET.SubElement(root, "key", {"id": name, "for": domain, "attr.name": name, "attr.type": kind})
    graph = ET.SubElement(root, "graph", {"id": "interactions", "edgedefault": "directed"})
    node_ids = _nodes(edges)
    for label, nid in node_ids.items():
        ET.SubElement(ET.SubElement(graph, "node", {"id": nid}), "data", {"key": "label"}).text = label
    for i, e in enumerate(edges):
        edge = ET.SubElement(graph, "edge", {"id": f"e{i}", "source": node_ids[e.source], "target": node_ids[e.target]})
        for key, value in (("kind", e.kind), ("weight", str(e.weight)), ("first_at", _iso(e.first_at)),
                           ("last_at", _iso(e.last_at))):
            ET.SubElement(edge, "data", {"key": key}).text = value
    return ET.ElementTree(root)


def write_graph(edges: Sequence[Edge], path, fmt: str) -> None:
    """Write ``edges`` to ``path`` as csv, gexf or graphml.

    Written beside the target under a hidden name and renamed into place: an existing file
    (replaced only with --force, see triage.output_paths) is whole until the new one is."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: one of {', '.join(FORMATS)}")
    out = Path(path)
    tmp = partial_name(out)
    try:
        if fmt == "csv":
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                write_csv(edges, fh)
        else:
            tree = gexf_tree(edges) if fmt == "gexf" else graphml_tree(edges)
            ET.indent(tree)
            tree.write(tmp, encoding="utf-8", xml_declaration=True)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
