"""align.textio: encoding detection (never guessing) and atomic writes."""
from __future__ import annotations

import codecs
import os
import random

import pytest

from align.errors import InputError
from align.textio import atomic_writer, decode_bytes, read_text

JA = "両首脳は、2025 年 1 月 21 日の日ラオス首脳会談において、ＡＳＥＡＮとの協力を確認した。\n"
EN = "The two Prime Ministers concurred to further strengthen bilateral cooperation.\n"


# --- what is accepted -------------------------------------------------------------------

def test_utf8_without_bom():
    assert decode_bytes(JA.encode("utf-8")) == JA


def test_utf8_with_bom_drops_the_bom():
    text = decode_bytes(codecs.BOM_UTF8 + JA.encode("utf-8"))
    assert text == JA
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("content", [JA, EN])
def test_utf16_with_bom(encoding, content):
    bom = codecs.BOM_UTF16_LE if encoding == "utf-16-le" else codecs.BOM_UTF16_BE
    text = decode_bytes(bom + content.encode(encoding))
    assert text == content
    assert "\ufeff" not in text


@pytest.mark.parametrize("encoding", ["cp932", "shift_jis"])
def test_shift_jis_japanese(encoding):
    data = JA.encode(encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # so the Shift_JIS path is really taken
    assert decode_bytes(data) == JA


def test_shift_jis_seed_corpus_paragraph(corpus_dir):
    # a real page of the provisional translation, as a Windows tool would save it
    original = (corpus_dir / "ja.txt").read_text(encoding="utf-8")[:3000]
    assert decode_bytes(original.encode("cp932")) == original


def test_crlf_and_lone_cr_become_lf():
    data = "first line\r\nsecond line\rthird line\r\n".encode("utf-8")
    assert decode_bytes(data) == "first line\nsecond line\nthird line\n"


def test_crlf_in_utf16_and_shift_jis():
    content = "両首脳は一致した。\r\n石破総理大臣は表明した。\r\n"
    expected = "両首脳は一致した。\n石破総理大臣は表明した。\n"
    assert decode_bytes(codecs.BOM_UTF16_LE + content.encode("utf-16-le")) == expected
    assert decode_bytes(content.encode("cp932")) == expected


def test_form_feed_and_tabs_are_text():
    # pdftotext separates pages with form feeds: that is not binary data
    data = ("Page one text.\n\f" * 20 + "Name\tValue\n").encode("utf-8")
    assert decode_bytes(data).count("\f") == 20


def test_read_text_reads_a_file(tmp_path):
    p = tmp_path / "doc.txt"
    p.write_bytes(codecs.BOM_UTF8 + "a\r\nb\r\n".encode("utf-8"))
    assert read_text(p) == "a\nb\n"


# --- what is refused --------------------------------------------------------------------

@pytest.mark.parametrize("english", [
    "Café au lait is served in the delegation's lounge.\n",
    "The café served résumé writers.\n",
    "Zürich, München and Köln.\n",
    "Déjà vu.\n",
], ids=["Cafe", "resume", "Zurich", "Deja-vu"])
def test_latin1_english_is_refused(english):
    with pytest.raises(InputError, match="UTF-8"):
        decode_bytes(english.encode("latin-1"), "en.txt")


@pytest.mark.parametrize("english", [
    "Renée Zellweger.\n",           # -> 'Ren馥 Zellweger.'
    "Crème brûlée.\n",              # -> 'Cr鑪e br璉馥.'
    "Françoise met the delegation in São Paulo.\n",
], ids=["Renee", "Creme-brulee", "Francoise-Sao-Paulo"])
def test_latin1_english_with_accent_before_a_letter_is_refused(english):
    with pytest.raises(InputError):
        text = decode_bytes(english.encode("latin-1"), "en.txt")
        print("decoded as", repr(text))


def test_shift_jis_with_half_width_katakana_is_accepted():
    text = "両首脳は、ﾗｵｽとの協力を確認した。\n"
    assert decode_bytes(text.encode("cp932")) == text


def test_nul_bytes_are_binary():
    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"some text\x00\x00\x00more text\n", "x.bin")


def test_png_header_is_binary():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
    with pytest.raises(InputError):
        decode_bytes(png, "image.png")


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_refused(seed):
    data = random.Random(seed).randbytes(4000)
    with pytest.raises(InputError):
        decode_bytes(data, "random.bin")
    # also without NUL bytes, so that the NUL shortcut is not what refuses it
    with pytest.raises(InputError):
        decode_bytes(bytes(b for b in data if b), "random.bin")


def test_control_characters_are_binary():
    data = bytes(range(1, 9)) * 30 + b"hello world\n"
    with pytest.raises(InputError, match="control characters"):
        decode_bytes(data, "x")


def test_invalid_utf16_after_bom_is_refused():
    with pytest.raises(InputError, match="byte-order mark"):
        decode_bytes(codecs.BOM_UTF16_LE + b"a\x00b", "x")  # odd number of bytes


@pytest.mark.parametrize("data", [
    b"",
    b"   \n\n\t  \r\n",
    codecs.BOM_UTF8,
    codecs.BOM_UTF8 + b"  \n",
    codecs.BOM_UTF16_LE + " \n \n".encode("utf-16-le"),
    "\u3000\u3000\n".encode("utf-8"),      # full-width spaces only
])
def test_empty_and_whitespace_only_are_refused(data):
    with pytest.raises(InputError, match="empty"):
        decode_bytes(data, "empty.txt")


def test_read_text_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(InputError, match="empty") as e:
        read_text(p)
    assert str(p) in str(e.value)


def test_read_text_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file") as e:
        read_text(tmp_path / "missing.txt")
    assert "missing.txt" in str(e.value)


def test_read_text_directory(tmp_path):
    with pytest.raises(InputError, match="directory"):
        read_text(tmp_path)


# --- atomic_writer ----------------------------------------------------------------------

def test_atomic_writer_writes_on_success(tmp_path):
    p = tmp_path / "out.tsv"
    with atomic_writer(p) as f:
        f.write("ja-JP\ten-US\tconfidence\n７０周年\t70th anniversary\t0.99\n")
        assert not p.exists()  # nothing at the final path before the body finishes
    assert p.read_text(encoding="utf-8") == "ja-JP\ten-US\tconfidence\n７０周年\t70th anniversary\t0.99\n"
    assert [x.name for x in tmp_path.iterdir()] == ["out.tsv"]


def test_atomic_writer_writes_lf_and_utf8(tmp_path):
    p = tmp_path / "out.txt"
    with atomic_writer(p) as f:
        f.write("一\n二\n")
    assert p.read_bytes() == "一\n二\n".encode("utf-8")


def test_atomic_writer_output_has_the_usual_mode(tmp_path):
    p = tmp_path / "out.txt"
    with atomic_writer(p) as f:
        f.write("x")
    umask = os.umask(0)
    os.umask(umask)
    assert p.stat().st_mode & 0o777 == 0o666 & ~umask


def test_atomic_writer_leaves_nothing_when_the_body_raises(tmp_path):
    p = tmp_path / "out.tsv"
    with pytest.raises(RuntimeError):
        with atomic_writer(p) as f:
            f.write("half a file")
            raise RuntimeError("interrupted")
    assert not p.exists()
    assert list(tmp_path.iterdir()) == []  # no .part file either


def test_atomic_writer_keeps_the_old_file_when_the_body_raises(tmp_path):
    p = tmp_path / "out.tsv"
    p.write_text("previous run\n")
    with pytest.raises(KeyboardInterrupt):
        with atomic_writer(p) as f:
            f.write("new")
            raise KeyboardInterrupt
    assert p.read_text() == "previous run\n"
    assert [x.name for x in tmp_path.iterdir()] == ["out.tsv"]


def test_atomic_writer_replaces_an_existing_file(tmp_path):
    p = tmp_path / "out.tsv"
    p.write_text("old\n")
    with atomic_writer(p) as f:
        f.write("new\n")
    assert p.read_text() == "new\n"
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob(".*.part"))


def test_atomic_writer_missing_directory(tmp_path):
    p = tmp_path / "no" / "such" / "dir" / "out.tsv"
    with pytest.raises(InputError, match="does not exist"):
        with atomic_writer(p) as f:
            f.write("x")
    assert not (tmp_path / "no").exists()


def test_atomic_writer_binary_mode(tmp_path):
    p = tmp_path / "out.bin"
    with atomic_writer(p, "wb") as f:
        f.write(b"\x00\x01")
    assert p.read_bytes() == b"\x00\x01"
