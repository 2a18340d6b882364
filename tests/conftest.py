"""Shared fixtures: the bundled seed corpus and two ways of running the CLI."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpora" / "joint-statement-2025"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """corpora/joint-statement-2025 (ja.txt: the provisional translation as extracted from a PDF)."""
    return CORPUS_DIR


@pytest.fixture
def run_cli(capsys):
    """Call align.cli.main in-process: returns (exit code, stdout, stderr).

    argparse's exits (--help, usage errors) are returned as exit codes too.
    """
    from align.cli import main

    def run(*args):
        try:
            code = main([str(a) for a in args])
        except SystemExit as e:
            code = e.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def run_aligntm():
    """Run the real command (`python -m align.cli`) in a subprocess: real exit code and stderr."""

    def run(*args, cwd=None):
        return subprocess.run([sys.executable, "-m", "align.cli", *map(str, args)],
                              capture_output=True, text=True, cwd=cwd, timeout=120)

    return run
