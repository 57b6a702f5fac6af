"""X/Twitter account archive ("Download an archive of your data").

Accepts the unpacked archive directory, the ``.zip`` as downloaded, or ``data/tweets.js``
itself. Tweets are in ``data/tweets.js`` (large accounts: also ``tweets-part1.js``, ...; older
archives: ``tweet.js``), a JavaScript file ``window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]``;
the assignment is skipped and the array streamed with ijson, one tweet in memory at a time.

The archive holds one account's own tweets, so the author comes from ``data/account.js``
(username, id, display name) and the account's zone from ``data/account-timezone.js`` (a
Rails zone name such as "Arizona": the owner's own setting, a location hint that the
``+0000`` in ``created_at`` is not). Both go into each post's raw copy under ``archive``.

``full_text`` arrives HTML-escaped (``&amp;``) and with t.co links; the text stored is
unescaped with the links expanded from ``entities.urls``. Deleted tweets
(``deleted-tweets.js``) are imported too, marked in the raw copy: what someone took back can
matter most.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, Iterator, cast

import ijson

from triage.collectors import (Collector, CollectorState, ImportProblem, Option, PluginError, PostRecord, RecordError,
                               TimestampError, parse_timestamp, records_from)
from triage.collectors.field_mapping import as_text
from triage.collectors.json_depth import Capped, depth_cut, numbered_entries
from triage.collectors.record_loop import Where

_TWEET_FILES = re.compile(r"^(tweets?|deleted-tweets)(-part\d+)?\.js$")
_PREFIX = re.compile(rb"^(?:\xef\xbb\xbf)?\s*window\.YTD\.([A-Za-z0-9_]+)\.part\d+\s*=\s*")
_PROGRESS_EVERY = 1000


def _part_order(name: str) -> tuple:
    match = re.search(r"-part(\d+)\.js$", name)
    return ("deleted" in name, int(match.group(1)) if match else 0, name)


class _Archive:
    """The archive's files, whichever of the three shapes it came in."""

    def __init__(self, path: Path):
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.files: dict[str, Path | str]  # a path on disk, or a member name inside the zip
        only = None
        if path.is_dir():
            data = path / "data" if (path / "data").is_dir() else path
            self.files = {p.name: p for p in data.iterdir() if p.is_file()}
            self.label = {name: str(p) for name, p in self.files.items()}
        elif zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)
            self.files = {}
            for info in self.zip.infolist():
                member = PurePosixPath(info.filename)
                if not info.is_dir() and member.parent.name in ("data", ""):
                    self.files.setdefault(member.name, info.filename)
            self.label = {name: f"{path}:{member}" for name, member in self.files.items()}
        else:  # tweets.js given directly: its siblings are the rest of the archive
            self.files = {p.name: p for p in path.parent.iterdir() if p.is_file()}
            self.label = {name: str(p) for name, p in self.files.items()}
            only = path.name
        self.tweet_files = [only] if only else sorted((n for n in self.files if _TWEET_FILES.match(n)),
                                                      key=_part_order)

    def open(self, name: str) -> IO[bytes]:
        if self.zip is not None:
            return self.zip.open(str(self.files[name]))
        return open(self.files[name], "rb")

    def small_json(self, name: str):
        """account.js and friends: small, read whole. None if absent or unreadable."""
        if name not in self.files:
            return None
        with self.open(name) as fh:
            data = fh.read(4 * 1024 * 1024)
        match = _PREFIX.match(data)
        try:
            return json.loads(data[match.end():] if match else data)
        except (ValueError, RecursionError):
            return None

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _first(items, key: str) -> dict:
    if isinstance(items, list) and items and isinstance(items[0], dict):
        inner = items[0].get(key)
        return inner if isinstance(inner, dict) else {}
    return {}


def _skip_assignment(fh: IO[bytes]) -> IO[bytes]:
    """Position the stream just after ``window.YTD.x.partN =`` (a plain JSON file is fine too)."""
    head = fh.read(512)
    match = _PREFIX.match(head)
    rest = head[match.end():] if match else head
    # _Chain is a binary stream; typeshed's IO[bytes] is a separate nominal type from RawIOBase
    return cast(IO[bytes], _Chain(rest, fh))


class _Chain(io.RawIOBase):
    """The bytes already read, then the rest of the stream (zip members cannot seek cheaply)."""

    def __init__(self, first: bytes, rest: IO[bytes]):
        self.first, self.rest = first, rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.first:
            if size is None or size < 0:
                out, self.first = self.first + self.rest.read(), b""
                return out
            out, self.first = self.first[:size], self.first[size:]
            return out
        return self.rest.read(size)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.rest.close()
        super().close()


_SOURCE_NAMES = {"text": "full_text", "external_id": "id_str", "reply_to": "in_reply_to_status_id_str",
                 "reply_to_author": "in_reply_to_screen_name", "lat": "coordinates", "lon": "coordinates"}
MAX_LINKS = 100  # a tweet carries a handful; more is a crafted file


def _entity_list(entities: dict, key: str) -> list[dict]:
    """``entities[key]`` as a list of objects; anything else in it is ignored."""
    items = entities.get(key)
    if not isinstance(items, list):
        return []
    return [item for item in items[:MAX_LINKS] if isinstance(item, dict)]


def _expand_links(text: str, links: list[dict]) -> str:
    """t.co links -> their expanded urls, in one pass over the text: an expansion is never
    expanded again (26 crafted entries that each contained the next link once grew a 2 KB
    archive to a 67-million-character post)."""
    mapping = {link["url"]: link["expanded_url"] for link in links
               if isinstance(link.get("url"), str) and link["url"] and isinstance(link.get("expanded_url"), str)}
    if not mapping:
        return text
    pattern = re.compile("|".join(re.escape(u) for u in sorted(mapping, key=len, reverse=True)))
    return pattern.sub(lambda m: mapping[m.group()], text)


class XArchiveCollector(Collector):
    name = "x-archive"
    description = "X/Twitter account archive (directory, .zip, or data/tweets.js)"
    formats = ("x-archive",)
    options_schema = {
        "path": Option(str, required=True, help="the archive directory, its .zip, or tweets.js"),
        "source": Option(str, default="x", help="source name of the posts"),
        "author": Option(str, default="", help="handle to use when the archive has no account.js"),
        "deleted": Option(bool, default=True, help="also import deleted-tweets.js"),
    }

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return any((d / n).is_file() for d in (path, path / "data") for n in ("tweets.js", "tweet.js"))
        match = _PREFIX.match(head)
        if match:
            return match.group(1) in (b"tweet", b"tweets", b"deleted_tweets")
        if head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                return any(_TWEET_FILES.match(PurePosixPath(n).name) for n in zf.namelist())
        return False

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        path = Path(self.options["path"])
        if not path.exists():
            raise PluginError(f"x-archive: {path}: no such file or directory")
        archive = _Archive(path)
        try:
            if not archive.tweet_files:
                raise PluginError(f"x-archive: {path}: no data/tweets.js in it (is it an X archive?)")
            account = _first(archive.small_json("account.js"), "account")
            zone = _first(archive.small_json("account-timezone.js"), "accountTimezone").get("timeZone")
            context = {"account_id": account.get("accountId"), "username": account.get("username"),
                       "display_name": account.get("accountDisplayName"), "time_zone": zone}
            handle = account.get("username") or self.options["author"] or "unknown"
            self._done = 0  # tweets read, across the files: the progress count
            for name in archive.tweet_files:
                deleted = name.startswith("deleted")
                if deleted and not self.options["deleted"]:
                    continue
                yield from records_from(self._tweets(archive, name, state),
                                        partial(self._record, handle=handle, context=context, deleted=deleted), state,
                                        entries=True, source_names=_SOURCE_NAMES)
            state.progress(self._done)
        finally:
            archive.close()

    def _tweets(self, archive: _Archive, name: str, state: CollectorState) -> Iterator[tuple[Where, object]
                                                                                      | ImportProblem]:
        """The items of one tweets file, numbered; where its JSON breaks or nests too deep, one
        problem and the end of that file (the tweets before it are kept)."""
        cut = depth_cut(lambda: _skip_assignment(archive.open(name)))
        with archive.open(name) as fh:
            body = _skip_assignment(fh)

            def progress(_entry: int) -> None:
                self._done += 1
                if self._done % _PROGRESS_EVERY == 0:
                    state.progress(self._done)

            tweets = ijson.items(body if cut is None else Capped(body, cut), "item", use_float=True)
            yield from numbered_entries(archive.label[name], tweets, cut=cut, after_each=progress)

    def _record(self, item, handle: str, context: dict, deleted: bool) -> PostRecord:
        if not isinstance(item, dict):
            raise RecordError(None, "not an object")
        tweet = item.get("tweet", item)  # archives before 2020 have no "tweet" wrapper
        if not isinstance(tweet, dict):
            raise RecordError(None, "'tweet' is not an object")
        tweet_id = as_text(tweet.get("id_str") or tweet.get("id"), "id_str")
        if not tweet_id:
            raise RecordError(None, "no 'id_str'")
        text = tweet.get("full_text", tweet.get("text"))
        if not isinstance(text, str):
            raise RecordError(None, "no 'full_text'").within(f"tweet {tweet_id}")
        try:
            created_at, created_raw = parse_timestamp(tweet.get("created_at"))
        except TimestampError as exc:
            raise RecordError("created_at", str(exc), quoted=True).within(f"tweet {tweet_id}") from None
        entities = tweet.get("entities")
        if not isinstance(entities, dict):
            entities = {}
        text = _expand_links(html.unescape(text), _entity_list(entities, "urls"))
        mentions = [m["screen_name"] for m in _entity_list(entities, "user_mentions")
                    if isinstance(m.get("screen_name"), str)]
        hashtags = [h["text"] for h in _entity_list(entities, "hashtags") if isinstance(h.get("text"), str)]
        lat = lon = None
        coords = tweet.get("coordinates")
        if isinstance(coords, dict) and isinstance(coords.get("coordinates"), list) and len(coords["coordinates"]) == 2:
            try:
                lon, lat = (float(v) for v in coords["coordinates"])  # GeoJSON order: lon, lat
            except (TypeError, ValueError):
                lat = lon = None
        tweet_id = str(tweet_id)
        return PostRecord(
            source=self.options["source"],
            external_id=tweet_id,
            text=text,
            author_handle=handle,
            author_id=context.get("account_id"),
            author_name=context.get("display_name"),
            created_at=created_at,
            created_raw=created_raw,
            url=f"https://x.com/{handle}/status/{tweet_id}" if handle != "unknown" else None,
            reply_to=as_text(tweet.get("in_reply_to_status_id_str"), "in_reply_to_status_id_str"),
            reply_to_author=as_text(tweet.get("in_reply_to_screen_name"), "in_reply_to_screen_name"),
            mentions=mentions,
            hashtags=hashtags,
            lang=tweet.get("lang") if isinstance(tweet.get("lang"), str) else None,
            lat=lat,
            lon=lon,
            raw={**item, "archive": {**context, "deleted": deleted}},
        )
