"""Telegram Desktop JSON export (``result.json``): one chat, or the whole account.

Telegram Desktop writes a single JSON document: a chat ``{"name", "type", "id", "messages":
[...]}`` or, for "Export Telegram data", ``{"personal_information", ..., "chats": {"list":
[chat, ...]}, "left_chats": {"list": [...]}}``. Exports of big groups run to gigabytes, so the
file is streamed with ijson (C backend): memory holds one message at a time, whatever the size.

Per message: ``text`` is a string or a list of strings and entity objects (``{"type":
"mention", "text": "@x"}``) whose texts are joined; ``from``/``from_id`` are the sender (the
id is the handle: display names change and collide); ``reply_to_message_id`` is the reply;
``forwarded_from`` stays in the raw copy. Time comes from ``date_unixtime`` (UTC). ``date`` is
the exporting computer's local time *without* a zone: it is kept as the raw string but never
read as UTC (no offset in it, so it gives no false location hint either). Exports made before
``date_unixtime`` existed need the ``timezone`` option (the exporter's zone) to be read.

Service messages (joins, pins, calls) and messages with no text (stickers, bare media) are
skipped silently; malformed messages are reported as ``result.json: entry N: reason``.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Iterator, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ijson

from triage.collectors import (Collector, CollectorState, ImportProblem, Option, PluginError, PostRecord, RecordError,
                               records_from)
from triage.collectors.json_depth import Capped, depth_cut, numbered_entries
from triage.collectors.record_loop import Where

# Where messages sit in the two layouts (ijson prefixes), and where the chat they belong to starts.
_MESSAGE_PREFIXES = {"messages.item", "chats.list.item.messages.item", "left_chats.list.item.messages.item"}
_CHAT_PREFIXES = {"", "chats.list.item", "left_chats.list.item"}
_CHAT_FIELDS = {"name", "type", "id"}
_PROGRESS_EVERY = 2000
_SOURCE_NAMES = {"created_at": "date_unixtime", "author_handle": "from_id", "author_name": "from",
                 "external_id": "id", "reply_to": "reply_to_message_id"}


def _flatten_text(text) -> tuple[str, list[str], list[str]]:
    """Telegram's ``text``: a string, or a list of strings and ``{"type", "text"}`` entities."""
    if isinstance(text, str):
        return text, [], []
    if not isinstance(text, list):
        raise RecordError(None, f"'text' is neither a string nor a list ({type(text).__name__})")
    parts, mentions, hashtags = [], [], []
    for piece in text:
        if isinstance(piece, str):
            parts.append(piece)
        elif isinstance(piece, dict) and isinstance(piece.get("text"), str):
            parts.append(piece["text"])
            kind = piece.get("type")
            if kind == "mention":
                mentions.append(piece["text"].lstrip("@"))
            elif kind == "hashtag":
                hashtags.append(piece["text"].lstrip("#"))
        else:
            raise RecordError(None, "'text' has a part that is neither a string nor an entity with text")
    return "".join(parts), mentions, hashtags


def _as_id(value) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if not isinstance(value, (str, int, float)):
        raise RecordError(None, f"an id is {type(value).__name__}, expected a number or text")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


class TelegramExportCollector(Collector):
    name = "telegram"
    description = "Telegram Desktop JSON export (result.json: one chat or the whole account)"
    formats = ("telegram",)
    options_schema = {
        "path": Option(str, required=True, help="the result.json file"),
        "source": Option(str, default="telegram", help="source name of the posts"),
        "timezone": Option(str, default="", help="exporter's IANA zone, only for old exports without date_unixtime"),
    }

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not body.startswith(b"{"):
            return False
        chat = b'"messages"' in head and (b'"date_unixtime"' in head or b'"from_id"' in head)
        account = b'"personal_information"' in head and b'"about"' in head
        return chat or account

    def _local_zone(self):
        if not self.options["timezone"]:
            return None
        try:
            return ZoneInfo(self.options["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise PluginError(f"telegram: unknown timezone {self.options['timezone']!r} (an IANA name)") from None

    def _record(self, msg: object, chat: dict, zone) -> PostRecord | None:
        if not isinstance(msg, dict):
            raise RecordError(None, "not an object")
        if msg.get("type", "message") != "message":
            return None  # service messages: joins, pins, calls
        msg_id = _as_id(msg.get("id"))
        if msg_id is None:
            raise RecordError(None, "no message id")
        try:
            return self._message(msg, msg_id, chat, zone)
        except RecordError as exc:
            raise exc.within(f"message {msg_id}") from None

    def _message(self, msg: dict, msg_id: str, chat: dict, zone) -> PostRecord | None:
        text, mentions, hashtags = _flatten_text(msg.get("text", ""))
        if not text.strip():
            return None  # a sticker or bare media: nothing to read
        raw_date = msg.get("date")
        unixtime = msg.get("date_unixtime")
        if unixtime not in (None, ""):
            try:
                created_at = int(str(unixtime))
            except ValueError:
                raise RecordError("date_unixtime", f"not a whole number: {str(unixtime)[:30]!r}") from None
        elif isinstance(raw_date, str) and zone is not None:
            try:
                created_at = int(datetime.fromisoformat(raw_date).replace(tzinfo=zone).timestamp())
            except ValueError:
                raise RecordError(None, f"unreadable 'date' {raw_date[:30]!r}") from None
        else:
            raise RecordError(None, "no 'date_unixtime' (an old export? give the exporter's zone in the "
                                    "'timezone' option)")
        sender_id = msg.get("from_id") or msg.get("actor_id")
        sender = msg.get("from")
        if sender_id is not None and not isinstance(sender_id, (str, int)) or isinstance(sender_id, bool):
            raise RecordError("from_id", "expected text")
        if sender is not None and not isinstance(sender, str):
            raise RecordError("from", "expected text")
        if not sender_id and not sender:
            raise RecordError(None, "no sender ('from_id' or 'from')")
        chat_id = _as_id(chat.get("id")) or "chat"
        reply = _as_id(msg.get("reply_to_message_id"))
        return PostRecord(
            source=self.options["source"],
            # Message ids count per chat: the chat id makes them unique in the store.
            external_id=f"{chat_id}/{msg_id}",
            text=text,
            author_handle=str(sender_id or sender),
            author_id=str(sender_id) if sender_id else None,
            author_name=sender if isinstance(sender, str) else None,
            created_at=created_at,
            created_raw=raw_date if isinstance(raw_date, str) else str(unixtime),
            reply_to=f"{chat_id}/{reply}" if reply else None,
            mentions=mentions,
            hashtags=hashtags,
            raw={"chat": {k: chat.get(k) for k in ("id", "name", "type")}, "message": msg},
        )

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        zone = self._local_zone()
        yield from records_from(self._messages(state), lambda item: self._record(item[1], item[0], zone), state,
                                entries=True, source_names=_SOURCE_NAMES)
        size = os.path.getsize(self.options["path"])
        state.progress(size, size)

    def _messages(self, state: CollectorState) -> Iterator[tuple[Where, tuple[dict, object]] | ImportProblem]:
        """(chat, message) for each message in document order, numbered; where the JSON breaks
        or nests too deep, one problem and the end of reading (what came before is kept)."""
        path = Path(self.options["path"])
        size = os.path.getsize(path)
        cut = depth_cut(lambda: open(path, "rb"))
        header = _single_chat_header(path, cut)
        with open(path, "rb") as fh:
            source = fh if cut is None else Capped(fh, cut)
            messages: Iterator[tuple[dict, object]]  # (chat, message)
            if header is not None:
                # One chat (the big-group case): ijson's C item builder, about 4x the event loop.
                messages = ((header, m) for m in ijson.items(source, "messages.item", use_float=True))
            else:
                messages = _account_messages(ijson.parse(source, use_float=True))

            def progress(entry: int) -> None:
                if entry % _PROGRESS_EVERY == 0:
                    state.progress(fh.tell(), size)

            # numbered_entries hands each item on unchanged but is not generic over it
            yield from cast(Iterator[tuple[Where, tuple[dict, object]] | ImportProblem],
                            numbered_entries(str(path), messages, cut=cut, after_each=progress))


def _single_chat_header(path: Path, cut: int | None = None) -> dict | None:
    """A one-chat export's name/type/id (Telegram writes them before "messages"); None for a
    whole-account export. Reads only the start of the file (never past ``cut``)."""
    chat: dict = {}
    with open(path, "rb") as fh:
        try:
            for prefix, event, value in ijson.parse(fh if cut is None else Capped(fh, cut), use_float=True):
                if prefix == "" and event == "map_key":
                    if value == "messages":
                        return chat
                    if value in ("chats", "left_chats", "personal_information"):
                        return None
                elif prefix in _CHAT_FIELDS and event in ("string", "number"):
                    chat[prefix] = value
        except (ijson.JSONError, UnicodeDecodeError):
            return None  # the main pass reports it, with where it broke
    return None


def _account_messages(events) -> Iterator[tuple[dict, object]]:
    """(chat, message) through every chat of a whole-account export, one message in memory."""
    chat: dict = {}
    for prefix, event, value in events:
        if prefix in _CHAT_PREFIXES and event == "start_map":
            chat = {}
        elif prefix in _MESSAGE_PREFIXES and event not in ("end_map", "end_array", "map_key"):
            yield chat, _build(events, event, value)
        elif event in ("string", "number") and "." in prefix:
            parent, _, key = prefix.rpartition(".")
            if key in _CHAT_FIELDS and parent in _CHAT_PREFIXES:
                chat[key] = value


def _build(events, event: str, value):
    """The whole JSON value that starts with (event, value), pulled from the event stream."""
    if event not in ("start_map", "start_array"):
        return value
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for _prefix, ev, val in events:
        builder.event(ev, val)
        if ev in ("start_map", "start_array"):
            depth += 1
        elif ev in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                return builder.value
    raise ijson.IncompleteJSONError("the file ends inside a message")
