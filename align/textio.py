"""Reading text files as they arrive: UTF-8 (with or without BOM), UTF-16 with BOM, Shift_JIS/CP932.

The encoding is detected, never guessed: a file that is none of these is refused with a clear
message instead of being decoded into mojibake.
"""
from __future__ import annotations

import codecs
import errno
import glob
import os
import re
import tempfile
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from .errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab, LF, CR, FF: a text file has (almost) none of them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# What CP932 text decoded correctly is made of: Japanese script, ASCII, full-width forms and
# Japanese punctuation. Latin-1 or random bytes read as CP932 turn into half-width katakana
# and rare kanji mixed with ASCII; we require most non-ASCII characters to be common ones.
_JA_COMMON = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff01-\uff5e\uff61-\uff9f]")
_KANA = re.compile(r"[\u3041-\u30ff\uff66-\uff9d]")


def decode_bytes(data: bytes, name: str = "input") -> str:
    """Decode file contents, detecting the encoding; raise InputError when it is not text."""
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as e:
                raise InputError(f"{name}: starts with a {encoding} byte-order mark but is not valid {encoding} "
                                 f"(byte {e.start})") from None
            return _checked(text, name)
    if b"\x00" in data:
        raise InputError(f"{name}: binary data (NUL bytes), not a text file")
    try:
        return _checked(data.decode("utf-8"), name)
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        raise InputError(f"{name}: not UTF-8 (invalid byte at offset {first_bad}), UTF-16 with BOM "
                         f"or Shift_JIS/CP932; convert it to UTF-8") from None
    non_ascii = [c for c in text if ord(c) > 0x7F]
    common = sum(1 for c in non_ascii if _JA_COMMON.match(c))
    kana = sum(1 for c in non_ascii if _KANA.match(c))
    # Latin-1 "é" + letter is valid CP932 and decodes to kanji; real Japanese text has kana.
    if non_ascii and (common / len(non_ascii) < 0.9 or kana < max(1, 0.05 * len(non_ascii))):
        raise InputError(f"{name}: not UTF-8 (invalid byte at offset {first_bad}); it decodes as "
                         f"Shift_JIS but the result is not Japanese text. Convert it to UTF-8")
    return _checked(text, name)


def _checked(text: str, name: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError(f"{name}: file is empty")
    controls = len(_CONTROL.findall(text))
    if controls > max(3, len(text) // 1000):
        raise InputError(f"{name}: binary data ({controls} control characters), not a text file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_UMASK = os.umask(0)
os.umask(_UMASK)


def read_text(path: str | os.PathLike) -> str:
    """Read a text file, detecting its encoding (see module doc)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: {_why_missing(p)}")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, expected a file")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror})") from None
    return decode_bytes(data, str(p))


def _why_missing(p: Path) -> str:
    """What to say of a path that does not exist: a symlink loop or a dangling link says so."""
    if p.is_symlink():
        try:
            os.stat(p)
        except OSError as e:
            if e.errno == errno.ELOOP:
                return "symlink loop"
        return f"broken symbolic link (to {os.readlink(p)})"
    return "no such file"


# Outputs of one command that must appear together: (temporary, final) pairs renamed at the end.
_STAGED: ContextVar[list | None] = ContextVar("aligntm_staged_outputs", default=None)


@contextmanager
def outputs_together():
    """Files written with atomic_writer inside this block appear together when it ends without
    error (renamed into place one after the other), or none of them does."""
    staged: list[tuple[str, Path]] = []
    token = _STAGED.set(staged)
    try:
        yield
        for tmp, final in staged:
            _rename(tmp, final)
        staged.clear()
    finally:
        _STAGED.reset(token)
        for tmp, _ in staged:
            _unlink(tmp)


@contextmanager
def atomic_writer(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8"):
    """Write to a temporary file beside PATH and rename it over PATH only on success.

    A failed or interrupted write leaves no half-written output behind; inside
    outputs_together() the rename waits for the block's end. Temporaries named for this PATH
    that a killed run left (its process gone) are removed first.
    """
    p = Path(path)
    if p.parent and not p.parent.exists():
        raise InputError(f"{p}: directory {p.parent} does not exist")
    _remove_orphans(p)
    tmp = None
    try:
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.{os.getpid()}.", suffix=".part", dir=p.parent or ".")
        except OSError as e:
            raise InputError(f"{p}: cannot write there ({e.strerror})") from None
        with open(fd, mode, encoding=encoding if "b" not in mode else None,
                  newline="\n" if "b" not in mode else None) as f:
            yield f
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; outputs get the usual mode
        staged = _STAGED.get()
        if staged is not None:
            staged.append((tmp, p))
        else:
            _rename(tmp, p)
    except BaseException:
        if tmp is not None:
            _unlink(tmp)
        raise


def _rename(tmp: str, final: Path) -> None:
    try:
        os.replace(tmp, final)
    except OSError as e:
        raise InputError(f"{final}: cannot write there ({e.strerror})") from None


def _unlink(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _remove_orphans(p: Path) -> None:
    """Remove .NAME.PID.*.part files beside P whose process no longer runs (a kill -9)."""
    try:
        candidates = list((p.parent if str(p.parent) else Path(".")).glob(f".{glob.escape(p.name)}.*.part"))
    except OSError:
        return
    for candidate in candidates:
        pid = candidate.name[len(p.name) + 2:].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            _unlink(candidate)
        except OSError:
            pass  # another user's process: leave its file alone
