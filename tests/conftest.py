"""Shared fixtures: the bundled seed corpus and two ways of running the CLI."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
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


@pytest.fixture
def signalled():
    """Start the real command (`python -m align.cli ARGS`) in a process group of its own, send
    SIGNAL_NAME to the whole group after DELAY seconds, as a terminal's Ctrl-C reaches every
    process, and give (the group's id, exit code, stderr); the test fails if it hangs."""
    import os
    import signal
    import time

    def run(args, signal_name: str, delay: float, timeout: float = 60):
        process = subprocess.Popen([sys.executable, "-m", "align.cli", *map(str, args)], stderr=subprocess.PIPE,
                                   text=True, start_new_session=True, cwd=Path(__file__).resolve().parents[1])
        time.sleep(delay)
        try:
            os.killpg(process.pid, getattr(signal, signal_name))
        except ProcessLookupError:
            pass
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"{signal_name} after {delay} s: the command hung")
        return process.pid, process.returncode, stderr

    return run


# -- Debian tools installed on first use (as CI does on a fresh machine) ----------------------

def apt_install(packages: list[str], ready, what: str) -> None:
    """Make READY() true, installing PACKAGES with one `apt-get install` call when it is not.

    Tests that need a Debian package call this: when it is missing and the tests do not run as
    root with apt-get, they are skipped (with the command to run); an install that fails fails.
    """
    if ready():
        return
    if not shutil.which("apt-get") or os.geteuid() != 0:
        pytest.skip(f"{what} not installed and cannot be installed here (needs root and apt-get); "
                    f"install the Debian packages: apt-get install -y {' '.join(packages)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # wait for the dpkg lock rather than fail when another install (another test) holds it
    install = ["apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=600", *packages]
    result = subprocess.run(install, capture_output=True, text=True, env=env, timeout=1800)
    if result.returncode != 0:  # a fresh machine may have no package lists yet
        subprocess.run(["apt-get", "update", "-q", "-o", "DPkg::Lock::Timeout=600"], capture_output=True,
                       text=True, env=env, timeout=900)
        result = subprocess.run(install, capture_output=True, text=True, env=env, timeout=1800)
    if result.returncode != 0 or not ready():
        pytest.fail(f"could not install {what} with apt-get (exit {result.returncode}): "
                    f"{(result.stderr or result.stdout)[-1500:]}")


# Printing HTML to PDF: headless Chromium, the fonts the test documents name, and qpdf.
PDF_PACKAGES = ["chromium", "fonts-ipafont", "fonts-lao", "fonts-dejavu-core", "qpdf"]
PDF_FONTS = ("ipam.ttf", "Phetsarath_OT.ttf", "DejaVuSerif.ttf")   # IPAMincho, Phetsarath OT, DejaVu Serif
CHROMIUM_PRINT_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--disable-dev-shm-usage"]


class PdfPrinter:
    """Headless Chromium's print-to-PDF, several pages at a time (one profile each)."""

    def __init__(self, chromium: str, qpdf: str):
        self.chromium = chromium
        self.qpdf = qpdf

    def print(self, jobs: dict[Path, Path], parallel: int = 2) -> None:
        """Print each HTML file of JOBS (html -> pdf) to its PDF, PARALLEL Chromiums at a time."""
        pending = list(enumerate(jobs.items()))
        with tempfile.TemporaryDirectory(prefix="aligntm-chromium-") as profiles:
            while pending:
                batch, pending = pending[:parallel], pending[parallel:]
                running = []
                try:
                    for k, (html, pdf) in batch:
                        command = [self.chromium, *CHROMIUM_PRINT_FLAGS, f"--user-data-dir={profiles}/{k}",
                                   f"--print-to-pdf={pdf}", Path(html).resolve().as_uri()]
                        running.append((pdf, subprocess.Popen(command, stdout=subprocess.PIPE,
                                                              stderr=subprocess.PIPE, text=True)))
                    for pdf, process in running:
                        _, err = process.communicate(timeout=180)
                        assert process.returncode == 0 and Path(pdf).exists(), \
                            f"chromium could not print {pdf} (exit {process.returncode}): {err[-1500:]}"
                finally:
                    for _, process in running:
                        if process.poll() is None:
                            process.kill()
                            process.wait()

    def print_html(self, pages: dict[str, str], directory: Path) -> dict[str, Path]:
        """PAGES (name -> HTML source) printed to DIRECTORY/name.pdf; returns name -> PDF path."""
        jobs = {}
        for name, html in pages.items():
            (directory / f"{name}.html").write_text(html, encoding="utf-8")
            jobs[directory / f"{name}.html"] = directory / f"{name}.pdf"
        self.print(jobs)
        return {name: directory / f"{name}.pdf" for name in pages}


@pytest.fixture(scope="session")
def pdf_printer() -> PdfPrinter:
    """Chromium, the IPAMincho / Phetsarath OT / DejaVu Serif fonts and qpdf, installed with one
    apt-get call on first use (skipped where that cannot be done)."""

    def chromium():
        return shutil.which("chromium") or shutil.which("chromium-browser")

    def ready():
        fonts = {Path(p).name for p in glob.glob("/usr/share/fonts/**/*.tt[fc]", recursive=True)}
        return bool(chromium() and shutil.which("qpdf") and all(f in fonts for f in PDF_FONTS))

    apt_install(PDF_PACKAGES, ready, "Chromium, the fonts and qpdf")
    return PdfPrinter(chromium(), shutil.which("qpdf"))


@pytest.fixture
def forkable(monkeypatch):
    """Tests of work done in forked processes: earlier tests in this process leave idle daemon
    threads behind (Dask's event loop), which keep align/forked.py from forking at all; the
    guard itself is tested on its own (test_features.py)."""
    import threading
    monkeypatch.setattr(threading, "active_count", lambda: 1)
