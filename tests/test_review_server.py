"""`aligntm review` end to end over HTTP: the real server in a subprocess, driven as the page
drives it (see align/review/PROTOCOL.md), with the review file and the other commands that read
it (export, tm import, score, report).

Every test works on copies of corpora/joint-statement-2025 in its tmp_path and starts
`python -m align.cli review ... --no-browser --port 0`, which prints
`http://127.0.0.1:PORT/?token=TOKEN` once it listens. The `Page` helper keeps the rows as the
browser does (the splice of every answer applied to them) and checks them after every step
against a fresh GET of the state.
"""
from __future__ import annotations

import contextlib
import copy
import json
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from align.review.journal import is_review_file, replay

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora" / "joint-statement-2025"
SHARED = ROOT.parent / "shared"
TMX_DTD = SHARED / "tmx" / "tmx14.dtd"
CHECK_TMX = SHARED / "tools" / "check_tmx.sh"
ADDRESS = re.compile(r"http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]+)\n")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STOP_TIMEOUT = 5   # seconds the server may take to stop on Ctrl-C


# --- the inputs --------------------------------------------------------------------------------

def copy_corpus(directory: Path) -> SimpleNamespace:
    """ja.txt, en.txt, lo.txt and gold.txt (the gold ja-en beads) copied into DIRECTORY."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("ja.txt", "en.txt", "lo.txt", "gold.txt"):
        shutil.copy(CORPUS / name, directory / name)
    return SimpleNamespace(dir=directory, ja=directory / "ja.txt", en=directory / "en.txt", lo=directory / "lo.txt",
                           gold=directory / "gold.txt", review=directory / "ja.review.jsonl")


@pytest.fixture
def docs(tmp_path) -> SimpleNamespace:
    return copy_corpus(tmp_path / "docs")


def aligntm(*args, timeout: float = 60) -> subprocess.CompletedProcess:
    """The real command, as a user runs it: exit code, stdout and stderr."""
    return subprocess.run([sys.executable, "-m", "align.cli", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """The stderr of a command refused with exit 2: one line, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("aligntm: error: ") and result.stderr.count("\n") == 1, result.stderr
    return result.stderr


# --- the server --------------------------------------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: object   # http.client.HTTPMessage (case-insensitive)
    body: bytes

    def json(self):
        return json.loads(self.body)


def launch(*args, log: Path) -> subprocess.Popen:
    """Start `aligntm review ARGS` (stderr to LOG) without waiting for it."""
    with open(log, "w") as err:
        return subprocess.Popen([sys.executable, "-m", "align.cli", "review", *map(str, args)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=err, text=True)


def read_address(process: subprocess.Popen, timeout: float = 60) -> str:
    """The line the server prints once it listens ('' if it exits first)."""
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    if not ready:
        process.kill()
        raise AssertionError(f"no address printed within {timeout} s")
    return process.stdout.readline()


class Server:
    """A running `aligntm review` and the requests a browser (or anybody else) can send it."""

    def __init__(self, process: subprocess.Popen, log: Path):
        self.process, self.log = process, log
        line = read_address(process)
        match = ADDRESS.fullmatch(line)
        if not match:
            process.wait(timeout=30)
            raise AssertionError(f"the server printed {line!r} (exit {process.returncode}): {self.stderr()}")
        self.url = line.strip()
        self.port, self.token = int(match.group(1)), match.group(2)

    @classmethod
    def start(cls, *args, log: Path) -> "Server":
        return cls(launch(*args, "--no-browser", "--port", "0", log=log), log)

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def http(self, method: str, path: str, data: bytes | None = None, headers: dict | None = None,
             host: str = "127.0.0.1") -> Reply:
        request = urllib.request.Request(f"http://{host}:{self.port}{path}", data=data, method=method,
                                         headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return Reply(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as e:
            return Reply(e.code, e.headers, e.read())

    def get(self, path: str) -> Reply:
        return self.http("GET", path, headers={"X-Aligntm-Token": self.token})

    def post(self, path: str, body) -> Reply:
        return self.http("POST", path, json.dumps(body).encode("utf-8"),
                         {"X-Aligntm-Token": self.token, "Content-Type": "application/json"})

    def post_while_sending(self, path: str, data: bytes, content_type: str = "application/json") -> Reply:
        """POST DATA, reading the answer while still sending: a server that refuses a body too
        large answers before reading it all (urllib would only see the connection reset)."""
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nX-Aligntm-Token: {self.token}\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(data)}\r\nConnection: close\r\n\r\n")
        data, sent, answer = head.encode() + data, 0, b""
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
            sock.setblocking(False)
            while True:
                readable, writable, _ = select.select([sock], [sock] if sent < len(data) else [], [], 30)
                assert readable or writable, "no answer within 30 s"
                if readable:
                    try:
                        chunk = sock.recv(1 << 16)
                    except ConnectionResetError:
                        chunk = b""
                    if not chunk:
                        break
                    answer += chunk
                else:
                    try:
                        sent += sock.send(data[sent:sent + (1 << 16)])
                    except (BrokenPipeError, ConnectionResetError):
                        sent = len(data)
        head, _, body = answer.partition(b"\r\n\r\n")
        return Reply(int(head.split(b" ", 2)[1]), head.decode("latin-1"), body)

    def state(self, doc: int = 0) -> dict:
        reply = self.get(f"/api/doc/{doc}/state")
        assert reply.status == 200, reply
        return reply.json()

    def stop(self, sig=signal.SIGINT, timeout: float = STOP_TIMEOUT) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"the server did not stop within {timeout} s of signal {sig}") from None
        self.process.stdout.close()
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL: the server dies wherever it is (a crash, a power cut of the process)."""
        self.process.kill()
        assert self.process.wait(timeout=10) == -signal.SIGKILL


@contextlib.contextmanager
def running(*args, log: Path):
    server = Server.start(*args, log=log)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.process.send_signal(signal.SIGINT)
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()
        server.process.stdout.close()


@pytest.fixture
def serve(tmp_path):
    """serve(*args) starts `aligntm review ARGS --no-browser --port 0`; all are stopped (Ctrl-C) after the test."""
    with contextlib.ExitStack() as stack:
        logs = iter(range(1, 100))

        def start(*args) -> Server:
            return stack.enter_context(running(*args, log=tmp_path / f"server-{next(logs)}.err"))
        yield start


# --- the page ----------------------------------------------------------------------------------

def counts_of(rows: list[dict]) -> dict:
    confirmed = sum(r["status"] == "confirmed" for r in rows)
    edited = sum(r["status"] == "edited" for r in rows)
    return {"rows": len(rows), "confirmed": confirmed, "edited": edited, "to_check": len(rows) - confirmed - edited}


def texts(row: dict, lang: str) -> list[str]:
    return [s["text"] for s in row["cells"][lang]]


def row_with_a_clause_point(rows: list[dict], lang: str, start: int) -> int:
    """The first row from START whose first LANG sentence may be cut at a clause point."""
    return next(k for k in range(start, len(rows)) if rows[k]["cells"][lang] and rows[k]["cells"][lang][0]["splits"])


def without_flags(state: dict) -> dict:
    return dict(state, rows=[{k: v for k, v in row.items() if k != "flags"} for row in state["rows"]])


def first_difference(a: list[dict], b: list[dict]) -> str:
    for k, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"row {k}: page has {x}, server has {y}"
    return f"the page has {len(a)} rows, the server {len(b)}"


class Page:
    """What the browser page does with one document: it loads the state, sends its version with
    every step and applies the splice of the answer to its rows. After each step the rows are
    compared with a fresh GET of the state (they must be the same, as must counts and version)."""

    def __init__(self, server: Server, doc: int = 0):
        self.server, self.doc = server, doc
        self.reload()

    def reload(self) -> None:
        self.state = self.server.state(self.doc)
        self.rows = copy.deepcopy(self.state["rows"])
        self.version = self.state["version"]

    def edit(self, op: str, **fields) -> dict:
        return self.step("edit", op=op, **fields)

    def undo(self) -> dict:
        return self.step("undo")

    def redo(self) -> dict:
        return self.step("redo")

    def realign(self) -> dict:
        return self.step("realign")

    def step(self, what: str, **fields) -> dict:
        reply = self.server.post(f"/api/doc/{self.doc}/{what}", {"version": self.version, **fields})
        assert reply.status == 200, (what, fields, reply.status, reply.body)
        answer = reply.json()
        start, removed, new = answer["start"], answer["removed"], answer["rows"]
        assert 0 <= start and start + removed <= len(self.rows), answer
        self.rows[start:start + removed] = new
        self.version = answer["version"]
        fresh = self.server.state(self.doc)
        assert self.rows == fresh["rows"], \
            f"{what} {fields}: the splice does not give the state: {first_difference(self.rows, fresh['rows'])}"
        assert answer["version"] == fresh["version"]
        assert answer["counts"] == fresh["counts"] == counts_of(fresh["rows"])
        assert (answer["can_undo"], answer["can_redo"]) == (fresh["can_undo"], fresh["can_redo"])
        assert set(answer["changed"]) <= set(range(start, start + len(new))), answer["changed"]
        self.state = fresh
        return answer


def score(run_cli, gold, test) -> dict:
    """`aligntm score GOLD TEST --json`: either may be a review file."""
    code, out, err = run_cli("score", gold, test, "--json")
    assert code == 0, err
    return json.loads(out)


# === 1. security ===================================================================================

@pytest.fixture(scope="module")
def idle(tmp_path_factory):
    """One server on a fresh alignment, for the requests that must change nothing."""
    docs = copy_corpus(tmp_path_factory.mktemp("idle"))
    with running(docs.ja, docs.en, log=docs.dir / "server.err") as server:
        server.docs = docs
        yield server


def test_every_request_needs_the_token(idle):
    for path in ("/", "/api/documents", "/api/doc/0/state", "/api/doc/0/export?format=tmx"):
        reply = idle.http("GET", path)
        assert reply.status == 403, path
        assert "token" in reply.json()["error"]
        assert idle.http("GET", path, headers={"X-Aligntm-Token": "not-the-token"}).status == 403
        sep = "&" if "?" in path else "?"
        assert idle.http("GET", f"{path}{sep}token=not-the-token").status == 403
    # an edit without the token is refused and changes nothing
    reply = idle.http("POST", "/api/doc/0/edit", json.dumps({"version": 0, "op": "confirm", "row": 0}).encode(),
                      {"Content-Type": "application/json"})
    assert reply.status == 403
    assert idle.state()["version"] == 0


def test_the_token_as_header_or_in_the_address(idle):
    by_header = idle.http("GET", "/api/documents", headers={"X-Aligntm-Token": idle.token})
    by_query = idle.http("GET", f"/api/documents?token={idle.token}")
    assert by_header.status == by_query.status == 200
    assert by_header.json() == by_query.json() == {
        "documents": [{"id": 0, "name": "ja.txt", "counts": idle.state()["counts"]}], "current": 0}
    # the address printed opens the page
    page = urllib.request.urlopen(idle.url, timeout=30)
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    for name, value in {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                        "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}.items():
        assert by_header.headers[name] == value and page.headers[name] == value


def test_a_foreign_host_header_is_refused(idle):
    """No DNS rebinding: a page of another site whose name resolves to 127.0.0.1 is not served."""
    token = {"X-Aligntm-Token": idle.token}
    for host in (f"127.0.0.1:{idle.port}", f"localhost:{idle.port}"):
        assert idle.http("GET", "/api/documents", headers={**token, "Host": host}).status == 200, host
    for host in (f"evil.example:{idle.port}", f"127.0.0.1:{idle.port + 1}", "127.0.0.1",
                 f"127.0.0.1.nip.io:{idle.port}"):
        reply = idle.http("GET", "/api/documents", headers={**token, "Host": host})
        assert reply.status == 400 and "Host" in reply.json()["error"], host
    assert idle.http("GET", f"/?token={idle.token}", headers={"Host": f"attacker.example:{idle.port}"}).status == 400


def test_the_page_has_a_content_security_policy_with_a_nonce(idle):
    page = idle.http("GET", f"/?token={idle.token}")
    assert page.status == 200
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    nonce = re.search(r"script-src 'nonce-([A-Za-z0-9_-]{16,})'", csp).group(1)
    assert f"style-src 'nonce-{nonce}'" in csp
    html = page.body.decode("utf-8")
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
    assert all(f'nonce="{nonce}"' in tag for tag in re.findall(r"<style\b[^>]*>", html))
    assert "{{" not in html   # every placeholder filled (nonce, css, js)


def test_each_load_of_the_page_gets_its_own_nonce(idle):
    first = idle.http("GET", f"/?token={idle.token}").headers["Content-Security-Policy"]
    second = idle.http("GET", f"/?token={idle.token}").headers["Content-Security-Policy"]
    assert first != second


def non_loopback_address() -> str | None:
    """This machine's address on its network, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))   # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_the_server_listens_on_the_loopback_only(idle):
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    with socket.create_connection(("127.0.0.1", idle.port), timeout=5):
        pass
    with pytest.raises(OSError):
        socket.create_connection((address, idle.port), timeout=5).close()


# === 2. malformed requests ===========================================================================

def _bad_requests(version: int, rows: int):
    """(name, path, body bytes, content type) of requests the server must refuse with 400."""
    def body(**fields):
        return json.dumps({"version": version, **fields}).encode()
    return [
        ("not JSON", "edit", b'{"version": 0, "op": "confirm", "row": ', "application/json"),
        ("a JSON array", "edit", b'[{"op": "confirm", "row": 0}]', "application/json"),
        ("no op", "edit", body(row=1), "application/json"),
        ("an unknown op", "edit", body(op="explode", row=1), "application/json"),
        ("a row past the end", "edit", body(op="confirm", row=rows), "application/json"),
        ("a negative row", "edit", body(op="merge", row=-1), "application/json"),
        ("a row that is not a number", "edit", body(op="confirm", row="3"), "application/json"),
        ("a sentence past the end of its cell", "edit",
         body(op="set_text", row=0, lang="ja", index=1, text="x"), "application/json"),
        ("a language of no column", "edit", body(op="move", row=3, lang="fr", direction="up"), "application/json"),
        ("a cut outside the sentence", "edit", body(op="split_sentence", row=3, lang="en", index=0, at=0),
         "application/json"),
        ("merging the last row", "edit", body(op="merge", row=rows - 1), "application/json"),
        ("empty text", "edit", body(op="set_text", row=0, lang="en", index=0, text="  "), "application/json"),
        ("a form, not JSON", "edit", body(op="confirm", row=0), "text/plain"),
        ("a form content type", "edit", body(op="confirm", row=0), "application/x-www-form-urlencoded"),
        ("version as a string", "edit", json.dumps({"version": str(version), "op": "confirm", "row": 0}).encode(),
         "application/json"),
        ("version as a boolean", "undo", json.dumps({"version": True}).encode(), "application/json"),
        ("2 MB", "edit", body(op="set_text", row=0, lang="en", index=0, text="x" * (2 << 20)), "application/json"),
        ("nothing to undo", "undo", body(), "application/json"),
        ("nothing to redo", "redo", body(), "application/json"),
    ]


def test_malformed_requests_are_refused_and_change_nothing(idle):
    before = idle.state()
    for name, path, data, content_type in _bad_requests(before["version"], len(before["rows"])):
        headers = {"X-Aligntm-Token": idle.token}
        if content_type:
            headers["Content-Type"] = content_type
        if len(data) > 1 << 20:
            reply = idle.post_while_sending(f"/api/doc/0/{path}", data, content_type)
        else:
            reply = idle.http("POST", f"/api/doc/0/{path}", data, headers)
        assert reply.status == 400, (name, reply.status, reply.body[:300])
        error = reply.json()["error"]
        assert isinstance(error, str) and error and "\n" not in error, (name, error)
        assert idle.state()["version"] == before["version"], name
    assert idle.state() == before
    assert replay(idle.docs.review)[0].version == before["version"]   # nothing written either


def test_unknown_documents_and_formats_are_refused(idle):
    for path in ("/api/doc/1/state", "/api/doc/-1/state", "/api/doc/x/state", "/api/doc/0/export?format=docx"):
        reply = idle.get(path)
        assert reply.status == 400 and reply.json()["error"], path
    assert idle.get("/api/nothing").status == 404
    assert idle.http("GET", "/api/doc/0/edit", headers={"X-Aligntm-Token": idle.token}).status == 405


def test_a_stale_version_is_a_conflict(idle):
    before = idle.state()
    reply = idle.post("/api/doc/0/edit", {"version": before["version"] + 1, "op": "confirm", "row": 0})
    assert reply.status == 409
    assert "reload" in reply.json()["error"]
    for step in ("undo", "redo", "realign"):
        assert idle.post(f"/api/doc/0/{step}", {"version": before["version"] + 7}).status == 409
    assert idle.state() == before


def test_deeply_nested_json_is_a_bad_request(idle):
    reply = idle.http("POST", "/api/doc/0/edit", b"[" * 100_000,
                      {"X-Aligntm-Token": idle.token, "Content-Type": "application/json"})
    assert reply.status == 400 and reply.json()["error"]


# === 3. edits through HTTP ===========================================================================

def test_every_edit_answers_a_splice_that_gives_the_new_state(serve, docs):
    server = serve(docs.ja, docs.en)
    page = Page(server)
    initial = copy.deepcopy(page.rows)
    n = len(initial)
    assert page.state["languages"] == ["ja", "en"] and page.state["pivot"] is None
    assert page.state["names"] == {"ja": "ja.txt", "en": "en.txt"}
    assert page.state["counts"] == {"rows": n, "confirmed": 0, "edited": 0, "to_check": n}
    assert not page.state["can_undo"] and not page.state["can_redo"] and page.state["notice"] is None
    assert all(row["status"] == "auto" and 0 <= row["confidence"] <= 1 for row in initial)
    assert {"anchor", "length", "confidence", "unaligned", "merge"} <= set(page.state["flag_kinds"])

    # merge rows 3 and 4, then split them again
    answer = page.edit("merge", row=3)
    assert (answer["start"], answer["removed"], answer["changed"], answer["version"]) == (3, 2, [3], 1)
    merged = page.rows[3]
    assert texts(merged, "ja") == texts(initial[3], "ja") + texts(initial[4], "ja")
    assert merged["status"] == "edited" and merged["confidence"] is None and len(page.rows) == n - 1
    answer = page.edit("split", row=3)
    assert (answer["start"], answer["removed"], answer["changed"]) == (3, 1, [3, 4])
    assert [row["cells"] for row in page.rows[3:5]] == [row["cells"] for row in initial[3:5]]

    # row 10 is a 1-2 bead: its last English sentence goes down, then back up
    assert [len(initial[10]["cells"][lang]) for lang in ("ja", "en")] == [1, 2]
    page.edit("move", row=10, lang="en", direction="down")
    assert texts(page.rows[10], "en") == texts(initial[10], "en")[:1]
    assert texts(page.rows[11], "en") == texts(initial[10], "en")[1:] + texts(initial[11], "en")
    page.edit("move", row=11, lang="en", direction="up")
    assert [texts(row, "en") for row in page.rows[10:12]] == [texts(row, "en") for row in initial[10:12]]

    # moving a row's only sentence away leaves the row empty in that language
    page.edit("move", row=13, lang="ja", direction="up")
    assert texts(page.rows[12], "ja") == texts(initial[12], "ja") + texts(initial[13], "ja")
    assert page.rows[13]["cells"]["ja"] == [] and texts(page.rows[13], "en") == texts(initial[13], "en")

    # unpair: each side becomes a row of its own, flagged as without translation
    answer = page.edit("unpair", row=20)
    assert (answer["start"], answer["removed"], answer["changed"]) == (20, 1, [20, 21])
    assert texts(page.rows[20], "ja") == texts(initial[20], "ja") and page.rows[20]["cells"]["en"] == []
    assert page.rows[21]["cells"]["ja"] == [] and texts(page.rows[21], "en") == texts(initial[20], "en")
    assert [f["kind"] for f in page.rows[20]["flags"]] == ["unaligned"]
    assert len(page.rows) == n + 1

    # confirm one row, then every row above row 5
    answer = page.edit("confirm", row=1)
    assert page.rows[1]["status"] == "confirmed" and page.rows[1]["confidence"] == 1.0
    answer = page.edit("confirm_above", row=5)
    assert (answer["start"], answer["changed"]) == (0, [0, 1, 2, 3, 4, 5])
    assert [row["status"] for row in page.rows[:7]] == ["confirmed"] * 6 + ["auto"]
    assert page.state["counts"]["confirmed"] == 6
    page.edit("unconfirm", row=5)                 # looked at, no longer checked: still a fixed row
    assert page.rows[5]["status"] == "edited" and page.state["counts"]["confirmed"] == 5

    # a typo fixed: the text is kept exactly as typed (markup is text, not HTML)
    typed = "The two Prime Ministers <b>x</b> & \"quoted\" <script>alert(1)</script>"
    page.edit("set_text", row=30, lang="en", index=0, text=typed)
    assert texts(page.rows[30], "en") == [typed] and page.rows[30]["status"] == "edited"
    assert json.dumps(typed, ensure_ascii=False) in server.get("/api/doc/0/state").body.decode("utf-8")

    # cut a Japanese sentence at one of its clause points, then join it again
    k = row_with_a_clause_point(page.rows, "ja", 31)
    sentence = page.rows[k]["cells"]["ja"][0]
    at = sentence["splits"][0]
    page.edit("split_sentence", row=k, lang="ja", index=0, at=at)
    assert texts(page.rows[k], "ja") == [sentence["text"][:at].rstrip(), sentence["text"][at:].lstrip()]
    assert all(s["splits"] == [] or max(s["splits"]) < len(s["text"]) for s in page.rows[k]["cells"]["ja"])
    page.edit("join_sentences", row=k, lang="ja", index=0)
    assert texts(page.rows[k], "ja") == [sentence["text"]]

    # join a sentence with the first of the next row's cell (pulled up)
    page.edit("join_sentences", row=40, lang="en", index=0)
    assert texts(page.rows[40], "en") == [" ".join(texts(initial[39], "en") + texts(initial[40], "en")[:1])]

    # undo, redo
    version = page.version
    answer = page.undo()
    assert answer["version"] == version + 1 and answer["can_redo"]
    assert texts(page.rows[40], "en") == texts(initial[39], "en")
    answer = page.redo()
    assert not answer["can_redo"] and len(texts(page.rows[40], "en")) == 1

    # realign around the fixed rows (confirmed or edited): they stay as they are, in order, and
    # every sentence is still there once. The rows the reviewer did not touch are the aligner's
    # already, so there is nothing to change: realign does not undo the reviewer's edits (see
    # test_realign_repairs_a_drifted_stretch_between_confirmed_rows for what it repairs)
    fixed = [row for row in page.rows if row["status"] != "auto"]
    sentences = {lang: [t for row in page.rows for t in texts(row, lang)] for lang in ("ja", "en")}
    answer = page.realign()
    assert answer["changed"] == [] and answer["version"] == page.state["version"]
    assert [row for row in page.rows if row["status"] != "auto"] == fixed
    assert {lang: [t for row in page.rows for t in texts(row, lang)] for lang in ("ja", "en")} == sentences

    # the review file holds it all: replaying it gives the same rows
    state, _ = replay(docs.review)
    assert state.version == page.version
    assert [[s["text"] for s in row["cells"]["en"]] for row in state.rows] == [texts(r, "en") for r in page.rows]
    assert any(s["text"] == typed for row in state.rows for s in row["cells"]["en"])


def test_cutting_a_sentence_renumbers_the_flags_of_later_rows(serve, docs):
    server = serve(docs.ja, docs.en)
    page = Page(server)
    page.edit("unpair", row=40)
    assert "sentence" in page.rows[40]["flags"][0]["reason"]
    cut = row_with_a_clause_point(page.rows, "ja", 0)
    assert cut < 40
    # the page applies the splice of the cut and compares its rows with the state: row 41 differs
    page.edit("split_sentence", row=cut, lang="ja", index=0, at=page.rows[cut]["cells"]["ja"][0]["splits"][0])


# === 4. realign repairs drift ========================================================================

@pytest.fixture(scope="module")
def drift_files(tmp_path_factory):
    """The corpus aligned (`aligntm align --format jsonl`), and the same alignment with rows 30-35
    shifted by one English sentence, as a weaker aligner writes it: 1-2, four 1-1 each off by
    one, 1-0 (the review file is not affected: that is why drift is not made by edits, which
    make fixed rows that realign keeps)."""
    from align.cli import main
    docs = copy_corpus(tmp_path_factory.mktemp("drift"))
    aligned = docs.dir / "aligned.jsonl"
    assert main(["align", str(docs.ja), str(docs.en), "--format", "jsonl", "-o", str(aligned)]) == 0
    records = [json.loads(line) for line in aligned.read_text(encoding="utf-8").splitlines()]
    assert all(r["type"] == "1-1" for r in records[29:37])
    drifted = copy.deepcopy(records)
    en = [s for r in records[30:36] for s in r["tgt_sentences"]]
    en_ids = [j for r in records[30:36] for j in r["tgt"]]
    for record, group in zip(drifted[30:36], [[0, 1], [2], [3], [4], [5], []]):
        record.update(tgt=[en_ids[g] for g in group], tgt_sentences=[en[g] for g in group],
                      tgt_text=" ".join(en[g] for g in group), type=f"1-{len(group)}", confidence=0.9,
                      anchors={"matched": [], "conflicts": []})
        if not group:
            record.pop("tgt_place")
    drift = docs.dir / "drift.jsonl"
    drift.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in drifted), encoding="utf-8")
    return SimpleNamespace(records=records, drifted=drifted, drift=drift)


@pytest.fixture
def drift(drift_files, docs) -> Path:
    """A copy of the drifted alignment beside the corpus copy (its review: drift.review.jsonl)."""
    return Path(shutil.copy(drift_files.drift, docs.dir / "drift.jsonl"))


def test_realign_repairs_a_drifted_stretch_between_confirmed_rows(serve, docs, drift, drift_files, run_cli):
    records, drifted = drift_files.records, drift_files.drifted
    review = docs.dir / "drift.review.jsonl"
    server = serve(drift)
    page = Page(server)
    assert len(page.rows) == len(records)
    before = score(run_cli, docs.gold, review)
    assert before["strict"]["recall"] < 1 and before["bead_types"]["1-0"]["test"] == 1

    # the reviewer confirms the right rows on either side of the drift and realigns
    page.edit("confirm", row=29)
    page.edit("confirm", row=36)
    answer = page.realign()
    assert answer["changed"] == [30, 31, 32, 33, 34, 35]
    for k in range(30, 36):
        assert texts(page.rows[k], "ja") == records[k]["src_sentences"]
        assert texts(page.rows[k], "en") == records[k]["tgt_sentences"]
        assert page.rows[k]["status"] == "auto" and page.rows[k]["confidence"] > 0.5
    assert [page.rows[29]["status"], page.rows[36]["status"]] == ["confirmed", "confirmed"]
    after = score(run_cli, docs.gold, review)
    assert after["strict"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}

    # realigning again finds nothing to change; undo brings the drift back
    again = page.realign()
    assert again["changed"] == [] and again["version"] == answer["version"]
    page.undo()
    assert [texts(row, "en") for row in page.rows[30:36]] == [r["tgt_sentences"] for r in drifted[30:36]]


def test_realign_after_undoing_a_realign_repairs_again(serve, drift):
    page = Page(serve(drift))
    page.edit("confirm", row=29)
    page.edit("confirm", row=36)
    assert page.realign()["changed"] == [30, 31, 32, 33, 34, 35]
    page.undo()
    assert page.realign()["changed"] == [30, 31, 32, 33, 34, 35]


# === 5. nothing lost ================================================================================

def test_edits_survive_a_killed_server_and_a_cut_short_line(serve, docs):
    server = serve(docs.ja, docs.en)
    page = Page(server)
    page.edit("confirm_above", row=3)
    page.edit("merge", row=10)
    page.edit("set_text", row=20, lang="en", index=0, text="A corrected sentence.")
    cut = row_with_a_clause_point(page.rows, "ja", 31)
    page.edit("split_sentence", row=cut, lang="ja", index=0, at=page.rows[cut]["cells"]["ja"][0]["splits"][0])
    page.edit("unpair", row=50)
    page.undo()                                  # one step to redo too
    before = server.state()
    assert before["version"] == 6 and before["can_undo"] and before["can_redo"]
    server.kill()

    # started again on the same documents: exactly where it stopped
    server = serve(docs.ja, docs.en)
    assert "aligning" not in server.stderr()
    assert without_flags(server.state()) == without_flags(before)   # flags: see the test after this one
    page = Page(server)
    page.redo()
    page.undo()
    page.undo()                                  # the split_sentence made before the kill
    assert len(page.rows[cut]["cells"]["ja"]) == 1
    intact = server.state()
    server.kill()

    # a crash in the middle of writing a step: the half line is dropped, the rest kept
    size = docs.review.stat().st_size
    with open(docs.review, "ab") as f:
        f.write(b'{"edit": 9, "op": {"op": "confirm", "row": 60}, "start": 60, "old": [{"cells": {"ja": [{"te')
    server = serve(docs.ja, docs.en)
    state = server.state()
    assert "cut short" in state["notice"]
    assert without_flags(dict(state, notice=None)) == without_flags(intact)
    assert docs.review.stat().st_size == size and docs.review.read_bytes().endswith(b"\n")
    Page(server).edit("confirm", row=60)
    assert server.stop() == 0
    assert replay(docs.review)[0].version == intact["version"] + 1


def test_flags_are_the_same_after_a_restart(serve, docs):
    server = serve(docs.ja, docs.en)
    page = Page(server)
    page.edit("unpair", row=50)
    before = server.state()
    assert server.stop() == 0
    assert serve(docs.review).state() == before


def test_a_second_server_on_the_same_review_is_refused_and_ctrl_c_stops_the_first(serve, docs):
    server = serve(docs.ja, docs.en)
    Page(server).edit("confirm", row=0)
    saved = docs.review.read_bytes()
    for args in ((docs.ja, docs.en), (docs.review,)):
        second = aligntm("review", *args, "--no-browser", "--port", "0", timeout=30)
        err = one_error_line(second)
        assert str(docs.review) in err and "already open" in err and second.stdout == ""
    # the first one goes on, its file and lock untouched
    assert docs.review.read_bytes() == saved
    assert f"pid {server.process.pid}" in Path(str(docs.review) + ".lock").read_text()
    page = Page(server)
    page.edit("confirm", row=1)
    assert page.state["counts"]["confirmed"] == 2

    # Ctrl-C stops it at once, cleanly, and frees the review
    lock = Path(str(docs.review) + ".lock")
    started = time.monotonic()
    assert server.stop(signal.SIGINT) == 0
    assert time.monotonic() - started < STOP_TIMEOUT
    err = server.stderr()
    assert "Traceback" not in err and "Error" not in err and "Warning" not in err, err
    assert err.splitlines()[-1] == "aligntm: review server stopped"
    assert not lock.exists()
    assert replay(docs.review)[0].version == 2

    # a script that reads the address and stops the server at once gets a clean stop too
    again = serve(docs.review)
    assert again.stop(signal.SIGINT) == 0
    err = again.stderr()
    assert "Traceback" not in err and "Warning" not in err and "interrupted" not in err, err
    assert err.splitlines()[-1] == "aligntm: review server stopped"


def test_two_reviews_started_at_once_lose_no_edit(tmp_path, docs):
    first = launch(docs.ja, docs.en, "--no-browser", "--port", "0", log=tmp_path / "first.err")
    second = None
    try:
        deadline = time.monotonic() + 30
        while "aligning" not in (tmp_path / "first.err").read_text() and time.monotonic() < deadline:
            time.sleep(0.01)
        second = launch(docs.ja, docs.en, "--no-browser", "--port", "0", log=tmp_path / "second.err")
        lines = [read_address(first), read_address(second)]
        # one of them serves, the other is told the review is open already (the second is
        # refused as it starts, the first's lock held from before it aligns, or, started within
        # the same instant, when it comes to write the review file)
        (winner, line), = [(p, line) for p, line in zip((first, second), lines) if line]
        loser = second if winner is first else first
        assert loser.wait(timeout=30) == 2
        refusal = (tmp_path / ("second.err" if loser is second else "first.err")).read_text().splitlines()
        assert "already open" in refusal[-1] and refusal[-1].startswith("aligntm: error: "), refusal
        assert not any("Traceback" in l for l in refusal), refusal
        port, token = ADDRESS.fullmatch(line).groups()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/doc/0/edit", method="POST",
                                         data=json.dumps({"version": 0, "op": "confirm", "row": 0}).encode(),
                                         headers={"X-Aligntm-Token": token, "Content-Type": "application/json"})
        assert urllib.request.urlopen(request, timeout=30).status == 200
        assert replay(docs.review)[0].version == 1   # the acknowledged edit is in the review file
    finally:
        for process in (first, second):
            if process is not None:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
                    process.wait(timeout=10)
                process.stdout.close()


# === 6. the inputs changed =============================================================================

def test_changed_inputs_need_update_which_keeps_unchanged_confirmed_rows(serve, docs):
    server = serve(docs.ja, docs.en)
    page = Page(server)
    page.edit("confirm_above", row=10)
    page.edit("confirm", row=40)
    confirmed = {k: (texts(page.rows[k], "ja"), texts(page.rows[k], "en")) for k in [*range(11), 40]}
    assert server.stop() == 0
    saved = docs.review.read_bytes()

    # a word fixed in the English of row 3, a sentence added at the end
    text = docs.en.read_text(encoding="utf-8")
    assert text.count("bilateral relations of friendship") == 1
    assert "bilateral relations of friendship" in confirmed[3][1][0]
    added = "The two Prime Ministers agreed to meet again in 2026."
    fixed_text = text.replace("bilateral relations of friendship", "bilateral ties of friendship")
    docs.en.write_text(fixed_text + "\n" + added + "\n", encoding="utf-8")

    refused = aligntm("review", docs.ja, docs.en, "--no-browser", "--port", "0", timeout=30)
    err = one_error_line(refused)
    assert "en.txt changed" in err and "--update" in err
    assert docs.review.read_bytes() == saved and not Path(str(docs.review) + ".before-update").exists()

    server = serve(docs.ja, docs.en, "--update")
    assert "kept 11 of the 12 confirmed pairs" in server.stderr()
    assert Path(str(docs.review) + ".before-update").read_bytes() == saved
    rows = server.state()["rows"]
    now = {(tuple(texts(r, "ja")), tuple(texts(r, "en"))): r["status"] for r in rows}
    for k, (ja, en) in confirmed.items():
        if k == 3:
            fixed = [en[0].replace("bilateral relations of friendship", "bilateral ties of friendship")]
            assert now[(tuple(ja), tuple(fixed))] == "auto"     # its sentence changed: to check again
        else:
            assert now[(tuple(ja), tuple(en))] == "confirmed", k
    assert texts(rows[-1], "en")[-1] == added
    assert server.state()["counts"]["confirmed"] == 11
    # the updated review is what runs without --update from now on
    assert server.stop() == 0
    assert is_review_file(docs.review)


def test_update_while_a_server_runs_leaves_the_review_alone(serve, docs):
    server = serve(docs.ja, docs.en)
    page = Page(server)
    page.edit("confirm", row=0)
    docs.en.write_text(docs.en.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    saved = docs.review.read_bytes()
    update = aligntm("review", docs.ja, docs.en, "--update", "--no-browser", "--port", "0", timeout=30)
    assert "already open" in one_error_line(update)
    page.edit("confirm", row=1)
    assert replay(docs.review)[0].version == 2
    assert docs.review.read_bytes().startswith(saved)
    assert not Path(str(docs.review) + ".before-update").exists()


# === 7. other ways in ==================================================================================

def test_review_of_an_alignment_jsonl(serve, docs, run_cli):
    doc = docs.dir / "doc.jsonl"
    assert run_cli("align", docs.ja, docs.en, "--format", "jsonl", "-o", doc)[0] == 0
    records = [json.loads(line) for line in doc.read_text(encoding="utf-8").splitlines()]
    server = serve(doc)
    assert is_review_file(docs.dir / "doc.review.jsonl") and not docs.review.exists()
    page = Page(server)
    assert page.state["languages"] == ["ja", "en"] and len(page.rows) == len(records)
    assert page.state["name"] == "doc.jsonl" and page.state["names"] == {"ja": "ja.txt", "en": "en.txt"}
    for row, record in zip(page.rows, records):
        assert texts(row, "ja") == record["src_sentences"] and texts(row, "en") == record["tgt_sentences"]
    two_one = next(k for k, r in enumerate(records) if r["type"] == "2-1")
    assert len(page.rows[two_one]["cells"]["ja"]) == 2     # a bead of two sentences: two sentences to edit
    page.edit("split", row=two_one)
    assert [len(page.rows[k]["cells"]["ja"]) for k in (two_one, two_one + 1)] == [1, 1]
    page.edit("confirm", row=two_one)
    page.realign()


def write_html(path: Path, paragraphs) -> None:
    path.write_text("<html><body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>", encoding="utf-8")


BATCH = {
    "trade": (["貿易・投資", "両首脳は一致した。"],
              ["Trade and Investment", "The two Prime Ministers concurred."]),
    "tourism": (["観光", "両首脳は確認した。", "石破総理大臣は表明した。"],
                ["Tourism", "The two Prime Ministers confirmed it.", "Prime Minister Ishiba expressed it."]),
}


def test_review_of_a_batch_output_directory(serve, tmp_path, run_cli):
    ja_dir, en_dir, out = tmp_path / "ja", tmp_path / "en", tmp_path / "out"
    ja_dir.mkdir()
    en_dir.mkdir()
    for name, (ja, en) in BATCH.items():
        write_html(ja_dir / f"{name}.html", ja)
        write_html(en_dir / f"{name}.html", en)
    assert run_cli("batch", ja_dir, en_dir, out, "--format", "jsonl", "-q")[0] == 0
    server = serve(out)
    documents = server.get("/api/documents").json()
    assert [(d["id"], d["name"], d["counts"]["rows"]) for d in documents["documents"]] == [
        (0, "tourism.html.jsonl", 3), (1, "trade.html.jsonl", 2)]
    assert sorted(p.name for p in (out / "reviews").iterdir() if p.name.endswith(".review.jsonl")) == [
        "tourism.html.review.jsonl", "trade.html.review.jsonl"]
    page = Page(server, doc=1)
    assert [texts(row, "en") for row in page.rows] == [[e] for e in BATCH["trade"][1]]
    page.edit("confirm", row=1)
    assert server.get("/api/documents").json()["documents"][1]["counts"]["confirmed"] == 1
    assert Page(server, doc=0).state["counts"]["confirmed"] == 0


def test_review_of_a_batch_of_presegmented_text_documents(serve, tmp_path, run_cli):
    ja_dir, en_dir, out = tmp_path / "ja", tmp_path / "en", tmp_path / "out"
    ja_dir.mkdir()
    en_dir.mkdir()
    for name, (ja, en) in BATCH.items():
        (ja_dir / f"{name}.txt").write_text("\n".join(ja) + "\n", encoding="utf-8")
        (en_dir / f"{name}.txt").write_text("\n".join(en) + "\n", encoding="utf-8")
    assert run_cli("batch", ja_dir, en_dir, out, "--format", "jsonl", "--presegmented", "-q")[0] == 0
    server = serve(out)
    documents = server.get("/api/documents").json()["documents"]
    assert [d["counts"]["rows"] for d in documents] == [3, 2]


def test_review_of_three_documents_with_a_pivot(serve, docs):
    server = serve(docs.ja, docs.en, docs.lo, "--pivot", "en")
    page = Page(server)
    assert page.state["languages"] == ["ja", "en", "lo"] and page.state["pivot"] == "en"
    assert page.state["names"] == {"ja": "ja.txt", "en": "en.txt", "lo": "lo.txt"}
    assert all(set(row["cells"]) == {"ja", "en", "lo"} for row in page.rows)
    assert sum(all(row["cells"][lang] for lang in ("ja", "en", "lo")) for row in page.rows) > 0.8 * len(page.rows)
    page.edit("merge", row=5)
    page.edit("confirm", row=20)
    page.realign()
    page.undo()


# === 8. exports and the commands that read a review ============================================

@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """A review with confirmed rows (one with a corrected sentence), an edited row and a merge,
    its server left running for the HTTP export."""
    docs = copy_corpus(tmp_path_factory.mktemp("reviewed"))
    with running(docs.ja, docs.en, log=docs.dir / "server.err") as server:
        page = Page(server)
        ja_2 = texts(page.rows[2], "ja")[0]
        en_6 = texts(page.rows[6], "en")[0]
        assert "過去 70 年" in ja_2 and "10 years" in en_6
        page.edit("confirm_above", row=4)
        page.edit("set_text", row=2, lang="ja", index=0, text=ja_2.replace("過去 70 年", "過去70年"))
        page.edit("confirm", row=2)
        page.edit("set_text", row=6, lang="en", index=0, text=en_6.replace("10 years", "ten years"))
        page.edit("merge", row=50)
        n = len(page.rows)
        assert page.state["counts"] == {"rows": n, "confirmed": 5, "edited": 2, "to_check": n - 7}
        yield SimpleNamespace(docs=docs, server=server, rows=page.rows, ja_2=ja_2, en_6=en_6, dir=docs.dir)


def tmx_units(path_or_bytes) -> list[tuple[dict, dict]]:
    """(segments by locale, props) of every <tu>; the file is checked against the TMX 1.4 DTD."""
    from lxml import etree
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    if isinstance(path_or_bytes, bytes):
        tree = etree.fromstring(path_or_bytes, parser).getroottree()
    else:
        tree = etree.parse(str(path_or_bytes), parser)
    if TMX_DTD.exists():
        dtd = etree.DTD(str(TMX_DTD))
        assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    return [({tuv.get(XML_LANG): tuv.findtext("seg") for tuv in tu.findall("tuv")},
             {p.get("type"): p.text for p in tu.findall("prop")}) for tu in tree.getroot().iter("tu")]


def test_export_tmx(reviewed, run_cli):
    out = reviewed.dir / "m.tmx"
    code, stdout, err = run_cli("review", reviewed.docs.ja, reviewed.docs.en, "--export", out)
    assert code == 0 and stdout == ""
    assert f"wrote {len(reviewed.rows)} translation units of 1 reviewed document(s)" in err
    units = tmx_units(out)
    assert len(units) == len(reviewed.rows)
    for (segments, props), row in zip(units, reviewed.rows):
        assert segments == {"ja-JP": "".join(texts(row, "ja")), "en-US": " ".join(texts(row, "en"))}
        assert props["x-reviewed"] == {"confirmed": "confirmed", "edited": "edited", "auto": "no"}[row["status"]]
        if row["status"] == "auto":
            assert props["x-confidence"] == f"{row['confidence']:.3f}"
        else:
            assert props["x-confidence"] == "1.000"
    # the corrected sentences: the reviewer's text is the segment, the document's kept beside it
    segments, props = units[2]
    assert segments["ja-JP"] == reviewed.ja_2.replace("過去 70 年", "過去70年")
    assert props["x-ja-original"] == reviewed.ja_2 and "x-en-original" not in props
    segments, props = units[6]
    assert props["x-reviewed"] == "edited" and props["x-en-original"] == reviewed.en_6
    assert units[50][1]["x-bead"] == "2-2"
    assert not any("x-ja-original" in p or "x-en-original" in p for k, (_, p) in enumerate(units) if k not in (2, 6))

    confirmed = reviewed.dir / "confirmed.tmx"
    code, _, err = run_cli("review", reviewed.docs.review, "--export", confirmed, "--confirmed-only")
    assert code == 0 and "wrote 5 translation units" in err
    units = tmx_units(confirmed)
    assert [p["x-reviewed"] for _, p in units] == ["confirmed"] * 5
    assert all(p["x-confidence"] == "1.000" for _, p in units)


def test_export_over_http_is_the_same_file(reviewed, run_cli):
    server = reviewed.server
    cli = reviewed.dir / "cli-confirmed.tmx"
    assert run_cli("review", reviewed.docs.ja, reviewed.docs.en, "--export", cli, "--confirmed-only")[0] == 0
    reply = server.http("GET", f"/api/doc/0/export?format=tmx&confirmed_only=1&token={server.token}")
    assert reply.status == 200
    assert reply.headers["Content-Disposition"] == 'attachment; filename="ja.reviewed-confirmed.tmx"'
    assert reply.headers["Content-Type"].startswith("application/x-tmx+xml")
    assert tmx_units(reply.body) == tmx_units(cli) and len(tmx_units(cli)) == 5
    for fmt in ("tsv", "jsonl"):
        cli = reviewed.dir / f"cli.{fmt}"
        assert run_cli("review", reviewed.docs.review, "--export", cli)[0] == 0
        reply = server.get(f"/api/doc/0/export?format={fmt}")
        assert reply.status == 200 and reply.body == cli.read_bytes()
        assert reply.headers["Content-Disposition"] == f'attachment; filename="ja.reviewed.{fmt}"'


def test_export_tsv_and_jsonl(reviewed, run_cli):
    tsv = reviewed.dir / "pairs.tsv"
    assert run_cli("review", reviewed.docs.review, "--export", tsv)[0] == 0
    lines = tsv.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "ja-JP\ten-US\tconfidence\treviewed\tja_location\ten_location" and lines[-1] == ""
    body = [line.split("\t") for line in lines[1:-1]]
    assert len(body) == len(reviewed.rows)
    assert body[2][:4] == [reviewed.ja_2.replace("過去 70 年", "過去70年"), texts(reviewed.rows[2], "en")[0],
                           "1.000", "confirmed"]
    assert body[2][4].startswith("ja.txt line ") and body[2][5].startswith("en.txt line ")
    assert [b[3] for b in body].count("edited") == 2

    jsonl = reviewed.dir / "pairs.jsonl"
    assert run_cli("review", reviewed.docs.review, "--export", jsonl)[0] == 0
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(reviewed.rows)
    assert [r["reviewed"] for r in records[:5]] == ["confirmed"] * 5
    assert records[2]["src_sentences"] == [reviewed.ja_2.replace("過去 70 年", "過去70年")]
    assert records[50]["type"] == "2-2" and records[50]["reviewed"] == "edited"
    assert [i for r in records for i in r["src"]] == list(range(sum(len(r["src"]) for r in records)))

    only = reviewed.dir / "confirmed.jsonl"
    assert run_cli("review", reviewed.docs.review, "--export", only, "--confirmed-only")[0] == 0
    assert len(only.read_text(encoding="utf-8").splitlines()) == 5


def test_exported_tmx_passes_check_tmx(reviewed, run_cli):
    if not CHECK_TMX.exists():
        pytest.skip(f"{CHECK_TMX} is not here")
    out = reviewed.dir / "check.tmx"
    assert run_cli("review", reviewed.docs.review, "--export", out)[0] == 0
    check = subprocess.run(["bash", str(CHECK_TMX), str(out), "ja-JP", "en-US"], capture_output=True, text=True,
                           timeout=1800)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("PASS") == 3, check.stdout


def test_tm_import_reads_the_review(reviewed, run_cli):
    memory, exported = reviewed.dir / "m.tm", reviewed.dir / "tm.tmx"
    assert run_cli("tm", "create", memory)[0] == 0
    code, _, err = run_cli("tm", "import", memory, reviewed.docs.review, "-q")
    assert code == 0, err
    n = len(reviewed.rows)
    assert f"{n} units read, {n} added" in err
    assert run_cli("tm", "export", memory, exported, "-q")[0] == 0
    units = {segments["ja-JP"]: props for segments, props in tmx_units(exported)}
    corrected = units[reviewed.ja_2.replace("過去 70 年", "過去70年")]
    assert corrected["x-reviewed"] == "confirmed" and corrected["x-ja-original"] == reviewed.ja_2
    assert reviewed.ja_2 not in units


def test_score_takes_the_review_as_test_or_as_gold(reviewed, run_cli):
    gold, review = reviewed.docs.gold, reviewed.docs.review
    as_test = score(run_cli, gold, review)
    as_gold = score(run_cli, review, gold)
    n = len(reviewed.rows)   # 80 rows: gold's 81 beads with two of them merged
    assert as_test["strict"]["precision"] == pytest.approx((n - 1) / n, abs=1e-4)
    assert as_test["strict"]["recall"] == pytest.approx((n - 1) / (n + 1), abs=1e-4)
    assert as_gold["strict"]["precision"] == as_test["strict"]["recall"]
    assert as_gold["strict"]["recall"] == as_test["strict"]["precision"]
    assert as_test["bead_types"]["2-2"] == {"gold": 0, "test": 1, "correct": 0}


def test_report_reads_the_review(reviewed, run_cli):
    html, figures = reviewed.dir / "r.html", reviewed.dir / "r.json"
    code, _, err = run_cli("report", reviewed.docs.review, "-o", html, "--json", figures)
    assert code == 0, err
    report = json.loads(figures.read_text(encoding="utf-8"))
    assert report["summary"]["pairs"] == len(reviewed.rows)
    assert report["summary"]["bead_types"]["2-2"] == 1
    assert html.stat().st_size > 1000


# === 9. errors of the command ===========================================================================

ERRORS = {   # case: (arguments after `aligntm review`, what the one line says)
    "missing input": (lambda d, other: (d.ja, d.dir / "missing.txt"), "missing.txt: no such file or directory"),
    "port 70000": (lambda d, other: (d.ja, d.en, "--port", "70000"), "--port 70000: a port is 0"),
    "--confirmed-only without --export": (lambda d, other: (d.ja, d.en, "--confirmed-only"), "go with --export"),
    "--export out.xyz": (lambda d, other: (d.ja, d.en, "--export", d.dir / "out.xyz"), "out.xyz: export as .tmx"),
    "-r: the review of other inputs": (lambda d, other: (d.ja, d.en, "-r", other), "is the review of /"),
    "a JSON file that is no alignment": (lambda d, other: (d.dir / "notes.json",), "notes.json:"),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_command_errors(case, docs, idle, tmp_path):
    """Each refused with exit 2 and one line, leaving no file behind (the other review untouched)."""
    other = tmp_path / "elsewhere" / "ja.review.jsonl"   # the review of the same documents, copied elsewhere
    other.parent.mkdir()
    shutil.copy(idle.docs.review, other)
    saved = other.read_bytes()
    (docs.dir / "notes.json").write_text('{"title": "not an alignment"}\n', encoding="utf-8")
    arguments, says = ERRORS[case]
    before = sorted(p.name for p in docs.dir.iterdir())
    err = one_error_line(aligntm("review", *arguments(docs, other), "--no-browser", timeout=30))
    assert says in err, err
    assert sorted(p.name for p in docs.dir.iterdir()) == before     # no review, export, lock or .part file
    assert other.read_bytes() == saved


def test_a_port_in_use(docs):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        err = one_error_line(aligntm("review", docs.ja, docs.en, "--no-browser", "--port", port, timeout=60))
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert not docs.review.exists() and not Path(str(docs.review) + ".lock").exists()
