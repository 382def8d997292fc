"""``qatui show ID``: one question, as text or as its JSON record."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from qatui.cli.common import EXIT_INPUT_FAILED, EXIT_OK, db_option, open_reader
from qatui.corpus.ingest.sanitize import json_terminal_safe


def add_options(show: argparse.ArgumentParser) -> None:
    """The ``show`` command's options."""
    db_option(show)
    show.add_argument("id", type=int, help="the question's id")
    show.add_argument("--json", action="store_true", help="print the FORMAT.md JSON record")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qatui.corpus.render import record_as_text

    store, reader = open_reader(args, err)
    try:
        record = reader.record(args.id) if 0 < args.id < 2**63 else None
    finally:
        store.close()
    if record is None:
        print(f"qatui show: no question with id {args.id}", file=err)
        return EXIT_INPUT_FAILED
    if args.json:
        text = json.dumps(record.to_json(), ensure_ascii=False, indent=1)
        print(json_terminal_safe(text), file=out)
    else:
        print(record_as_text(record), file=out)
    return EXIT_OK
