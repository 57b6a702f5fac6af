"""Run the configured collectors (``[[collectors]]`` in the config) with their stored state.

One run of one collector: load its cursor, collect through ``runner.run_collector`` (batches,
tagging), save the cursor after every committed batch, and at the end record the run (posts
added, the error if any) and an audit entry. ``watch`` repeats that on each collector's
schedule until a stop is asked for. The CLI (`triage collect`) and, later, the collectors
screen both call these; neither holds collection logic of its own.

Safety rule, all the way down: a record is committed before the cursor that covers it is
saved. A collector that fails, or a stop signal, ends the stream; what was yielded is still
committed; the cursor saved is the last one the collector set (see ``api``).
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from ..config import CollectorConfig
from ..records import ImportProblem, PostRecord
from ..store import Store
from ..store import collectors as state_db
from .api import Collector, CollectorState, PluginError
from ..credentials import SecretError, get_secret
from .discovery import get_collector
from .feed_log import MAX_ERROR, one_line
from .http_client import HttpSettings, Interrupted
from .runner import RunSummary, run_collector

# Live pages are small (40 posts): commit often, so a kill loses little work.
DEFAULT_BATCH = 200
ALERT_TIMEOUT = 60


@dataclass
class CollectorRun:
    name: str
    plugin: str
    summary: RunSummary = field(default_factory=RunSummary)
    error: str | None = None
    stopped: bool = False  # a stop signal ended it early (what it got is committed)
    alerts: int = 0
    alert_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


def stoppable_sleep(stop: threading.Event) -> Callable[[float], None]:
    """A sleep that a stop ends at once (rate-limit waits can be minutes long)."""

    def sleep(seconds: float) -> None:
        if stop.wait(seconds):
            raise Interrupted()

    return sleep


class _Guarded(Collector):
    """Wraps a collector so that an error or a stop ends its stream cleanly: ``run_collector``
    then commits what was yielded and reports the last cursor the collector set."""

    name = "guarded"

    def __init__(self, inner: Collector, run: CollectorRun, stop: threading.Event, http: HttpSettings):
        self.inner, self.run, self.stop, self.http = inner, run, stop, http
        self.options = inner.options

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        state.extra.setdefault("http", self.http)
        state.extra.setdefault("stop", self.stop)
        state.extra.setdefault("redact", lambda text: _without_secrets(text, self.inner))
        stream = None
        try:
            stream = iter(self.inner.collect(state))
            for item in stream:
                yield item
                if self.stop.is_set():
                    self.run.stopped = True
                    return
        except Interrupted:
            self.run.stopped = True
        except Exception as exc:  # noqa: BLE001 - any plugin failure becomes the run's recorded error
            self.run.error = one_line(exc, limit=None)  # cut in run_one, once secrets are blanked out
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()


def build_collector(cfg: CollectorConfig) -> Collector:
    return get_collector(cfg.plugin)(cfg.options)


def _without_secrets(text: str, collector: Collector) -> str:
    """A second fence after the HTTP client's: whatever a plugin put in its error, the values
    of its secret options never reach the store (last_error, audit) or the terminal."""
    for key, spec in collector.options_schema.items():
        name = collector.options.get(key)
        if spec.secret and isinstance(name, str) and name:
            try:
                value = get_secret(name)
            except SecretError:
                continue
            if len(value) >= 4:
                text = text.replace(value, "***")
    return text


class AlertCommand:
    """``--alert-cmd``: a shell command run once per newly flagged post at or above the
    threshold, with a small JSON object on stdin (id, score, source, external_id, url,
    indicators, collector) — never the post text, and nothing interpolated into the command.
    It also runs once per author whose concern crossed the concern threshold in this run
    (``kind: "author"``: author, source, concern, warning_behaviours, evidence, changed)."""

    def __init__(self, command: str, threshold: float | None = None, timeout: float = ALERT_TIMEOUT):
        self.command = command
        self.threshold = threshold
        self.timeout = timeout
        self.sent = 0
        self.errors: list[str] = []

    def _run(self, what: str, payload: dict) -> bool:
        data = json.dumps(payload, ensure_ascii=False)
        try:
            done = subprocess.run(self.command, shell=True, input=data.encode(), timeout=self.timeout,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            self.errors.append(f"alert for {what}: {one_line(exc)}")
            return False
        if done.returncode != 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            self.errors.append(f"alert for {what}: exit {done.returncode} {tail[0][:200]}".rstrip())
            return False
        self.sent += 1
        return True

    def send_posts(self, store: Store, post_ids, origin: dict) -> int:
        """One alert per flagged post at or above the threshold; ``origin`` ({"collector": name}
        or {"file": path}) is added to each. Returns how many went out."""
        sent = 0
        for brief in state_db.post_briefs(store.conn, post_ids):
            if self.threshold is not None and (brief.score or 0.0) < self.threshold:
                continue
            sent += self._run(f"post {brief.id}", {**brief.as_dict(), **origin})
        return sent

    def send_authors(self, store: Store, author_ids, origin: dict) -> int:
        """One alert per author who crossed the concern threshold (see ``analytics.concern``)."""
        from ..analytics.concern_report import concern_records

        sent = 0
        for record in concern_records(store.conn, author_ids):
            sent += self._run(f"author {record['author_id']}", {"kind": "author", **record, **origin})
        return sent

    def send(self, store: Store, run: CollectorRun, crossed=()) -> None:
        before = len(self.errors)
        run.alerts += self.send_posts(store, run.summary.new_flagged_ids, {"collector": run.name})
        run.alerts += self.send_authors(store, crossed, {"collector": run.name})
        run.alert_errors.extend(self.errors[before:])


def run_one(
    store: Store,
    cfg: CollectorConfig,
    *,
    analyst: str,
    tagger=None,
    stop: threading.Event | None = None,
    http: HttpSettings | None = None,
    batch_size: int = DEFAULT_BATCH,
    alert: AlertCommand | None = None,
    on_progress: Callable[[int, int | None, RunSummary], None] | None = None,
    on_problem: Callable[[ImportProblem], None] | None = None,
) -> CollectorRun:
    """Run one configured collector once, from its stored cursor."""
    stop = stop or threading.Event()
    http = http or HttpSettings(sleep=stoppable_sleep(stop))
    run = CollectorRun(cfg.name, cfg.plugin)
    cursor = None
    try:
        collector = build_collector(cfg)
    except PluginError as exc:
        run.error = one_line(exc)
    else:
        guarded = _Guarded(collector, run, stop, http)
        try:
            run.summary, cursor = run_collector(
                store, guarded, cursor=store.collector_cursor(cfg.name), batch_size=batch_size, tagger=tagger,
                on_problem=on_problem, on_progress=on_progress,
                on_batch=lambda c: state_db.save_cursor(store, cfg.name, cfg.plugin, c),
            )
        except Exception as exc:  # noqa: BLE001 - e.g. the tagger; committed batches and their cursor stay
            run.error = one_line(exc, limit=None)
        if run.error:  # blank out the secrets of the whole message, then cut it
            run.error = _without_secrets(run.error, collector)[:MAX_ERROR]
    store.save_collector_run(cfg.name, cfg.plugin, cursor, run.summary.added, run.error)
    crossed: list[int] = []
    if tagger is not None and run.summary.added:
        from ..analytics.refresh import refresh_analytics

        # New posts move trends, the overview, behaviour change and author concern.
        crossed = refresh_analytics(store).concern.crossed
    if alert is not None and (run.summary.new_flagged_ids or crossed):
        alert.send(store, run, crossed)
    s = run.summary
    store.log(analyst, "collect", cfg.name, {
        "plugin": cfg.plugin, "read": s.read, "added": s.added, "bad": s.problem_count, "flagged": s.flagged,
        "error": run.error, "stopped": run.stopped, "alerts": run.alerts,
        "detector": getattr(tagger, "version", None),
    })
    return run


def select(configs: Iterable[CollectorConfig], name: str | None) -> list[CollectorConfig]:
    configs = list(configs)
    if name is None:
        return configs
    chosen = [c for c in configs if c.name == name]
    if not chosen:
        known = ", ".join(c.name for c in configs) or "none configured"
        raise PluginError(f"no configured collector {name!r} ({known})")
    return chosen


def watch(
    configs: list[CollectorConfig],
    run: Callable[[CollectorConfig], object],
    stop: threading.Event,
    *,
    clock: Callable[[], float] = time.monotonic,
    wait: Callable[[float], object] | None = None,
) -> int:
    """Run each collector now, then again every ``schedule`` seconds, until ``stop`` is set.
    Returns how many runs were made. ``clock`` and ``wait`` are injectable for tests."""
    wait = wait or stop.wait
    due = {c.name: clock() for c in configs}
    runs = 0
    while not stop.is_set():
        for cfg in configs:
            if stop.is_set():
                break
            if due[cfg.name] <= clock():
                run(cfg)
                runs += 1
                due[cfg.name] = clock() + cfg.schedule
        if not stop.is_set():
            wait(max(0.0, min(due.values()) - clock()))
    return runs


@contextmanager
def stop_on_signals(stop: threading.Event, on_first: Callable[[int], None] | None = None):
    """SIGINT/SIGTERM: the first asks the running collector to stop after what it has (its
    batch is committed, its run recorded); a second one leaves at once (KeyboardInterrupt:
    an open transaction rolls back, committed batches stay)."""

    def handler(signum, _frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        if on_first is not None:
            on_first(signum)

    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[sig] = signal.signal(sig, handler)
        except ValueError:  # not the main thread: the caller handles stopping
            pass
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
