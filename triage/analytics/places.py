"""Where an author's posts say they are: place names and geotags, with counts and time range."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, cast

from ..store import analytics_queries as aq

COORD_DECIMALS = 2  # about a kilometre: posts from one neighbourhood group together


@dataclass
class PlaceCount:
    place: str  # the place name, or "lat,lon" for a bare geotag
    posts: int
    first_at: int
    last_at: int
    lat: float | None = None  # mean of the geotags that came with it
    lon: float | None = None


def places(rows: Sequence[aq.GeoRow], limit: int = 20) -> list[PlaceCount]:
    """From ``analytics_queries.author_geo_posts`` rows."""
    groups: dict[str | tuple[float, float], list[aq.GeoRow]] = {}
    key: str | tuple[float, float]
    for r in rows:
        if r.place:
            key = r.place.strip().casefold()
        elif r.lat is not None and r.lon is not None:
            key = (round(r.lat, COORD_DECIMALS), round(r.lon, COORD_DECIMALS))
        else:
            continue
        groups.setdefault(key, []).append(r)
    out = []
    for key, posts in groups.items():
        geo = [(r.lat, r.lon) for r in posts if r.lat is not None and r.lon is not None]
        lat = round(sum(g[0] for g in geo) / len(geo), 4) if geo else None
        lon = round(sum(g[1] for g in geo) / len(geo), 4) if geo else None
        if isinstance(key, str):
            name = cast(str, posts[0].place).strip()  # a str key was made from a non-empty place name
        else:
            name = f"{key[0]:.{COORD_DECIMALS}f},{key[1]:.{COORD_DECIMALS}f}"
        times = [r.created_at for r in posts]
        out.append(PlaceCount(name, len(posts), min(times), max(times), lat, lon))
    return sorted(out, key=lambda p: (-p.posts, -p.last_at, p.place))[:limit]
