"""Run every benchmark and write benchmarks/RESULTS.md.

    python benchmarks/run.py [--sizes 1000,100000,1000000] [--runs 20] [--smoke] [--output FILE]

Corpora are generated once with ``qatui generate`` and cached in benchmarks/.cache/ (with how
long each took to build). Every figure comes from a fresh process per corpus size:
bench_corpus.py (queries straight from CorpusReader, peak RSS), bench_app.py (the reader,
headless: start-up to first rows painted beside a bare Textual app, and the same actions through
Pilot) and bench_import.py (``qatui import`` beside a plain sqlite-utils ``insert_all``).
``--smoke`` runs all of it on tiny corpora once, into a temporary cache, so that it cannot rot.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from corpora import CACHE, corpus_path, ensure_corpus, load_average

HERE = Path(__file__).resolve().parent
NOTES = HERE / "notes.md"
LIST_ACTIONS = ("specialty switch", "date-range filter", "flip order", "jump to end", "page down")
LIST_MEDIAN_MS, LIST_P95_MS, OPEN_MEDIAN_MS = 50.0, 100.0, 50.0
STARTUP_RATIO, STARTUP_S = 1.5, 1.0
SEARCH_CLI_RATIO = 2.0
IMPORT_RATIO, RSS_RATIO = 1 / 3, 1.3
IMPORT_BASELINE_RATIO = 0.5
"""Issue 12: at least half the rate of the same parser + ``insert_all`` + FTS5 built at the end."""


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(values),
        "p95": percentile(values, 0.95),
        "max": max(values),
        "n": len(values),
    }


def run_json(script: str, *args: str) -> dict[str, Any]:
    """Run a benchmark script in a fresh process and read the JSON it prints."""
    result = subprocess.run(
        [sys.executable, str(HERE / script), *args], check=True, capture_output=True, text=True
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def machine() -> dict[str, str]:
    memory = "-"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True
    ).stdout.strip()
    if commit:
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=HERE,
            capture_output=True,
            text=True,
        ).stdout.strip()
        commit += " with uncommitted changes in the tree" if dirty else ""
    else:  # an exported tree (git archive): say which commit it is
        commit = os.environ.get("QATUI_BENCH_COMMIT", "")
    return {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cpus (nproc)": str(os.cpu_count()),
        "memory": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "textual": _version("textual"),
        "sqlite-utils": _version("sqlite-utils"),
        "commit": commit or "-",
    }


# -- the report ---------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _size(size: int) -> str:
    return f"{size:,}"


def _verdict(ok: bool, miss: str) -> str:
    return "met" if ok else f"**missed**: {miss}"


def timing_table(results: dict[int, dict[str, Any]], key: str) -> list[str]:
    """One row per action, one column per corpus size; actions that never showed their result
    (see bench_app.py) are counted as stuck."""
    sizes = sorted(results)
    names: list[str] = []
    for size in sizes:
        for name in [*results[size][key], *results[size].get("stuck", {})]:
            if name not in names:
                names.append(name)
    lines = [
        "| action | " + " | ".join(f"{_size(s)}: median / p95 (max) ms" for s in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for name in names:
        cells = []
        for size in sizes:
            values = results[size][key].get(name)
            cell = "-"
            if values:
                stats = summary(values)
                cell = f"{_ms(stats['median'])} / {_ms(stats['p95'])} ({_ms(stats['max'])})"
            stuck = results[size].get("stuck", {}).get(name)
            if stuck:
                cell += f"; **stuck {stuck}x**"
            cells.append(cell)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _load(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def targets(
    corpus: dict[int, dict[str, Any]],
    app: dict[int, dict[str, Any]],
    imported: dict[str, Any] | None,
    cli: dict[str, Any] | None = None,
) -> list[str]:
    """Each target with met/missed and by how much, at the largest size measured."""
    largest, smallest = max(corpus), min(corpus)
    lines = [f"Judged at the largest corpus measured ({_size(largest)} questions).", ""]
    source, key = (app, "actions_ms") if app else (corpus, "timings_ms")
    where = "through the app" if app else "corpus queries only (no app figures in this run)"
    lines.append(
        f"List actions ({where}): median < {LIST_MEDIAN_MS:.0f} ms, p95 < "
        f"{LIST_P95_MS:.0f} ms; opening a question: median < {OPEN_MEDIAN_MS:.0f} ms."
    )
    lines.append("")
    for name in (*LIST_ACTIONS, "open a question"):
        values = source[largest][key].get(name)
        stuck = source[largest].get("stuck", {}).get(name)
        if stuck:
            lines.append(f"- {name}: **missed**: never showed its result in {stuck} run(s)")
            continue
        if not values:
            continue
        stats = summary(values)
        limit_median = OPEN_MEDIAN_MS if name == "open a question" else LIST_MEDIAN_MS
        ok = stats["median"] < limit_median and (
            name == "open a question" or stats["p95"] < LIST_P95_MS
        )
        miss = (
            f"median {_ms(stats['median'])} ms ({stats['median'] / limit_median:.1f}x the "
            f"limit), p95 {_ms(stats['p95'])} ms"
        )
        lines.append(f"- {name}: {_verdict(ok, miss)}")
    if app:
        start = summary(app[largest]["startup_s"])["median"]
        bare = summary(app[largest]["bare_startup_s"])["median"]
        ratio = start / bare
        ok = ratio <= STARTUP_RATIO and start < STARTUP_S
        lines.append(
            f"- start-up to first rows: {start:.2f} s, {ratio:.2f}x the bare Textual app "
            f"({bare:.2f} s): "
            + _verdict(ok, f"{ratio:.2f}x (limit {STARTUP_RATIO}x), {start:.2f} s (limit 1 s)")
        )
    if cli:
        ratio = cli["ratio_of_medians"]
        search_ms = statistics.median(cli["search_json_s"]) * 1000
        bare_ms = statistics.median(cli["bare_script_s"]) * 1000
        lines.append(
            f"- `qatui search --json`: {search_ms:.0f} ms, {ratio:.2f}x a bare sqlite3 script "
            f"({bare_ms:.0f} ms): "
            + _verdict(ratio <= SEARCH_CLI_RATIO, f"{ratio:.2f}x (limit 2x)")
        )
    if imported:
        ratio = statistics.median(
            run["import_rate"] / run["insert_all_rate"] for run in imported["runs"]
        )
        lines.append(
            f"- import: {ratio:.3f} of the plain insert_all rate (1/{1 / ratio:.1f}): "
            + _verdict(ratio >= IMPORT_RATIO, f"{ratio * 3:.2f} of the target (1/3)")
        )
        if all("import_vs_baseline" in run for run in imported["runs"]):
            ratio = statistics.median(run["import_vs_baseline"] for run in imported["runs"])
            lines.append(
                f"- import beside the same parser + insert_all + FTS5 built at the end: "
                f"{ratio:.3f} of its rate: "
                + _verdict(ratio >= IMPORT_BASELINE_RATIO, f"{ratio:.3f} (at least 0.5)")
            )
    rss_large, rss_small = corpus[largest]["peak_rss_mib"], corpus[smallest]["peak_rss_mib"]
    rss_ratio = rss_large / rss_small
    lines.append(
        f"- peak RSS (corpus queries): {rss_large:.0f} MiB at {_size(largest)} vs {rss_small:.0f} "
        f"MiB at {_size(smallest)} ({rss_ratio:.2f}x): "
        + _verdict(rss_ratio <= RSS_RATIO, f"{rss_ratio:.2f}x (limit {RSS_RATIO}x)")
    )
    if app:
        app_large, app_small = app[largest]["peak_rss_mib"], app[smallest]["peak_rss_mib"]
        app_ratio = app_large / app_small
        lines.append(
            f"- peak RSS (the reader): {app_large:.0f} MiB at {_size(largest)} vs "
            f"{app_small:.0f} MiB at {_size(smallest)} ({app_ratio:.2f}x): "
            + _verdict(app_ratio <= RSS_RATIO, f"{app_ratio:.2f}x (limit {RSS_RATIO}x)")
        )
    return lines


SEARCH_HEADING = "\n## Search\n"


def write_keeping_search(output: Path, text: str) -> None:
    """Write the report, keeping the "## Search" section that bench_search.py maintains."""
    old = output.read_text() if output.exists() else ""
    if SEARCH_HEADING in old and SEARCH_HEADING not in text:
        text = text.rstrip("\n") + "\n" + old[old.index(SEARCH_HEADING) :]
    output.write_text(text)


def report(
    info: dict[str, str],
    corpora: dict[int, dict[str, Any]],
    corpus: dict[int, dict[str, Any]],
    app: dict[int, dict[str, Any]],
    imported: dict[str, Any] | None,
    runs: int,
    load: tuple[float, float],
    cli: dict[str, Any] | None = None,
) -> str:
    out = [
        "# Benchmark results",
        "",
        "Written by `python benchmarks/run.py`; do not edit by hand (notes come from "
        "benchmarks/notes.md).",
        "",
        "## Machine",
        "",
    ]
    out += [f"- {key}: {value}" for key, value in info.items()]
    out += [
        f"- load average (1 min) at start / end of the run: {load[0]:.2f} / {load[1]:.2f} "
        "(the machine is shared: other work running at the same time slows every figure)",
        f"- timings: {runs} runs per action after one warm-up; median, p95 (nearest rank), max",
        "",
        "## Corpora (`qatui generate`, cached in benchmarks/.cache/ or --cache)",
        "",
        "| questions | generation time | load avg before / after | database size |",
        "|---|---|---|---|",
    ]
    for size, built in sorted(corpora.items()):
        out.append(
            f"| {_size(size)} | {built['seconds']:,.1f} s | {_load(built['load_before'])} / "
            f"{_load(built['load_after'])} | {built['bytes'] / 1024**2:,.0f} MiB |"
        )
    out += ["", "## Targets", ""]
    out += targets(corpus, app, imported, cli)
    if app:
        out += ["", "## The reader, headless through Pilot (120x40)", ""]
        out += [
            "Each action: from the key (or call) until the list shows the new rows, or",
            "for opening a question, until the reading and related panes are painted.",
            "",
        ]
        out += timing_table(app, "actions_ms")
        out += [
            "",
            "| questions | start-up to first rows (median s) | bare Textual app (median s) "
            "| ratio | peak RSS |",
            "|---|---|---|---|---|",
        ]
        for size, result in sorted(app.items()):
            start = summary(result["startup_s"])["median"]
            bare = summary(result["bare_startup_s"])["median"]
            out.append(
                f"| {_size(size)} | {start:.3f} | {bare:.3f} | {start / bare:.2f} | "
                f"{result['peak_rss_mib']:.0f} MiB |"
            )
    if cli:
        out += [
            "",
            f"## `qatui search --json` beside a bare script ({_size(max(corpus))} questions)",
            "",
            "A fresh process each run, interleaved, both from bytecode (benchmarks/bench_cli.py):",
            f"`qatui search {cli.get('query', 'flight')} --order date --json` (20 results) and the",
            "same date-ordered full-text SQL in one statement.",
            "",
            "| | median ms | min ms | max ms |",
            "|---|---|---|---|",
        ]
        for label, key in (
            ("qatui search --json", "search_json_s"),
            ("bare sqlite3 script", "bare_script_s"),
            ("floor: bare + the search's non-qatui imports", "floor_script_s"),
        ):
            if key not in cli:
                continue
            values = [v * 1000 for v in cli[key]]
            out.append(
                f"| {label} | {statistics.median(values):.0f} | {min(values):.0f} | "
                f"{max(values):.0f} |"
            )
    out += ["", "## Corpus queries (CorpusReader, what each action asks the database)", ""]
    out += timing_table(corpus, "timings_ms")
    out += ["", "| questions | peak RSS of the query process |", "|---|---|"]
    out += [f"| {_size(s)} | {r['peak_rss_mib']:.0f} MiB |" for s, r in sorted(corpus.items())]
    if imported:
        out += [
            "",
            f"## Import ({_size(imported['count'])} generated page files)",
            "",
            "| run | qatui import | plain insert_all | ratio | parse + insert_all "
            "| parse + insert_all + FTS5 at the end | ratio |",
            "|---|---|---|---|---|---|---|",
        ]
        for number, run in enumerate(imported["runs"], start=1):
            out.append(
                f"| {number} | {run['import_rate']:,.0f} pages/s ({run['import_s']:.1f} s) | "
                f"{run['insert_all_rate']:,.0f} records/s ({run['insert_all_s']:.1f} s) | "
                f"{run['import_rate'] / run['insert_all_rate']:.3f} | "
                f"{run['parse_and_insert_all_rate']:,.0f} records/s | "
                + (
                    f"{run['parse_insert_all_fts_rate']:,.0f} records/s | "
                    f"{run['import_vs_baseline']:.3f} |"
                    if "import_vs_baseline" in run
                    else "| |"
                )
            )
    if NOTES.exists():
        out += ["", NOTES.read_text().strip()]
    return "\n".join(out) + "\n"


# -- running ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="1000,100000,1000000",
        help="corpus sizes, comma-separated (default 1000,100000,1000000)",
    )
    parser.add_argument("--runs", type=int, default=20, help="timed runs per action")
    parser.add_argument("--import-count", type=int, default=10_000)
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny corpora, one run, temp cache")
    parser.add_argument("--no-app", action="store_true", help="skip the reader benchmarks")
    parser.add_argument("--no-import", action="store_true", help="skip the import benchmark")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument(
        "--report-only",
        type=Path,
        metavar="JSON",
        help="only rewrite --output from the figures of an earlier run (its .json) and notes.md",
    )
    args = parser.parse_args(argv)
    if args.report_only:
        raw = json.loads(args.report_only.read_text())
        numbered = {
            key: {int(size): value for size, value in raw[key].items()}
            for key in ("corpora", "corpus", "app")
        }
        write_keeping_search(
            args.output,
            report(
                raw["machine"],
                numbered["corpora"],
                numbered["corpus"],
                numbered["app"],
                raw["import"],
                raw["runs"],
                tuple(raw["load"]),
                raw.get("cli"),
            ),
        )
        return 0
    sizes = sorted({int(size) for size in args.sizes.split(",")})
    runs, import_count, import_runs = args.runs, args.import_count, args.import_runs
    scratch: tempfile.TemporaryDirectory[str] | None = None
    if args.smoke:
        scratch = tempfile.TemporaryDirectory()
        args.cache = Path(scratch.name)
        sizes, runs, import_count, import_runs = [30, 60], 1, 30, 1
    load_start = load_average()
    info = machine()
    corpora, corpus, app = {}, {}, {}
    for size in sizes:
        print(f"corpus of {size:,} questions ...", file=sys.stderr, flush=True)
        corpora[size] = ensure_corpus(size, args.cache)
        db = str(corpus_path(size, args.cache))
        corpus[size] = run_json("bench_corpus.py", db, "--runs", str(runs))
        if not args.no_app:
            app[size] = run_json("bench_app.py", db, "--runs", str(runs))
    largest = str(corpus_path(max(sizes), args.cache))
    cli = run_json("bench_cli.py", "--db", largest, "--runs", str(min(runs, 10)))
    imported = None
    if not args.no_import:
        print(f"import of {import_count:,} pages ...", file=sys.stderr, flush=True)
        imported = run_json(
            "bench_import.py",
            "--count",
            str(import_count),
            "--runs",
            str(import_runs),
            "--cache",
            str(args.cache),
        )
    load_end = load_average()
    text = report(info, corpora, corpus, app, imported, runs, (load_start, load_end), cli)
    write_keeping_search(args.output, text)
    (args.output.with_suffix(".json")).write_text(
        json.dumps(
            {
                "machine": info,
                "corpora": corpora,
                "corpus": corpus,
                "app": app,
                "import": imported,
                "cli": cli,
                "runs": runs,
                "load": [load_start, load_end],
            },
            indent=1,
        )
    )
    if scratch is not None:
        scratch.cleanup()
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
