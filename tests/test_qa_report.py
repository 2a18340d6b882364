"""`aligntm report` and its Python API end to end: the real aligner's JSONL in, a self-contained
HTML page and JSON with the same figures out; bad input refused in one line with no output left."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from align import align_files
from align.formats import jsonl
from align.qa import build_report, render_html, write_json


@pytest.fixture(scope="module")
def joint_statement(tmp_path_factory, corpus_dir):
    """The bundled joint statement aligned by aligntm (JSONL), and its gold."""
    out = tmp_path_factory.mktemp("qa")
    path = out / "joint-statement-2025.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        jsonl.write(align_files(corpus_dir / "ja.txt", corpus_dir / "en.txt"), f)
    return path, corpus_dir / "gold.txt"


class _Attributes(HTMLParser):
    """Every tag and attribute of a page."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(page: str):
    parser = _Attributes()
    parser.feed(page)
    return parser.tags


def embedded_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def test_report_of_the_joint_statement(joint_statement):
    alignment, gold = joint_statement
    report = build_report([alignment], gold=gold)
    records = [json.loads(line) for line in alignment.read_text(encoding="utf-8").splitlines()]
    s = report.summary
    assert s["documents"] == 1 and s["pairs"] == len(records)
    assert s["sentences"] == {"src": max(i for r in records for i in r["src"]) + 1,
                              "tgt": max(j for r in records for j in r["tgt"]) + 1}
    assert sum(s["bead_types"].values()) == len(records)
    assert sum(s["confidence"]["histogram"]["counts"]) == len(records)
    assert s["flagged_pairs"] == sum(1 for p in report.data["documents"][0]["pairs"] if p["flags"])
    assert len(report.flags) == sum(len(p["flags"]) for p in report.data["documents"][0]["pairs"])
    # the gold figures are those of `aligntm score` on the same beads
    from align.formats.beads import read_beads
    from align.score import score
    expected = score(read_beads(gold), [(tuple(r["src"]), tuple(r["tgt"])) for r in records])
    assert report.data["gold"]["strict"]["f1"] == pytest.approx(expected.f1_strict)
    assert report.data["gold"]["lax"]["recall"] == pytest.approx(expected.recall_lax)


def test_html_is_self_contained(joint_statement):
    alignment, gold = joint_statement
    page = render_html(build_report([alignment], gold=gold))
    tags = tags_of(page)
    for tag, attrs in tags:
        for name in ("src", "href", "action", "data", "poster", "srcset"):
            value = attrs.get(name) or ""
            assert not re.match(r"\s*(https?:)?//", value), f"<{tag} {name}={value!r}> loads from the network"
        assert not (tag == "script" and "src" in attrs), "external script"
        assert not (tag == "link" and attrs.get("rel") in ("stylesheet", "preload", "icon")), "external resource"
    assert "@import" not in page and "@font-face" not in page and "url(" not in page
    csp = [a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]
    # every link inside the page points at something in it, or at a pair the table draws
    ids = {a["id"] for _, a in tags if "id" in a}
    data = embedded_data(page)
    pair_ids = {f"pair-{d['id']}-{p['n']}" for d in data["docs"] for p in d["pairs"]}
    for _, attrs in tags:
        if attrs.get("href", "").startswith("#"):
            assert attrs["href"][1:] in ids | pair_ids, attrs["href"]


def test_html_carries_the_pairs_and_the_pictures(joint_statement):
    alignment, gold = joint_statement
    report = build_report([alignment], gold=gold)
    page = render_html(report)
    data = embedded_data(page)
    doc = report.data["documents"][0]
    assert [p["a"] for p in data["docs"][0]["pairs"]] == [p["src_text"] for p in doc["pairs"]]
    assert data["has_gold"] is True
    # the path: one polyline with a corner per bead plus the start; the gold beside it
    plots = re.findall(r'<svg class="path-plot".*?</svg>', page, re.S)
    assert len(plots) == 2
    corners = re.search(r'<polyline points="([^"]*)"', plots[0]).group(1).split()
    assert len(corners) == len(doc["pairs"]) + 1
    # one marker per flagged pair, linking to it
    markers = re.findall(r'<a href="#(pair-[^"]+)"><circle', plots[0])
    assert markers == [p["id"] for p in doc["pairs"] if p["flags"]]
    assert 'class="svg-gold"' in plots[1]


def test_disagreements_with_gold_are_drawn_and_listed(tmp_path, joint_statement):
    """Gold that differs from the alignment in one place: the pair and the missed gold bead are
    marked on the pictures and listed."""
    alignment, _ = joint_statement
    records = [json.loads(line) for line in alignment.read_text(encoding="utf-8").splitlines()]
    gold = [(r["src"], r["tgt"]) for r in records]
    k = next(i for i, r in enumerate(records) if r["type"] == "1-1" and records[i + 1]["type"] == "1-1")
    (s1, t1), (s2, t2) = gold[k], gold[k + 1]
    gold[k:k + 2] = [(s1 + s2, t1 + t2)]  # the gold merges two pairs the aligner kept apart
    (tmp_path / "gold").write_text("".join(f"{s}:{t}\n" for s, t in gold), encoding="utf-8")
    report = build_report([alignment], gold=tmp_path / "gold")
    doc = report.data["documents"][0]
    assert [p["n"] for p in doc["pairs"] if p["gold"]["status"] != "exact"] == [k, k + 1]
    assert doc["gold"]["missed"] == [{"src": s1 + s2, "tgt": t1 + t2, "pairs": [k, k + 1]}]
    page = render_html(report)
    assert page.count('class="svg-disagree"') == 2  # on the alignment and on the gold picture
    assert f"gold bead {s1 + s2}:{t1 + t2} not in the alignment" in page  # [7, 8]:[7, 8], as in beads files


def test_json_has_the_same_figures(tmp_path, joint_statement):
    alignment, gold = joint_statement
    report = build_report(str(alignment), gold=str(gold))  # a single path works as well as a list
    write_json(report, tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(report.data))
    assert data["format"] == "aligntm-qa-report"
    assert set(data["thresholds"]) >= {"low_confidence", "length_robust_sds", "low_chrf"}
    assert data["flags"][0]["link"] == "#" + data["documents"][0]["pairs"][data["flags"][0]["pair"]]["id"]


def test_text_cannot_break_out_of_the_page(tmp_path):
    """Texts are data: a sentence holding </script> or markup is shown, never run."""
    nasty = '</script><script>window.pwned=1</script><b onmouseover="x()">bold</b> & <!-- comment'
    record = {"doc": "d", "src": [0], "tgt": [0], "type": "1-1", "confidence": 0.5, "src_text": "危険な文。",
              "tgt_text": nasty, "src_lang": "ja", "tgt_lang": "en", "anchors": {"matched": [], "conflicts": []}}
    (tmp_path / "d").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    page = render_html(build_report([tmp_path / "d"]))
    assert "window.pwned" not in re.sub(r'<script type="application/json".*?</script>', "", page, flags=re.S)
    assert page.count("</script>") == page.count("<script")
    assert embedded_data(page)["docs"][0]["pairs"][0]["b"] == nasty


# --- the command line ---------------------------------------------------------------------

def test_cli_writes_html_and_json(run_aligntm, tmp_path, joint_statement):
    alignment, gold = joint_statement
    r = run_aligntm("report", alignment, "--gold", gold, "-o", tmp_path / "r.html", "--json", tmp_path / "r.json")
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert f"{data['summary']['pairs']} pairs, {data['summary']['flagged_pairs']} flagged" in r.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert r.stdout == ""


def test_cli_reads_a_batch_directory(run_aligntm, tmp_path, corpus_dir):
    """`aligntm batch --format jsonl` output and a gold directory, paired by file name."""
    src, tgt, gold = (tmp_path / d for d in ("ja", "en", "gold"))
    for d in (src, tgt, gold):
        d.mkdir()
    lines = {side: (corpus_dir / f"{side}.txt").read_text(encoding="utf-8") for side in ("ja", "en")}
    # two presegmented documents: the first sentences of the joint statement, one per line
    from align.document import segment_text
    from align.langs import get_language
    sents = {side: [s.text for s in segment_text(lines[side], get_language(side))] for side in ("ja", "en")}
    for name, (a, b) in {"first": (0, 3), "second": (3, 6)}.items():
        (src / name).write_text("\n".join(sents["ja"][a:b]) + "\n", encoding="utf-8")
        (tgt / name).write_text("\n".join(sents["en"][a:b]) + "\n", encoding="utf-8")
        (gold / name).write_text("".join(f"[{i}]:[{i}]\n" for i in range(b - a)), encoding="utf-8")
    r = run_aligntm("batch", src, tgt, tmp_path / "out", "--format", "jsonl", "--presegmented", "-j", "1", "-q")
    assert r.returncode == 0, r.stderr
    r = run_aligntm("report", tmp_path / "out", "--gold", gold, "--json", tmp_path / "r.json")
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [d["name"] for d in data["documents"]] == ["first", "second"]
    assert data["summary"]["documents"] == 2
    assert not (tmp_path / "report.html").exists()  # only --json asked for


def test_cli_default_output_is_report_html(run_aligntm, tmp_path, joint_statement):
    alignment, _ = joint_statement
    r = run_aligntm("report", alignment, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "report.html").is_file()


def test_cli_help_explains_flags(run_aligntm):
    r = run_aligntm("report", "--help")
    assert r.returncode == 0
    for word in ("--gold", "--src-mt", "--json", "anchor", "length", "confidence", "unaligned", "merge", "chrF"):
        assert word in r.stdout


@pytest.mark.parametrize("make_args, message", [
    (lambda t, a: [t / "missing.jsonl"], r"missing\.jsonl: no such file or directory"),
    (lambda t, a: [a, "--gold", t / "nogold"], r"nogold: no such file or directory"),
    (lambda t, a: [a, "-o", a], r"output would overwrite an input file"),
    (lambda t, a: [a, "-o", t / "nodir" / "r.html"], r"directory .*nodir does not exist"),
    (lambda t, a: [a, "-o", t / "same", "--json", t / "same"], r"-o and --json name the same file"),
    (lambda t, a: [t / "broken.jsonl", "-o", t / "out.html"], r"broken\.jsonl:2: not JSON"),
])
def test_cli_bad_input_one_line_exit_2_no_output(run_aligntm, tmp_path, joint_statement, make_args, message):
    alignment, _ = joint_statement
    first = alignment.read_text(encoding="utf-8").splitlines()[0]
    (tmp_path / "broken.jsonl").write_text(first + "\n{oops\n", encoding="utf-8")
    before = set(tmp_path.rglob("*"))
    r = run_aligntm("report", *make_args(tmp_path, alignment), cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("aligntm: error: ") and r.stderr.count("\n") == 1, r.stderr
    assert re.search(message, r.stderr), r.stderr
    assert "Traceback" not in r.stderr
    assert set(tmp_path.rglob("*")) == before  # nothing written, not even a temporary file


def test_failed_write_leaves_the_old_file(tmp_path, joint_statement):
    """A write that fails half way (here: data JSON cannot encode) leaves the previous report
    as it was and no temporary file."""
    alignment, _ = joint_statement
    report = build_report([alignment])
    target = tmp_path / "r.json"
    write_json(report, target)
    before = target.read_text(encoding="utf-8")
    report.data["documents"][0]["pairs"][-1]["oops"] = object()
    with pytest.raises(TypeError):
        write_json(report, target)
    assert target.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_cli_scores_pairs_against_a_machine_translation(run_aligntm, tmp_path, joint_statement):
    """--src-mt: one line per source sentence. Here the "MT" is the aligned English itself, except
    for one sentence replaced by an unrelated one: only that pair gets a low chrF."""
    alignment, _ = joint_statement
    records = [json.loads(line) for line in alignment.read_text(encoding="utf-8").splitlines()]
    mt = {}
    for r in records:
        for k, i in enumerate(r["src"]):
            mt[i] = r["tgt_text"] if k == 0 else ""
    bad = next(r for r in records if len(r["src"]) == 1 and r["tgt"])
    mt[bad["src"][0]] = "Rice exports grew strongly in the third quarter of the fiscal year."
    (tmp_path / "mt.en").write_text("".join(mt[i] + "\n" for i in range(len(mt))), encoding="utf-8")
    r = run_aligntm("report", alignment, "--src-mt", tmp_path / "mt.en", "--json", tmp_path / "r.json")
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    low = [p["n"] for p in data["documents"][0]["pairs"] if any(f["kind"] == "mt" for f in p["flags"])]
    assert low == [records.index(bad)]
    assert data["summary"]["chrf"]["below_threshold"] == 1
    assert all(p["chrf"] is not None for p in data["documents"][0]["pairs"] if p["src"] and p["tgt"])


def test_pairs_say_where_their_sentences_are(joint_statement):
    """Each side's file and line (page and paragraph for PDFs) reach the JSON and the page."""
    alignment, _ = joint_statement
    report = build_report([alignment])
    pairs = report.data["documents"][0]["pairs"]
    first = pairs[0]
    assert first["src_place"]["document"].endswith("ja.txt") and first["src_place"]["line"] >= 1
    assert first["tgt_place"]["document"].endswith("en.txt")
    lines = [p["src_place"]["line"] for p in pairs]
    assert lines == sorted(lines) and len(set(lines)) > 30      # in document order, spread over it
    data = embedded_data(render_html(report))
    assert data["docs"][0]["pairs"][0]["la"] == f"ja.txt line {first['src_place']['line']}"


def test_pdf_places_give_page_and_paragraph(tmp_path):
    record = {"src": [0], "tgt": [0], "confidence": 0.9, "src_text": "日本", "tgt_text": "Japan",
              "src_place": {"document": "in/ja.pdf", "page": 3, "paragraph": 12},
              "tgt_place": {"document": "in/en.pdf", "page": 2, "paragraph": 11}}
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    data = embedded_data(render_html(build_report([path])))
    pair = data["docs"][0]["pairs"][0]
    assert (pair["la"], pair["lb"]) == ("ja.pdf p.3 ¶12", "en.pdf p.2 ¶11")
