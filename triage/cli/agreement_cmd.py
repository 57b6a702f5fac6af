"""`triage agreement`: how far the analysts agree, on posts labeled by more than one of them."""

from __future__ import annotations

import dataclasses
import json

import click

from ..sanitize import clip
from .common import CliContext, db_option, pass_cli

NOTHING_YET = "no post labeled by two analysts yet"


def _k(value: float | None) -> str:
    return f"{value:6.3f}" if value is not None else "     —"


def render_agreement(report) -> str:
    """The report in at most 80 columns."""
    if report.posts == 0 and not report.indicators:
        return NOTHING_YET
    out = [f"agreement of {len(report.analysts)} analysts on {report.posts:,} post(s) labeled by two or more"]
    if report.pairs:
        out += ["", "Cohen's kappa, dispositions, per analyst pair (posts both labeled)",
                f"  {'analysts':<40} {'posts':>6} {'observed':>8} {'expected':>8} {'kappa':>6}"]
        for p in report.pairs:
            names = clip(p.first, 19) + " / " + clip(p.second, 18)
            out.append(f"  {names:<40} {p.n:>6,} {p.observed:>8.3f} {p.expected:>8.3f} {_k(p.kappa)}")
    f = report.dispositions
    if f.items:
        out += ["", f"Fleiss' kappa, dispositions ({f.items:,} posts, {f.mean_raters:.2f} analysts a post)",
                f"  {'disposition':<40} {'share':>6} {'':>8} {'':>8} {'kappa':>6}"]
        for category, kappa in f.by_category.items():
            out.append(f"  {clip(category, 40):<40} {f.shares[category]:>6.3f} {'':>8} {'':>8} {_k(kappa)}")
        out.append(f"  {'all dispositions':<40} {'':>6} {f.observed:>8.3f} {f.expected:>8.3f} {_k(f.kappa)}")
    if report.indicators:
        out += ["", "Fleiss' kappa, indicator verdicts (confirmed or rejected)",
                f"  {'indicator':<40} {'posts':>6} {'observed':>8} {'expected':>8} {'kappa':>6}"]
        for indicator, fk in report.indicators.items():
            out.append(f"  {clip(indicator, 40):<40} {fk.items:>6,} {fk.observed:>8.3f} "
                       f"{fk.expected:>8.3f} {_k(fk.kappa)}")
    out += ["", "kappa: 1 full agreement, 0 what chance alone gives, below 0 worse; — undefined"]
    return "\n".join(out)


@click.command("agreement")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_cli
def agreement_cmd(cli: CliContext, as_json: bool) -> None:
    """Cohen's kappa per analyst pair, Fleiss' kappa per disposition and per indicator."""
    from ..agreement import agreement_report
    from ..store.agreement_queries import rated_posts

    store = cli.open_store(readonly=True, must_exist=True)
    try:
        rated = rated_posts(store.conn)
    finally:
        store.close()
    report = agreement_report(rated.dispositions, rated.verdicts, cli.config.dispositions)
    if as_json:
        data = dataclasses.asdict(report)
        data["message"] = NOTHING_YET if report.posts == 0 and not report.indicators else None
        # ASCII escapes: an imported analyst name reaches a JSON reader whole, never a terminal raw.
        click.echo(json.dumps(data, indent=2, ensure_ascii=True))
    else:
        click.echo(render_agreement(report))


COMMANDS = (agreement_cmd,)
