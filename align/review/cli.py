"""`aligntm review`: check and fix an alignment in the browser (or export a review)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError

DESCRIPTION = """\
Review an alignment in the browser: one row per pair, coloured by confidence, with the QA flags;
merge, split, move, unpair, fix a sentence, confirm; the aligner realigns the rest around the
pairs you confirmed or edited. Every edit is saved at once to a review file (NAME.review.jsonl
beside the first input; a journal, so nothing is lost if the tab, the server or the machine
stops), and running the same command again resumes where you stopped.

INPUT is one of: the document and its translation (any files `aligntm align` takes, a third one
with --pivot); an alignment written by `aligntm align --format jsonl`; a review file; or the
output directory of `aligntm batch --format jsonl` (a document list to work through; reviews
are kept in DIR/reviews/).
"""

EPILOG = """\
examples:
  aligntm review ja.pdf en.pdf                       (aligns, serves, opens the browser)
  aligntm review ja.txt en.txt lo.txt --pivot en
  aligntm review doc.jsonl --no-browser --port 8765
  aligntm review out/                                (every document of a batch output)
  aligntm review ja.txt en.txt --export memory.tmx --confirmed-only
  aligntm review ja.review.jsonl --export pairs.tsv

The server listens on 127.0.0.1 and needs the token printed in its address; Ctrl-C stops it.
The review file is read directly by `aligntm tm import`, `aligntm score` and `aligntm report`.
"""


def register(sub) -> None:
    p = sub.add_parser("review", help="check and fix an alignment in the browser; realign around the fixes",
                       description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="two or three documents, an alignment JSONL, a review file, or a batch output directory")
    p.add_argument("-s", "--src-lang", metavar="LANG", help="language of the first document (default: detected)")
    p.add_argument("-t", "--tgt-lang", metavar="LANG", help="language of the second document (default: detected)")
    p.add_argument("--third-lang", metavar="LANG", help="language of the third document (default: detected)")
    p.add_argument("--pivot", metavar="LANG", help="with three documents: the language the others are aligned with "
                                                   "(default: en)")
    p.add_argument("--presegmented", action="store_true", help="documents hold one sentence per line")
    p.add_argument("-r", "--review-file", metavar="FILE",
                   help="the review file to keep (default: NAME.review.jsonl beside the first input)")
    p.add_argument("--update", action="store_true",
                   help="the documents changed since the review began: realign them, keeping the confirmed "
                        "pairs whose sentences are unchanged")
    p.add_argument("--port", type=int, default=0, metavar="N", help="port to listen on (default: a free one)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--no-browser", action="store_true", help="do not open the browser; print the address only")
    p.add_argument("--export", metavar="FILE",
                   help="write the reviewed alignment to FILE (TMX, TSV or JSONL, from its extension) and exit")
    p.add_argument("--format", choices=["tmx", "tsv", "jsonl"], help="export format (default: from the extension)")
    p.add_argument("--confirmed-only", action="store_true", help="export only the pairs the reviewer confirmed")
    p.set_defaults(func=cmd_review)


def review_files(args, locks: dict | None = None) -> list[Path]:
    """The review files of the inputs, created (by aligning, or from the alignment) when new.

    LOCKS (path -> ReviewLock): when given (a server is to start), every review's lock is taken
    before it is looked at, created or updated, and kept there for the server; without it (an
    export) a review is locked only while it is created or updated."""
    from ..qa.alignment_files import read_alignment_file
    from .journal import ReviewLock, is_review_file
    from .session import changed_inputs, review_path_for, start_from_alignment, start_review, update_review
    inputs = args.inputs
    if len(inputs) > 3:
        raise InputError("give two documents (three with --pivot), an alignment, a review file or a directory")
    for given in inputs:
        if not Path(given).exists():
            raise InputError(f"{given}: no such file or directory")
    passing: list = []

    def claim(review: Path, writing: bool) -> None:
        if locks is not None:
            if review not in locks:
                locks[review] = ReviewLock(review)
        elif writing:
            passing.append(ReviewLock(review))

    try:
        if len(inputs) == 1:
            path = Path(inputs[0])
            if path.is_dir():
                return _directory_reviews(path, claim)
            if is_review_file(path):
                if args.review_file:
                    raise InputError("--review-file: the input is a review file already")
                claim(path, False)
                return [path]
            if path.suffix.lower() not in (".jsonl", ".ndjson", ".json"):
                raise InputError(f"{path}: give the document and its translation (two files), an alignment "
                                 f"written by `aligntm align --format jsonl`, a review file or a batch output "
                                 f"directory")
            documents = read_alignment_file(path)
            if len(documents) > 1:
                folder = path.with_name(path.stem + ".reviews")
                folder.mkdir(exist_ok=True)
                out = []
                for d in documents:
                    review = folder / (Path(d.name).name + ".review.jsonl")
                    claim(review, not review.exists())
                    out.append(review if review.exists() else start_from_alignment(d, review))
                return out
            review = review_path_for(inputs, args.review_file)
            claim(review, not review.exists())
            if review.exists():
                _check_same_inputs(review, inputs)
                if changed_inputs(_header(review)):
                    raise InputError(f"{path} changed since the review in {review} began; give another "
                                     f"--review-file to start a new review of it, or go on with the review file "
                                     f"alone: aligntm review {review}")
                return [review]
            return [start_from_alignment(documents[0], review)]
        review = review_path_for(inputs, args.review_file)
        langs = (args.src_lang, args.tgt_lang, args.third_lang)[:len(inputs)]
        claim(review, not review.exists() or args.update)
        if review.exists():
            _check_same_inputs(review, inputs)
            changed = changed_inputs(_header(review))
            if changed and not args.update:
                raise InputError(f"{', '.join(Path(c).name for c in changed)} changed since the review in {review} "
                                 f"began; run again with --update to realign, keeping the confirmed pairs whose "
                                 f"sentences are unchanged")
            if changed:
                kept, before = update_review(review, langs, args.presegmented or None)
                print(f"aligntm: realigned the changed documents; kept {kept} of the {before} confirmed pairs "
                      f"(the old review is in {review}.before-update)", file=sys.stderr)
            return [review]
        if args.update:
            raise InputError(f"--update: no review in {review} to update")
        print("aligntm: aligning…", file=sys.stderr)
        return [start_review(inputs, langs, args.pivot, args.presegmented, review)]
    finally:
        for lock in passing:
            lock.release()


def _header(review: Path) -> dict:
    from .journal import replay
    return replay(review)[0].header


def _check_same_inputs(review: Path, inputs) -> None:
    """A review file beside the inputs that belongs to other inputs is not taken over."""
    header = _header(review)
    given = {str(Path(p).resolve()) for p in inputs}
    recorded = {i["path"] for i in header.get("inputs", [])}
    if given != recorded:
        raise InputError(f"{review} is the review of {', '.join(sorted(recorded))}; "
                         f"give another --review-file for these inputs")


def _directory_reviews(folder: Path, claim) -> list[Path]:
    """The reviews of every document of a batch/corpus output directory (DIR/reviews/NAME.review.jsonl)."""
    from ..qa.alignment_files import read_alignment_file
    from .journal import is_review_file
    from .session import start_from_alignment
    if (folder / "documents").is_dir() and (folder / "run.jsonl").is_file():
        folder = folder / "documents"   # an `aligntm corpus` output: its documents
    # `batch --format jsonl` keeps the documents' names (trade.txt holds JSONL): files are known
    # by their first character
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                   and not p.name.endswith(".lock") and _starts_json(p) and not is_review_file(p))
    if not files:
        raise InputError(f"{folder}: no alignment JSONL files (write them with `aligntm batch --format jsonl` "
                         f"or `aligntm corpus --format jsonl`)")
    reviews_dir = folder / "reviews"
    out = []
    for f in files:
        stem = f.name[:-len(f.suffix)] if f.suffix.lower() in (".jsonl", ".ndjson") else f.name
        review = reviews_dir / (stem + ".review.jsonl")
        reviews_dir.mkdir(exist_ok=True)
        claim(review, not review.exists())
        if review.exists():
            out.append(review)
            continue
        documents = read_alignment_file(f)
        if len(documents) != 1:
            raise InputError(f"{f}: holds {len(documents)} documents; review it on its own: aligntm review {f}")
        out.append(start_from_alignment(documents[0], review))
    return out


def _starts_json(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(64).lstrip().startswith(b"{")
    except OSError:
        return False


def cmd_review(args) -> int:
    from ..cli import check_output_path
    if args.export:
        fmt = args.format or Path(args.export).suffix.lstrip(".").lower()
        if fmt not in ("tmx", "tsv", "jsonl"):
            raise InputError(f"{args.export}: export as .tmx, .tsv or .jsonl (or give --format)")
        check_output_path(args.export, args.inputs)
    elif args.confirmed_only or args.format:
        raise InputError("--confirmed-only and --format go with --export FILE")
    if not 0 <= args.port <= 65535:
        raise InputError(f"--port {args.port}: a port is 0 (any free one) to 65535")
    if args.export:
        from .reviewed import load_review, write_reviews
        reviews = [load_review(p) for p in review_files(args)]
        n = write_reviews(reviews, args.export, fmt, args.confirmed_only)
        what = "translation units" if fmt == "tmx" else "pairs"
        print(f"aligntm: wrote {n} {what} of {len(reviews)} reviewed document(s) to {args.export}", file=sys.stderr)
        return 0
    # the port first, then the review files (each locked before it is read or made): a busy port
    # or a review open elsewhere is said before minutes of aligning
    sock = listen(args.host, args.port)
    locks: dict = {}
    try:
        paths = review_files(args, locks)
        return serve(paths, sock, args.host, not args.no_browser, locks)
    finally:
        sock.close()
        for lock in locks.values():
            lock.release()


def listen(host: str, port: int):
    """A socket bound to HOST:PORT (0: a free port) and listening."""
    import socket
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as e:
        raise InputError(f"cannot listen on {host}: {e.strerror or e}") from None
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(64)
    except (OSError, OverflowError) as e:
        sock.close()
        why = getattr(e, "strerror", None) or str(e)
        raise InputError(f"cannot listen on {host}:{port}: {why}") from None
    return sock


def serve(paths, sock, host: str, open_browser: bool, locks: dict | None = None) -> int:
    """Serve the reviews PATHS on the listening socket SOCK until Ctrl-C (or SIGTERM). LOCKS:
    the reviews' locks, already taken."""
    import secrets
    import threading
    import time
    import uvicorn
    from .server import create_app
    from .session import open_sessions
    sessions = open_sessions(paths, locks=locks)
    try:
        actual = sock.getsockname()[1]
        token = secrets.token_urlsafe(24)
        shown = f"[{host}]" if ":" in host else host
        address = f"http://{shown}:{actual}/"
        loopback = host in ("127.0.0.1", "localhost", "::1")
        allowed = {f"127.0.0.1:{actual}", f"localhost:{actual}", f"[::1]:{actual}", f"{shown}:{actual}"} if loopback else None
        app = create_app(sessions, token, allowed)
        for s in sessions:
            s.journal.set_address(address)
        if sessions:
            sessions[0].warm_up()
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        server = uvicorn.Server(config)
        url = f"{address}?token={token}"
        names = ", ".join(str(p) for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")

        def announce():
            # only once uvicorn serves (and handles Ctrl-C): a script that reads the address and
            # stops the server at once gets a clean stop
            while not server.started and not server.should_exit:
                time.sleep(0.02)
            if server.should_exit:
                return
            print(url, flush=True)
            print(f"aligntm: reviewing {names}; every edit is saved as it is made. Ctrl-C stops the server.",
                  file=sys.stderr, flush=True)
            if not loopback:
                print(f"aligntm: warning: listening on {host}: other machines can reach this server "
                      f"(the token is still needed)", file=sys.stderr, flush=True)
            if open_browser:
                import webbrowser
                webbrowser.open(url)

        threading.Thread(target=announce, daemon=True).start()
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:
            pass  # uvicorn has shut down and passed Ctrl-C on: a normal way to stop
        print("aligntm: review server stopped", file=sys.stderr)
        return 0
    finally:
        for s in sessions:
            s.close()
