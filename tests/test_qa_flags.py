"""QA flags on hand-made alignments: each kind of flag fires on the pair built to trigger it, with
a reason that names what is wrong, and not on the ordinary pairs around it."""
from __future__ import annotations

import json

import pytest

from align.errors import InputError
from align.qa import build_report
from align.qa import thresholds as T

# Ordinary 1-1 pairs: Japanese and English sentences of the joint statement whose lengths keep the
# document's usual ratio (about 3 English characters per Japanese character).
ORDINARY = [
    ("両首脳は、あらゆる分野で開花している両国関係を、今後更に発展させていくことで一致した。",
     "The two Prime Ministers concurred to further develop the bilateral relationship, which is flourishing in all areas."),
    ("両首脳は、二国間の友好協力関係を高く評価した。",
     "The two Prime Ministers highly appreciated the bilateral relations of friendship and cooperation."),
    ("両首脳は、観光分野の振興を通じた人的交流拡大のため、両国がともに取り組んでいくことを確認した。",
     "The two Prime Ministers confirmed that the two countries would work together to expand people-to-people exchanges."),
    ("両首脳は、地域及び国際社会の課題について意見交換を行った。",
     "The two Prime Ministers exchanged views on regional and international issues."),
    ("両首脳は、人材育成分野での協力を一層強化することで一致した。",
     "The two Prime Ministers concurred to further strengthen cooperation in human resource development."),
    ("両首脳は、法の支配に基づく自由で開かれた国際秩序の重要性を確認した。",
     "The two Prime Ministers confirmed the importance of a free and open international order based on the rule of law."),
    ("両首脳は、気候変動対策における協力を歓迎した。",
     "The two Prime Ministers welcomed cooperation in addressing climate change."),
    ("両首脳は、保健医療分野における協力の進展を評価した。",
     "The two Prime Ministers appreciated the progress of cooperation in the field of health and medical care."),
    ("両首脳は、農業分野での協力を更に進めることで一致した。",
     "The two Prime Ministers concurred to further advance cooperation in the field of agriculture."),
    ("両首脳は、文化交流の一層の促進を歓迎した。",
     "The two Prime Ministers welcomed the further promotion of cultural exchanges."),
]


def record(src, tgt, src_text, tgt_text, confidence=0.99, matched=(), conflicts=(), doc="doc"):
    return {"doc": doc, "src": list(src), "tgt": list(tgt), "type": f"{len(src)}-{len(tgt)}",
            "confidence": confidence, "src_text": src_text, "tgt_text": tgt_text, "src_lang": "ja", "tgt_lang": "en",
            "anchors": {"matched": list(matched), "conflicts": list(conflicts)}}


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


class Doc:
    """Builds an alignment bead by bead, numbering the sentences as an aligner does."""

    def __init__(self):
        self.records, self.i, self.j = [], 0, 0
        self.next_ordinary = 0

    def add(self, src_texts, tgt_texts, **kw):
        src = list(range(self.i, self.i + len(src_texts)))
        tgt = list(range(self.j, self.j + len(tgt_texts)))
        self.i += len(src_texts)
        self.j += len(tgt_texts)
        self.records.append(record(src, tgt, "".join(src_texts), " ".join(tgt_texts), **kw))
        return len(self.records) - 1  # the pair's number

    def ordinary(self, k):
        """K ordinary pairs, continuing through ORDINARY."""
        for _ in range(k):
            ja, en = ORDINARY[self.next_ordinary % len(ORDINARY)]
            self.next_ordinary += 1
            self.add([ja], [en])


def flags_of(tmp_path, doc: Doc, **kw):
    """{pair number: {kind: reason}} of the report on DOC."""
    report = build_report([write_jsonl(tmp_path / "doc", doc.records)], **kw)
    pairs = report.data["documents"][0]["pairs"]
    return {p["n"]: {f["kind"]: f["reason"] for f in p["flags"]} for p in pairs if p["flags"]}, report


def test_ordinary_pairs_are_not_flagged(tmp_path):
    doc = Doc()
    doc.ordinary(10)
    flags, report = flags_of(tmp_path, doc)
    assert flags == {}
    assert report.summary["flagged_pairs"] == 0 and report.flags == []


def test_number_and_date_that_differ(tmp_path):
    doc = Doc()
    doc.ordinary(5)
    n = doc.add(["両首脳は、2024 年 1 月に会議を開催した。"], ["The two Prime Ministers held a meeting in February 2025."],
                matched=(), conflicts=("m:1", "m:2", "n:2024", "n:2025"))
    doc.ordinary(5)
    flags, _ = flags_of(tmp_path, doc)
    assert set(flags) == {n}
    reason = flags[n]["anchor"]
    assert "number differs: 2024 in source, 2025 in target" in reason
    assert "date differs: January in source, February in target" in reason


def test_acronym_on_one_side_only(tmp_path):
    doc = Doc()
    doc.ordinary(4)
    n = doc.add(["両首脳は、東南アジア諸国連合との協力を確認した。"],
                ["The two Prime Ministers confirmed cooperation with ASEAN."], conflicts=("a:ASEAN",))
    doc.ordinary(4)
    flags, _ = flags_of(tmp_path, doc)
    assert flags[n]["anchor"] == "acronym ASEAN in target only"


def test_same_number_written_twice_is_not_a_difference(tmp_path):
    """令和7年（2025年） holds 2025 twice, the English once: the aligner's counts differ, but
    nothing is missing on either side."""
    doc = Doc()
    doc.ordinary(8)
    n = doc.add(["両首脳は、令和7年（2025年）に会議を開催した。"], ["The two Prime Ministers held a meeting in 2025."],
                matched=("n:2025",), conflicts=("n:2025",))
    flags, _ = flags_of(tmp_path, doc)
    assert n not in flags


def test_recurring_mismatch_is_reported_once_not_per_pair(tmp_path):
    """"Lao PDR" for ラオス in every pair is the translation's convention, not an error per pair."""
    doc = Doc()
    recurring = [doc.add(["ラオスは協力を歓迎した。"], ["The Lao PDR welcomed the cooperation."], conflicts=("a:PDR",))
                 for _ in range(T.RECURRING_MIN_BEADS)]
    doc.ordinary(6)
    # a key that conflicts once where it matches three times elsewhere is an error at that pair
    for _ in range(3):
        doc.add(["ＡＳＥＡＮとの協力を歓迎した。"], ["They welcomed cooperation with ASEAN."], matched=("a:ASEAN",))
    lone = doc.add(["東南アジアとの協力を歓迎した。"], ["They welcomed cooperation with ASEAN."], conflicts=("a:ASEAN",))
    flags, report = flags_of(tmp_path, doc)
    assert not any(n in flags for n in recurring)
    assert "anchor" in flags[lone]
    mismatches = report.data["documents"][0]["recurring_mismatches"]
    assert [(m["key"], m["conflicting_pairs"], m["pairs"]) for m in mismatches] == [
        ("a:PDR", T.RECURRING_MIN_BEADS, T.RECURRING_MIN_BEADS)]
    assert "PDR" in mismatches[0]["reason"]


def test_length_ratio_far_off_the_documents_own(tmp_path):
    doc = Doc()
    doc.ordinary(10)
    ja, en = ORDINARY[0]
    short = doc.add([ja], ["They agreed."])        # about a tenth of the usual English length
    long = doc.add(["一致した。"], [en + " " + en])  # one Japanese clause, two long English sentences
    flags, report = flags_of(tmp_path, doc)
    assert {n for n, f in flags.items() if "length" in f} == {short, long}
    assert "shorter than usual" in flags[short]["length"] and "longer than usual" in flags[long]["length"]
    pairs = report.data["documents"][0]["pairs"]
    assert abs(pairs[short]["length_sds"]) > T.LENGTH_ROBUST_SDS
    assert all(abs(p["length_sds"]) <= T.LENGTH_ROBUST_SDS for p in pairs if p["n"] not in (short, long))


def test_small_documents_are_measured_against_all_documents(tmp_path):
    """Too few pairs for a distribution of its own: a document borrows the pooled one."""
    big, small = Doc(), Doc()
    big.ordinary(10)
    small.ordinary(2)
    ja, _ = ORDINARY[0]
    off = small.add([ja], ["Agreed."])
    for r in small.records:
        r["doc"] = "small"
    (tmp_path / "docs").mkdir()
    write_jsonl(tmp_path / "docs" / "big", big.records)
    write_jsonl(tmp_path / "docs" / "small", small.records)
    report = build_report([tmp_path / "docs"])
    small_doc = next(d for d in report.data["documents"] if d["name"] == "small")
    assert small_doc["summary"]["length_ratio"]["pooled"] is True
    assert [f["kind"] for f in small_doc["pairs"][off]["flags"]] == ["length"]


def test_low_confidence(tmp_path):
    doc = Doc()
    doc.ordinary(3)
    low = doc.add(*[[t] for t in ORDINARY[3]], confidence=T.LOW_CONFIDENCE - 0.01)
    at = doc.add(*[[t] for t in ORDINARY[4]], confidence=T.LOW_CONFIDENCE)
    doc.ordinary(3)
    flags, report = flags_of(tmp_path, doc)
    assert set(flags) == {low} and "confidence" in flags[low]
    assert f"{T.LOW_CONFIDENCE - 0.01:.2f}" in flags[low]["confidence"]
    assert at not in flags
    assert report.summary["confidence"]["below_threshold"] == 1


def test_unaligned_sentences(tmp_path):
    doc = Doc()
    doc.ordinary(4)
    dropped = doc.add(["（仮訳）"], [])
    added = doc.add([], ["(Provisional translation)"])
    doc.ordinary(4)
    flags, report = flags_of(tmp_path, doc)
    assert set(flags) == {dropped, added}
    assert flags[dropped]["unaligned"] == "source sentence 4 without translation (1-0 bead)"
    assert flags[added]["unaligned"] == "target sentence 4 without source (0-1 bead)"
    s = report.summary
    assert s["unaligned"] == {"src_sentences": 1, "tgt_sentences": 1, "share": round(2 / (9 + 9), 4)}


def test_beads_of_three_or_more_sentences(tmp_path):
    doc = Doc()
    doc.ordinary(4)
    ja1, en1 = ORDINARY[4]
    ja2, en2 = ORDINARY[5]
    one_two = doc.add([ja1 + ja2], [en1, en2])
    two_one = doc.add([ja1, ja2], [en1 + " " + en2])
    two_two = doc.add([ja1, ja2], [en1, en2])
    doc.ordinary(4)
    flags, report = flags_of(tmp_path, doc)
    assert set(flags) == {one_two, two_one, two_two}
    assert all(set(flags[n]) == {"merge"} for n in flags)
    assert flags[two_two]["merge"].startswith("2-2 bead")
    assert report.summary["bead_types"] == {"1-1": 8, "1-2": 1, "2-1": 1, "2-2": 1}


def test_low_chrf_against_machine_translation(tmp_path):
    doc = Doc()
    doc.ordinary(6)
    # the MT of the source: the target itself for every pair but one, which it contradicts
    mt = [en for _, en in ORDINARY[:6]]
    mt[2] = "Rice exports grew in the third quarter of the fiscal year."
    (tmp_path / "mt.txt").write_text("\n".join(mt) + "\n", encoding="utf-8")
    flags, report = flags_of(tmp_path, doc, src_mt=tmp_path / "mt.txt")
    assert set(flags) == {2} and "chrF" in flags[2]["mt"]
    pairs = report.data["documents"][0]["pairs"]
    assert pairs[2]["chrf"] < T.LOW_CHRF <= min(p["chrf"] for p in pairs if p["n"] != 2)
    assert report.summary["chrf"]["below_threshold"] == 1


def test_machine_translation_must_have_a_line_per_source_sentence(tmp_path):
    doc = Doc()
    doc.ordinary(4)
    (tmp_path / "mt.txt").write_text("one\ntwo\nthree\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"mt\.txt: 3 lines, but .* 4 source sentences"):
        flags_of(tmp_path, doc, src_mt=tmp_path / "mt.txt")


def test_flags_list_links_to_each_pair(tmp_path):
    doc = Doc()
    doc.ordinary(3)
    n = doc.add(["（仮訳）"], [])
    _, report = flags_of(tmp_path, doc)
    assert report.flags == [{"doc": "doc", "pair": n, "kind": "unaligned",
                             "reason": "source sentence 3 without translation (1-0 bead)", "link": f"#pair-doc-{n}"}]
    assert report.data["documents"][0]["pairs"][n]["id"] == f"pair-doc-{n}"


@pytest.mark.parametrize("content, message", [
    ("not json\n", r"doc:1: not JSON"),
    ('{"src": [0], "tgt": [0]}\n', r"doc:1: record lacks 'confidence', 'src_text', 'tgt_text'"),
    ('[1, 2]\n', r"doc:1: expected a JSON object"),
    (json.dumps(record([0], [0], "あ", "a", confidence=1.5)) + "\n", r"doc:1: \"confidence\" must be a number"),
    (json.dumps(record([0], ["x"], "あ", "a")) + "\n", r"doc:1: \"tgt\" must be a list of sentence indices"),
    (json.dumps(record([0], [0], "あ", "a")) + "\n" + json.dumps(record([1], [0, 1], "い", "b")) + "\n",
     r"doc: document 'doc': target sentence 0 is in bead 1 and in bead 2"),
    ("\n\n", r"doc: file is empty"),
])
def test_bad_alignment_files_are_refused_with_file_and_line(tmp_path, content, message):
    (tmp_path / "doc").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        build_report([tmp_path / "doc"])


def test_machine_translations_of_several_documents_pair_by_name(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "mt").mkdir()
    for name in ("a", "b"):
        doc = Doc()
        doc.ordinary(3)
        write_jsonl(tmp_path / "out" / name, doc.records)
        (tmp_path / "mt" / name).write_text("".join(en + "\n" for _, en in ORDINARY[:3]), encoding="utf-8")
    report = build_report([tmp_path / "out"], src_mt=tmp_path / "mt")
    assert all(p["chrf"] == 100.0 for d in report.data["documents"] for p in d["pairs"])
    (tmp_path / "mt" / "b").unlink()
    with pytest.raises(InputError, match=r"no machine translation file for 1 of the 2 documents \(first: b\)"):
        build_report([tmp_path / "out"], src_mt=tmp_path / "mt")
