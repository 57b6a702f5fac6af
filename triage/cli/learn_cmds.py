"""The retraining loop on the command line: `triage train`, `triage models [activate NAME]`,
`triage rescore`. The work is in ``triage.learning``; this module parses options and prints."""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING, cast

import click

from .common import CliContext, analyst_option, db_option, fail, pass_cli

if TYPE_CHECKING:
    from ..analytics.refresh import AnalyticsRefresh



def _num(value: float | None, width: int, digits: int) -> str:
    return "n/a".rjust(width) if value is None else f"{value:{width}.{digits}f}"


def render_train_report(report) -> str:
    """The old-vs-new table (fits 80 columns) and what was decided."""
    from ..learning import MIN_DEV_POSITIVES

    src = report.source
    where = "the store" if src.get("kind") == "store" else f"{len(src.get('files', []))} file(s)"
    kept = [lab for lab in report.labels if lab not in report.fitted]
    continued = (f"continued from model {report.continued_from}" + (f" (kept as they were: {', '.join(kept)})" if kept else "")
                 + ", " if report.continued_from else "from scratch, ")
    lines = [
        f"{report.examples:,} labeled examples from {where}: {report.train:,} train, {report.dev:,} dev "
        f"(the labeled export's split)",
        f"trained {', '.join(report.fitted)} on {report.trained_on:,} examples, {continued}"
        f"{report.train_seconds:.1f} s",
        "",
        f"dev set, threshold {report.threshold:g}:",
        f"  current  {report.current_detector}",
        f"  new      {report.new_detector}",
    ]
    shown = [c for c in report.comparison if c.positives]
    if not shown:
        lines.append("  no indicator has a positive example in the dev set: nothing to compare")
    else:
        lines += [
            f"{'':<21} {'':>5} {'':>4}  {'ROC-AUC':<11}  {'current':<14}  {'new'}",
            f"{'indicator':<21} {'n':>5} {'pos':>4}  {'cur':>5} {'new':>5}  "
            f"{'P':>4} {'R':>4} {'F1':>4}  {'P':>4} {'R':>4} {'F1':>4}",
        ]
        for c in shown:
            cur, new = c.current, c.new
            lines.append(
                f"{c.indicator:<21} {c.n:>5} {c.positives:>4}  {_num(cur.roc_auc, 5, 3)} {_num(new.roc_auc, 5, 3)}  "
                f"{cur.precision:4.2f} {cur.recall:4.2f} {cur.f1:4.2f}  {new.precision:4.2f} {new.recall:4.2f} "
                f"{new.f1:4.2f}{' *' if c.judged else ''}")
        lines.append(f"* judged: at least {MIN_DEV_POSITIVES} positives in dev")
    negatives_only = [c for c in report.comparison if not c.positives]
    if negatives_only:
        # No recall to measure there, but a false alarm on a post the analysts cleared still counts.
        lines += textwrap.wrap("no positives in dev, flagged by current/new: " + ", ".join(
            f"{c.indicator} {c.current.flagged}/{c.new.flagged} of {c.n}" for c in negatives_only),
            width=80, subsequent_indent="  ")
    if report.dropped_labels:
        lines += textwrap.wrap(f"note: the current model also scores {', '.join(report.dropped_labels)}; the new "
                               "one does not (it learns only what the labels cover), so rules alone would score them",
                               width=80, subsequent_indent="  ")
    lines += ["", f"saved {report.model_dir}"]
    overridden = report.activated != report.recommend  # --activate / --no-activate went against the rule
    verdict = "activated" if report.activated else "not activated"
    flag = " (--activate)" if report.activated else " (--no-activate)"
    lines.append(f"{verdict}{flag if overridden else ''}: {report.reason}")
    if report.activated:
        lines.append("`triage rescore` applies it to the store; `triage models activate NAME` rolls back")
    else:
        lines.append(f"activate it with `triage models activate {report.model_name}`")
    return "\n".join(lines)


@click.command("train")
@analyst_option
@db_option
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--from-store", is_flag=True, help="Train on the store's labels (the default when no FILE is given).")
@click.option("--dev-fraction", type=click.FloatRange(0, 1, max_open=True), default=0.2, show_default=True,
              help="Share held out to compare the new model with the current one.")
@click.option("--activate/--no-activate", default=None,
              help="Put the new model to work, or not. Default: when its mean dev ROC-AUC is not worse.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_cli
def train_cmd(cli: CliContext, files, from_store, dev_fraction, activate, as_json):
    """Train the text classifier on the analysts' labels (or labeled FILE.jsonl) and compare it
    with the current model on the same held-out dev posts.

    \b
      triage train                       # the store's labels, as `triage export --format jsonl` writes them
      triage train sets/a/train.jsonl sets/a/dev.jsonl --no-activate
    """
    from ..learning import file_training_set, store_training_set, train_model
    from ..progress import ProgressLine

    if files and from_store:
        fail("give FILE.jsonl or --from-store, not both")
    store = None
    if files:
        training = file_training_set(files, dev_fraction)
        for problem in training.problems:
            click.echo(str(problem), err=True)
        if cli.db_path().exists():  # the audit entry goes to the store when there is one
            store = cli.open_store()
    else:
        store = cli.open_store(must_exist=True)
        training = store_training_set(store, dev_fraction=dev_fraction)
    if not training.examples:
        fail("no labeled examples to train on" + ("" if files else " (label posts first, or give FILE.jsonl)"))
    progress = ProgressLine("training")
    done = [0, 1]

    def on_label(n: int, total: int, label: str) -> None:
        done[:] = [n, max(total, 1)]
        progress.update(n, done[1], f"fitting {label}" if label else "")

    def on_stage(text: str) -> None:  # the bar counts labels fitted; the label says what runs now
        progress.label = text
        progress.update(done[0], done[1], force=True)

    try:
        report = train_model(training, threshold=cli.config.threshold, activate=activate,
                             store=store, analyst=cli.analyst, on_label=on_label, on_stage=on_stage)
    finally:  # a LearningError's line comes after the cleared progress line
        progress.done()
        if store is not None:
            store.close()
    click.echo(json.dumps(report.as_dict(), indent=2) if as_json else render_train_report(report))


@click.group("models", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.pass_context
def models_group(ctx: click.Context, as_json):
    """Saved models (from `triage train`) with their dev metrics; `*` marks the active one."""
    if ctx.invoked_subcommand is not None:
        return
    from ..learning import LearningError, active_model_dir, list_models, models_dir

    models = list_models()
    if as_json:
        click.echo(json.dumps([{"name": m.name, "model_id": m.model_id, "created": m.created, "labels": m.labels,
                                "active": m.active, "mean_auc": m.mean_auc,
                                "examples": m.training.get("examples")} for m in models], indent=2))
        return
    if not models:
        click.echo(f"no saved models in {models_dir()}; the shipped starter model is at work (`triage train`)")
        return
    click.echo(f"{'':2}{'name':<31} {'examples':>8} {'dev AUC':>7}  labels")
    for m in models:
        click.echo(f"{'*' if m.active else ' '} {m.name:<31} {m.training.get('examples', 0) or 0:>8,} "
                   f"{_num(m.mean_auc, 7, 3)}  {','.join(m.labels)}")
    try:
        if active_model_dir() is None:
            click.echo("(none active: the shipped starter model is at work)")
    except LearningError as exc:
        click.echo(f"warning: {exc}", err=True)
    click.echo(f"in {models_dir()}")


@models_group.command("activate")
@analyst_option
@db_option
@click.argument("name")
@pass_cli
def activate_cmd(cli: CliContext, name):
    """Put a saved model to work (NAME: its name, a unique prefix or its model id; `starter`: the
    shipped model). Posts keep their scores until `triage rescore`."""
    from ..learning import STARTER, LearningError, active_model_dir, set_active

    try:
        before = active_model_dir()
    except LearningError:
        before = None  # a dangling pointer is what this command repairs
    path = set_active(name)
    chosen = path.name if path is not None else STARTER
    if cli.db_path().exists():
        store = cli.open_store()
        store.log(cli.analyst, "activate-model", chosen, {"previous": before.name if before else STARTER})
        store.close()
    click.echo(f"active model: {chosen} (was {before.name if before else STARTER}); "
               "`triage rescore` applies it to the store")


@click.command("rescore")
@analyst_option
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_cli
def rescore_cmd(cli: CliContext, as_json):
    """Re-run the detector with the active model on every post and report what changed.

    Posts whose risk moved by more than 0.05, or whose flag changed, keep their old score and
    detector version; the post view shows them.
    """
    from ..learning import rescore
    from ..progress import ProgressLine
    from ..tagging import make_tagger

    store = cli.open_store(must_exist=True)
    tagger = make_tagger(cli.config.threshold, workers=cli.config.tag_workers)
    progress = ProgressLine("rescoring")
    try:
        report = rescore(store, tagger=tagger, analyst=cli.analyst,
                         on_progress=lambda done, total: progress.update(done, total))
    finally:
        tagger.close()
        progress.done()
        store.close()
    # RescoreReport types it as object (the analytics import late); it is an AnalyticsRefresh or None.
    analytics = cast("AnalyticsRefresh | None", report.analytics)
    if as_json:
        data = {k: v for k, v in vars(report).items() if k != "analytics"}
        data["analytics"] = analytics.as_detail() if analytics is not None else None
        click.echo(json.dumps(data, indent=2))
        return
    was = ", ".join(f"{v} on {n:,}" for v, n in report.previous_versions.items())
    shift = "n/a" if report.mean_shift is None else f"{report.mean_shift:+.3f}"
    abs_shift = "n/a" if report.mean_abs_shift is None else f"{report.mean_abs_shift:.3f}"
    click.echo(f"rescored {report.posts:,} posts with detector {report.detector_version} (was: {was or 'none'})")
    click.echo(f"flag changed on {report.flag_changed:,} posts ({report.newly_flagged:,} newly flagged, "
               f"{report.unflagged:,} no longer flagged); {report.hits_changed:,} hits changed")
    click.echo(f"mean score shift {shift} (mean |shift| {abs_shift}); {report.recorded:,} posts keep their old "
               f"score in the post view (moved > 0.05 or flag changed)")
    if analytics is not None and analytics.changes.changes:
        click.echo(f"behaviour change: {analytics.changes.authors_changed:,} author(s), "
                   f"{analytics.changes.posts_marked:,} posts marked")


COMMANDS = (train_cmd, models_group, rescore_cmd)
