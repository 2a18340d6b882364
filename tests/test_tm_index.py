"""The n-gram index: what the bulk builder writes is what a query looks for, and merging
segments drops deleted variants."""
import sqlite3

import numpy as np
import pytest

from tm import params
from tm.index import SCHEMA, IndexWriter, Searcher, forget, grams, load_counts, merge_segments, segment_count

TEXTS = [
    ("ja", "日本とラオスは外交関係樹立７０周年を迎えた。"),
    ("ja", "の"),
    ("ja", "ＡＳＥＡＮ 首脳会議"),
    ("ja", "𠮷野家の牛丼"),                       # a character outside the BMP
    ("en", "The two leaders, U.S. and Japan, met."),
    ("en", "the the THE"),
    ("en", "Ｆｕｌｌ-width ÉCOLE and école"),
    ("lo", "ສະບາຍດີ ປະເທດລາວ"),
]


@pytest.fixture
def conn():
    c = sqlite3.connect(":memory:")
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            c.execute(statement)
    return c


def postings(conn):
    out = {}
    for lang, gram, n, blob in conn.execute("SELECT lang, gram, n, ids FROM postings"):
        ids = np.frombuffer(blob, "<u4")
        assert n == len(ids) and list(ids) == sorted(set(ids.tolist()))
        for i in ids:
            out.setdefault(int(i), set()).add((lang, gram))
    return out


def test_bulk_build_indexes_the_grams_queries_look_for(conn):
    writer = IndexWriter(conn)
    for i, (lang, text) in enumerate(TEXTS, 1):
        writer.add(i, lang, text)
    writer.flush()
    got = postings(conn)
    for i, (lang, text) in enumerate(TEXTS, 1):
        assert got[i] == {(lang, g) for g in grams(text, lang)[0]}, text
    assert grams("ＡＳＥＡＮ 首脳", "ja")[0] == {"as", "se", "ea", "an", "n首", "首脳"}
    assert grams("The U.S. side", "en") == ({"the", "u", "s", "side"}, 6)
    counts = load_counts(conn)
    assert [int(counts[i]) for i in range(1, len(TEXTS) + 1)] == [grams(t, lang)[1] for lang, t in TEXTS]


def test_segments_are_written_every_flush_and_merged(conn, monkeypatch):
    monkeypatch.setattr(params, "INDEX_FLUSH_VARIANTS", 3)
    writer = IndexWriter(conn)
    for i in range(1, 11):
        writer.add(i, "ja", f"第{i}回の会合は東京で開かれた。")
    writer.flush()
    assert segment_count(conn) == 4                  # 3 + 3 + 3 + 1
    before = postings(conn)
    forget(conn, [2, 7])
    searcher = Searcher(conn)
    found = searcher.term_candidates("東京", "ja")
    assert found.tolist() == [1, 3, 4, 5, 6, 8, 9, 10]
    merge_segments(conn)
    assert segment_count(conn) == 1
    after = postings(conn)
    assert after == {i: g for i, g in before.items() if i not in (2, 7)}


def test_fuzzy_candidates_put_the_closest_first(conn):
    writer = IndexWriter(conn)
    texts = ["両首脳は包括的・戦略的パートナーシップを確認した。", "両首脳は地域情勢について意見交換を行った。",
             "包括的な協力を確認した。", "両国は経済協力を強化する。"]
    for i, t in enumerate(texts, 1):
        writer.add(i, "ja", t)
    writer.flush()
    searcher = Searcher(conn)
    assert searcher.fuzzy_candidates("両首脳は包括的・戦略的パートナーシップを再確認した。", "ja", 70, 10)[0] == 1
    # a text too short or too long to reach 70% is not a candidate, however many grams it shares
    assert 3 not in searcher.fuzzy_candidates("両首脳は包括的・戦略的パートナーシップを確認した。", "ja", 70, 10)
    assert searcher.fuzzy_candidates("まったく無関係", "ja", 70, 10) == []
