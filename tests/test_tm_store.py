"""The SQLite memory: import and duplicates, lookup through the index, concordance, export,
near-duplicates, cleaning filters, and imports that fail or are interrupted."""
import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from align.errors import InputError
from tm import params
from tm.match import percentage, tokenize
from tm.store import TranslationMemory
from tm.units import Unit, Variant

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "tm"
DTD = ROOT.parent / "shared" / "tmx" / "tmx14.dtd"
FIXTURES = ["ttk.tmx", "omegat-pseudo.tmx", "omegat-project_save.tmx", "trados-studio.tmx",
            "workbench-tmx11-utf16.tmx"]


def pair(ja, en, **kw):
    return Unit([Variant("ja-JP", ja), Variant("en-US", en)], **kw)


@pytest.fixture
def memory(tmp_path):
    tm = TranslationMemory.create(tmp_path / "m.tm")
    yield tm
    tm.close()


def snapshot(tm):
    """Everything an import could change, for before/after comparisons."""
    c = tm.conn
    return {table: c.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("units", "variants", "origins", "languages", "postings", "token_counts", "meta")}


# --- creating and opening ------------------------------------------------------------------

def test_create_refuses_an_existing_file(tmp_path):
    path = tmp_path / "m.tm"
    path.write_text("precious")
    with pytest.raises(InputError, match="already exists"):
        TranslationMemory.create(path)
    assert path.read_text() == "precious"


@pytest.mark.parametrize("content", [b"<tmx version='1.4'/>", b"", b"SQLite format 3\x00" + b"\x00" * 100])
def test_open_refuses_what_is_not_a_memory(tmp_path, content):
    path = tmp_path / "x.tm"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"x\.tm: .*not an aligntm translation memory"):
        TranslationMemory.open(path)


def test_open_refuses_another_sqlite_database(tmp_path):
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(InputError, match="an SQLite database but not an aligntm translation memory"):
        TranslationMemory.open(path)


def test_open_missing(tmp_path):
    with pytest.raises(InputError, match="no such translation memory"):
        TranslationMemory.open(tmp_path / "none.tm")


# --- import and exact duplicates -------------------------------------------------------------

def test_import_tmx_from_other_tools(memory):
    report = memory.import_files([DATA / name for name in FIXTURES])
    assert report.errors == []
    read = [f.read for f in report.files]
    assert read == [4, 5, 4, 3, 2]
    assert len(memory) == report.added == sum(read) - report.merged
    assert memory.languages() == {"ja-JP": 16, "en-US": 16, "JA-JP": 2, "EN-US": 2}
    # the OmegaT project_save unit that repeats the project's first translation is a different pair
    c = memory.conn
    row = c.execute("SELECT u.created, u.changed, u.props, u.attrs, v.markup FROM units u JOIN variants v "
                    "ON v.unit = u.id WHERE v.text LIKE '第回会合%'").fetchone()
    assert row[:2] == ("20250121T093500Z", "20250121T093500Z")
    assert json.loads(row[2]) == [["x-Origin", "TM"]]
    assert json.loads(row[3]) == {"creationid": "MOFA\\kaoru", "changeid": "MOFA\\kaoru"}
    assert row[4].startswith('第<ph x="2" type="2"/>回会合は<bpt i="3">')


def test_exact_duplicates_are_merged(memory):
    first = memory.import_files([DATA / "ttk.tmx"])
    again = memory.import_files([DATA / "ttk.tmx"])
    assert (first.added, first.merged) == (4, 0)
    assert (again.added, again.merged) == (0, 4)
    assert len(memory) == 4
    assert memory.conn.execute("SELECT DISTINCT seen FROM units").fetchall() == [(2,)]


def test_duplicates_merge_across_formats_and_keep_the_best_confidence(memory, tmp_path):
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("ja-JP\ten-US\tconfidence\n日本とラオスは外交関係樹立70周年を迎えた。\t"
                   "Japan and Laos marked the 70th anniversary of diplomatic relations.\t0.420\n", encoding="utf-8")
    jsonl = tmp_path / "pairs.jsonl"
    jsonl.write_text(json.dumps({"doc": "js", "src": [0], "tgt": [0], "type": "1-1", "confidence": 0.97,
                                 "src_text": "日本とラオスは外交関係樹立70周年を迎えた。",
                                 "tgt_text": "Japan and Laos marked the 70th anniversary of diplomatic relations.",
                                 "src_lang": "ja", "tgt_lang": "en", "anchors": {"matched": 1, "conflicts": 0}},
                                ensure_ascii=False) + "\n", encoding="utf-8")
    report = memory.import_files([tsv, jsonl, DATA / "ttk.tmx"])
    assert [(f.format, f.added, f.merged) for f in report.files] == [("tsv", 1, 0), ("jsonl", 0, 1), ("tmx", 3, 1)]
    conf, seen = memory.conn.execute("SELECT confidence, seen FROM units ORDER BY id LIMIT 1").fetchone()
    assert (conf, seen) == (None, 3)       # translate-toolkit's unit has no confidence: a human translation
    memory.import_files([tsv])
    assert memory.conn.execute("SELECT confidence FROM units ORDER BY id LIMIT 1").fetchone() == (None,)
    other = TranslationMemory.create(tmp_path / "other.tm")
    other.import_files([tsv, jsonl])
    assert other.conn.execute("SELECT confidence, seen FROM units").fetchall() == [(0.97, 2)]


def test_tsv_without_header_needs_locales(memory, tmp_path):
    tsv = tmp_path / "bare.tsv"
    tsv.write_text("はい。\tYes.\n", encoding="utf-8")
    with pytest.raises(InputError, match="no header row naming the languages"):
        memory.import_files([tsv], strict=True)
    report = memory.import_files([tsv], src_locale="ja", tgt_locale="en")
    assert report.added == 1 and memory.languages() == {"ja": 1, "en": 1}


def test_import_refuses_missing_files_before_changing_anything(memory, tmp_path):
    before = snapshot(memory)
    with pytest.raises(InputError, match="nope.tmx: no such file"):
        memory.import_files([DATA / "ttk.tmx", tmp_path / "nope.tmx"])
    assert snapshot(memory) == before


# --- malformed input versus interrupted import -------------------------------------------------

def test_malformed_file_keeps_the_units_before_the_error(memory):
    report = memory.import_files([DATA / "malformed.tmx", DATA / "ttk.tmx"])
    assert len(report.errors) == 1 and "malformed.tmx: line 14: not well-formed XML" in report.errors[0]
    assert [(f.added, f.error is not None) for f in report.files] == [(2, True), (4, False)]
    assert len(memory) == 6
    # once repaired, importing the file again adds only the rest
    fixed = (DATA / "malformed.tmx").read_text(encoding="utf-8").replace("三つ目の文。</tuv>", "三つ目の文。</seg></tuv>")
    path = Path(memory.name).parent / "fixed.tmx"
    path.write_text(fixed, encoding="utf-8")
    again = memory.import_files([path])
    assert (again.added, again.merged) == (2, 2)


def test_strict_import_of_a_malformed_file_changes_nothing(memory):
    memory.import_files([DATA / "ttk.tmx"])
    before = snapshot(memory)
    with pytest.raises(InputError, match="line 14"):
        memory.import_files([DATA / "trados-studio.tmx", DATA / "malformed.tmx"], strict=True)
    assert snapshot(memory) == before


def test_interrupted_import_leaves_the_memory_as_it_was(memory):
    memory.import_files([DATA / "ttk.tmx"])
    before = snapshot(memory)
    lookups = [m.as_dict() for m in memory.lookup("日本とラオスは外交関係樹立70周年を迎えた。", "ja", "en")]

    def units_then_ctrl_c():
        for i in range(3000):
            yield pair(f"第{i}回の会合は東京で開かれた。", f"Meeting {i} was held in Tokyo.")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        memory.import_units(units_then_ctrl_c())
    assert snapshot(memory) == before
    assert [m.as_dict() for m in memory.lookup("日本とラオスは外交関係樹立70周年を迎えた。", "ja", "en")] == lookups
    assert memory.lookup("第7回の会合は東京で開かれた。", "ja", "en") == []


KILLER = r"""
import os, signal, sys
sys.path.insert(0, sys.argv[2])
from tm import params
params.IMPORT_BATCH = 100            # many batches written before the crash
params.INDEX_FLUSH_VARIANTS = 500    # and index segments
from tm.store import TranslationMemory
from tm.units import Unit, Variant
tm = TranslationMemory.open(sys.argv[1])
def units():
    for i in range(5000):
        if i == 4000:
            os.kill(os.getpid(), signal.SIGKILL)      # the process dies in the middle of the import
        yield Unit([Variant("ja-JP", f"第{i}回の会合は東京で開かれた。"), Variant("en-US", f"Meeting {i}.")])
tm.import_units(units())
"""


def test_killed_import_leaves_the_memory_as_it_was(tmp_path):
    path = tmp_path / "m.tm"
    with TranslationMemory.create(path) as tm:
        tm.import_files([DATA / "ttk.tmx"])
        before = snapshot(tm)
    proc = subprocess.run([sys.executable, "-c", KILLER, str(path), str(ROOT)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == -9, proc.stderr
    assert Path(str(path) + "-journal").exists()          # the crash left a hot journal behind
    with TranslationMemory.open(path) as tm:
        assert snapshot(tm) == before
        assert tm.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert len(tm) == 4


# --- lookup ---------------------------------------------------------------------------------------

JA_UNITS = [
    ("日本とラオスは外交関係樹立70周年を迎えた。", "Japan and Laos marked the 70th anniversary of diplomatic relations."),
    ("日本とラオスは外交関係樹立60周年を迎えた。", "Japan and Laos marked the 60th anniversary of diplomatic relations."),
    ("両首脳は包括的・戦略的パートナーシップを確認した。", "The two leaders confirmed the Comprehensive Strategic Partnership."),
    ("両首脳は地域情勢について意見交換を行った。", "The two leaders exchanged views on the regional situation."),
    ("次回の会合は東京で開催される。", "The next meeting will be held in Tokyo."),
    ("ＡＳＥＡＮとの協力を強化する。", "Cooperation with ASEAN will be strengthened."),
]


@pytest.fixture
def filled(memory):
    memory.import_units(pair(ja, en) for ja, en in JA_UNITS)
    return memory


def test_lookup_finds_the_closest_units_with_their_percentages(filled):
    query = "日本とラオスは外交関係樹立７０周年を迎えた。"
    matches = filled.lookup(query, "ja", "en")
    assert [(m.percent, m.source) for m in matches] == [(99, JA_UNITS[0][0]), (95, JA_UNITS[1][0])]
    assert matches[0].target == JA_UNITS[0][1] and matches[0].tgt_lang == "en-US"
    assert matches[0].differences == []
    assert matches[1].marked_source() == "日本とラオスは外交関係樹立[-6-]{+７+}0周年を迎えた。"
    d = matches[1].as_dict()
    assert d["differences"] == [{"op": "replace", "match": [13, 14], "query": [13, 14]}]


def test_lookup_options(filled):
    query = "日本とラオスは外交関係樹立７０周年を迎えた。"
    assert len(filled.lookup(query, "ja", "en", k=1)) == 1
    assert filled.lookup(query, "ja", "en", min_percent=100) == []
    assert len(filled.lookup(query, "ja-JP", "en-US")) == 2
    assert len(filled.lookup(query)) == 2                   # languages from the script and the memory
    en = filled.lookup("The two leaders confirmed the comprehensive strategic partnership.", "en", "ja")
    assert en[0].percent == 99 and en[0].target == JA_UNITS[2][0]
    assert filled.lookup("まったく関係のない文です。", "ja", "en") == []
    with pytest.raises(InputError, match="no units in 'fr'"):
        filled.lookup(query, "ja", "fr")
    with pytest.raises(InputError, match="empty"):
        filled.lookup("  ", "ja", "en")


def test_lookup_in_an_empty_memory(memory):
    with pytest.raises(InputError, match="the memory is empty"):
        memory.lookup("何か", "ja", "en")


def _sentences(rng, n):
    words = ["会議", "協力", "経済", "文化", "交流", "発展", "支援", "首脳", "政府", "国際", "地域", "安全",
             "開発", "教育", "人材", "投資", "技術", "環境", "保健", "農業"]
    particles = ["の", "に", "と", "を", "は", "で"]
    out = set()
    while len(out) < n:
        k = rng.randrange(4, 10)
        out.add("".join(rng.choice(words) + rng.choice(particles) for _ in range(k)) + "進める。")
    return sorted(out)


def test_lookup_through_the_index_finds_what_a_full_scan_finds(memory):
    """On 4000 similar sentences the best match through the index is the best match of a full scan."""
    rng = random.Random(3)
    sentences = _sentences(rng, 4000)
    memory.import_units(pair(s, f"sentence {i}") for i, s in enumerate(sentences))
    agree = 0
    queries = []
    for s in rng.sample(sentences, 40):
        chars = list(s)
        for _ in range(rng.randrange(1, 6)):
            chars[rng.randrange(len(chars))] = rng.choice("会協経文交発支首")
        queries.append("".join(chars))
    for q in queries:
        qt = tokenize(q, "ja")
        best_scan = max(percentage(qt, tokenize(s, "ja")) for s in sentences)
        found = memory.lookup(q, "ja", "en", k=1, min_percent=50)
        assert found, q
        agree += found[0].percent == best_scan
    assert agree >= 38, agree


def test_deleted_units_leave_the_index(filled):
    report = filled.clean("ja", "en", min_confidence=0.5)         # no confidences: nothing removed
    assert report.removed == 0
    target = filled.lookup(JA_UNITS[4][0], "ja", "en")[0]
    with filled._transaction():
        filled._delete_units([target.unit_id])
    assert all(m.unit_id != target.unit_id for m in filled.lookup(JA_UNITS[4][0], "ja", "en", min_percent=50))
    assert filled.concordance("東京") == []
    filled.optimize()
    assert filled.concordance("東京") == [] and len(filled.lookup(JA_UNITS[0][0], "ja", "en")) == 2


def test_many_imports_merge_index_segments(memory, monkeypatch):
    monkeypatch.setattr(params, "INDEX_MAX_SEGMENTS", 3)
    for ja, en in JA_UNITS:
        memory.import_units([pair(ja, en)])
    segments = memory.conn.execute("SELECT count(DISTINCT segment) FROM postings").fetchone()[0]
    assert segments <= 3
    assert [m.percent for m in memory.lookup("日本とラオスは外交関係樹立７０周年を迎えた。", "ja", "en")] == [99, 95]


# --- concordance ------------------------------------------------------------------------------------

def test_concordance_in_either_language(filled):
    hits = filled.concordance("パートナーシップ")
    assert len(hits) == 1 and hits[0].lang == "ja-JP"
    assert hits[0].marked_text() == "両首脳は包括的・戦略的[パートナーシップ]を確認した。"
    assert hits[0].translations == {"en-US": JA_UNITS[2][1]}
    en = filled.concordance("partner")
    assert [h.text[slice(*h.spans[0])] for h in en] == ["Partnership"]
    assert [h.lang for h in filled.concordance("ASEAN")] == ["en-US", "ja-JP"]   # newest first, then by language
    assert filled.concordance("asean", lang="ja")[0].marked_text() == "[ＡＳＥＡＮ]との協力を強化する。"
    assert len(filled.concordance("両首脳", limit=1)) == 1
    assert filled.concordance("見つからない語") == []
    with pytest.raises(InputError, match="no letters or digits"):
        filled.concordance("...", lang="en")
    assert filled.concordance("・。") == []             # in Japanese every character counts


def test_concordance_of_one_character(filled):
    assert sorted(h.text for h in filled.concordance("京", lang="ja")) == [JA_UNITS[4][0]]


# --- export ---------------------------------------------------------------------------------------

def validate(path):
    doc = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    dtd = etree.DTD(str(DTD))
    assert dtd.validate(doc), dtd.error_log.filter_from_errors()
    return doc


def test_export_tmx_is_valid_and_round_trips_inline_markup(memory, tmp_path):
    memory.import_files([DATA / name for name in FIXTURES])
    out = tmp_path / "all.tmx"
    assert memory.export(out) == len(memory)
    validate(out)
    with TranslationMemory.create(tmp_path / "again.tm") as again:
        again.import_files([out])
        assert len(again) == len(memory)
        rows = lambda tm: sorted(tm.conn.execute("SELECT lang, text, markup FROM variants").fetchall())
        assert rows(again) == rows(memory)
    text = out.read_text(encoding="utf-8")
    assert ('<seg>両首脳は、<bpt i="1" type="1" x="1"/>包括的・戦略的パートナーシップ<ept i="1"/>を確認した。</seg>'
            in text)
    assert 'usagecount="2"' in text and '<prop type="x-ConfirmationLevel">Translated</prop>' in text
    assert "<note>from the joint statement</note>" in text


def test_export_filters(memory, tmp_path):
    memory.import_files([DATA / "omegat-project_save.tmx", DATA / "workbench-tmx11-utf16.tmx"])
    memory.import_units([pair("低い確信度の文。", "A low-confidence sentence.", confidence=0.2),
                         pair("高い確信度の文。", "A high-confidence sentence.", confidence=0.9)], origin="aligned.jsonl")
    out = tmp_path / "f.tmx"
    assert memory.export(out, src="ja", tgt="en", min_confidence=0.5) == len(memory) - 1
    assert memory.export(out, origin="*project_save.tmx") == 4
    assert memory.export(out, origin="statement.html") == 1                  # OmegaT's file prop
    assert memory.export(out, since="2025-01-22") == 1 + 2                   # by change date (the import date today)
    assert memory.export(out, until="2008-12-31") == 2
    assert memory.export(out, src="ja-JP", tgt="en-US") == 8                 # locales ignore case: JA-JP too
    doc = validate(out)
    assert {t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in doc.iter("tuv")} == \
        {"ja-JP", "en-US", "JA-JP", "EN-US"}
    assert doc.find("header").get("srclang") == "ja-JP"
    with pytest.raises(InputError, match="not a date"):
        memory.export(out, since="yesterday")


def test_export_tsv_and_import_it_back(memory, tmp_path):
    memory.import_files([DATA / "ttk.tmx"])
    memory.import_units([pair("確信度つき。", "With a confidence.", confidence=0.75)])
    out = tmp_path / "pairs.tsv"
    assert memory.export(out) == 5
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "ja-JP\ten-US\tconfidence"
    assert lines[-1] == "確信度つき。\tWith a confidence.\t0.750"
    with TranslationMemory.create(tmp_path / "b.tm") as other:
        assert other.import_files([out]).added == 5


def test_export_is_atomic(memory, tmp_path):
    memory.import_files([DATA / "ttk.tmx"])
    out = tmp_path / "keep.tmx"
    out.write_text("old")
    with pytest.raises(InputError):
        memory.export(out, since="never")
    assert out.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["keep.tmx", "m.tm"]


# --- near-duplicates and cleaning ----------------------------------------------------------------------

def test_near_duplicates_are_reported_and_merged(memory):
    memory.import_units([pair("ＡＳＥＡＮとの協力を強化する。", "Cooperation with ASEAN will be strengthened.",
                              changed="20240101T000000Z", created="20240101T000000Z"),
                         pair("ASEAN との協力を強化する", "Cooperation with ASEAN will be strengthened",
                              changed="20250101T000000Z", created="20250101T000000Z"),
                         pair("ASEANとの協力を、強化する。", "cooperation with  ASEAN will be strengthened.",
                              changed="20230101T000000Z", created="20230101T000000Z"),
                         pair("ASEANとの協力を強化しない。", "Cooperation with ASEAN will not be strengthened.")])
    report = memory.dedup()
    assert len(report.groups) == 1 and report.removed == 2 and len(memory) == 4
    group = report.groups[0]
    kept_text = group.texts[group.kept]["ja-JP"]
    assert kept_text == "ASEAN との協力を強化する"                    # the most recently changed
    merged = memory.dedup(merge=True)
    assert merged.removed == 2 and len(memory) == 2
    assert memory.conn.execute("SELECT seen, changed FROM units WHERE id = ?", (group.kept,)).fetchone() == \
        (3, "20250101T000000Z")
    assert memory.dedup().groups == []
    assert sorted(m.source for m in memory.lookup("ASEANとの協力を強化する。", "ja", "en", min_percent=50)) == \
        ["ASEAN との協力を強化する", "ASEANとの協力を強化しない。"]


def test_clean_filters(memory):
    memory.import_units([
        pair("会合は東京で開かれた。", "The meeting was held in Tokyo.", confidence=0.9),
        pair("会合は大阪で開かれた。", "The meeting was held in Osaka.", confidence=0.1),          # low confidence
        pair("会合は京都で開かれた。", "The meeting was held in Kyoto."),                        # no confidence
        pair("両首脳は７０周年を祝った。", "The two leaders celebrated the 60th anniversary."),    # 70 vs 60
        pair("両首脳は2025年に会談した。", "The two leaders met."),                              # omission, kept
        pair("This sentence was not translated.", "This sentence was not translated."),        # copy
        pair("２０２５", "2025"),                                                                # numbers only, kept
        pair("会議が開かれた。", "The meeting that was held in the capital city of the country on the first day "
                                 "of the month was attended by delegations from twelve countries and lasted "
                                 "until late in the evening."),                                   # length ratio
    ] + [pair(f"会合{i}は予定どおり開かれた。", f"Meeting {i} took place as planned.") for i in range(10)])
    dry = memory.clean("ja", "en", min_confidence=0.5, length_ratio=3.0, untranslated=True, anchor_conflicts=True,
                       dry_run=True)
    assert {k: len(v) for k, v in dry.flagged.items()} == {"min_confidence": 1, "length_ratio": 1,
                                                          "untranslated": 1, "anchor_conflicts": 1}
    assert dry.removed == 4 and len(memory) == 18
    assert dry.examples["anchor_conflicts"][0][1] == "両首脳は７０周年を祝った。"
    done = memory.clean("ja", "en", min_confidence=0.5, length_ratio=3.0, untranslated=True, anchor_conflicts=True)
    assert done.removed == 4 and len(memory) == 14
    assert memory.concordance("大阪") == [] and memory.concordance("not translated") == []
    with pytest.raises(InputError, match="no filter given"):
        memory.clean("ja", "en")
