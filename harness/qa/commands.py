"""`talkqa signoff`: the sign-off summary of a checklist run, and the gate CI and `make qa` use.

talkqa signoff --results reports/allure-results --markdown reports/signoff.md
talkqa signoff --gate      # exit 1 when a checklist scenario failed or did not run
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness import resources
from harness.checklist.commands import all_documents
from harness.qa.documents import Documents
from harness.qa.signoff import (
    SUMMARY_SOURCE,
    SYMBOLS,
    Summary,
    attach_globally,
    build_summary,
    counts_line,
    gate,
    read_environment,
    read_results,
    render_markdown,
    write_verdict_result,
)

# Every status the summary can give has a style: a row without one once built "[]…[/]", which
# rich refuses (MarkupError), so a partial run printed a traceback instead of its verdict.
STYLE = {
    "passed": "green",
    "failed": "bold red",
    "broken": "yellow",
    "skipped": "cyan",
    "not run": "bold magenta",
    "unknown": "magenta",
    "finding": "bold blue",
}


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    signoff = subparsers.add_parser(
        "signoff", help="sign-off summary of a checklist run (from its Allure results)"
    )
    signoff.add_argument(
        "--document",
        type=Path,
        action="append",
        help="a dataflow document of the run (repeatable; default: every one in"
        " fixtures/dataflows/)",
    )
    signoff.add_argument("--results", type=Path, default=resources.REPORTS / "allure-results")
    signoff.add_argument("--markdown", type=Path, help="also write the summary to this file")
    signoff.add_argument("--report", help="path of the rendered report, printed at the end")
    signoff.add_argument(
        "--attach",
        action="store_true",
        help="add the summary to the results as a global Allure attachment,"
        " and the verdict as a result of its own",
    )
    signoff.add_argument("--quiet", action="store_true", help="print nothing (with --markdown)")
    signoff.add_argument(
        "--gate", action="store_true", help="exit 1 when a checklist scenario failed or did not run"
    )
    signoff.set_defaults(run=run_signoff)


def run_signoff(args: argparse.Namespace) -> int:
    results = read_results(args.results)
    environment = read_environment(args.results)
    documents = Documents.load(args.document or all_documents())
    summaries = [
        build_summary(d.spec, results, environment, d.folder if len(documents.all) > 1 else "")
        for d in documents.all
    ]
    markdown = "\n".join(render_markdown(summary) for summary in summaries)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown, "utf-8")
    if args.attach:
        attach_globally(args.results, markdown)
        write_verdict_result(args.results, summaries, SUMMARY_SOURCE)
    failing = [summary for summary in summaries if gate(summary)]
    if not args.quiet:
        console = Console()
        for summary in summaries:
            _print_summary(console, summary)
        if args.report:
            console.print(
                f"Report: {escape(str(args.report))} (one file: open it in a browser or"
                " double-click it; no server needed)"
            )
    return 1 if (failing and args.gate) else 0


def _print_summary(console: Console, summary: Summary) -> None:
    """One document's matrix, findings, not-run items and verdict, on the terminal."""
    problems = gate(summary)
    console.print(_table(summary))
    # Names, reasons and findings are text from results and documents, never markup.
    for gap in summary.gaps:
        console.print(f"[bold]Finding for sign-off:[/bold] {escape(gap)}")
    for name, why in summary.not_run:
        console.print(f"[cyan]Not run:[/cyan] {escape(name)}: {escape(why)}")
    if problems:
        console.print(f"[bold red]Verdict: not ready for sign-off ({len(problems)}):[/bold red]")
        for problem in problems:
            console.print(f"  [red]• {escape(problem)}[/red]")
    else:
        console.print("[bold green]Verdict: every checklist scenario ran and passed[/bold green]")
    console.print(f"{summary.ran} of {summary.expected} document checklist scenarios ran.")
    console.print(escape(counts_line(summary)))


def _table(summary: Summary) -> Table:
    table = Table(title=f"Sign-off: {summary.spec.title}", title_justify="left")
    for column in ("Checklist item", "Result", "Per property / rule"):
        table.add_column(column)
    area = None
    for row in summary.rows:
        if row.area != area:
            area = row.area
            table.add_row(f"[bold]{escape(area)}[/bold]", "", "", end_section=False)
        symbol = escape(SYMBOLS.get(row.status, row.status))
        style = STYLE.get(row.status)
        table.add_row(
            f"  {escape(row.item)}",
            f"[{style}]{symbol}[/]" if style else symbol,
            escape(row.detail),
        )
    return table
