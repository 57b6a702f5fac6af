"""Colours that survive: every cell the console draws with text on it has a foreground that is
not its background, under NO_COLOR with an ANSI theme, NO_COLOR with a truecolor theme and in
16 colours; state is told by glyphs, not colour (the export dialog's checkbox)."""

from __future__ import annotations

import pytest
from rich.color import ColorType

from .test_console import make_app, screen_text, settle, store_file  # noqa: F401  (fixture)


def unreadable_cells(app) -> list[tuple[int, str]]:
    """(row, text) of every drawn segment with visible text whose foreground equals its
    background, as the terminal gets them (Textual's line filters are already applied).
    Two "default" colours are the terminal's own text on its own background: readable."""
    bad = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        for seg in strip:
            style = seg.style
            if style is None or not seg.text.strip() or style.color is None or style.bgcolor is None:
                continue
            if style.color.type == ColorType.DEFAULT and style.bgcolor.type == ColorType.DEFAULT:
                continue
            if style.color == style.bgcolor:
                bad.append((y, seg.text))
    return bad


def colour_mode(monkeypatch, no_color: bool) -> None:
    """NO_COLOR set or not, whatever the environment running the tests has."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.mark.parametrize("theme, no_color", [("ansi-dark", True), ("textual-dark", True), ("ansi-dark", False),
                                             ("textual-light", True)])
async def test_no_text_is_drawn_in_its_own_background(store_file, monkeypatch, theme, no_color):
    colour_mode(monkeypatch, no_color)
    app = make_app(store_file, theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.theme == theme and app.no_color == no_color
        assert "1/10" in screen_text(app)
        assert unreadable_cells(app) == []
        await pilot.press("j", "tab")  # the cursor row (reverse video) and the focused post view
        await pilot.pause()
        assert unreadable_cells(app) == []


async def test_no_color_with_an_ansi_theme_sends_only_the_terminals_own_colours(store_file, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(store_file, theme="ansi-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        types = {(seg.style.color.type if seg.style.color else None, seg.style.bgcolor.type if seg.style.bgcolor
                  else None) for strip in app.screen._compositor.render_strips() for seg in strip if seg.style}
        assert types == {(ColorType.DEFAULT, ColorType.DEFAULT)}
        # The cursor row still stands out: reverse video, not colour.
        cursor_row = next(strip for strip in app.screen._compositor.render_strips()
                          if "".join(s.text for s in strip).strip().startswith("0.99"))
        assert all(seg.style.reverse for seg in cursor_row if seg.text.strip())


async def test_export_checkbox_shows_its_state_by_a_glyph(store_file, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(store_file, theme="ansi-dark")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("e")
        await pilot.pause()

        def box_line() -> str:
            return next(line for line in screen_text(app).splitlines() if "pseudonymize" in line)

        assert "▐ ▌ pseudonymize" in box_line()
        app.screen.query_one("#x-pseudo").value = True
        await pilot.pause()
        assert "▐✓▌ pseudonymize" in box_line()


@pytest.mark.parametrize("theme, no_color", [("ansi-dark", True), ("ansi-dark", False), ("textual-light", True)])
async def test_author_charts_are_readable_in_every_colour_mode(store_file, monkeypatch, theme, no_color):
    """The letters of the week chart and the hour bars: never drawn in their own background,
    and under NO_COLOR the letters are still there to tell the indicators apart."""
    colour_mode(monkeypatch, no_color)
    app = make_app(store_file, theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("a")  # the first post's author (nora_v: threat, target, plan, isolation)
        await pilot.pause()
        screen = app.screen
        screen.query_one("#author-body").scroll_to_widget(screen.query_one("#author-timeline"), animate=False,
                                                          top=True)
        await pilot.pause()
        shown = screen_text(app)
        assert "indicators per week" in shown and "posts per hour of day" in shown
        for legend in ("T threat", "G target", "P plan", "I isolation"):
            assert legend in shown
        assert unreadable_cells(app) == []
