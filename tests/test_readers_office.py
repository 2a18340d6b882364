"""align.readers.docx and align.readers.html: real files built at test time, read into blocks.

The DOCX files are made with python-docx. python-docx cannot add footnotes, so a footnote and an
endnote are added the way Word stores them: the paragraph gets a run with
<w:footnoteReference w:id="1"/> (or w:endnoteReference) before saving, then the saved zip is
rewritten with word/footnotes.xml and word/endnotes.xml (separator notes with ids -1 and 0
first, as Word writes them), their relationships in word/_rels/document.xml.rels and their
content types in [Content_Types].xml (see _add_notes).
"""
from __future__ import annotations

import io
import re
import zipfile

import pytest

docx = pytest.importorskip("docx")
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

from align.errors import InputError  # noqa: E402
from align.readers.docx import read_docx  # noqa: E402
from align.readers.html import read_html  # noqa: E402

JA = "日本とラオスは1955年に外交関係を樹立した。"
EN = "Japan and the Lao PDR established diplomatic relations in 1955."
LO = "ສປປ ລາວ ແລະ ຍີ່ປຸ່ນ ໄດ້ສ້າງຕັ້ງສາຍພົວພັນທາງການທູດໃນປີ 1955."


def kinds_lines(doc):
    return [(b.kind, b.lines) for b in doc.blocks]


# --- DOCX: building files -----------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _note_ref(paragraph, what: str, note_id: str) -> None:
    """A run with a footnote/endnote reference mark, as Word writes it."""
    run = paragraph.add_run()
    ref = OxmlElement(f"w:{what}Reference")
    ref.set(qn("w:id"), note_id)
    run._r.append(ref)


def _notes_xml(what: str, notes: dict[str, list[str]]) -> bytes:
    """word/footnotes.xml or word/endnotes.xml: separators, then one note per id (paragraphs)."""
    body = [f'<w:{what} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{what}>',
            f'<w:{what} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
            f'</w:r></w:p></w:{what}>']
    for note_id, paragraphs in notes.items():
        ps = []
        for i, text in enumerate(paragraphs):
            mark = f'<w:r><w:{what}Ref/></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>' if i == 0 else ""
            ps.append(f'<w:p>{mark}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>')
        body.append(f'<w:{what} w:id="{note_id}">{"".join(ps)}</w:{what}>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{what}s xmlns:w="{W_NS}">'
            f'{"".join(body)}</w:{what}s>').encode("utf-8")


def _add_notes(data: bytes, footnotes: dict, endnotes: dict) -> bytes:
    """The saved DOCX with word/footnotes.xml and word/endnotes.xml parts added."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", (
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
                    b'<Override PartName="/word/endnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"/></Types>'))
            elif info.filename == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", (
                    f'<Relationship Id="rIdFn1" Type="{REL_NS}/footnotes" Target="footnotes.xml"/>'
                    f'<Relationship Id="rIdEn1" Type="{REL_NS}/endnotes" Target="endnotes.xml"/>'
                    f'</Relationships>').encode())
            z.writestr(info.filename, content)
        z.writestr("word/footnotes.xml", _notes_xml("footnote", footnotes))
        z.writestr("word/endnotes.xml", _notes_xml("endnote", endnotes))
    return out.getvalue()


def _hyperlink(document, paragraph, text: str, url: str) -> None:
    r_id = document.part.relate_to(url, f"{REL_NS}/hyperlink", is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run, t = OxmlElement("w:r"), OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _save(document, path) -> str:
    document.save(str(path))
    return str(path)


@pytest.fixture
def full_docx(tmp_path):
    """Headings, ja/en/lo paragraphs, a list, tables with merged cells, a hyperlink, a line
    break, a tab, a footnote and an endnote, and a page header that must not be read."""
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "CONFIDENTIAL HEADER"
    d.sections[0].footer.paragraphs[0].text = "Page footer"
    d.add_heading("Joint Statement", level=0)  # style "Title"
    d.add_heading("1. Diplomatic relations", level=1)
    p = d.add_paragraph(JA)
    _note_ref(p, "footnote", "1")
    d.add_paragraph(EN)
    d.add_paragraph(LO)
    d.add_paragraph("Cooperation in education", style="List Number")
    item = d.add_paragraph("Cooperation in  health", style="List Number")
    _note_ref(item, "endnote", "1")
    p = d.add_paragraph("See ")
    _hyperlink(d, p, "the ministry's website", "https://www.mofa.go.jp/")
    run = p.add_run(" for\tdetails.")
    run.add_break()
    p.add_run("両首脳は協力を確認した。")
    d.add_paragraph("   ")  # empty: skipped
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).text = "Year"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "Event (two columns merged)"
    t.cell(1, 0).merge(t.cell(2, 0)).text = "1955"  # merged down two rows
    t.cell(1, 1).text = "Relations"
    t.cell(1, 2).text = "ລາວ"
    t.cell(1, 2).add_paragraph("second paragraph in the cell")
    t.cell(2, 1).text = "日本"
    inner = t.cell(2, 2).add_table(rows=1, cols=2)  # a nested table
    inner.cell(0, 0).text = "inner 1"
    inner.cell(0, 1).text = "inner 2"
    d.add_heading("2. Next steps", level=2)
    d.add_paragraph("The end.")
    path = tmp_path / "statement.docx"
    d.save(str(path))
    path.write_bytes(_add_notes(path.read_bytes(),
                                footnotes={"1": ["Provisional translation.", "外務省仮訳。"]},
                                endnotes={"1": ["Endnote text."]}))
    return path


# --- DOCX: what is read --------------------------------------------------------------------

def test_docx_blocks_in_document_order(full_docx):
    doc = read_docx(full_docx)
    assert doc.format == "docx"
    assert doc.name == str(full_docx)
    assert doc.text is None
    assert all(b.page is None for b in doc.blocks)
    assert kinds_lines(doc) == [
        ("heading", ("Joint Statement",)),
        ("heading", ("1. Diplomatic relations",)),
        ("text", (JA,)),
        ("footnote", ("Provisional translation.",)),  # right after its paragraph, no mark
        ("footnote", ("外務省仮訳。",)),
        ("text", (EN,)),
        ("text", (LO,)),
        ("list", ("Cooperation in education",)),
        ("list", ("Cooperation in health",)),  # whitespace run collapsed
        ("footnote", ("Endnote text.",)),
        # hyperlink text kept, tab is a space, the line break splits the lines
        ("text", ("See the ministry's website for details.", "両首脳は協力を確認した。")),
        ("cell", ("Year",)),
        ("cell", ("Event (two columns merged)",)),  # once, not once per grid column
        ("cell", ("1955",)),  # once, not in the row below too
        ("cell", ("Relations",)),
        ("cell", ("ລາວ",)),
        ("cell", ("second paragraph in the cell",)),
        ("cell", ("日本",)),
        ("cell", ("inner 1",)),
        ("cell", ("inner 2",)),
        ("heading", ("2. Next steps",)),
        ("text", ("The end.",)),
    ]
    texts = " ".join(" ".join(b.lines) for b in doc.blocks)
    assert "HEADER" not in texts and "Page footer" not in texts


def test_docx_name_and_sample(full_docx):
    doc = read_docx(full_docx, name="ja.docx")
    assert doc.name == "ja.docx"
    assert doc.sample().startswith("Joint Statement\n1. Diplomatic relations\n" + JA)


def test_docx_outline_level_toc_ruby_deleted_and_hidden_text(tmp_path):
    """Outline level makes a heading; TOC entries, ruby text, deleted and hidden runs are not text."""
    d = docx.Document()
    p = d.add_paragraph("Chapter without a heading style")
    ppr = p._p.get_or_add_pPr()
    lvl = OxmlElement("w:outlineLvl")
    lvl.set(qn("w:val"), "0")
    ppr.append(lvl)
    d.add_paragraph("Introduction 3", style=d.styles.add_style("toc 1", 1))
    _append_xml(d.add_paragraph(), (
        '<w:r><w:t>漢字</w:t></w:r>'
        '<w:r><w:ruby><w:rt><w:r><w:t>かんじ</w:t></w:r></w:rt>'
        '<w:rubyBase><w:r><w:t>日本</w:t></w:r></w:rubyBase></w:ruby></w:r>'
        '<w:del w:id="1" w:author="a"><w:r><w:delText>削除</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="a"><w:r><w:t>挿入</w:t></w:r></w:ins>'
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'))
    doc = read_docx(_save(d, tmp_path / "x.docx"))
    assert kinds_lines(doc) == [("heading", ("Chapter without a heading style",)),
                                ("text", ("漢字日本挿入7",))]


def _append_xml(paragraph, fragment: str) -> None:
    """Append raw WordprocessingML (runs, w:ins, w:del...) to a paragraph."""
    from docx.oxml import parse_xml

    for child in list(parse_xml(f'<w:p xmlns:w="{W_NS}">{fragment}</w:p>')):
        paragraph._p.append(child)


def test_docx_content_controls_toc_and_text_boxes(tmp_path):
    """A content control's paragraphs are read, Word's TOC control is not, and a text box (given
    twice, as DrawingML and as its VML fallback) comes once, after its paragraph."""
    from docx.oxml import parse_xml

    d = docx.Document()
    body = d.element.body
    sect = body[-1]  # w:sectPr stays last
    sect.addprevious(parse_xml(
        f'<w:sdt xmlns:w="{W_NS}"><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
        '</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Contents</w:t></w:r></w:p>'
        '<w:p><w:r><w:t>1. Relations</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>3</w:t></w:r></w:p>'
        '</w:sdtContent></w:sdt>'))
    sect.addprevious(parse_xml(
        f'<w:sdt xmlns:w="{W_NS}"><w:sdtPr><w:alias w:val="Date"/></w:sdtPr><w:sdtContent>'
        f'<w:p><w:r><w:t>{EN}</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    p = d.add_paragraph("Paragraph with a box.")
    txbx = (f'<w:txbxContent><w:p><w:r><w:t>{LO}</w:t></w:r></w:p></w:txbxContent>')
    _append_xml(p, (
        '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml">'
        f'<mc:Choice Requires="wps"><w:drawing><wps:txbx>{txbx}</wps:txbx></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:shape><v:textbox>{txbx}</v:textbox></v:shape></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>'))
    doc = read_docx(_save(d, tmp_path / "controls.docx"))
    assert kinds_lines(doc) == [("text", (EN,)), ("text", ("Paragraph with a box.",)), ("text", (LO,))]


def test_docx_without_text_has_no_blocks(tmp_path):
    d = docx.Document()
    d.add_paragraph("")
    d.add_table(rows=2, cols=2)
    doc = read_docx(_save(d, tmp_path / "empty.docx"))
    assert doc.blocks == []


# --- DOCX: what is refused ------------------------------------------------------------------

def _error(path, **kw) -> str:
    with pytest.raises(InputError) as e:
        read_docx(path, **kw)
    message = str(e.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_docx_truncated(full_docx):
    data = full_docx.read_bytes()
    full_docx.write_bytes(data[: len(data) // 2])
    message = _error(full_docx, name="cut.docx")
    assert message.startswith("cut.docx: not a readable DOCX file (")


def test_zip_that_is_not_a_docx(tmp_path):
    path = tmp_path / "photos.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("photo.txt", "not a word document")
    assert _error(path) == f"{path}: a zip archive but not a DOCX file (no word/document.xml)"


def test_docx_zip_bomb(tmp_path):
    """300 MB of zeros as word/document.xml, streamed through deflate: about 1.3 MB on disk."""
    path = tmp_path / "bomb.docx"
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as f:
            for _ in range(300):
                f.write(chunk)
    assert path.stat().st_size < 3 * 1024 * 1024
    assert _error(path, name="bomb.docx") == "bomb.docx: DOCX expands to 300 MB, refusing (zip bomb?)"


def test_docx_entry_with_a_bomb_ratio(tmp_path):
    """Under the 200 MB total, but one 20 MB entry compressed more than 200 times."""
    path = tmp_path / "ratio.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/media/image1.bin", bytes(20 << 20))
    message = _error(path, name="ratio.docx")
    assert re.fullmatch(r"ratio\.docx: DOCX expands to 20 MB \(word/media/image1\.bin: \d+ times its "
                        r"compressed size\), refusing \(zip bomb\?\)", message), message


def test_docx_with_broken_xml(full_docx, tmp_path):
    src = zipfile.ZipFile(full_docx)
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "word/document.xml":
                content = content[: len(content) // 2]  # cut in the middle of an element
            z.writestr(info.filename, content)
    message = _error(path, name="broken.docx")
    assert message.startswith("broken.docx: not a readable DOCX file (broken XML in word/document.xml: ")


def test_docx_with_broken_footnotes_xml(full_docx, tmp_path):
    src = zipfile.ZipFile(full_docx)
    path = tmp_path / "notes.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "word/footnotes.xml":
                content = b"<w:footnotes><w:footnote>"
            z.writestr(info.filename, content)
    message = _error(path, name="notes.docx")
    assert message.startswith("notes.docx: not a readable DOCX file (broken XML in word/footnotes.xml: ")


def test_encrypted_docx_is_an_ole_file(tmp_path):
    path = tmp_path / "secret.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    assert "password-protected" in _error(path, name="secret.docx")


def test_docx_missing_and_directory(tmp_path):
    assert _error(tmp_path / "nope.docx", name="nope.docx") == "nope.docx: no such file"
    assert _error(tmp_path, name="dir") == "dir: is a directory, expected a file"


def test_docx_not_a_zip(tmp_path):
    path = tmp_path / "plain.docx"
    path.write_text("just text", encoding="utf-8")
    assert _error(path, name="plain.docx") == ("plain.docx: not a readable DOCX file "
                                             "(not a zip archive, or a truncated one)")


# --- HTML -------------------------------------------------------------------------------------

PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Joint Statement - Ministry</title>
  <style>p {{ color: red; }}</style>
  <script>var s = "<p>not text</p>";</script>
</head>
<body>
  <header><div class="logo">Ministry of Foreign Affairs</div></header>
  <nav><ul><li><a href="/">Home</a></li><li>Press</li></ul></nav>
  <div role="navigation">Breadcrumbs</div>
  <main>
    <article>
      <header><h1>Joint   Statement</h1></header>
      <p>{JA}<sup><a href="#fn1" role="doc-noteref">1</a></sup></p>
      <p>Japan &amp; the Lao PDR established
         diplomatic relations in 1955 &#x2014; see <a href="/x">the <b>archive</b></a>.</p>
      <p>{LO}<br>&#x0E81;&#x0EB2;&#x0E99; ສຶກສາ.</p>
      <h2>Areas of cooperation</h2>
      <ol><li>Education<li>Health &lt;and&gt; welfare</ol>
      <dl><dt>ODA</dt><dd>Official development assistance</dd></dl>
      <table>
        <caption>Visits</caption>
        <tr><th>Year</th><th>Visit</th></tr>
        <tr><td>2025</td><td>Prime Minister <span>Sonexay</span></td></tr>
      </table>
      <pre>
line one
   line two

second paragraph</pre>
      <p hidden>hidden paragraph</p>
      <p aria-hidden="true">aria hidden</p>
      <p style="display:none">display none</p>
      <form><label>Search <input type="text"></label><button>Go</button>
        <select><option>ja<option>en</select><textarea>typed</textarea></form>
      <p><ruby>外交<rp>(</rp><rt>がいこう</rt><rp>)</rp></ruby>関係</p>
      <aside>Related: a sidebar inside the article is kept.</aside>
    </article>
  </main>
  <section class="footnotes" role="doc-endnotes">
    <ol><li id="fn1"><p>Provisional translation. <a href="#r1" role="doc-backlink">↩</a></p></li></ol>
  </section>
  <aside>Site-wide sidebar</aside>
  <footer><p>Copyright 2025</p></footer>
  <noscript>Enable JavaScript</noscript>
  <template><p>template text</p></template>
  <svg><title>icon</title><text>svg text</text></svg>
</body>
</html>
"""


def test_html_blocks():
    doc = read_html(PAGE.encode("utf-8"), "page.html")
    assert doc.format == "html" and doc.name == "page.html" and doc.text is None
    assert kinds_lines(doc) == [
        ("heading", ("Joint Statement",)),
        ("text", (JA,)),  # the footnote mark is not glued to the sentence
        ("text", ("Japan & the Lao PDR established diplomatic relations in 1955 — see the archive.",)),
        ("text", (LO, "ການ ສຶກສາ.")),  # <br>: a line of its own
        ("heading", ("Areas of cooperation",)),
        ("list", ("Education",)),
        ("list", ("Health <and> welfare",)),
        ("list", ("ODA",)),
        ("list", ("Official development assistance",)),
        ("text", ("Visits",)),
        ("cell", ("Year",)),
        ("cell", ("Visit",)),
        ("cell", ("2025",)),
        ("cell", ("Prime Minister Sonexay",)),
        ("text", ("line one", "line two")),  # <pre>: lines kept, a blank line ends the block
        ("text", ("second paragraph",)),
        ("text", ("Search",)),  # a label's text stays, the controls go
        ("text", ("外交関係",)),  # ruby base kept, the reading dropped
        ("text", ("Related: a sidebar inside the article is kept.",)),
        ("footnote", ("Provisional translation.",)),
    ]


def test_html_shift_jis_meta_charset():
    page = ('<html><head><meta charset="Shift_JIS"><title>t</title></head>'
            f'<body><h1>日ラオス関係</h1><p>{JA}</p><p>～ＡＳＥＡＮ～</p></body></html>')
    doc = read_html(page.encode("cp932"), "sjis.html")
    assert kinds_lines(doc) == [("heading", ("日ラオス関係",)), ("text", (JA,)), ("text", ("～ＡＳＥＡＮ～",))]


def test_html_http_equiv_content_type():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=euc-jp">'
            f'</head><body><p>{JA}</p></body></html>')
    assert kinds_lines(read_html(page.encode("euc_jp"), "euc.html")) == [("text", (JA,))]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_html_bom_wins_over_meta(encoding):
    page = f'<html><head><meta charset="iso-8859-1"></head><body><p>{LO}</p></body></html>'
    assert kinds_lines(read_html(page.encode(encoding), "bom.html")) == [("text", (LO,))]


def test_html_undecodable():
    data = f"<html><body><p>{JA}</p></body></html>".encode("cp932")
    with pytest.raises(InputError) as e:
        read_html(data, "nometa.html")
    assert str(e.value) == ("nometa.html: not valid UTF-8 (invalid byte at offset 15) and no "
                            "<meta charset> names its encoding; convert it to UTF-8")
    data = b'<meta charset="utf-8"><p>\xff\xfe</p>'
    with pytest.raises(InputError) as e:
        read_html(data, "bad.html")
    assert str(e.value) == ("bad.html: not valid utf-8, the encoding its <meta charset> declares "
                            "(invalid byte at offset 25); convert it to UTF-8")


def test_html_without_text_has_no_blocks():
    page = "<html><head><title>Only a title</title><script>x()</script></head><body> <nav>Home</nav> </body></html>"
    assert read_html(page.encode(), "empty.html").blocks == []
    assert read_html(b"", "zero.html").blocks == []


def test_html_malformed_and_loose_text():
    page = ("<body>Loose text<p>one<p>two<div>in div</div>"
            "<ul><li>a<li>b<ul><li>c</ul></ul><table><tr><td>x<td>y<tr><td>z</table>"
            "first<br><br>second</span></b></body>")
    assert kinds_lines(read_html(page.encode(), "m.html")) == [
        ("text", ("Loose text",)), ("text", ("one",)), ("text", ("two",)), ("text", ("in div",)),
        ("list", ("a",)), ("list", ("b",)), ("list", ("c",)),
        ("cell", ("x",)), ("cell", ("y",)), ("cell", ("z",)),
        ("text", ("first",)), ("text", ("second",)),  # two <br> in a row end the block
    ]
    # no </head> and no <body>: text after the head's elements is the body
    page = "<html><head><title>t</title><meta charset=utf-8>Hello <b>world</b><p>next"
    assert kinds_lines(read_html(page.encode(), "h.html")) == [("text", ("Hello world",)), ("text", ("next",))]
