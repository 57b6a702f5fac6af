"""`triage score` and `triage eval`: run the detector over a JSONL file, no store needed.

Registered on the main ``triage`` group as ``score`` and ``eval``; also runnable alone as
``python -m triage.cli_detect score|eval FILE.jsonl``. spaCy is imported only inside the commands.
"""

from __future__ import annotations

import json
import sys

import click

from .indicators import TEXT_INDICATORS


def _detector(threshold: float | None, no_model: bool, model: str | None):
    from .detector import Detector
    from .detector.registry import STARTER

    return Detector(threshold=threshold, model=None if no_model else (model or STARTER))


def _report(problems) -> None:
    for p in problems:
        click.echo(str(p), err=True)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help="Flag threshold on the risk score (default: the detector's DEFAULT_THRESHOLD).")
@click.option("--no-model", is_flag=True, help="Rules only: do not load the text classifier.")
@click.option("--model", "model", type=click.Path(exists=True, file_okay=False), default=None,
              help="A model directory (from train_textcat) instead of the shipped starter model.")
@click.option("--batch-size", type=int, default=1000, show_default=True)
def score_cmd(file: str, threshold: float | None, no_model: bool, model: str | None, batch_size: int) -> None:
    """Score every post of FILE.jsonl ({"id", "text", ...} a line) and print one JSON line per post.

    Output: {"id": <input id or line number>, "scores": {indicator: 0..1}, "flagged": bool},
    in input order. Lines that cannot be read are reported on stderr as file:line: reason and
    skipped; the exit status is then 1.
    """
    from .evaluation import iter_labeled

    det = _detector(threshold, no_model, model)
    problems: list = []
    out = sys.stdout

    def batches():
        batch = []
        for ex in iter_labeled(file, problems, require_cats=False):
            batch.append(ex)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    for batch in batches():
        for ex, a in zip(batch, det.analyze_many((e.text for e in batch), batch_size=batch_size)):
            out.write(json.dumps({
                "id": ex.id,
                "scores": {k: round(a.scores[k], 4) for k in TEXT_INDICATORS},
                "flagged": a.flagged,
            }, ensure_ascii=False) + "\n")
    out.flush()
    _report(problems)
    if problems:
        sys.exit(1)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help="Flag threshold applied to each indicator's score (default: DEFAULT_THRESHOLD).")
@click.option("--no-model", is_flag=True, help="Rules only: do not load the text classifier.")
@click.option("--model", "model", type=click.Path(exists=True, file_okay=False), default=None,
              help="A model directory (from train_textcat) instead of the shipped starter model.")
@click.option("--split", type=click.Choice(["all", "heldout", "train"]), default="all", show_default=True,
              help="Only the rows of that deterministic split (hash of id; the starter model trains on 'train').")
def eval_cmd(file: str, as_json: bool, threshold: float | None, no_model: bool, model: str | None,
             split: str) -> None:
    """Measure the detector on labeled FILE.jsonl ({"text", "cats": {indicator: 0|1}} a line).

    Per indicator present in cats: n, positives, ROC-AUC, average precision, and precision /
    recall / F1 of flagging (that indicator's score >= threshold).
    """
    from .evaluation import evaluate, format_table, read_labeled

    examples, problems = read_labeled(file)
    _report(problems)
    if split != "all":
        from .detector.train import split_of

        examples = [e for e in examples if split_of(str(e.id)) == split]
    det = _detector(threshold, no_model, model)
    scores = [a.scores for a in det.analyze_many(e.text for e in examples)]
    results = evaluate(examples, scores, det.threshold)
    if as_json:
        click.echo(json.dumps({
            "file": file, "detector": det.version, "threshold": det.threshold, "split": split,
            "examples": len(examples), "problems": len(problems),
            "indicators": {k: m.as_dict() for k, m in results.items()},
        }, indent=2))
    else:
        click.echo(f"{file}: {len(examples)} examples ({split}), detector {det.version}, threshold {det.threshold}")
        if problems:
            click.echo(f"{len(problems)} line(s) skipped (see stderr)")
        click.echo(format_table(results) if results else "no indicator labels in cats")


@click.group()
def _main() -> None:
    """Detector commands (standalone entry; the console script registers them on `triage`)."""


_main.add_command(score_cmd, "score")
_main.add_command(eval_cmd, "eval")

if __name__ == "__main__":
    _main()
