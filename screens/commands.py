"""ctrl+p: the command palette offers what the current screen can do."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class QueueCommands(Provider):
    def _commands(self):
        from .queue_screen import QueueScreen

        screen = self.screen
        if not isinstance(screen, QueueScreen):
            return []
        app = self.app
        cmds = [(f"Label as {d}", f"apply '{d}' and advance (key {i})", partial(screen.action_label, i))
                for i, d in enumerate(app.config.dispositions, start=1)]
        cmds += [
            ("Search posts", "full-text search (/)", screen.action_search),
            ("Filter queue", "indicator, source, label, time, score (f)", screen.action_filter),
            ("Clear search", "back to the unfiltered queue (esc)", screen.action_clear_search),
            ("Cycle sort", "risk → author concern → time → author (s)", screen.action_cycle_sort),
            ("Indicator verdicts", "confirm/reject indicators of this post (v)", screen.action_verdicts),
            ("Add note", "a note on this post (n)", screen.action_note),
            ("Undo", "undo the last label or verdict (u)", screen.action_undo),
            ("Author profile", "timeline, hours, time zone, behaviour change, network (a)", screen.action_author),
            ("Export", "labeled sets, CSV or a case report with a manifest (e)", screen.action_export),
            ("Overview", "heat map, sources, riskiest authors, trends (o)", screen.action_overview),
            ("Authors of concern", "people ranked by concern, warning behaviours, trend (w)", screen.action_concern),
            ("Post context", "the thread above a reply, the author's other flagged posts (t)",
             screen.action_context),
            ("Collectors", "last runs, errors, counts; run one now (c)", screen.action_collectors),
            ("Refresh", "load posts collected since the queue opened (r)", screen.action_refresh),
            ("Toggle layout", "post view beside or under the queue (l)", screen.action_toggle_layout),
            ("Keys", "every key and its binding id (?)", screen.action_help),
        ]
        return cmds

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
