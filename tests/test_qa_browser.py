"""The HTML QA report in a real browser (headless Chromium): it loads without script errors, the
plots and the pairs table are there, links jump to their pair, and 10,000 pairs stay usable.

Chromium comes from Debian (`chromium`); it is installed on first use when the tests run as root
with apt-get (as CI does on a fresh machine), and these tests are skipped elsewhere.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import time
import zlib
from pathlib import Path

import pytest

from align.qa import build_report, write_html

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio"]


def _find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of headless Chromium, installed with apt-get on first use."""
    found = _find_chromium()
    if found:
        return found
    if not shutil.which("apt-get") or os.geteuid() != 0:
        pytest.skip("Chromium is not installed and cannot be installed here (needs root and apt-get); "
                    "install the Debian package: apt-get install -y chromium")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # wait for the dpkg lock rather than fail when another install (another test) holds it
    install = ["apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=600", "chromium"]
    result = subprocess.run(install, capture_output=True, text=True, env=env, timeout=1800)
    if result.returncode != 0:  # a fresh machine may have no package lists yet
        subprocess.run(["apt-get", "update", "-q", "-o", "DPkg::Lock::Timeout=600"], capture_output=True,
                       text=True, env=env, timeout=900)
        result = subprocess.run(install, capture_output=True, text=True, env=env, timeout=1800)
    found = _find_chromium()
    if result.returncode != 0 or not found:
        pytest.fail(f"could not install Chromium with apt-get (exit {result.returncode}): "
                    f"{(result.stderr or result.stdout)[-1500:]}")
    return found


def run_chromium(chromium: str, page: Path, profile: Path, *args: str, fragment: str = "") -> str:
    """Open PAGE (a file) in headless Chromium with ARGS; returns stdout (the DOM with --dump-dom)."""
    url = page.resolve().as_uri() + fragment
    result = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, url],
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"chromium failed ({result.returncode}): {result.stderr[-1500:]}"
    return result.stdout


class DevToolsPage:
    """A page in headless Chromium driven over the DevTools protocol on a pipe
    (--remote-debugging-pipe: commands on fd 3, replies on fd 4, NUL-separated JSON)."""

    def __init__(self, chromium: str, url: str, profile: Path):
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()

        def give_pipes():  # in the child: the pipes become fds 3 and 4, kept across exec
            r, w = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.process = subprocess.Popen([chromium, *CHROMIUM_FLAGS, "--remote-debugging-pipe", "--window-size=1400,1000",
                                         f"--user-data-dir={profile}", url],
                                        preexec_fn=give_pipes, close_fds=False,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._out = os.fdopen(to_browser_w, "wb", buffering=0)
        self._in = os.fdopen(from_browser_r, "rb", buffering=0)
        self._buffer, self._id = b"", 0
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})["sessionId"]
        self.wait_for("document.getElementById('status') && document.getElementById('status').dataset.rendered === '1'")

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._out.write(json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = self._in.read(1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, self.session)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, condition: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.evaluate(f"!!({condition})"):
            assert time.monotonic() < deadline, f"timed out waiting for {condition}"
            time.sleep(0.05)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._out.close()
        self._in.close()


def page_status(dom: str) -> dict:
    """The data-* attributes of <div id="status">, which the page's script fills in."""
    tag = re.search(r'<div id="status"[^>]*>', dom)
    assert tag, "no status element in the rendered page"
    return dict(re.findall(r'data-([a-z]+)="([^"]*)"', tag.group(0)))


def png_size_and_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the decompressed (still filtered) image data of a PNG file."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    width, height = struct.unpack(">II", data[16:24])
    idat, pos = b"", 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    return width, height, zlib.decompress(idat)


@pytest.fixture(scope="module")
def joint_statement_report(tmp_path_factory, corpus_dir):
    """The HTML report of the bundled joint statement aligned by aligntm, with its gold."""
    from align import align_files
    from align.formats import jsonl
    out = tmp_path_factory.mktemp("js")
    alignment = align_files(corpus_dir / "ja.txt", corpus_dir / "en.txt")
    path = out / "joint-statement-2025.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        jsonl.write(alignment, f, "joint-statement-2025")
    report = build_report([path], gold=corpus_dir / "gold.txt")
    write_html(report, out / "report.html")
    return out / "report.html", report


def test_report_renders_without_script_errors(chromium, joint_statement_report, tmp_path):
    page, report = joint_statement_report
    dom = run_chromium(chromium, page, tmp_path / "profile", "--dump-dom", "--virtual-time-budget=5000")
    status = page_status(dom)
    assert status["errors"] == "0", status.get("messages")
    assert status["rendered"] == "1"
    pairs = len(report.data["documents"][0]["pairs"])
    assert status["pairs"] == str(pairs)
    # the table shows the first page of pairs, one row per pair with its texts
    rows = re.findall(r'<tr id="(pair-[^"]+)"', dom)
    assert rows and len(rows) == min(pairs, 100)
    first = report.data["documents"][0]["pairs"][0]
    assert first["src_text"][:20] in dom and first["tgt_text"][:40] in dom
    # the pictures: the alignment path and the gold path, and histograms
    assert dom.count('class="path-plot"') == 2
    assert "<polyline" in dom and 'class="svg-gold"' in dom
    assert dom.count('class="histogram"') == 2  # confidence and length ratio


def test_link_to_a_pair_shows_it(chromium, joint_statement_report, tmp_path):
    """A flag's link (#pair-DOC-N) opens the table page holding that pair and marks the row."""
    page, report = joint_statement_report
    flag = report.flags[-1]
    dom = run_chromium(chromium, page, tmp_path / "profile", "--dump-dom", "--virtual-time-budget=5000",
                       fragment=flag["link"])
    assert page_status(dom)["errors"] == "0"
    row = re.search(rf'<tr id="{re.escape(flag["link"][1:])}"[^>]*>', dom)
    assert row, f"row {flag['link']} not rendered"
    assert re.search(r'class="[^"]*\btarget\b', row.group(0))


def test_screenshot_is_a_picture_of_the_report(chromium, joint_statement_report, tmp_path):
    page, _ = joint_statement_report
    shot = tmp_path / "report.png"
    run_chromium(chromium, page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1400,1000",
                 "--virtual-time-budget=5000")
    width, height, pixels = png_size_and_pixels(shot)
    assert (width, height) == (1400, 1000)
    # a blank page compresses to a handful of byte values; text, plots and colours give many
    assert len(set(pixels)) > 100
    assert shot.stat().st_size > 20_000


def _synthetic_alignment(path: Path, n: int) -> None:
    """N 1-1 pairs of varied length with every 50th pair a 1-0 bead and some low confidences."""
    with open(path, "w", encoding="utf-8") as f:
        i = j = 0
        for k in range(n):
            src_len = 20 + (k * 7) % 60
            unaligned = k % 50 == 49
            record = {"doc": "big", "src": [i], "tgt": [] if unaligned else [j],
                      "confidence": 0.55 if k % 37 == 0 else 0.99,
                      "src_text": "あ" * src_len + f"第{k}条",
                      "tgt_text": "" if unaligned else ("word " * (src_len // 2)) + f"Article {k}.",
                      "src_lang": "ja", "tgt_lang": "en",
                      "anchors": {"matched": [f"n:{k}"] if k >= 10 else [], "conflicts": []}}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            i += 1
            j += 0 if unaligned else 1


def test_ten_thousand_pairs_stay_usable(chromium, tmp_path):
    """The page holds all 10,000 pairs but draws one page of rows: it renders in well under the
    time a reviewer waits, and the file stays small enough to mail."""
    _synthetic_alignment(tmp_path / "big", 10_000)
    report = build_report([tmp_path / "big"])
    page = tmp_path / "big.html"
    write_html(report, page)
    assert page.stat().st_size < 12_000_000
    dom = run_chromium(chromium, page, tmp_path / "profile", "--dump-dom", "--virtual-time-budget=10000")
    status = page_status(dom)
    assert status["errors"] == "0", status.get("messages")
    assert status["rendered"] == "1" and status["pairs"] == "10000"
    assert int(status["rows"]) == 100  # one page of rows, not 10,000
    assert int(status["ms"]) < 5000
    # a link to the last pair reaches it through the pager
    dom = run_chromium(chromium, page, tmp_path / "profile", "--dump-dom", "--virtual-time-budget=10000",
                       fragment="#pair-big-9999")
    assert re.search(r'<tr id="pair-big-9999" class="[^"]*\btarget\b', dom)


ROWS = "document.getElementById('pair-rows').rows"


def _choose(page: DevToolsPage, select_id: str, value: str) -> None:
    page.evaluate(f"(function () {{ var e = document.getElementById('{select_id}'); e.value = {json.dumps(value)}; "
                  f"e.dispatchEvent(new Event('change')); }})()")


def test_filters_search_and_links(chromium, joint_statement_report, tmp_path):
    """The side-by-side view as a reviewer uses it: flagged only, one kind of flag, a search,
    and a flag marker on the picture that jumps to its pair."""
    path, report = joint_statement_report
    pairs = report.data["documents"][0]["pairs"]
    page = DevToolsPage(chromium, path.resolve().as_uri(), tmp_path / "profile")
    try:
        assert page.evaluate(f"{ROWS}.length") == min(100, len(pairs))
        _choose(page, "f-show", "flagged")
        flagged = [p["id"] for p in pairs if p["flags"]]
        assert page.evaluate(f"Array.from({ROWS}).map(function (r) {{ return r.id; }})") == flagged
        kind, count = next(iter(report.summary["flags"].items()))
        _choose(page, "f-kind", kind)
        assert page.evaluate(f"{ROWS}.length") == count
        _choose(page, "f-kind", "")
        _choose(page, "f-show", "all")
        # search: rows whose source or target holds the word, whatever its case
        word = "asean"
        expected = [p["id"] for p in pairs if word in (p["src_text"] + "\n" + p["tgt_text"]).lower()]
        assert expected
        page.evaluate(f"(function () {{ var e = document.getElementById('f-q'); e.value = 'ASEAN'; "
                      f"e.dispatchEvent(new Event('input')); }})()")
        page.wait_for(f"{ROWS}.length === {len(expected)}")
        assert page.evaluate(f"Array.from({ROWS}).map(function (r) {{ return r.id; }})") == expected
        # a flag marker on the alignment picture leads to its pair, clearing the filter that hides it
        marker = page.evaluate("document.querySelector('svg.path-plot a').getAttribute('href')")
        page.evaluate("document.querySelector('svg.path-plot a').dispatchEvent("
                      "new MouseEvent('click', {bubbles: true, cancelable: true}))")
        page.wait_for(f"document.querySelector('tr.target') && document.querySelector('tr.target').id === "
                      f"{json.dumps(marker[1:])}")
        assert page.evaluate("document.getElementById('f-q').value") == ""
        assert page.evaluate("document.getElementById('status').dataset.errors") == "0"
    finally:
        page.close()


def test_pager_walks_through_many_pairs(chromium, tmp_path):
    _synthetic_alignment(tmp_path / "big", 1_000)
    path = tmp_path / "big.html"
    write_html(build_report([tmp_path / "big"]), path)
    page = DevToolsPage(chromium, path.resolve().as_uri(), tmp_path / "profile")
    try:
        assert page.evaluate("document.getElementById('pager-text').textContent").startswith("1–100 of 1000 pairs")
        page.evaluate("document.getElementById('next').click()")
        assert page.evaluate(f"{ROWS}[0].id") == "pair-big-100"
        assert page.evaluate("document.getElementById('pager-text').textContent").startswith("101–200 of 1000")
        _choose(page, "f-show", "flagged")  # back to page 1 of the flagged pairs
        assert page.evaluate("document.getElementById('prev').disabled") is True
        assert page.evaluate("document.getElementById('status').dataset.errors") == "0"
    finally:
        page.close()
