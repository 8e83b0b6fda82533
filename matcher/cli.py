"""`pathways-match`: run a matching round on spreadsheets, no server needed."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from matcher.config import load_rules
from matcher.crosscheck import unknown_stated_ids
from matcher.csvio import (
    CsvProblem,
    CsvProblems,
    read_apprentices_with_lines,
    read_mentors_with_lines,
    write_pairs,
    write_scores,
)
from matcher.profiles import MatchRules
from matcher.rounds import allowed_scores, propose_pairs

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line contract."""
    parser = argparse.ArgumentParser(prog="pathways-match", description=__doc__)
    parser.add_argument("--apprentices", required=True, type=Path, help="apprentices CSV")
    parser.add_argument("--mentors", required=True, type=Path, help="mentors CSV")
    parser.add_argument("--config", type=Path, help="rules TOML (weights, objective, ...)")
    parser.add_argument("--out", required=True, type=Path, help="pairs CSV to write")
    parser.add_argument("--scores-out", type=Path, help="CSV of every allowed pair's score")
    parser.add_argument("--report", type=Path, help="quality report JSON to write")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one round from files; exit 2 on bad input (and write nothing)."""
    args = parse_args(argv)
    try:
        apprentices, mentors = _read_both(args.apprentices, args.mentors)
        rules = load_rules(args.config) if args.config else MatchRules()
    except (InputError, ValueError, OSError) as exc:
        print(f"pathways-match: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    progress = None if args.quiet else _progress
    try:
        result = propose_pairs(apprentices, mentors, rules, progress=progress)
    except ValueError as exc:
        print(f"pathways-match: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    outputs = [(args.out, lambda f: write_pairs(f, result))]
    if args.scores_out:
        outputs.append(
            (
                args.scores_out,
                lambda f: write_scores(f, allowed_scores(apprentices, mentors, rules)),
            )
        )
    if args.report:
        outputs.append((args.report, lambda f: json.dump(result.report, f, indent=2)))
    _write_all(outputs)
    print(
        f"matched {len(result.pairs)} of {len(apprentices)} apprentices "
        f"({result.solve_path}); pairs written to {args.out}",
        file=sys.stderr,
    )
    return EXIT_OK


class InputError(Exception):
    """A file could not be read; the message lists every problem."""


def _read_both(a_path: Path, m_path: Path):
    """Both files, with ids in stated preferences checked against the other file."""
    apprentices = _read(a_path, read_apprentices_with_lines)
    mentors = _read(m_path, read_mentors_with_lines)
    in_a, in_m = unknown_stated_ids(apprentices, mentors)
    if in_a or in_m:
        lines = [_line(a_path, p) for p in in_a] + [_line(m_path, p) for p in in_m]
        raise InputError(f"{len(lines)} problem(s) in stated preferences:\n" + "\n".join(lines))
    return [a for _, a in apprentices], [m for _, m in mentors]


def _line(path: Path, problem: CsvProblem) -> str:
    return f"  {path.name}: {problem}"


def _read(path: Path, reader: Callable):
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return reader(handle)
    except CsvProblems as exc:
        lines = "\n".join(f"  {path.name}: {p}" for p in exc.problems)
        raise InputError(f"{len(exc.problems)} problem(s) in {path}:\n{lines}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text") from exc


def _write_all(outputs) -> None:
    # Write everything to temporary files first, then rename: never half an output.
    staged = []
    try:
        for path, write in outputs:
            fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
            staged.append((tmp, path))
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
                write(handle)
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr)
