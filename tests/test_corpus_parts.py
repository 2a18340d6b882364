"""The parts of a corpus run, without Dask: the run log and resume rules, one document's work on a
worker, progress lines, the combined TMX, and the command's refusals of bad input."""
from __future__ import annotations

import io
import json
import os
import xml.etree.ElementTree as ET

import pytest

from align import api
from align.corpus.progress import Progress, format_duration
from align.corpus.runlog import RunLog, document_key, is_done, read_records
from align.corpus.units import write_combined_tmx
from align.corpus.worker import DocumentTask, align_document
from align.errors import InputError

JA = ["両首脳は、1955 年の外交関係樹立以来 70 年の長きにわたり、相互の信頼と理解に基づき築かれてきた二国間の友好協力関係を高く評価した。",
      "両首脳は、2015 年に両国関係を戦略的パートナーシップに格上げして以来、多くの分野において二国間関係が顕著な発展を遂げてきたことを強調した。"]
EN = ["The two Prime Ministers highly appreciated the bilateral relations of friendship and cooperation, which have "
      "been built on mutual trust and understanding over the long span of 70 years since the establishment of "
      "diplomatic relations in 1955.",
      "The two Prime Ministers underscored that the bilateral relationship has achieved remarkable development in "
      "many areas since it was upgraded to a Strategic Partnership in 2015."]


@pytest.fixture
def pair(tmp_path):
    ja, en = tmp_path / "ja.txt", tmp_path / "en.txt"
    ja.write_text("\n\n".join(JA) + "\n", encoding="utf-8")
    en.write_text("\n\n".join(EN) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    (out / "documents").mkdir(parents=True)
    (out / "units").mkdir()
    return ja, en, out


def task_for(paths, out, langs=("ja", "en"), **kw):
    return DocumentTask("doc1", tuple(map(str, paths)), langs, (None,) * len(paths), str(out), "tsv", **kw)


# --- one document, as a worker does it --------------------------------------------------

def test_align_document_writes_outputs_and_returns_a_small_record(pair):
    ja, en, out = pair
    record = align_document(task_for((ja, en), out))
    assert record["status"] == "ok" and record["error"] is None
    assert record["outputs"] == ["documents/doc1.tsv"] and record["units_file"] == "units/doc1.jsonl"
    assert record["sentences"] == {"ja": 2, "en": 2} and record["langs"] == ["ja", "en"]
    assert record["beads"] == 2 and record["bead_types"] == {"1-1": 2} and record["units"] == 2
    assert 0.5 < record["confidence"]["min"] <= record["confidence"]["mean"] <= 1
    assert record["seconds"] > 0 and record["peak_rss_mb"] > 10 and record["worker"].endswith(f":{os.getpid()}")
    rows = (out / "documents/doc1.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "ja-JP\ten-US\tconfidence\tsrc_location\ttgt_location" and rows[1].split("\t")[:2] == [JA[0], EN[0]]
    units = [json.loads(line) for line in (out / "units/doc1.jsonl").read_text(encoding="utf-8").splitlines()]
    assert units[1]["segments"] == {"ja-JP": JA[1], "en-US": EN[1]}
    assert units[1]["props"]["x-document"] == "doc1" and units[1]["props"]["x-bead"] == "1-1"
    assert len(json.dumps(record)) < 1000           # what travels back to the client


def test_locales_given_per_column_reach_the_units(pair):
    ja, en, out = pair
    task = DocumentTask("doc1", (str(ja), str(en)), (None, None), ("ja", "en-GB"), str(out), "jsonl")
    assert align_document(task)["outputs"] == ["documents/doc1.jsonl"]
    unit = json.loads((out / "units/doc1.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert list(unit["segments"]) == ["ja", "en-GB"]


@pytest.mark.parametrize("content, langs, message", [
    (b"\x00\x01\x02binary\x00" * 50, ("ja", "en"), "binary data"),
    (b"  \n", ("ja", "en"), "file is empty"),
    ("\n\n".join(EN).encode(), ("ja", "en"), "expected Japanese text but found (almost) no Japanese"),
])
def test_a_broken_document_becomes_a_failed_record(pair, content, langs, message):
    ja, en, out = pair
    ja.write_bytes(content)
    record = align_document(task_for((ja, en), out, langs))
    assert record["status"] == "failed"
    assert record["error"].startswith(f"{ja}: ") and message in record["error"]
    assert not (out / "documents/doc1.tsv").exists() and not (out / "units/doc1.jsonl").exists()


def test_unexpected_errors_are_recorded_too(pair, monkeypatch):
    ja, en, out = pair
    monkeypatch.setattr(api, "align_files", lambda *a: 1 / 0)
    record = align_document(task_for((ja, en), out))
    assert record["status"] == "failed" and record["error"] == "ZeroDivisionError: division by zero"


LO = ["ນາຍົກລັດຖະມົນຕີທັງສອງ ໄດ້ຕີລາຄາສູງຕໍ່ສາຍພົວພັນມິດຕະພາບ 70 ປີ ນັບແຕ່ການສ້າງຕັ້ງສາຍພົວພັນທາງການທູດໃນປີ 1955.",
      "ນາຍົກລັດຖະມົນຕີທັງສອງ ໄດ້ເນັ້ນວ່າສາຍພົວພັນໄດ້ຮັບການພັດທະນາຢ່າງແຂງແຮງ ນັບແຕ່ໄດ້ຍົກລະດັບເປັນຄູ່ຮ່ວມມືຍຸດທະສາດໃນປີ 2015."]


def test_three_documents_are_aligned_through_the_pivot(pair):
    ja, en, out = pair
    lo = en.parent / "lo.txt"
    lo.write_text("\n\n".join(LO) + "\n", encoding="utf-8")
    record = align_document(task_for((ja, en, lo), out, ("ja", "en", "lo"), pivot="en"))
    assert record["status"] == "ok", record["error"]
    assert sorted(record["outputs"]) == ["documents/doc1.ja-en.tsv", "documents/doc1.ja-lo.tsv",
                                         "documents/doc1.lo-en.tsv"]
    units = [json.loads(line) for line in (out / "units/doc1.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(units) == record["units"] == 2
    assert all(sorted(u["segments"]) == ["en-US", "ja-JP", "lo-LA"] for u in units)
    assert units[1]["segments"]["lo-LA"] == LO[1] and units[1]["props"]["x-bead"] == "1-1-1"


def test_three_documents_in_two_languages_fail_clearly(pair):
    ja, en, out = pair
    record = align_document(task_for((ja, en, en), out, ("ja", "en", "en")))
    assert record["status"] == "failed" and "second English document" in record["error"]


# --- the run log and what "done" means ----------------------------------------------------

def test_a_torn_last_line_is_ignored_then_cut_off(tmp_path):
    log_path = tmp_path / "run.jsonl"
    log_path.write_text('{"doc_id": "a", "status": "ok", "key": "k1"}\n{"doc_id": "b", "sta', encoding="utf-8")
    assert list(read_records(log_path)) == ["a"]
    with RunLog(tmp_path) as log:
        log.append({"doc_id": "b", "status": "failed", "key": "k2"})
    # still valid JSONL for any reader: the torn line is gone, not glued to the new record
    assert log_path.read_text(encoding="utf-8") == ('{"doc_id": "a", "status": "ok", "key": "k1"}\n'
                                                    '{"doc_id": "b", "status": "failed", "key": "k2"}\n')


def test_a_log_that_is_one_long_torn_line(tmp_path):
    log_path = tmp_path / "run.jsonl"
    log_path.write_text('{"doc_id": "' + "x" * 200_000, encoding="utf-8")
    with RunLog(tmp_path) as log:
        log.append({"doc_id": "a"})
    assert log_path.read_text(encoding="utf-8") == '{"doc_id": "a"}\n'
    long_line = '{"doc_id": "' + "y" * 200_000 + '"}\n'
    log_path.write_text(long_line + '{"doc_', encoding="utf-8")
    with RunLog(tmp_path):
        pass
    assert log_path.read_text(encoding="utf-8") == long_line


def test_latest_record_wins(tmp_path):
    (tmp_path / "run.jsonl").write_text('{"doc_id": "a", "status": "failed"}\n{"doc_id": "a", "status": "ok"}\n'
                                        'not json\n[1, 2]\n', encoding="utf-8")
    assert read_records(tmp_path / "run.jsonl") == {"a": {"doc_id": "a", "status": "ok"}}


def test_two_runs_cannot_write_to_one_directory(tmp_path):
    pytest.importorskip("fcntl")
    with RunLog(tmp_path):
        with pytest.raises(InputError, match="another `aligntm corpus` run is writing to this directory"):
            RunLog(tmp_path).__enter__()
    with RunLog(tmp_path):      # released when the first run ends
        pass


def test_done_means_ok_same_key_and_outputs_present(tmp_path):
    (tmp_path / "documents").mkdir()
    (tmp_path / "units").mkdir()
    ok = {"doc_id": "a", "status": "ok", "key": "k", "outputs": ["documents/a.tsv"], "units_file": "units/a.jsonl"}
    assert not is_done(ok, "k", tmp_path)                        # outputs missing
    (tmp_path / "documents/a.tsv").write_text("x")
    (tmp_path / "units/a.jsonl").write_text("x")
    assert is_done(ok, "k", tmp_path)
    assert is_done(dict(ok, status="skipped"), "k", tmp_path)
    assert not is_done(ok, "other", tmp_path)                    # inputs or settings changed
    assert not is_done(dict(ok, status="failed"), "k", tmp_path)  # failed documents are tried again
    assert not is_done(None, "k", tmp_path)


def test_document_key_follows_inputs_and_settings(pair):
    ja, en, _ = pair
    key = document_key([ja, en], {"format": "tsv"})
    assert key == document_key([ja, en], {"format": "tsv"})
    assert key != document_key([ja, en], {"format": "jsonl"})
    ja.write_text(ja.read_text(encoding="utf-8") + "追加の文。\n", encoding="utf-8")
    assert key != document_key([ja, en], {"format": "tsv"})


# --- combined TMX, progress ------------------------------------------------------------------

def test_combined_tmx_streams_units_in_order(pair):
    ja, en, out = pair
    align_document(task_for((ja, en), out))
    units = out / "units/doc1.jsonl"
    n = write_combined_tmx(out / "all.tmx", [units, units], "ja-JP")
    assert n == 4
    root = ET.parse(out / "all.tmx").getroot()
    assert root.find("header").get("srclang") == "ja-JP" and len(root.findall("body/tu")) == 4


def test_progress_lines_when_not_a_terminal():
    stream = io.StringIO()
    assert Progress.mode_for(None, stream) == "lines" and Progress.mode_for(False, stream) is None
    progress = Progress(4, "lines", stream, interval=0)
    progress.update(failed=False)
    progress.update(failed=True)
    progress.close()
    progress.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("aligntm: aligned 1/4 docs, ") and " docs/s, ETA " in lines[0]
    assert lines[1].startswith("aligntm: aligned 2/4 docs (1 failed), ")
    assert format_duration(105) == "1m45s" and format_duration(7260) == "2h01m" and format_duration(3) == "3s"


# --- the command refuses bad input before starting any worker ---------------------------------

def test_help(run_cli):
    code, out, _ = run_cli("corpus", "--help")
    assert code == 0
    for text in ("MANIFEST", "OUT_DIR", "--scheduler", "-j N, --jobs N", "run.jsonl", "doc_id<TAB>ja<TAB>en",
                 "skips the documents", "exit status"):
        assert text in out


@pytest.mark.parametrize("args, message", [
    (["-j", "0"], "-j/--jobs must be at least 1"),
    (["--pivot", "en"], "--pivot is for three documents per entry"),
    (["--format", "jsonl", "-s", "xx"], "unknown language code 'xx'"),
])
def test_bad_options(run_cli, pair, args, message):
    ja, en, out = pair
    manifest = ja.parent / "m.tsv"
    manifest.write_text(f"d\t{ja}\t{en}\n", encoding="utf-8")
    code, _, err = run_cli("corpus", manifest, out, *args)
    assert code == 2 and err.startswith("aligntm: error: ") and message in err and "Traceback" not in err
    assert not (out / "run.jsonl").exists()


def test_bad_inputs(run_cli, pair, tmp_path):
    ja, en, out = pair
    manifest = tmp_path / "m.tsv"
    manifest.write_text(f"d\t{ja}\n", encoding="utf-8")
    code, _, err = run_cli("corpus", manifest, tmp_path / "o")
    assert code == 2 and err == f"aligntm: error: {manifest}:1: expected 3 or 4 tab-separated fields " \
                                "(doc_id, source path, target path[, third path]), found 2\n"
    manifest.write_text(f"d\t{ja}\t{en}\n", encoding="utf-8")
    code, _, err = run_cli("corpus", manifest, ja)
    assert code == 2 and "exists and is not a directory" in err
    code, _, err = run_cli("corpus", manifest, out, "--tmx", ja)
    assert code == 2 and "the TMX would overwrite an input file" in err
    code, _, err = run_cli("corpus", manifest, out, "-j", "2", "--scheduler", "tcp://127.0.0.1:1")
    assert code == 2 and "not allowed with argument" in err


def test_documents_are_sent_in_small_batches(tmp_path):
    from align.corpus.runner import BATCH_BYTES, BATCH_DOCS, batches

    def tasks(sizes):
        out = []
        for i, size in enumerate(sizes):
            p = tmp_path / f"{i}.txt"
            p.write_bytes(b"x" * size)
            out.append(DocumentTask(f"d{i}", (str(p), str(p)), ("ja", "en"), (None, None), str(tmp_path), "tsv"))
        return out

    many = tasks([100] * 1000)
    groups = batches(many, workers=2)
    assert [t for g in groups for t in g] == many                   # all of them, in manifest order
    assert {len(g) for g in groups[:-1]} == {BATCH_DOCS} and len(groups[-1]) == 1000 % BATCH_DOCS
    assert {len(g) for g in batches(many[:64], workers=2)} == {4}    # at least 8 batches per worker
    assert [len(g) for g in batches(many[:5], workers=2)] == [1] * 5
    big = tasks([100, BATCH_BYTES // 2] + [100] * 62)               # a long document goes alone
    assert [len(g) for g in batches(big, workers=1)][:4] == [1, 1, 8, 8]
