"""`aligntm corpus` end to end on a real Dask LocalCluster of two worker processes: outputs, run log,
a broken document, resume after a crash, and the same job on an existing cluster (--scheduler)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from align.corpus import run_corpus  # noqa: E402

# Sentence pairs of the bundled joint statement (1-1 in the original), one document each.
DOCS = {
    "relations": [
        ("両首脳は、1955 年の外交関係樹立以来 70 年の長きにわたり、相互の信頼と理解に基づき築かれてきた二国間の友好協力関係を高く評価した。",
         "The two Prime Ministers highly appreciated the bilateral relations of friendship and cooperation, which have "
         "been built on mutual trust and understanding over the long span of 70 years since the establishment of "
         "diplomatic relations in 1955."),
        ("両首脳は、2015 年に両国関係を戦略的パートナーシップに格上げして以来、多くの分野において二国間関係が顕著な発展を遂げてきたことを強調した。",
         "The two Prime Ministers underscored that the bilateral relationship has achieved remarkable development in "
         "many areas since it was upgraded to a Strategic Partnership in 2015."),
        ("両首脳は、あらゆる分野で開花している両国関係を、今後更に発展させ、両国民の利益及び地域・国際社会の発展のために豊かに結実させていくことで一致した。",
         "The two Prime Ministers concurred to further develop the bilateral relationship, which is flourishing in all "
         "areas, so that it bears abundant fruit for the benefit of the peoples of both countries and for the "
         "development of the region and the international community."),
    ],
    "trade": [
        ("１０ 両首脳は、２０１５年以降ラオスで活動する日系企業数が着実に増加し、日系企業がラオスの雇用拡大に貢献していることを評価した。",
         "10. The two Prime Ministers appreciated that the number of Japanese companies operating in the Lao PDR has "
         "steadily increased since 2015 and that Japanese companies have contributed to the expansion of employment "
         "in the Lao PDR."),
        ("また、両首脳は、日系企業の投資促進を通じた二国間の互恵的な経済関係の構築に向け、ラオスの投資環境の改善に向けたラオスの努力を引き続き共に推進していくことを確認した。",
         "The two Prime Ministers also confirmed that they would continue to jointly advance the Lao PDR's efforts to "
         "improve its investment environment, with a view to building mutually beneficial bilateral economic "
         "relations through the promotion of investment by Japanese companies."),
    ],
    "tourism": [
        ("１９ 両首脳は、観光分野の振興を通じた人的交流拡大のため、両国がともに取り組んでいくことを確認し、両国の関連省庁間の協力をさらに強化する意向を確認した。",
         "19. The two Prime Ministers confirmed that the two countries would work together to expand people-to-people "
         "exchanges through the promotion of tourism, and confirmed their intention to further strengthen cooperation "
         "between the relevant ministries and agencies of the two countries."),
        ("さらに、ラオス側は、日本の一般旅券所持者に対するビザ免除の滞在期間を 15 日から 30 日に延長することを前向きに検討した。",
         "Furthermore, the Lao side gave positive consideration to extending the period of stay under the visa "
         "exemption for holders of ordinary Japanese passports from 15 to 30 days."),
    ],
    "fisheries": [
        ("３０ 両首脳は、水棲生物資源の科学的根拠に基づく持続可能な利用の実現に向け、両国間の協力関係を一層強化することで一致した。",
         "30. The two Prime Ministers concurred to further strengthen bilateral cooperation toward the realization of "
         "the sustainable use of aquatic living resources based on scientific evidence."),
    ],
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def write_doc(path: Path, sentences) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(sentences) + "\n", encoding="utf-8")


def write_pair(root: Path, name: str, rows) -> None:
    write_doc(root / "ja" / f"{name}.txt", [ja for ja, _ in rows])
    write_doc(root / "en" / f"{name}.txt", [en for _, en in rows])


def statuses(out: Path, last: int) -> dict[str, dict]:
    records = [json.loads(line) for line in (out / "run.jsonl").read_text(encoding="utf-8").splitlines()]
    return {r["doc_id"]: r for r in records[-last:]}


def tmx_units(path: Path):
    root = ET.parse(path).getroot()
    return [{tuv.get(XML_LANG): tuv.findtext("seg") for tuv in tu.findall("tuv")}
            | {p.get("type"): p.text for p in tu.findall("prop")} for tu in root.findall("body/tu")]


def no_temporary_files(out: Path) -> None:
    assert [p for p in out.rglob("*") if p.name.endswith(".part")] == []


@pytest.fixture(scope="module")
def cluster():
    """An existing cluster, as `dask scheduler` + `dask worker` would give: two single-threaded worker processes."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as c:
        yield c


def test_corpus_run_broken_document_and_resume(tmp_path, cluster):
    corpus = tmp_path / "corpus"
    for name in ("relations", "trade", "tourism"):
        write_pair(corpus, name, DOCS[name])
    # broken: the "Japanese" file is the English text
    write_doc(corpus / "ja" / "broken.txt", [en for _, en in DOCS["fisheries"]])
    write_doc(corpus / "en" / "broken.txt", [en for _, en in DOCS["fisheries"]])
    manifest = corpus / "manifest.tsv"
    rows = ["doc_id\tja\ten"] + [f"{n}\tja/{n}.txt\ten/{n}.txt" for n in ("relations", "trade", "broken", "tourism")]
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"

    # 1. the real command, in its own process, on a LocalCluster of 2 worker processes it starts itself
    run = subprocess.run([sys.executable, "-m", "align.cli", "corpus", manifest, out, "-j", "2"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 2, run.stderr          # one document failed
    assert "Traceback" not in run.stderr
    broken_ja = (corpus / "ja" / "broken.txt").resolve()
    assert (f"aligntm: error: broken: {broken_ja}: expected Japanese text but found (almost) no Japanese script"
            in run.stderr)
    # not a terminal: plain progress lines, then the summary
    assert "aligntm: aligned 4/4 docs (1 failed), " in run.stderr
    assert "4 documents: 3 aligned, 0 done before (skipped), 1 failed" in run.stderr

    for name in ("relations", "trade", "tourism"):
        tsv = (out / "documents" / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
        assert tsv[0] == "ja-JP\ten-US\tconfidence\tsrc_location\ttgt_location"
        assert [line.split("\t")[:2] for line in tsv[1:]] == [list(pair) for pair in DOCS[name]]
    assert not (out / "documents" / "broken.tsv").exists()

    log = statuses(out, 4)
    assert set(log) == {"relations", "trade", "broken", "tourism"}
    assert log["broken"]["status"] == "failed"
    assert log["broken"]["error"].startswith(f"{broken_ja}: expected Japanese text")
    for name in ("relations", "trade", "tourism"):
        r = log[name]
        assert r["status"] == "ok" and r["error"] is None
        n = len(DOCS[name])
        assert r["sentences"] == {"ja": n, "en": n} and r["beads"] == n and r["units"] == n
        assert r["bead_types"] == {"1-1": n} and r["confidence"]["mean"] > 0.5
        assert r["outputs"] == [f"documents/{name}.tsv"] and r["seconds"] > 0
    workers = {r["worker"] for r in log.values()}
    assert len(workers) <= 2 and f":{os.getpid()}" not in " ".join(workers)    # -j 2: two worker processes

    units = tmx_units(out / "corpus.tmx")
    assert [u["x-document"] for u in units] == ["relations"] * 3 + ["trade"] * 2 + ["tourism"] * 2  # manifest order
    assert units[0]["ja-JP"] == DOCS["relations"][0][0] and units[0]["en-US"] == DOCS["relations"][0][1]
    no_temporary_files(out)

    # 2. as after a crash: a torn last log line, a temporary file, one output lost; then the broken
    # document is fixed and a new one is added. Resumed on an existing cluster (--scheduler).
    with open(out / "run.jsonl", "a", encoding="utf-8") as f:
        f.write('{"doc_id": "tourism", "stat')
    (out / "documents" / ".relations.tsv.x1y2.part").write_text("half", encoding="utf-8")
    (out / "documents" / "trade.tsv").unlink()
    write_doc(corpus / "ja" / "broken.txt", [ja for ja, _ in DOCS["fisheries"]])
    write_pair(corpus, "fisheries", DOCS["fisheries"])
    manifest.write_text("\n".join(rows + ["fisheries\tja/fisheries.txt\ten/fisheries.txt"]) + "\n", encoding="utf-8")
    done_before = {n: (out / "documents" / f"{n}.tsv").stat().st_mtime_ns for n in ("relations", "tourism")}

    result = run_corpus(manifest, out, scheduler=cluster.scheduler_address, progress=False)
    assert result.ok and result.failed == {}
    assert result.skipped == ["relations", "tourism"]
    assert sorted(result.aligned) == ["broken", "fisheries", "trade"]
    assert {n: (out / "documents" / f"{n}.tsv").stat().st_mtime_ns for n in done_before} == done_before
    log = statuses(out, 5)
    assert {n: r["status"] for n, r in log.items()} == {"relations": "skipped", "tourism": "skipped", "broken": "ok",
                                                        "trade": "ok", "fisheries": "ok"}
    assert log["relations"]["units"] == 3       # a skipped record carries the counts of the run that made it
    units = tmx_units(out / "corpus.tmx")
    assert result.tmx_units == len(units) == 3 + 2 + 1 + 2 + 1
    assert [u["x-document"] for u in units] == (["relations"] * 3 + ["trade"] * 2 + ["broken"] + ["tourism"] * 2
                                                + ["fisheries"])
    no_temporary_files(out)

    # each worker process loaded the MeCab tagger once, for all the documents it aligned
    def tagger_loads():
        from align.langs import ja
        return ja._tagger.cache_info().misses
    with distributed.Client(cluster.scheduler_address) as client:
        assert set(client.run(tagger_loads).values()) == {1}
        worker_pids = set(client.run(os.getpid).values())
    assert {int(r["worker"].rsplit(":", 1)[1]) for n, r in log.items() if r["status"] == "ok"} <= worker_pids

    # 3. nothing left to do: no workers needed, every document skipped, the TMX rebuilt the same
    result = run_corpus(manifest, out, progress=False)
    assert result.ok and result.aligned == [] and len(result.skipped) == 5 and result.workers == 0
    assert result.tmx_units == 9


@pytest.mark.parametrize("delay", [0.7, 1.4, 3.0])
@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_a_signal_to_the_process_group_ends_a_corpus_run_in_one_line(tmp_path, signal_name, delay, signalled):
    # while Dask's workers were starting, Ctrl-C had each print a traceback and the run end in
    # "internal error: Nanny failed to start"; SIGTERM killed them in mid-document, leaving .part files
    import time
    corpus = tmp_path / "corpus"
    rows = [row for name in DOCS for row in DOCS[name]]
    for k in range(2000):     # about 6 s of work on a quiet machine: the 3 s signal comes mid-run
        write_pair(corpus, f"doc{k:04d}", rows[k % len(rows):][:2])
    out = tmp_path / "out"
    group, code, stderr = signalled(["corpus", corpus / "ja", corpus / "en", out, "-j", "2", "-s", "ja", "-t", "en"],
                                    signal_name, delay)
    if code == 0:
        pytest.skip("the run finished before the signal came")
    expected = {"SIGINT": (130, "aligntm: interrupted"), "SIGTERM": (143, "aligntm: terminated")}[signal_name]
    lines = stderr.splitlines()
    assert (code, lines[-1]) == expected, stderr
    assert all(line.startswith("aligntm: ") for line in lines), stderr      # progress, then that line
    if out.exists():
        no_temporary_files(out)
    # the Dask workers are gone (multiprocessing's resource tracker ends on its own, after this process)
    for _ in range(50):
        left = subprocess.run(["ps", "-o", "stat=,args=", "-g", str(group)], capture_output=True, text=True).stdout
        if not [line for line in left.splitlines() if "resource_tracker" not in line and not line.startswith("Z")]:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"processes left: {left}")
