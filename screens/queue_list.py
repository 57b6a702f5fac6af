"""The queue: a virtual list over the store (Line API), never a widget per row.

Only the ids of the current filter are held (8 bytes each, loaded in a thread worker by the
screen); rows are fetched a page at a time when a line is drawn, and a few pages are cached.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from datetime import tzinfo
from typing import Callable

from rich.segment import Segment
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from triage.store.queries import QueueRow

from .formatting import queue_row_text

PAGE = 100
MAX_PAGES = 20
MAX_STRIPS = 2000


class QueueList(ScrollView, can_focus=True, inherit_bindings=False):
    """Keys belong to the screen (remappable by id there): a ScrollView's own up/down/home/end/
    page bindings would scroll the view under a cursor that does not move."""

    COMPONENT_CLASSES = {"queue-list--cursor", "queue-list--marked"}
    DEFAULT_CSS = """
    QueueList { overflow-x: hidden; }
    QueueList > .queue-list--cursor { text-style: reverse bold; }
    QueueList > .queue-list--marked { text-style: bold; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class CursorMoved(Message):
        def __init__(self, post_id: int | None) -> None:
            super().__init__()
            self.post_id = post_id

    def __init__(self, fetch_rows: Callable[[list[int]], dict[int, QueueRow]], zone: tzinfo,
                 max_chars: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._fetch_rows = fetch_rows
        self.zone = zone
        self.max_chars = max_chars
        self.ids: array = array("q")
        self.marked: set[int] = set()
        self._pages: OrderedDict[int, dict[int, QueueRow]] = OrderedDict()
        # Drawn lines by (post id, width, marked): moving the cursor redraws two lines, and a
        # scroll redraws only lines not seen before; the cursor style is applied on top.
        self._strips: OrderedDict[tuple, Strip] = OrderedDict()
        self.loading_text = "loading…"

    # ---- data ----------------------------------------------------------------------------

    def set_ids(self, ids: array, keep_post: int | None = None) -> None:
        """Show a new id list; the cursor stays on ``keep_post`` if it is still listed."""
        self.ids = ids
        self._pages.clear()
        self._strips.clear()
        self.virtual_size = Size(self.size.width, len(ids))
        index = 0
        if keep_post is not None:
            try:
                index = ids.index(keep_post)
            except ValueError:
                index = min(self.cursor, max(0, len(ids) - 1))
        self.cursor = index
        self.refresh()

    def invalidate(self, post_ids=None) -> None:
        """Re-read rows (after a label), all of them or just the pages holding these posts."""
        if post_ids is None:
            self._pages.clear()
            self._strips.clear()
        else:
            wanted = set(post_ids)
            for page in [p for p, rows in self._pages.items() if wanted & rows.keys()]:
                del self._pages[page]
            for key in [k for k in self._strips if k[0] in wanted]:
                del self._strips[key]
        self.refresh()

    def cached_row(self, post_id: int) -> QueueRow | None:
        for rows in self._pages.values():
            if post_id in rows:
                return rows[post_id]
        return None

    def cached_rows(self) -> dict[int, QueueRow]:
        """The rows in memory (the pages drawn lately), by post id."""
        out: dict[int, QueueRow] = {}
        for rows in self._pages.values():
            out.update(rows)
        return out

    def invalidate_lines(self, post_ids) -> None:
        """Redraw these rows from their (updated) cached data, without re-reading their page."""
        wanted = set(post_ids)
        for key in [k for k in self._strips if k[0] in wanted]:
            del self._strips[key]
        self.refresh()

    def set_disagreement(self, post_ids, disagreeing: set[int]) -> None:
        """After a label: which of these rows are disagreements now."""
        for post_id in post_ids:
            row = self.cached_row(post_id)
            if row is not None:
                row.disagreement = post_id in disagreeing
        self.invalidate_lines(post_ids)

    def set_disposition(self, post_ids, disposition: str | None) -> int:
        """Show a new label on these rows without re-reading their page. Returns how many of
        them were flagged and unreviewed before (the status line's count goes down by that)."""
        was_unreviewed = 0
        for post_id in post_ids:
            row = self.cached_row(post_id)
            if row is None:
                continue
            was_unreviewed += row.flagged and row.disposition is None
            row.disposition = disposition
        for key in [k for k in self._strips if k[0] in set(post_ids)]:
            del self._strips[key]
        self.refresh()
        return was_unreviewed

    def row_at(self, index: int) -> QueueRow | None:
        if not 0 <= index < len(self.ids):
            return None
        page = index // PAGE
        rows = self._pages.get(page)
        if rows is None:
            rows = self._fetch_rows(list(self.ids[page * PAGE:(page + 1) * PAGE]))
            self._pages[page] = rows
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return rows.get(self.ids[index])

    @property
    def current_id(self) -> int | None:
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    # ---- movement ------------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        if not self.ids:
            return
        self.cursor = max(0, min(index, len(self.ids) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        height = self.scrollable_content_region.height or 1
        top = int(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False)
        self.refresh_line(old)
        self.refresh_line(new)
        self.post_message(self.CursorMoved(self.current_id))

    def refresh_line(self, index: int) -> None:
        y = index - int(self.scroll_offset.y)
        if 0 <= y < self.size.height:
            self.refresh_lines(y)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.ids))

    # ---- drawing -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.size.width
        base = self.rich_style
        if index >= len(self.ids):
            if index == 0:
                return Strip([Segment(self.loading_text.ljust(width)[:width], base)])
            return Strip.blank(width, base)
        row = self.row_at(index)
        if row is None:  # removed from the store meanwhile (never happens: nothing is deleted)
            return Strip.blank(width, base)
        key = (row.id, width, row.id in self.marked)
        strip = self._strips.get(key)
        if strip is None:
            text = queue_row_text(row, width, self.zone, row.id in self.marked, self.max_chars)
            strip = Strip(list(text.render(self.app.console))).crop_extend(0, width, base).apply_style(base)
            self._strips[key] = strip
            if len(self._strips) > MAX_STRIPS:
                self._strips.popitem(last=False)
        if index == self.cursor:
            strip = strip.apply_style(self.get_component_rich_style("queue-list--cursor"))
        elif row.id in self.marked:
            strip = strip.apply_style(self.get_component_rich_style("queue-list--marked"))
        return strip

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.ids)


