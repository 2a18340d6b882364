"""Features computed in forked workers (long documents) are those computed in one process,
and the keys of all pieces are one string object per distinct key."""
from __future__ import annotations

from pathlib import Path

import pytest

from align import document
from align.document import make_document, prepare_features

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "joint-statement-2025"


@pytest.mark.skipif(not document._can_fork(), reason="features run in forked workers on Linux only")
def test_features_of_forked_pieces_equal_those_of_one_process(monkeypatch):
    texts = {lang: (CORPUS / f"{lang}.txt").read_text(encoding="utf-8") for lang in ("ja", "en")}
    serial = {lang: make_document(text, lang).features for lang, text in texts.items()}
    monkeypatch.setattr(document, "PARALLEL_FEATURES_FROM", 10)
    monkeypatch.setattr(document, "FEATURE_PIECE", 7)       # many pieces, several per worker
    monkeypatch.setattr(document.os, "cpu_count", lambda: 2)
    docs = [make_document(text, lang) for lang, text in texts.items()]
    assert all(d._features is None for d in docs)
    prepare_features(docs)
    for d in docs:
        assert len(d.sentences) > 3 * document.FEATURE_PIECE
        assert d._features == serial[d.lang.code]
    keys = {}
    for d in docs:
        for f in d._features:
            for k in list(f.hard) + list(f.soft):
                assert keys.setdefault(k, k) is k      # shared across pieces and documents
    assert len(keys) > 50
    assert document._FORKED_DOCUMENTS == []
