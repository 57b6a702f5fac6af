"""Render the README's console screenshots (SVG, as Textual exports them) from the demo data.

    .venv/bin/python scripts/screenshots.py      # writes docs/screenshots/*.svg
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from triage.cli.demo_cmd import build_demo_store
from triage.config import Config
from triage.screens.app import TriageApp

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

# (file name, terminal size, keys pressed after the queue has loaded)
SHOTS = [
    ("queue-80x24", (80, 24), []),
    ("queue-160x48", (160, 48), ["j", "j"]),
    ("verdicts-100x30", (100, 30), ["v", "j"]),
    ("help-100x30", (100, 30), ["question_mark"]),
    ("overview-100x40", (100, 40), ["o"]),
    ("author-100x40", (100, 40), ["author:hollowfen"]),
    ("author-charts-80x24", (80, 24), ["author:hollowfen", "scroll:author-timeline"]),
    ("author-charts-160x48", (160, 48), ["author:hollowfen", "scroll:author-timeline"]),
    ("concern-100x30", (100, 30), ["w"]),
]


async def shoot(db: Path, name: str, size, keys) -> None:
    app = TriageApp(db, Config(analyst="analyst", timezone="UTC", theme="textual-dark"), title="demo")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            if key.startswith("author:"):  # open a demo author's profile directly
                handle = key.partition(":")[2]
                author_id = app.reader.conn.execute("SELECT id FROM authors WHERE handle = ?", (handle,)).fetchone()[0]
                app.open_author(author_id)
            elif key.startswith("scroll:"):  # bring a widget to the top, as j/k would by hand
                screen = app.screen
                target = screen.query_one("#" + key.partition(":")[2])
                target.parent.scroll_to_widget(target, animate=False, top=True)
            else:
                await pilot.press(key)
            await pilot.pause()
        await pilot.pause(0.3)
        app.save_screenshot(filename=f"{name}.svg", path=str(OUT))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        build_demo_store(db, "analyst")
        for name, size, keys in SHOTS:
            asyncio.run(shoot(db, name, size, keys))
            print(f"wrote {OUT / name}.svg")


if __name__ == "__main__":
    main()
