"""The review editor's page (align/review/page/) in a real browser against the real server.

Each test starts `aligntm review` as a subprocess on a copy of its inputs (so no review file is
written into the repository), drives headless Chromium through Selenium and Debian's
chromedriver with the keyboard and the toolbar, and checks the DOM the page documents at the top
of editor.js (div.row[data-row], span.sentence, #counts, #status, body[data-version]...), and the
server's own state and files where that proves more. One browser serves the whole module.

Chromium and chromedriver come from Debian (`chromium`, `chromium-driver`): they are installed
on first use when the tests run as root with apt-get (as CI does), and these tests are skipped
elsewhere. Selenium runs offline (SE_OFFLINE): it never downloads a browser or a driver.
No timings are asserted here (see the benchmark script for those).
"""
from __future__ import annotations

import json
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import apt_install

pytest.importorskip("selenium", reason="selenium is a test dependency (pip install -e '.[test]')")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora" / "joint-statement-2025"
STOP_TIMEOUT = 15  # seconds the server may take to stop on SIGINT


# --- the server -----------------------------------------------------------------------------

class ReviewServer:
    """`aligntm review ARGS --no-browser --port 0` in a subprocess; its address from stdout."""

    def __init__(self, *args):
        self.args = [str(a) for a in args]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "align.cli", "review", *self.args, "--no-browser", "--port", "0"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        self.stderr: list[str] = []
        self._lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self._err_thread = threading.Thread(target=self._read_stderr, daemon=True)
        self._err_thread.start()
        self._url: str | None = None

    def _read_stdout(self):
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _read_stderr(self):
        for line in self.process.stderr:
            self.stderr.append(line)

    @property
    def url(self) -> str:
        """The address the server printed (waits for it: aligning comes first)."""
        if self._url is None:
            deadline = time.monotonic() + 180
            while self._url is None:
                try:
                    line = self._lines.get(timeout=max(0.1, deadline - time.monotonic()))
                except queue.Empty:
                    pytest.fail(f"aligntm review printed no address in time; stderr: {''.join(self.stderr)[-1500:]}")
                if line is None:
                    self.process.wait(5)
                    self._err_thread.join(5)
                    pytest.fail(f"aligntm review exited ({self.process.returncode}) before serving: "
                                f"{''.join(self.stderr)[-1500:]}")
                if line.startswith("http://"):
                    self._url = line.strip()
        return self._url

    @property
    def token(self) -> str:
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.url).query)["token"][0]

    @property
    def base(self) -> str:
        parts = urllib.parse.urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def api(self, path: str, body: dict | None = None):
        """GET (or POST BODY to) PATH with the token; the decoded JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={
            "X-Aligntm-Token": self.token, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.load(answer)

    def state(self, doc: int = 0) -> dict:
        return self.api(f"/api/doc/{doc}/state")

    def stop(self, sig=signal.SIGINT) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"aligntm review did not stop within {STOP_TIMEOUT} s of {sig!r}")
        self._err_thread.join(5)
        return code


@pytest.fixture
def serve():
    """Start review servers; each one still running at the end is stopped with SIGINT and must
    exit 0 promptly."""
    started: list[ReviewServer] = []

    def start(*args) -> ReviewServer:
        server = ReviewServer(*args)
        started.append(server)
        return server

    yield start
    failures = []
    for server in started:
        if server.process.poll() is None:
            code = server.stop()
            if code != 0:
                failures.append(f"exit {code}: {''.join(server.stderr)[-800:]}")
    assert not failures, f"aligntm review did not stop cleanly on SIGINT: {failures}"


def statement_copy(directory: Path) -> tuple[Path, Path]:
    """The bundled statement (ja.txt, en.txt) copied into DIRECTORY."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("ja.txt", "en.txt"):
        shutil.copy(CORPUS / name, directory / name)
    return directory / "ja.txt", directory / "en.txt"


def texts(row: dict) -> dict:
    """lang -> sentence texts of a server row (as the page shows them)."""
    return {lang: [s["text"] for s in cell] for lang, cell in row["cells"].items()}


@pytest.fixture(scope="module")
def statement_alignment(tmp_path_factory) -> Path:
    """The statement aligned by `aligntm align --format jsonl` (records as the aligner writes them)."""
    directory = tmp_path_factory.mktemp("alignment")
    ja, en = statement_copy(directory)
    out = directory / "statement.jsonl"
    result = subprocess.run([sys.executable, "-m", "align.cli", "align", str(ja), str(en), "--format", "jsonl",
                             "-o", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-1500:]
    return out


# --- the browser ----------------------------------------------------------------------------

class Page:
    """The editor page in the module's browser, with the few helpers the tests share."""

    def __init__(self, driver, downloads: Path):
        self.driver = driver
        self.downloads = downloads

    def open(self, url: str) -> None:
        self.driver.get(url)
        self.wait("document.body.dataset.ready === '1'")
        self.focus()

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, condition: str, timeout: float = 30, message: str = ""):
        """Wait until the JavaScript expression CONDITION is true; returns its value."""
        return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(
            lambda d: d.execute_script(f"return ({condition}) || null;"), message or condition)

    def el(self, css: str):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def focus(self) -> None:
        self.js("document.getElementById('viewport').focus()")

    def version(self) -> int:
        return int(self.js("return document.body.dataset.version"))

    def messages(self) -> int:
        return int(self.js("return document.body.dataset.messages || '0'"))

    def keys(self, *keys) -> None:
        """Type KEYS into the page: strings as typed, (modifier, key) tuples as chords."""
        chain = ActionChains(self.driver)
        for key in keys:
            if isinstance(key, tuple):
                *modifiers, last = key
                for m in modifiers:
                    chain.key_down(m)
                chain.send_keys(last)
                for m in reversed(modifiers):
                    chain.key_up(m)
            else:
                chain.send_keys(key)
        chain.perform()

    def wait_answer(self, version: int, messages: int | None = None) -> None:
        """Wait until an answer after VERSION is applied; fail with the status line on an error."""
        def done(d):
            if self.version() > version:
                return True
            if messages is not None and self.messages() > messages and self.status()[1] == "error":
                raise AssertionError(f"the page reports an error: {self.status()[0]}")
            return False
        WebDriverWait(self.driver, 60, poll_frequency=0.05).until(done, "no answer applied")

    def edit(self, *keys) -> None:
        """Press KEYS (an edit) and wait for the server's answer to be applied."""
        v, m = self.version(), self.messages()
        self.keys(*keys)
        self.wait_answer(v, m)

    def click_edit(self, button_id: str) -> None:
        v, m = self.version(), self.messages()
        self.el(f"#{button_id}").click()
        self.wait_answer(v, m)

    def expect_error(self, *keys) -> str:
        """Press KEYS and wait for an error in the status line; returns its text."""
        m = self.messages()
        self.keys(*keys)
        self.wait(f"+document.body.dataset.messages > {m}"
                  " && document.getElementById('status').dataset.kind === 'error'")
        return self.status()[0]

    def status(self) -> tuple[str, str]:
        return tuple(self.js("const s = document.getElementById('status'); return [s.textContent, s.dataset.kind];"))

    def counts(self) -> dict:
        return {k: int(v) for k, v in self.js(
            "const c = document.getElementById('counts').dataset;"
            "return {rows: c.rows, confirmed: c.confirmed, edited: c.edited, to_check: c.toCheck};").items()}

    def rows(self) -> dict[int, dict]:
        """The rendered rows: index -> {classes, cells: lang -> sentence texts, flags}."""
        found = self.js("""
            return [...document.querySelectorAll('#rows > div.row')].map(r => ({
              row: +r.dataset.row, classes: [...r.classList],
              flags: [...r.querySelectorAll('.flag')].map(f => [f.dataset.kind, f.title]),
              cells: Object.fromEntries([...r.querySelectorAll('div.cell')].map(c => [c.dataset.lang,
                       [...c.querySelectorAll('span.sentence')].map(s => s.textContent)]))}));""")
        return {r["row"]: r for r in found}

    def row(self, r: int) -> dict:
        rows = self.rows()
        assert r in rows, f"row {r} is not rendered (rendered: {sorted(rows)[:3]}...)"
        return rows[r]

    def current(self) -> dict:
        """The focused row, language and sentence."""
        return self.js("""
            const r = document.querySelector('#rows > div.row.current');
            if (!r) return null;
            const c = r.querySelector('div.cell.focus-cell'); const s = c && c.querySelector('span.sentence.focused');
            return {row: +r.dataset.row, lang: c ? c.dataset.lang : null,
                    index: s ? +s.dataset.index : null, text: s ? s.textContent : null};""")

    def goto(self, r: int) -> None:
        """Put the cursor on row R with the keyboard (Home, then j)."""
        self.keys(Keys.HOME, "j" * r)
        self.wait(f"document.querySelector('#rows > div.row.current')?.dataset.row === '{r}'")

    def set_filter(self, select_id: str, value: str) -> None:
        Select(self.el(f"#{select_id}")).select_by_value(value)
        self.focus()


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """One headless Chromium (Debian's, through chromedriver) for the module."""
    apt_install(["chromium", "chromium-driver"],
                lambda: bool(shutil.which("chromedriver")) and bool(shutil.which("chromium")),
                "Chromium and chromedriver")
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1400,1000", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--lang=en-US"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "download.directory_upgrade": True})
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SE_OFFLINE", "true")   # never download a browser or driver
        driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    try:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    except Exception:
        pass  # the prefs above do it on the versions without this command
    driver.set_script_timeout(30)
    yield Page(driver, downloads)
    driver.quit()


@pytest.fixture(autouse=True)
def no_script_errors(page):
    """No test may leave a script error or a Content-Security-Policy violation in the console."""
    page.driver.get_log("browser")      # what came before this test
    yield
    errors = [e["message"] for e in page.driver.get_log("browser")
              if e.get("source") in ("javascript", "security") or "Content Security Policy" in e["message"]]
    assert not errors, f"errors in the page: {errors}"


def ctrl(key):
    return (Keys.CONTROL, key)


def alt(key):
    return (Keys.ALT, key)


# --- the tests ------------------------------------------------------------------------------

def test_open_the_statement_and_edit_pairs(page, serve, tmp_path):
    """The bundled statement opens side by side; merge, split, move, unpair, confirm, confirm
    above, undo and redo from the keyboard and the toolbar change the rows as the server does."""
    ja, en = statement_copy(tmp_path)
    server = serve(ja, en)
    page.open(server.url)
    state = server.state()
    rows = state["rows"]
    n = len(rows)

    # the header, the columns, the counter
    assert page.el("#doc-name").text == "ja.txt ↔ en.txt"
    assert page.el("#doc-select-label").is_displayed() is False   # one document: no selector
    assert page.js("return [...document.querySelectorAll('#colheads .colhead[data-lang]')].map(h => h.dataset.lang)") \
        == ["ja", "en"]
    assert page.counts() == {"rows": n, "confirmed": 0, "edited": 0, "to_check": n}
    shown = page.rows()
    assert 5 < len(shown) < n   # a window of the rows, not all of them
    for r, row in shown.items():
        assert row["cells"] == texts(rows[r])
        assert "auto" in row["classes"]
    assert page.js("return [...document.querySelectorAll('#rows div.row[data-row=\"0\"] div.cell')].map(c => c.lang)") \
        == ["ja", "en"]
    # colour by confidence, flags with their reasons
    for r, row in shown.items():
        c = rows[r]["confidence"]
        assert ("conf-high" if c >= 0.9 else "conf-mid" if c >= 0.5 else "conf-low") in row["classes"]
        reasons = {}
        for f in rows[r]["flags"]:
            reasons.setdefault(f["kind"], []).append(f["reason"])
        assert row["flags"] == [[kind, "\n".join(why)] for kind, why in reasons.items()]   # a badge per kind
    assert page.current() == {"row": 0, "lang": "ja", "index": 0, "text": rows[0]["cells"]["ja"][0]["text"]}
    # the details line of the current row: its flags with their reasons
    flagged = next(r for r in sorted(shown) if rows[r]["flags"])
    page.goto(flagged)
    details = page.el("#details").text
    assert all(f"{f['kind']}: {f['reason']}" in details for f in rows[flagged]["flags"])
    page.goto(0)

    # the help overlay
    page.keys("?")
    page.wait("!document.getElementById('help').hidden")
    assert "merge" in page.el("#help-keys").text
    page.keys(Keys.ESCAPE)
    page.wait("document.getElementById('help').hidden")

    # j/k and the arrows move among rows; l/h among languages
    page.keys("jj", Keys.ARROW_DOWN, "k")
    assert page.current()["row"] == 2
    page.keys("l")
    assert page.current()["lang"] == "en"
    page.keys(Keys.ARROW_LEFT)
    assert page.current()["lang"] == "ja"

    # merge with the next (m), undo (Ctrl+Z), redo (Ctrl+Y and Ctrl+Shift+Z)
    page.edit("m")
    merged = page.row(2)
    assert merged["cells"] == {lang: texts(rows[2])[lang] + texts(rows[3])[lang] for lang in ("ja", "en")}
    assert "edited" in merged["classes"] and "current" in merged["classes"]
    assert page.counts() == {"rows": n - 1, "confirmed": 0, "edited": 1, "to_check": n - 2}
    assert page.row(3)["cells"] == texts(rows[4])
    page.edit(ctrl("z"))
    assert page.row(2)["cells"] == texts(rows[2]) and page.row(3)["cells"] == texts(rows[3])
    assert page.counts()["rows"] == n
    page.edit(ctrl("y"))
    assert page.row(2)["cells"] == merged["cells"]
    page.edit(ctrl("z"))
    page.edit((Keys.CONTROL, Keys.SHIFT, "z"))
    assert page.row(2)["cells"] == merged["cells"]

    # merge with the previous (Shift+M), here from its toolbar button
    page.goto(3)
    page.click_edit("btn-merge-prev")
    assert page.row(2)["cells"] == {lang: merged["cells"][lang] + texts(rows[4])[lang] for lang in ("ja", "en")}
    page.edit(ctrl("z"))

    # split (s): the first sentence of each cell stays above; the cursor goes on with the rest
    page.goto(2)
    page.edit("s")
    assert page.row(2)["cells"] == texts(rows[2]) and page.row(3)["cells"] == texts(rows[3])
    assert {"edited"} <= set(page.row(2)["classes"]) and page.current()["row"] == 3

    # move (Alt+↑ / Alt+↓): the ja sentence of row 3 goes up to row 2, then back down
    page.edit(alt(Keys.ARROW_UP))
    assert page.row(2)["cells"]["ja"] == texts(rows[2])["ja"] + texts(rows[3])["ja"]
    assert page.row(3)["cells"] == {"ja": [], "en": texts(rows[3])["en"]}
    assert page.js("return document.querySelector('#rows div.row[data-row=\"3\"] div.cell[data-lang=\"ja\"]')"
                   ".classList.contains('empty')")
    page.goto(2)
    page.edit(alt(Keys.ARROW_DOWN))
    assert page.row(2)["cells"] == texts(rows[2]) and page.row(3)["cells"] == texts(rows[3])

    # no translation (n): the pair becomes 1-0 and 0-1
    page.goto(5)
    page.click_edit("btn-unpair")
    assert page.row(5)["cells"] == {"ja": texts(rows[5])["ja"], "en": []}
    assert page.row(6)["cells"] == {"ja": [], "en": texts(rows[5])["en"]}
    assert page.counts()["rows"] == n + 1
    page.edit(ctrl("z"))

    # confirm (c) moves on to the next pair; c again on it unconfirms (toggle); Shift+C above
    page.goto(7)
    page.edit("c")
    assert "confirmed" in page.row(7)["classes"] and page.current()["row"] == 8
    page.goto(7)
    page.edit("c")
    assert "confirmed" not in page.row(7)["classes"]
    page.goto(9)
    page.edit("C")
    shown = page.rows()
    assert all("confirmed" in shown[r]["classes"] for r in range(10) if r in shown)
    assert page.counts()["confirmed"] == 10

    # the page agrees with the server, row for row
    final = server.state()
    assert final["counts"] == page.counts()
    for r, row in page.rows().items():
        assert row["cells"] == texts(final["rows"][r])
        assert final["rows"][r]["status"] in row["classes"]

    # an edit the server refuses: its sentence in the status line, nothing changed
    page.keys(Keys.END)
    page.wait(f"document.querySelector('#rows > div.row.current')?.dataset.row === '{page.counts()['rows'] - 1}'")
    version = page.version()
    error = page.expect_error("m")
    assert "last row" in error
    assert page.version() == version
    assert page.el("#status").get_attribute("role") == "status"


def test_sentence_text_edits(page, serve, tmp_path):
    """Enter edits a sentence's text (HTML in it is shown as text), "Split here" cuts it at the
    caret, x cuts it at its clause point, a click on a clause mark cuts there, J joins."""
    ja, en = statement_copy(tmp_path)
    server = serve(ja, en)
    page.open(server.url)
    rows = server.state()["rows"]
    r = next(k for k, row in enumerate(rows[:15]) if len(row["cells"]["ja"]) == 1 and row["cells"]["ja"][0]["splits"])
    sentence = rows[r]["cells"]["ja"][0]
    text, cut = sentence["text"], sentence["splits"][0]

    # x: cut at the (first) clause point; the cursor goes to the second part; J joins them again
    page.goto(r)
    page.edit("x")
    assert page.row(r)["cells"]["ja"] == [text[:cut].rstrip(), text[cut:].lstrip()]
    assert page.current()["index"] == 1
    page.keys((Keys.SHIFT, Keys.TAB))
    assert page.current()["index"] == 0
    page.edit("J")
    assert page.row(r)["cells"]["ja"] == [text[:cut].rstrip() + text[cut:].lstrip()]

    # a click on a clause mark cuts there
    mark = page.el(f"#rows div.row[data-row='{r}'] div.cell[data-lang='ja'] span.clause")
    at = int(mark.get_attribute("data-at"))
    v = page.version()
    mark.click()
    page.wait_answer(v)
    joined = text[:cut].rstrip() + text[cut:].lstrip()
    assert page.row(r)["cells"]["ja"] == [joined[:at].rstrip(), joined[at:].lstrip()]
    page.edit(ctrl("z"))
    page.edit(ctrl("z"))
    page.edit(ctrl("z"))
    assert page.row(r)["cells"]["ja"] == [text]

    # Enter: edit the English sentence's text; HTML in it stays text
    page.goto(r)
    page.keys("l", Keys.ENTER)
    page.wait("!document.getElementById('editor').hidden")
    area = page.el("#editor-text")
    assert area.get_attribute("value") == rows[r]["cells"]["en"][0]["text"]
    area.send_keys(Keys.CONTROL, "a")
    area.send_keys("Fixed <b>x</b> & <img src=x> text.")
    v = page.version()
    area.send_keys(Keys.ENTER)
    page.wait_answer(v)
    page.wait("document.getElementById('editor').hidden")
    assert page.row(r)["cells"]["en"] == ["Fixed <b>x</b> & <img src=x> text."]
    assert page.js("return document.querySelectorAll('#rows b, #rows img').length") == 0
    assert "edited" in page.row(r)["classes"]
    assert server.state()["rows"][r]["cells"]["en"][0]["text"] == "Fixed <b>x</b> & <img src=x> text."

    # Esc cancels
    page.keys(Keys.ENTER)
    page.wait("!document.getElementById('editor').hidden")
    page.el("#editor-text").send_keys("more")
    page.el("#editor-text").send_keys(Keys.ESCAPE)
    page.wait("document.getElementById('editor').hidden")
    assert page.row(r)["cells"]["en"] == ["Fixed <b>x</b> & <img src=x> text."]

    # "Split here" on a changed text: the text is saved, then cut at the caret, whose offset the
    # page turns into code points (the server's offsets) past a character outside the BMP
    page.keys(Keys.ENTER)
    page.wait("!document.getElementById('editor').hidden")
    page.js("const t = document.getElementById('editor-text'); t.value = '\\u{1F600}' + t.value;"
            "t.setSelectionRange(7, 7);")     # after the emoji (2 UTF-16 units) and "Fixed"
    v = page.version()
    page.el("#editor-split").click()
    page.wait(f"+document.body.dataset.version >= {v + 2}")
    assert page.row(r)["cells"]["en"] == ["\U0001F600Fixed", "<b>x</b> & <img src=x> text."]
    assert page.current() == {"row": r, "lang": "en", "index": 1, "text": "<b>x</b> & <img src=x> text."}
    assert server.state()["rows"][r]["cells"]["en"][0]["text"] == "\U0001F600Fixed"

    # J on the last sentence of a cell pulls up the first of the next row's cell
    k = next(k for k in range(r + 1, len(rows) - 1)
             if len(rows[k]["cells"]["en"]) == 1 and len(rows[k + 1]["cells"]["en"]) == 1
             and rows[k + 1]["cells"]["ja"])
    page.goto(k)
    page.keys("l")
    page.edit("J")
    assert page.row(k)["cells"] == {"ja": texts(rows[k])["ja"],
                                    "en": [texts(rows[k])["en"][0] + " " + texts(rows[k + 1])["en"][0]]}
    assert page.row(k + 1)["cells"] == {"ja": texts(rows[k + 1])["ja"], "en": []}
    assert [texts(x) for x in server.state()["rows"][k:k + 2]] == [page.row(k)["cells"], page.row(k + 1)["cells"]]


def test_realign_restores_rows_between_fixed_rows(page, serve, tmp_path, statement_alignment):
    """An alignment shifted by one over four pairs: confirm the pairs around it, realign (r): the
    rows between come back to the aligner's pairs and are highlighted until the next edit."""
    records = [json.loads(line) for line in statement_alignment.read_text(encoding="utf-8").splitlines() if line]
    a, b = 14, 18
    assert all(rec["type"] == "1-1" for rec in records[a:b])
    region = records[a:b]

    def record(src, tgt):
        rec = dict(region[0], src=[x["src"][0] for x in src], tgt=[x["tgt"][0] for x in tgt],
                   src_text=" ".join(x["src_text"] for x in src), tgt_text=" ".join(x["tgt_text"] for x in tgt),
                   src_sentences=[x["src_text"] for x in src], tgt_sentences=[x["tgt_text"] for x in tgt],
                   type=f"{len(src)}-{len(tgt)}", confidence=0.3, anchors={"matched": [], "conflicts": []})
        for side, items in (("src_place", src), ("tgt_place", tgt)):
            if items:
                rec[side] = items[0][side]
            else:
                rec.pop(side, None)
        return rec

    shifted = [record([region[0]], [])] + [record([region[k]], [region[k - 1]]) for k in range(1, len(region))] \
        + [record([], [region[-1]])]
    bad = tmp_path / "shifted.jsonl"
    bad.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records[:a] + shifted + records[b:]),
                   encoding="utf-8")
    server = serve(bad)
    page.open(server.url)
    assert page.counts()["rows"] == len(records) + 1
    page.goto(a)
    assert page.row(a)["cells"]["en"] == [] and "conf-low" in page.row(a)["classes"]

    page.goto(a - 2)
    page.edit("C")                      # rows 0..a-2 confirmed
    page.goto(a + 6)
    page.edit("c")                      # and one below the shifted rows
    before = {tuple(map(tuple, texts(row).values())) for row in server.state()["rows"]}
    page.edit("r")
    after = server.state()["rows"]
    # the rows the realign made (not put back as they were): the shifted ones and maybe others
    new_rows = [k for k, row in enumerate(after) if tuple(map(tuple, texts(row).values())) not in before]
    assert set(range(a, b)) <= set(new_rows)
    shown = page.rows()
    assert sorted(r for r, row in shown.items() if "changed" in row["classes"]) == [k for k in new_rows if k in shown]
    text, kind = page.status()
    assert kind == "done" and f"{len(new_rows)} pairs changed" in text
    for k, rec in enumerate(region):    # back to the aligner's pairs
        assert page.row(a + k)["cells"] == {"ja": rec["src_sentences"], "en": rec["tgt_sentences"]}
        assert "auto" in page.row(a + k)["classes"]
    assert page.counts()["rows"] == len(after)
    assert "confirmed" in page.row(a + 5)["classes"]        # the fixed row stayed (one row up)
    assert page.row(a + 5)["cells"] == texts(after[a + 5])
    # the highlight lasts until the next edit
    page.goto(a)
    page.edit("c")
    assert not [r for r, row in page.rows().items() if "changed" in row["classes"]]


def test_filters(page, serve, tmp_path):
    """Text, flag and confidence filters hide rows; navigation moves among the rows shown."""
    ja, en = statement_copy(tmp_path)
    server = serve(ja, en)
    page.open(server.url)
    rows = server.state()["rows"]

    page.keys("/")
    assert page.js("return document.activeElement.id") == "filter-text"
    page.keys("asean")
    want = [k for k, row in enumerate(rows)
            if any("asean" in s["text"].lower() for cell in row["cells"].values() for s in cell)]
    assert len(want) >= 2
    page.wait(f"document.querySelectorAll('#rows > div.row').length === {len(want)}")
    assert sorted(page.rows()) == want
    assert page.el("#filter-count").text == f"showing {len(want)} of {len(rows)}"
    page.keys(Keys.ESCAPE)
    assert page.js("return document.activeElement.id") == "viewport"
    assert page.current()["row"] == want[0]
    page.keys("j")
    assert page.current()["row"] == want[1]
    page.el("#filter-clear").click()
    page.wait(f"document.querySelectorAll('#rows > div.row').length > {len(want)}")

    kinds = {}
    for k, row in enumerate(rows):
        for f in row["flags"]:
            kinds.setdefault(f["kind"], []).append(k)
    if kinds:
        kind, where = max(kinds.items(), key=lambda kv: len(kv[1]))
        page.set_filter("filter-flag", kind)
        shown = page.rows()
        assert sorted(shown) == sorted(set(where))[:len(shown)]
        assert all(kind in [f[0] for f in row["flags"]] for row in shown.values())
        page.set_filter("filter-flag", "")

    low = [k for k, row in enumerate(rows) if row["confidence"] is not None and row["confidence"] < 0.9]
    assert low, "the statement has pairs of confidence below 0.9"
    page.set_filter("filter-confidence", "0.9")
    shown = page.rows()
    assert shown and sorted(shown) == low[:len(shown)]
    confidences = page.js("return [...document.querySelectorAll('#rows > div.row')].map(r => +r.dataset.confidence)")
    assert all(c < 0.9 for c in confidences)
    assert page.el("#filter-count").text == f"showing {len(low)} of {len(rows)}"
    page.set_filter("filter-confidence", "")
    assert page.el("#filter-count").text == ""


def test_export_tmx(page, serve, tmp_path):
    """The TMX export (confirmed pairs only) downloads from the page and holds the confirmed units."""
    lxml = pytest.importorskip("lxml.etree")
    ja, en = statement_copy(tmp_path)
    server = serve(ja, en)
    page.open(server.url)
    page.goto(4)
    page.edit("C")                      # rows 0..4 confirmed
    page.el("#export-confirmed").click()
    link = page.el("#export-tmx")
    href = link.get_attribute("href")
    assert "format=tmx" in href and "confirmed_only=1" in href and f"token={server.token}" in href
    before = set(page.downloads.iterdir())
    link.click()
    deadline = time.monotonic() + 30
    new = []
    while time.monotonic() < deadline:
        new = [p for p in set(page.downloads.iterdir()) - before if p.suffix == ".tmx"]
        if new:
            break
        time.sleep(0.1)
    assert new, f"no TMX downloaded into {page.downloads}: {list(page.downloads.iterdir())}"
    tree = lxml.parse(str(new[0]))
    units = tree.findall(".//tu")
    assert len(units) == 5
    for tu in units:
        props = {p.get("type"): p.text for p in tu.findall("prop")}
        assert props["x-reviewed"] == "confirmed"
    # the same export without the check box, fetched with the token: every pair
    page.el("#export-confirmed").click()
    href = page.el("#export-tmx").get_attribute("href")
    assert "confirmed_only=0" in href
    with urllib.request.urlopen(href, timeout=60) as answer:
        every = lxml.fromstring(answer.read())
    reviewed = [p.text for p in every.iter("prop") if p.get("type") == "x-reviewed"]
    assert reviewed.count("confirmed") == 5 and len(reviewed) > 5


def test_edits_survive_a_killed_server_and_a_second_server_is_refused(page, serve, tmp_path):
    """SIGKILL the server between edits, start it again on the review file: every edit is there.
    A second server on the same review file exits 2 with one line."""
    ja, en = statement_copy(tmp_path)
    review = tmp_path / "statement.review.jsonl"
    server = serve(ja, en, "--review-file", review)
    page.open(server.url)
    page.goto(3)
    page.edit("m")
    page.goto(1)
    page.keys("l", Keys.ENTER)
    page.wait("!document.getElementById('editor').hidden")
    area = page.el("#editor-text")
    area.send_keys(Keys.CONTROL, "a")
    area.send_keys("A fixed sentence.")
    v = page.version()
    area.send_keys(Keys.CONTROL, Keys.ENTER)
    page.wait_answer(v)
    page.goto(0)
    page.edit("c")
    before = server.state()

    # a second server on the same review file is refused
    second = subprocess.run([sys.executable, "-m", "align.cli", "review", str(ja), str(en), "--review-file",
                             str(review), "--no-browser", "--port", "0"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert second.returncode == 2
    assert len(second.stderr.strip().splitlines()) == 1, second.stderr
    assert "already open" in second.stderr and second.stdout == ""

    assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    again = serve(ja, en, "--review-file", review)
    page.open(again.url)
    after = again.state()
    assert [texts(r) for r in after["rows"]] == [texts(r) for r in before["rows"]]
    assert after["counts"] == before["counts"] == {**before["counts"], "confirmed": 1, "edited": 2}
    assert page.counts() == before["counts"]
    assert page.row(1)["cells"]["en"] == ["A fixed sentence."]
    assert "confirmed" in page.row(0)["classes"] and "edited" in page.row(3)["classes"]
    assert page.el("#btn-undo").is_enabled()
    # undo still works across the restart
    page.goto(0)
    page.edit(ctrl("z"))
    assert "confirmed" not in page.row(0)["classes"]


def test_stale_page_reloads(page, serve, tmp_path):
    """An edit made elsewhere (another tab) makes the page's next edit stale (409): the page
    reloads the state and says so."""
    ja, en = statement_copy(tmp_path)
    server = serve(ja, en)
    page.open(server.url)
    state = server.state()
    server.api("/api/doc/0/edit", {"version": state["version"], "op": "confirm", "row": 2})
    page.goto(5)
    v = page.version()
    error = page.expect_error("c")
    page.wait(f"+document.body.dataset.version > {v}")
    assert "reloaded" in error
    assert "confirmed" in page.row(2)["classes"] and "confirmed" not in page.row(5)["classes"]
    assert page.counts()["confirmed"] == 1
    page.goto(5)
    page.edit("c")                      # and the next edit goes through
    assert page.counts()["confirmed"] == 2


def test_document_selector(page, serve, tmp_path, statement_alignment):
    """An alignment file of two documents: the selector lists both and switches between them."""
    records = [json.loads(line) for line in statement_alignment.read_text(encoding="utf-8").splitlines() if line]
    first, second = records[:30], records[30:]
    out = []
    for doc, part in (("one.txt", first), ("two.txt", second)):
        s0 = min(i for rec in part for i in rec["src"])
        t0 = min(i for rec in part for i in rec["tgt"])
        for rec in part:
            out.append(dict(rec, doc=doc, src=[i - s0 for i in rec["src"]], tgt=[i - t0 for i in rec["tgt"]]))
    both = tmp_path / "two.jsonl"
    both.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    server = serve(both)
    page.open(server.url)
    assert page.el("#doc-select-label").is_displayed()
    options = page.js("return [...document.querySelectorAll('#doc-select option')].map(o => o.textContent)")
    assert len(options) == 2 and options[0].startswith("one.txt") and options[1].startswith("two.txt")
    assert page.counts()["rows"] == len(first)
    v = page.version()
    Select(page.el("#doc-select")).select_by_index(1)
    page.wait(f"+document.body.dataset.version > {v}")
    assert page.counts()["rows"] == len(second)
    assert page.row(0)["cells"] == {"ja": second[0]["src_sentences"], "en": second[0]["tgt_sentences"]}
    page.focus()
    page.edit("c")                      # edits go to the document shown
    assert server.state(1)["counts"]["confirmed"] == 1 and server.state(0)["counts"]["confirmed"] == 0


TEN_THOUSAND = "test_ten_thousand_rows"


@pytest.fixture(scope="module", autouse=True)
def ten_thousand_rows(request, tmp_path_factory):
    """A review of two presegmented documents of 10,000 lines. Aligning them takes a while, so the
    server starts with the module (when that test is to run) and aligns while the other tests run."""
    if not any(item.name == TEN_THOUSAND for item in request.session.items):
        yield None
        return
    directory = tmp_path_factory.mktemp("ten-thousand")
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()
    ja_lines, en_lines = [], []
    for i in range(10_000):
        n = 3 + (i * 7) % 25
        en_lines.append(f"Item {i + 1}: " + " ".join(words[(i + k) % len(words)] for k in range(n)) + ".")
        ja_lines.append(f"項目{i + 1}：" + "あいうえおかきくけこ"[: 1 + i % 10] * max(1, n // 3) + "。")
    (directory / "ja.txt").write_text("\n".join(ja_lines) + "\n", encoding="utf-8")
    (directory / "en.txt").write_text("\n".join(en_lines) + "\n", encoding="utf-8")
    # Greek letter names are no language a model can tell: the languages are given
    server = ReviewServer(directory / "ja.txt", directory / "en.txt", "--presegmented", "-s", "ja", "-t", "en")
    yield server, ja_lines, en_lines
    if server.process.poll() is None:
        served = server._url is not None
        code = server.stop()
        assert code == 0 or not served, f"aligntm review did not stop cleanly on SIGINT ({code})"


def test_ten_thousand_rows(page, ten_thousand_rows):
    """A 10,000-row document opens with only a window of rows in the DOM; scrolling to the end
    and End both show the last row. (No timing here: see the benchmark.)"""
    server, ja_lines, en_lines = ten_thousand_rows
    page.open(server.url)
    assert page.counts()["rows"] == 10_000
    assert len(page.rows()) < 200
    page.js("const v = document.getElementById('viewport'); v.scrollTop = v.scrollHeight;")
    page.wait("document.querySelector('#rows > div.row[data-row=\"9999\"]')")
    assert page.row(9999)["cells"] == {"ja": [ja_lines[-1]], "en": [en_lines[-1]]}
    assert len(page.rows()) < 200
    # back to the top, then End: the cursor on the last row, in view
    page.focus()
    page.keys(Keys.HOME)
    page.wait("document.querySelector('#rows > div.row[data-row=\"0\"]')")
    page.keys(Keys.END)
    page.wait("document.querySelector('#rows > div.row.current')?.dataset.row === '9999'")
    inside = page.js("""
        const v = document.getElementById('viewport').getBoundingClientRect();
        const r = document.querySelector('#rows > div.row[data-row="9999"]').getBoundingClientRect();
        return r.top >= v.top - 1 && r.bottom <= v.bottom + 1;""")
    assert inside
    # an edit at the end shows at once, the row staying in view
    page.edit("k", "m")
    assert page.counts()["rows"] == 9_999
    assert page.row(9998)["cells"] == {"ja": ja_lines[-2:], "en": en_lines[-2:]}
