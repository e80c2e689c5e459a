"""The argument parser and the one place a failure becomes an exit code and a single line.

Bad input exits with code 2 and a one-line message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from loyalty_model.cli import kpis, report, rollup, score, statements
from loyalty_model.cli.inputs import EXIT_BAD_INPUT, InputError, check_inputs
from loyalty_model.messages import one_line
from loyalty_model.model import load_model


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m loyalty_model",
        description="Skab promoters without the UI: statements, scoring, KPIs and reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for command in (statements, score, kpis, report, rollup):
        command.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        check_inputs(args)  # a FIFO or a device is refused at once, before it can block
        return args.func(args, load_model())
    except InputError as error:
        # One line, whatever the error quotes: cut, with line breaks and escapes made visible.
        print(one_line(f"error: {error}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # a bug, not bad input: one line, unless debugging
        if os.environ.get("SKAB_DEBUG"):
            raise
        print(one_line(f"error: unexpected problem ({type(error).__name__}: {error}); "
                       "set SKAB_DEBUG=1 for details"), file=sys.stderr)
        return 1
