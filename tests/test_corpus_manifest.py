"""Which documents `aligntm corpus` aligns: manifest TSVs and directories paired by file name."""
from __future__ import annotations

from pathlib import Path

import pytest

from align.corpus import load_manifest, pair_directories, read_manifest
from align.errors import InputError


@pytest.fixture
def files(tmp_path):
    """corpus/ja/{a,b}.txt and corpus/en/{a,b}.txt (contents do not matter to the manifest)."""
    root = tmp_path / "corpus"
    for lang in ("ja", "en"):
        (root / lang).mkdir(parents=True)
        for name in ("a.txt", "b.txt"):
            (root / lang / name).write_text("x\n", encoding="utf-8")
    return root


def write_manifest(root: Path, text: str, name="manifest.tsv") -> Path:
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


def test_header_names_languages_and_paths_are_relative_to_the_manifest(files, tmp_path, monkeypatch):
    manifest = write_manifest(files, "doc_id\tja\ten\n# a comment\n\ndoc-a\tja/a.txt\ten/a.txt\n"
                                     "doc-b\tja/b.txt\ten/b.txt\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)       # relative to the manifest, not to the working directory
    m = read_manifest(manifest)
    assert m.langs == ("ja", "en")
    assert [d.doc_id for d in m.documents] == ["doc-a", "doc-b"]
    assert m.documents[0].paths == ((files / "ja/a.txt").resolve(), (files / "en/a.txt").resolve())
    assert all(p.is_absolute() for d in m.documents for p in d.paths)


def test_no_header_languages_from_options_or_detected(files):
    manifest = write_manifest(files, f"a\tja/a.txt\t{files / 'en/a.txt'}\n")   # absolute paths work too
    assert read_manifest(manifest).langs == (None, None)
    assert read_manifest(manifest, ("ja", "en")).langs == ("ja", "en")
    assert read_manifest(manifest, ("ja-JP", None)).langs == ("ja", None)


def test_generic_header_and_options(files):
    manifest = write_manifest(files, "doc_id\tsrc_path\ttgt_path\na\tja/a.txt\ten/a.txt\n")
    assert read_manifest(manifest).langs == (None, None)
    assert read_manifest(manifest, ("en", "ja")).langs == ("en", "ja")


def test_option_contradicting_the_header_is_refused(files):
    manifest = write_manifest(files, "doc_id\tja\ten\na\tja/a.txt\ten/a.txt\n")
    assert read_manifest(manifest, ("ja", "en")).langs == ("ja", "en")          # agreeing is fine
    with pytest.raises(InputError, match=r"manifest.tsv:1: -s/--src-lang en contradicts the manifest header \(ja\)"):
        read_manifest(manifest, ("en", None))


@pytest.mark.parametrize("text, message", [
    ("a\tja/a.txt\n", r"manifest.tsv:1: expected 3 or 4 tab-separated fields .* found 2"),
    ("doc_id\tja\ten\na\tja/a.txt\n", r"manifest.tsv:2: expected 3 tab-separated fields .* found 2"),
    ("a\tja/a.txt\ten/a.txt\nb\tja/b.txt\ten/b.txt\tja/a.txt\n", r"manifest.tsv:2: expected 3 tab-separated"),
    ("a\tja/a.txt\ten/a.txt\t\n", r"manifest.tsv:1: empty path for document 'a'"),
    ("doc_id\tjapanese\ten\n", r"manifest.tsv:1: column 'japanese' is neither a language code nor one of"),
    ("doc_id\ten\ten\n", r"manifest.tsv:1: the header names a language twice"),
    ("doc_id\tja\n", r"manifest.tsv:1: the header must name 2 or 3 path columns"),
    ("# nothing\n\n", r"manifest.tsv: the manifest lists no documents"),
    ("doc_id\tja\ten\n", r"manifest.tsv: the manifest lists no documents"),
])
def test_malformed_manifests(files, text, message):
    with pytest.raises(InputError, match=message):
        read_manifest(write_manifest(files, text))


def test_missing_files_are_refused_before_any_work(files):
    manifest = write_manifest(files, "a\tja/a.txt\ten/a.txt\nb\tja/nope.txt\ten/b.txt\nc\tja\ten/gone.txt\n")
    with pytest.raises(InputError) as e:
        read_manifest(manifest)
    message = str(e.value)
    assert "manifest.tsv:2: " in message and "ja/nope.txt: no such file" in message
    assert "(and 2 more missing)" in message           # line 3: a directory, and a missing file
    assert "\n" not in message


def test_duplicate_doc_ids(files):
    with pytest.raises(InputError, match=r"manifest.tsv:2: doc_id 'a' is already used on line 1"):
        read_manifest(write_manifest(files, "a\tja/a.txt\ten/a.txt\na\tja/b.txt\ten/b.txt\n"))
    # output files are named after doc_ids: A and a would be one file on macOS and Windows
    with pytest.raises(InputError, match=r"doc_id 'A' is already used on line 1"):
        read_manifest(write_manifest(files, "a\tja/a.txt\ten/a.txt\nA\tja/b.txt\ten/b.txt\n"))


@pytest.mark.parametrize("doc_id", ["sub/a", "..", ".hidden", "a\\b"])
def test_doc_id_must_be_a_file_name(files, doc_id):
    with pytest.raises(InputError, match="cannot be a file name"):
        read_manifest(write_manifest(files, f"{doc_id}\tja/a.txt\ten/a.txt\n"))


def test_three_columns_and_third_language(files):
    (files / "lo").mkdir()
    (files / "lo" / "a.txt").write_text("x\n", encoding="utf-8")
    m = read_manifest(write_manifest(files, "doc_id\tja\ten\tthird_path\na\tja/a.txt\ten/a.txt\tlo/a.txt\n"),
                      (None, None, "en"))
    assert m.width == 3 and m.langs == ("ja", "en", "en")
    with pytest.raises(InputError, match="--third-lang is given but the corpus has only two documents"):
        read_manifest(write_manifest(files, "a\tja/a.txt\ten/a.txt\n"), (None, None, "ja"))


def test_manifest_in_another_encoding_is_read(files):
    path = files / "manifest.tsv"
    path.write_bytes("doc_id\tja\ten\nラオスの文書\tja/a.txt\ten/a.txt\n".encode("cp932"))
    assert read_manifest(path).documents[0].doc_id == "ラオスの文書"


def test_directories_paired_by_file_name(files):
    (files / "ja" / "only-ja.txt").write_text("x\n", encoding="utf-8")
    (files / "en" / ".hidden").write_text("x\n", encoding="utf-8")
    m = pair_directories([files / "ja", files / "en"], ("ja", "en"))
    assert [d.doc_id for d in m.documents] == ["a.txt", "b.txt"]
    assert m.documents[1].paths == ((files / "ja/b.txt").resolve(), (files / "en/b.txt").resolve())
    assert m.unpaired == ["only-ja.txt"] and m.langs == ("ja", "en")


def test_three_directories(files):
    (files / "lo").mkdir()
    (files / "lo" / "b.txt").write_text("x\n", encoding="utf-8")
    m = pair_directories([files / "ja", files / "en", files / "lo"])
    assert [d.doc_id for d in m.documents] == ["b.txt"] and m.width == 3
    assert m.unpaired == ["a.txt"]


def test_directory_pairing_errors(files, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no file names in common"):
        pair_directories([files / "ja", tmp_path / "empty"])
    with pytest.raises(InputError, match="nope: no such directory"):
        pair_directories([files / "ja", tmp_path / "nope"])
    with pytest.raises(InputError, match="the same directory is given twice"):
        pair_directories([files / "ja", files / "ja"])


def test_load_manifest_dispatches_on_its_inputs(files):
    manifest = write_manifest(files, "a\tja/a.txt\ten/a.txt\n")
    assert load_manifest(manifest).origin == str(manifest)
    assert len(load_manifest([files / "ja", files / "en"]).documents) == 2
    with pytest.raises(InputError, match="is a directory; give a manifest TSV, or two or three directories"):
        load_manifest([files / "ja"])
    with pytest.raises(InputError, match="expected a manifest TSV or two or three directories, got 4"):
        load_manifest([files / "ja"] * 4)
    with pytest.raises(InputError, match="nope.tsv: no such file"):
        load_manifest(files / "nope.tsv")
