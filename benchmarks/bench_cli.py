"""``qatui search --json`` beside a bare Python script that runs the same kind of SQL.

    python benchmarks/bench_cli.py --db PATH [--query WORD] [--runs 10]

Both run in a fresh process each time (what a shell script pays): the bare script opens the
database read-only with sqlite3, runs the date-ordered full-text query as one statement (the
first 20 matches, newest first, with their specialty) and prints JSON lines; qatui runs
``search --order date --json`` (the same rows, and snippets). A ranked search is not compared: a
bare ``ORDER BY bm25`` scores every match (seconds for a common word at 230,000 questions) where
qatui ranks a bounded set of candidates. Both run from bytecode (see ``bytecode_env``).

A third child, the floor, is the bare script after importing every module outside qatui that
the qatui search holds at its end (the standard library's argparse, dataclasses, pathlib...):
what no change inside qatui can take away. Prints one JSON object: the seconds of each run of
each (after one warm-up run of each), the ratios of the medians, and the load average before
and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

BARE = r"""
import json, sqlite3, sys
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
rows = conn.execute(
    "SELECT q.id, q.title, s.name, q.asked_on FROM questions q "
    "JOIN specialties s ON s.id = q.specialty_id "
    "WHERE +q.id IN (SELECT rowid FROM questions_fts WHERE questions_fts MATCH ?) "
    "ORDER BY q.asked_on DESC NULLS LAST, q.id DESC LIMIT 20",
    (sys.argv[2],),
)
for row in rows:
    print(json.dumps(dict(zip(("id", "title", "specialty", "date"), row)), ensure_ascii=False))
"""
"""The date-ordered search as one SQL statement (what ``qatui search --order date`` asks for
many matches: the date index walked, each row tested against the full-text matches)."""


def bytecode_env() -> dict[str, str]:
    """The environment with bytecode caching on: an installed qatui runs from .pyc files (pip
    compiles them), so an editable checkout under PYTHONDONTWRITEBYTECODE would time the
    compiler instead (the warm-up run writes them)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


HELD_MODULES = r"""
import io, sys
import qatui.cli
qatui.cli.main(sys.argv[1:], io.StringIO(), io.StringIO())
own = ("qatui", "__main__")
print(" ".join(sorted(name for name in sys.modules if name.split(".")[0] not in own)))
"""
"""Prints the modules outside qatui that a qatui command (its arguments) leaves loaded (with
runpy, which ``python -m`` uses)."""


def floor_script(arguments: list[str]) -> str:
    """The bare script after importing what ``qatui ARGUMENTS`` loads outside qatui."""
    held = subprocess.run(
        [sys.executable, "-c", HELD_MODULES, *arguments],
        check=True,
        capture_output=True,
        text=True,
        env=bytecode_env(),
    ).stdout.split()
    # Some held names are not importable by name (a compiled extension's runtime module).
    load = (
        "    try:\n        importlib.import_module(name)\n    except ImportError:\n        pass\n"
    )
    return f"import importlib\nfor name in {['runpy', *held]!r}:\n{load}" + BARE


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=bytecode_env())
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--query", default="flight")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    arguments = ["search", "--db", args.db, args.query, "--json", "--order", "date"]
    qatui = [sys.executable, "-m", "qatui", *arguments]
    bare = [sys.executable, "-c", BARE, args.db, args.query]
    floor = [sys.executable, "-c", floor_script(arguments), args.db, args.query]
    load_before = os.getloadavg()[0]
    timed(qatui), timed(bare), timed(floor)  # warm the page cache and the bytecode
    cli_s, bare_s, floor_s = [], [], []
    for _ in range(args.runs):  # interleaved, so that a burst of load hits all three
        cli_s.append(timed(qatui))
        bare_s.append(timed(bare))
        floor_s.append(timed(floor))
    ratio = statistics.median(cli_s) / statistics.median(bare_s)
    result = {
        "search_json_s": cli_s,
        "bare_script_s": bare_s,
        "floor_script_s": floor_s,
        "query": args.query,
        "ratio_of_medians": round(ratio, 2),
        "floor_ratio_of_medians": round(statistics.median(floor_s) / statistics.median(bare_s), 2),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
