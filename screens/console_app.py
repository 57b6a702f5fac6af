"""The running app as the screens use it, for the type checker: the store, the config, the
analyst's zone and the navigation that opens other screens.

Textual types a screen's ``self.app`` as ``App[Any]``. A screen cannot import TriageApp to say
more: app.py imports the screens, and the no-cycles contract counts type-only imports too. So
the screens type ``self.app`` as this class and TriageApp derives from it: mypy then checks what
TriageApp assigns against these types, and refuses to instantiate it if a method is missing. At
run time ConsoleApp *is* Textual's App: nothing here runs, and TriageApp's class is unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from abc import abstractmethod
    from contextlib import AbstractContextManager
    from datetime import tzinfo
    from pathlib import Path

    from triage.config import Config
    from triage.db_location import PgUrl
    from triage.store import Store
    from triage.store.queries import QueueFilter

    class ConsoleApp(App):
        db_path: Path | PgUrl
        config: Config
        analyst: str
        zone: tzinfo
        store: Store  # the one writer
        reader: Store  # UI-thread reads
        undo_stack: list[tuple]

        @abstractmethod
        def open_reader(self) -> AbstractContextManager[Store]: ...

        @abstractmethod
        def open_queue(self, flt: QueueFilter, title: str) -> None: ...

        @abstractmethod
        def open_author(self, author_id: int) -> None: ...

        @abstractmethod
        def open_overview(self) -> None: ...

        @abstractmethod
        def open_concern(self) -> None: ...
else:
    ConsoleApp = App
