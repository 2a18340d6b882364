#!/usr/bin/env python3
"""The property-based tests of tests/test_fuzz.py, run long: N examples per property.

    python scripts/fuzz.py                  # 10,000 examples per property, a random seed
    python scripts/fuzz.py -n 2000 --seed 1 --property align_texts

The strategies and checks are those of tests/test_fuzz.py (imported from it). Progress goes to
stderr, the table to stdout: property, examples, failures, seconds, and the seconds of the
slowest check (generating the example aside; its input goes to stderr). On a
failure Hypothesis shrinks the input; the minimal failing input (repr) and its traceback are
printed after the table, and the exit code is 1. The seed printed on stderr repeats a run.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hypothesis import given, seed as hypothesis_seed, settings  # noqa: E402

import test_fuzz  # noqa: E402

try:
    BaseExceptionGroup
except NameError:                       # Python 3.10: Hypothesis raises the backport's
    from exceptiongroup import BaseExceptionGroup


class Run:
    """One property: counts its examples and keeps the failing inputs with their exceptions."""

    def __init__(self, name: str, n: int, every: float = 10.0):
        self.name = name
        self.n = n
        self.examples = 0          # examples generated until the first failure (all of them if none)
        self.calls = 0
        self.failed = False
        self.failures: dict[int, tuple[object, BaseException]] = {}   # id(exception) -> (input, exception)
        self.slowest = 0.0
        self.slowest_example = None
        self.start = time.perf_counter()
        self.every = every
        self.next_report = self.start + every

    def __call__(self, check, example) -> None:
        self.calls += 1
        if not self.failed:
            self.examples += 1
        began = time.perf_counter()
        try:
            check(example)
        except BaseException as e:
            self.failed = True
            self.failures[id(e)] = (example, e)
            raise
        finally:
            now = time.perf_counter()
            if now - began > self.slowest and self.calls > 1:   # the first call loads MeCab and the like
                self.slowest, self.slowest_example = now - began, example
            if now >= self.next_report:
                self.next_report = now + self.every
                state = "shrinking a failure" if self.failed else f"{self.examples}/{self.n}"
                print(f"  {self.name}: {state}, {now - self.start:.0f} s", file=sys.stderr, flush=True)


def run_property(name: str, n: int, seed: int) -> tuple[Run, list[tuple[object, BaseException]]]:
    strategy, check = test_fuzz.PROPERTIES[name]
    run = Run(name, n)

    # no database: each run stands alone, repeated by its seed
    @hypothesis_seed(seed)
    @settings(max_examples=n, deadline=None, database=None, derandomize=False, report_multiple_bugs=True)
    @given(strategy)
    def prop(example):
        run(check, example)

    failures = []
    try:
        prop()
    except BaseException as e:   # noqa: BLE001 - every failure is reported, KeyboardInterrupt aside
        if isinstance(e, KeyboardInterrupt):
            raise
        errors = list(e.exceptions) if isinstance(e, BaseExceptionGroup) else [e]
        for error in errors:
            example = run.failures.get(id(error), ("(input not recorded: the failure was in Hypothesis "
                                                   "or the strategy)", error))[0]
            failures.append((example, error))
    return run, failures


def _short(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10_000, metavar="N", help="examples per property (10000)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: a random one, printed)")
    parser.add_argument("--property", nargs="+", choices=sorted(test_fuzz.PROPERTIES), metavar="NAME",
                        help=f"properties to run (default: all: {', '.join(test_fuzz.PROPERTIES)})")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("-n must be at least 1")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2 ** 32)
    names = args.property or list(test_fuzz.PROPERTIES)
    print(f"fuzz: {args.n} examples per property, seed {seed} (repeat with --seed {seed})", file=sys.stderr)
    if not test_fuzz.DTD_PATH.exists():
        print(f"fuzz: {test_fuzz.DTD_PATH} is absent: TMX files are checked for well-formedness only",
              file=sys.stderr)

    rows, failed = [], []
    for name in names:
        print(f"{name}: running", file=sys.stderr, flush=True)
        began = time.perf_counter()
        run, failures = run_property(name, args.n, seed)
        seconds = time.perf_counter() - began
        rows.append((name, run.examples, len(failures), seconds, run.slowest))
        failed += [(name, example, error) for example, error in failures]
        print(f"{name}: {run.examples} examples, {len(failures)} failure(s), {seconds:.1f} s; slowest example "
              f"({run.slowest:.2f} s): {_short(repr(run.slowest_example))}", file=sys.stderr)

    header = ("property", "examples", "failures", "seconds", "slowest (s)")
    table = [header] + [(name, str(k), str(f), f"{s:.1f}", f"{slow:.2f}") for name, k, f, s, slow in rows]
    widths = [max(len(row[c]) for row in table) for c in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(cell.ljust(w) if c == 0 else cell.rjust(w) for c, (cell, w) in enumerate(zip(row, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for name, example, error in failed:
        print(f"\nFAILED {name} (seed {seed}); minimal failing input:\n{example!r}\n")
        print("".join(traceback.format_exception(error)).rstrip())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
