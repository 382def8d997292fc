"""The command line's help: each command's options are declared only when the command is
parsed (qatui.cli.CommandParser), so the help a fresh process prints must still hold them all."""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys

import pytest

from qatui import cli


def fresh_help(*argv: str) -> str:
    """What ``python -m qatui ARGV`` prints, at a fixed width, in a new process."""
    env = {**os.environ, "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "qatui", *argv], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


def declared_at_once(command: str) -> argparse.ArgumentParser:
    """A plain parser given ``command``'s options by its module directly, as before laziness."""
    module, (options, _), _ = cli.COMMANDS[command]
    parser = argparse.ArgumentParser()
    getattr(importlib.import_module(f"qatui.cli.{module}"), options)(parser)
    return parser


def test_the_top_level_help_lists_every_command_with_its_help_line() -> None:
    text = " ".join(fresh_help("--help").split())
    for name, (_, _, help_line) in cli.COMMANDS.items():
        assert f"{name} {help_line}" in text


@pytest.mark.parametrize("command", list(cli.COMMANDS))
def test_a_command_help_shows_every_option_the_command_declares(command: str) -> None:
    declared = declared_at_once(command)
    text = fresh_help(command, "--help")
    for action in declared._actions:
        shown = action.option_strings or [str(action.metavar or action.dest)]
        assert all(str(name) in text for name in shown), (command, shown)
        assert action.help is not None and action.help.split()[0] in text, (command, action.help)
    assert text.startswith(f"usage: qatui {command} ")
