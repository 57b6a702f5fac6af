"""The Textual application: opens the store, applies the config (keys, theme), shows the queue."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textual.app import App
from textual.filter import Monochrome, NoColor

from triage.claim_keeper import ClaimKeeper
from triage.config import Config
from triage.db_location import PgUrl, parse_db
from triage.store import Store
from triage.store.queries import Claim, QueueFilter

from .commands import QueueCommands
from .console_app import ConsoleApp
from .formatting import analyst_zone
from .queue_screen import QueueScreen


class TriageApp(ConsoleApp):  # at run time ConsoleApp is App (see console_app.py)
    CSS_PATH = "triage.tcss"
    TITLE = "triage"
    COMMANDS = App.COMMANDS | {QueueCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, db_path: Path | PgUrl, config: Config, title: str | None = None) -> None:
        super().__init__()
        self.db_path = parse_db(db_path)  # a SQLite file or a PostgreSQL database
        self.config = config
        self.analyst = config.analyst
        self.zone = analyst_zone(config.timezone)
        self.store = Store.open(self.db_path)  # the one writer (labels, verdicts, notes)
        self.reader = Store.open(self.db_path, readonly=True)  # UI-thread reads
        # The post in view is claimed for this analyst, from a thread with its own writer.
        self.claims = ClaimKeeper(self.db_path, self.analyst, config.claim_minutes,
                                  on_claim=self._from_claims_thread(self._claim_result),
                                  on_error=self._from_claims_thread(self._claim_error))
        # (kind, ids, post ids[, verdict ids a label's key confirmed with it])
        self.undo_stack: list[tuple] = []
        self.sub_title = title or str(self.db_path)
        self._title = title or self.db_path.name

    @contextmanager
    def open_reader(self) -> Iterator[Store]:
        """A read-only connection for one worker thread (SQLite connections stay in their thread)."""
        reader = Store.open(self.db_path, readonly=True)
        try:
            yield reader
        finally:
            reader.close()

    def on_mount(self) -> None:
        if self.config.theme:
            try:
                self.theme = self.config.theme
            except Exception:
                self.notify(f"unknown theme {self.config.theme!r}; using the default", markup=False)
        if self.config.keys:
            self.set_keymap(self.config.keys)
        self.push_screen(QueueScreen(QueueFilter(), title=self._title))

    def watch_theme(self, theme: str) -> None:
        self._fit_no_color_filter()

    def _fit_no_color_filter(self) -> None:
        """Under NO_COLOR Textual picks its filter once, at start, for the default theme: Monochrome,
        which turns an ANSI theme's terminal-default colours into black on black. An ANSI theme
        needs NoColor (the terminal's own colours; state stays readable by reverse video, bold,
        letters and glyphs); a truecolor theme keeps Monochrome (grey levels)."""
        if not self.no_color:
            return
        wanted = NoColor if self.current_theme.ansi else Monochrome
        self._filters = [wanted() if isinstance(f, (NoColor, Monochrome)) and not isinstance(f, wanted) else f
                         for f in self._filters]

    def open_queue(self, flt: QueueFilter, title: str) -> None:
        """A queue of its own (a post, an author's posts, an indicator, a search) over this one.
        Screens open queues through the app, so no screen imports the queue screen back."""
        self.push_screen(QueueScreen(flt, title=title))

    def open_author(self, author_id: int) -> None:
        """The author screen (profile, charts; `p` lists their posts)."""
        from .author_screen import AuthorScreen

        self.push_screen(AuthorScreen(author_id))

    def open_overview(self) -> None:
        from .overview_screen import OverviewScreen

        self.push_screen(OverviewScreen())

    def open_concern(self) -> None:
        """Authors of concern, highest first."""
        from .concern_screen import ConcernScreen

        self.push_screen(ConcernScreen())

    def _from_claims_thread(self, handler):
        def call(arg) -> None:
            try:
                self.call_from_thread(handler, arg)
            except Exception:  # the app is closing: nothing left to show it on
                pass
        return call

    def _claim_result(self, claim: Claim) -> None:
        if isinstance(self.screen, QueueScreen):
            self.screen.claim_result(claim)

    def _claim_error(self, message: str) -> None:
        self.notify(message, severity="warning", markup=False)

    def on_unmount(self) -> None:
        self.claims.stop()
        self.store.close()
        self.reader.close()


def run_console(db_path: Path | PgUrl, config: Config, title: str | None = None) -> None:
    TriageApp(db_path, config, title=title).run()
