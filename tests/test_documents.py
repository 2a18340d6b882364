"""End to end: the bundled joint statement as PDF, DOCX and HTML gives the sentences and the
alignments of its text files.

The three texts of corpora/joint-statement-2025 (ja.txt, en.txt, lo.txt) are rendered at test
time, one paragraph of the document per paragraph the text file gives (align.document.paragraphs_of:
headings as <h2> / Word "Heading 2", everything else as <p> / a plain Word paragraph), the PDF
printed from the HTML by headless Chromium (A4, justified, first-line indents, page numbers at
the foot). Then `aligntm align` aligns ja/en, lo/en and ja/lo in each format, and the beads must be
the gold ones (gold.txt, gold.lo-en.txt, gold.ja-lo.txt), which are defined on the sentences of
the text files: so each format must also give exactly the text files' sentences.
"""
from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")

from align.document import load_document, paragraphs_of  # noqa: E402
from align.formats.beads import read_beads  # noqa: E402
from align.langs import get_language  # noqa: E402
from align.readers import read_source  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "joint-statement-2025"
LANGS = ("ja", "en", "lo")
FORMATS = ("pdf", "docx", "html")
GOLD = {("ja", "en"): "gold.txt", ("lo", "en"): "gold.lo-en.txt", ("ja", "lo"): "gold.ja-lo.txt"}
FONTS = {"ja": "IPAMincho", "en": "DejaVu Serif", "lo": "Phetsarath OT"}


def paragraphs(code: str):
    return paragraphs_of(read_source(CORPUS / f"{code}.txt"), get_language(code))


def statement_html(code: str) -> str:
    body = "\n".join(f"<h2>{html.escape(p.text)}</h2>" if p.kind == "heading" else f"<p>{html.escape(p.text)}</p>"
                     for p in paragraphs(code))
    return f"""<!doctype html>
<html lang="{code}"><head><meta charset="utf-8"><title>Joint Statement ({code})</title><style>
@page {{ size: A4; margin: 25mm 22mm;
  @bottom-center {{ content: "- " counter(page) " -"; font-family: '{FONTS[code]}'; font-size: 9pt }} }}
body {{ font-family: '{FONTS[code]}'; font-size: 10.5pt; line-height: 1.6; margin: 0 }}
h2 {{ font-size: 12.5pt; font-weight: bold; margin: 14pt 0 8pt }}
p {{ margin: 0 0 7pt; text-indent: 1em; text-align: justify }}
</style></head><body>
{body}
</body></html>
"""


def statement_docx(code: str, path: Path) -> None:
    document = docx.Document()
    for p in paragraphs(code):
        if p.kind == "heading":
            document.add_heading(p.text, level=2)
        else:
            document.add_paragraph(p.text)
    document.save(str(path))


@pytest.fixture(scope="module")
def statements(pdf_printer, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(format, lang) -> the statement in that format, each format in a directory of its own
    (the files are named ja.pdf, en.docx...)."""
    root = tmp_path_factory.mktemp("statement")
    files = {}
    for fmt in FORMATS:
        (root / fmt).mkdir()
    for code in LANGS:
        page = root / "html" / f"{code}.html"
        page.write_text(statement_html(code), encoding="utf-8")
        files["html", code] = page
        statement_docx(code, root / "docx" / f"{code}.docx")
        files["docx", code] = root / "docx" / f"{code}.docx"
        files["pdf", code] = root / "pdf" / f"{code}.pdf"
    pdf_printer.print({files["html", code]: files["pdf", code] for code in LANGS})
    return files


@pytest.fixture(scope="module")
def text_sentences() -> dict[str, list[str]]:
    return {code: load_document(CORPUS / f"{code}.txt", code).texts for code in LANGS}


def _xfail(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


# Cases that do not give the text files' sentences (yet). The sentences are the same in number
# and place (the beads still reproduce the gold); their spaces and hyphens differ.
SENTENCE_XFAIL = {
    ("pdf", "ja"): "3 of 86 sentences lose a space the text file has at a line break, between a digit or a "
                   "Latin word and Japanese ('2025 年 1 月' -> '2025 年 1月' in sentence 2, 'AOIP で' -> 'AOIPで' "
                   "in 11, '1998 年' -> '1998年' in 53): Chromium draws no glyph for a space it breaks the line "
                   "at, and Japanese join_lines puts a space only between two ASCII letters or digits",
    ("pdf", "lo"): "68 of 88 sentences differ in spaces only: 58 spaces after ຳ inside words (PDFium's boxes for "
                   "a Chromium-drawn ສຳ cluster stop short: 'ສຳ ຄັນ', 'ຈຳ ນວນ'); and at line ends Chromium "
                   "breaks Lao between syllables inside words, which Lao join_lines joins with a space "
                   "('ໃນທຸກ ຂົງເຂດ' in 2, 'ເພື່ອການ ພັດທະນາ' in 9), while a break at a space before a leading "
                   "vowel is joined without one ('ສອງປະເທດໃນໄລຍະ' in 6, 'ມະນຸດສະທຳແລະ' in 74)",
}
BEAD_XFAIL: dict[tuple[str, str, str], str] = {}


def _cases(keys, xfails):
    return [pytest.param(*key, marks=_xfail(xfails[key])) if key in xfails else pytest.param(*key)
            for key in keys]


@pytest.mark.parametrize("fmt, code", _cases([(f, c) for f in FORMATS for c in LANGS], SENTENCE_XFAIL))
def test_each_format_gives_the_sentences_of_the_text_file(fmt, code, statements, text_sentences):
    document = load_document(statements[fmt, code], code)
    assert document.format == fmt
    got, want = document.texts, text_sentences[code]
    assert len(got) == len(want), f"{len(got)} sentences, the text file gives {len(want)}"
    differ = [f"[{i}] text: {a}\n[{i}] {fmt}: {b}" for i, (a, b) in enumerate(zip(want, got)) if a != b]
    assert not differ, f"{len(differ)} of {len(want)} sentences differ:\n" + "\n".join(differ[:6])


def _beads_of(jsonl: Path):
    return [(tuple(r["src"]), tuple(r["tgt"])) for r in map(json.loads, jsonl.read_text("utf-8").splitlines())]


@pytest.mark.parametrize("fmt, src, tgt", _cases([(f, s, t) for f in FORMATS for s, t in GOLD],
                                                 BEAD_XFAIL))
def test_aligning_each_format_reproduces_the_gold_beads(fmt, src, tgt, statements, run_cli, tmp_path):
    out = tmp_path / f"{src}-{tgt}.jsonl"
    code, stdout, stderr = run_cli("align", statements[fmt, src], statements[fmt, tgt], "-o", out)
    assert code == 0, stderr
    assert _beads_of(out) == read_beads(CORPUS / GOLD[src, tgt])


def test_a_tmx_from_pdfs_names_the_pdfs(statements, run_cli, tmp_path):
    """The TMX written from PDF inputs: a unit for every gold bead with two sides, each with both
    languages and naming the source PDF.

    (Per-variant provenance, an x-document prop on each <tuv>, is not written yet: not checked.)"""
    tmx = tmp_path / "statement.tmx"
    code, _, stderr = run_cli("align", statements["pdf", "ja"], statements["pdf", "en"],
                              "-o", tmp_path / "pairs.jsonl", "--tmx", tmx)
    assert code == 0, stderr
    units = ET.parse(tmx).getroot().findall("./body/tu")
    assert len(units) == sum(1 for src, tgt in read_beads(CORPUS / "gold.txt") if src and tgt)
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for tu in units:
        assert sorted(tuv.get(xml_lang) for tuv in tu.findall("tuv")) == ["en-US", "ja-JP"]
        props = {p.get("type"): p.text for p in tu.findall("prop")}
        assert props.get("x-document") == str(statements["pdf", "ja"])
