"""Analysis of a document against a memory: match bands, repetitions, characters or words."""
import json

import pytest

from align.errors import InputError
from tm.analysis import band_of
from tm.store import TranslationMemory
from tm.units import Unit, Variant

MEMORY = [
    ("日本とラオスは外交関係樹立70周年を迎えた。", "Japan and Laos marked the 70th anniversary of diplomatic relations."),
    ("両首脳は包括的・戦略的パートナーシップを確認した。", "The two leaders confirmed the Comprehensive Strategic Partnership."),
    ("次回の会合は東京で開催される予定である。", "The next meeting is to be held in Tokyo."),
    ("両国は経済協力を一層強化することで一致した。", "The two countries agreed to further strengthen economic cooperation."),
]
# the document: two 100% matches, 85 (である -> だった: 3 characters of 20), a repetition of the
# first segment (spaced differently), 90 (一層 left out: 2 of 22), a sentence the memory does not know
DOCUMENT = ("日本とラオスは外交関係樹立70周年を迎えた。\n"
            "両首脳は包括的・戦略的パートナーシップを確認した。\n"
            "次回の会合は東京で開催される予定だった。\n"
            "日本とラオスは外交関係樹立 70 周年を迎えた。\n"
            "両国は経済協力を強化することで一致した。\n"
            "首都の天気は晴れだった。\n")


@pytest.fixture
def memory(tmp_path):
    with TranslationMemory.create(tmp_path / "m.tm") as tm:
        tm.import_units(Unit([Variant("ja-JP", ja), Variant("en-US", en)]) for ja, en in MEMORY)
        yield tm


def test_band_of():
    assert [band_of(p) for p in (100, 99, 95, 94, 85, 84, 75, 74, 50, None)] == \
        ["100%", "95-99%", "95-99%", "85-94%", "85-94%", "75-84%", "75-84%", "50-74%", "50-74%", "no match"]


def test_match_bands_of_a_japanese_document(memory, tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text(DOCUMENT, encoding="utf-8")
    result = memory.analyze(doc, "ja", "en")
    got = [(s.band, s.percent) for s in result.segments]
    assert got == [("100%", 100), ("100%", 100), ("85-94%", 85), ("repetitions", None), ("85-94%", 90),
                   ("no match", None)]
    assert result.segments[3].repeats == 0
    rows = {r["band"]: r for r in result.rows()}
    assert result.unit_name == "characters"
    assert rows["100%"]["segments"] == 2 and rows["100%"]["characters"] == 22 + 25
    assert rows["repetitions"]["characters"] == 22                       # spaces are not counted
    assert rows["total"]["segments"] == 6
    assert rows["total"]["characters"] == sum(len(line.replace(" ", "")) for line in DOCUMENT.splitlines())
    assert sum(r["segments"] for b, r in rows.items() if b != "total") == 6
    table = result.table()
    for band in ("repetitions", "100%", "95-99%", "85-94%", "75-84%", "50-74%", "no match", "total"):
        assert band in table
    data = json.loads(result.to_json())
    assert data["unit"] == "characters" and data["bands"][1] == {"band": "100%", "segments": 2, "characters": 47,
                                                                  "percent": round(100 * 47 / rows["total"]["characters"], 1)}
    assert [s["band"] for s in data["segments"]] == [b for b, _ in got]


def test_english_documents_are_counted_in_words(memory, tmp_path):
    doc = tmp_path / "en.txt"
    doc.write_text("The two leaders confirmed the Comprehensive Strategic Partnership. "
                   "It rained in the capital.\n", encoding="utf-8")
    result = memory.analyze(doc, "en", "ja")
    assert result.unit_name == "words"
    assert [(s.band, s.units) for s in result.segments] == [("100%", 8), ("no match", 5)]


def test_segments_given_directly_and_presegmented(memory, tmp_path):
    result = memory.analyze(["首都の天気は晴れだった。", "首都の天気は晴れだった。"], "ja", "en")
    assert [s.band for s in result.segments] == ["no match", "repetitions"]
    doc = tmp_path / "lines.txt"
    doc.write_text("日本とラオスは\n外交関係樹立70周年を迎えた。\n", encoding="utf-8")
    joined = memory.analyze(doc, "ja", "en")
    assert [s.band for s in joined.segments] == ["100%"]                 # the lines are joined into a sentence
    lines = memory.analyze(doc, "ja", "en", presegmented=True)
    assert len(lines.segments) == 2


def test_bad_documents(memory, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        memory.analyze(tmp_path / "none.txt", "ja", "en")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        memory.analyze(empty, "ja", "en")
