"""The lexicon learned from a first alignment (align/lexicon.py) and the second pass that uses it."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from align import params as P
from align.aligner import Bead
from align.api import align_texts
from align.langs import Features, get_language
from align.lexicon import Lexicon, training_pairs, training_pairs_sample

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


def pair(src: str, tgt: str):
    return frozenset(src.split()), frozenset(tgt.split())


def test_words_that_keep_appearing_together_are_paired():
    pairs = [pair("regierung plan", "government plan"), pair("regierung haus", "government house"),
             pair("regierung auto", "government car"), pair("haus", "house"), pair("zufall", "chance")]
    lexicon = Lexicon.learn(pairs)
    assert lexicon.src["regierung"] == "d:regierung=government"
    assert lexicon.src["haus"] == "d:haus=house"            # 2 times together, Dice 1.0
    assert "zufall" not in lexicon.src                       # once: could be chance
    assert "plan" not in lexicon.src and "auto" not in lexicon.src


def test_each_source_word_keeps_its_best_translation_only():
    pairs = [pair("a b", "x y"), pair("a b", "x y"), pair("a", "x"), pair("b", "z"), pair("b", "z")]
    lexicon = Lexicon.learn(pairs)
    assert lexicon.src["a"] == "d:a=x"                       # Dice(a,x) = 1.0 beats Dice(a,y) = 0.8
    assert "d:a=y" not in lexicon.tgt.get("y", [])
    assert all(isinstance(key, str) for key in lexicon.src.values())   # one key per source word


def test_annotate_adds_at_most_the_rarest_keys_and_leaves_other_sentences_alone():
    en = get_language("en")
    words = [f"w{k}" for k in range(P.LEXICON_KEYS + 3)]
    # w0 is the rarest word (2 sentences), the others appear more and more often
    pairs = []
    for k, w in enumerate(words):
        pairs += [pair(w, w.upper())] * (2 + k)
    lexicon = Lexicon.learn(pairs)
    f = Features(length=10.0, soft=Counter({"w:old": 1}))
    g = Features(length=5.0)
    out = lexicon.annotate([f, g], [" ".join(words), "nothing known"], en, "src")
    added = [k for k in out[0].soft if k.startswith("d:")]
    assert len(added) == P.LEXICON_KEYS
    assert "d:w0=W0" in added and f"d:{words[-1]}={words[-1].upper()}" not in added
    assert out[0].soft["w:old"] == 1 and "d:w0=W0" not in f.soft      # a copy: the original is unchanged
    assert out[1] is g


def test_training_pairs_are_the_confident_one_to_one_beads():
    ja, en = get_language("ja"), get_language("en")
    beads = [Bead((0,), (0,), 0.99), Bead((1,), (1,), 0.5), Bead((2, 3), (2,), 0.99), Bead((4,), (), 1.0)]
    texts_ja = ["日本政府", "ラオス", "東京", "京都", "大阪"]
    texts_en = ["Japanese Government", "Laos", "Tokyo and Kyoto"]
    found = training_pairs(ja, en, texts_ja, texts_en, beads)
    assert found == [(frozenset({"日本", "本政", "政府"}), frozenset({"japanese", "government"}))]
    assert training_pairs_sample(list(range(10)), 4) == [0, 2, 5, 7]


@pytest.mark.parametrize("code, text, expected", [
    ("en", "The Government's plan, 2025.", {"the", "government", "plan", "2025"}),
    ("zh", "政府计划", {"政府", "府计", "计划"}),
    ("th", "รัฐบาล ASEAN", {"รัฐบ", "ัฐบา", "ฐบาล", "asean"}),
    # Korean writes particles onto its words: 정부는 and 정부가 share the bigram 정부
    ("ko", "정부는 경제 ASEAN", {"정부", "부는", "경제", "asean"}),
])
def test_words_of_each_script(code, text, expected):
    words = get_language(code).words(text)
    if code == "th":   # trigrams of letters and marks: check the Latin word and the count
        assert "asean" in words and all(len(w) == 3 for w in words - {"asean"})
    else:
        assert words == expected


def test_japanese_words_are_bigrams_and_content_words():
    words = get_language("ja").words("新しい技術を使った。")
    assert "技術" in words                          # bigrams and MeCab's nouns alike
    assert {"使う", "新しい"} <= words               # 使った by its lemma: words no bigram gives
    assert "を使" in words                          # bigrams still run across word boundaries
    assert not any(w in words for w in ("を", "た"))  # particles and endings are no words


def test_a_short_pair_aligned_alone_learns_nothing():
    # 3 sentences: far under LEXICON_MIN_BEADS, so the result is the one-pass alignment
    ja = "日本とラオスは協力する。両国は会談した。首脳は合意した。"
    en = "Japan and Laos will cooperate. The two countries held talks. The leaders agreed."
    with_lexicon = align_texts(ja, en, "ja", "en")
    without = align_texts(ja, en, "ja", "en", lexicon=False)
    assert [(b.src, b.tgt, b.matched) for b in with_lexicon.beads] == [(b.src, b.tgt, b.matched) for b in without.beads]


@pytest.mark.skipif(not (EVAL / "zh-en" / "flores-docs").is_dir(), reason="needs ../shared/eval")
def test_batch_lexicon_pass_repairs_beads_on_a_pair_without_shared_script(run_cli, tmp_path):
    d = EVAL / "zh-en" / "flores-docs"
    scores = {}
    for name, extra in (("two", []), ("one", ["--no-lexicon"])):
        code, _, err = run_cli("batch", d / "zh", d / "en", tmp_path / name, "--presegmented", "-s", "zh",
                               "-t", "en", "-q", "-j", "2", *extra)
        assert code == 0, err
        code, out, err = run_cli("score", d / "gold", tmp_path / name, "--json")
        assert code == 0, err
        scores[name] = json.loads(out)["strict"]["f1"]
    assert scores["two"] > scores["one"] + 0.002, scores


def test_japanese_words_read_from_the_features_tokens():
    # the content words MeCab found while the features were made are used again, not recomputed
    from align.langs import ja as ja_module
    from align.langs.base import Sentence
    ja = get_language("ja")
    text = "新しい技術を使って経済協力を強化した。"
    ja_module._CONTENT_WORDS.pop(text, None)
    fresh = ja.words(text)
    ja.features([Sentence(text)])
    assert text in ja_module._CONTENT_WORDS
    assert ja.words(text) == fresh


@pytest.mark.skipif(not (EVAL / "ja-en" / "kyoto-dev").is_dir(), reason="needs ../shared/eval")
@pytest.mark.parametrize("limit, trained", [(10_000, 1), (300, 0)])
def test_the_translation_model_is_learned_only_for_a_pair_it_may_score(monkeypatch, limit, trained):
    from align import translation_model
    names = sorted(p.name for p in (EVAL / "ja-en" / "kyoto-dev" / "ja").iterdir())[:20]
    ja, en = ("\n".join((EVAL / "ja-en" / "kyoto-dev" / side / n).read_text().strip() for n in names)
              for side in ("ja", "en"))
    monkeypatch.setattr(P, "LEXICAL_MAX_SENTENCES", limit)
    monkeypatch.setattr(P, "FORKED_MODEL_FROM", 10**9)    # learned in this process, where the spy sees it
    calls = []
    learn = translation_model.TranslationModel.learn.__func__
    monkeypatch.setattr(translation_model.TranslationModel, "learn",
                        classmethod(lambda cls, pairs: calls.append(len(pairs)) or learn(cls, pairs)))
    alignment = align_texts(ja, en, "ja", "en", presegmented=True)
    assert len(alignment.src.sentences) > 300
    assert len(calls) == trained
    assert any(k.startswith("d:") for b in alignment.beads for k in b.matched)   # the lexicon, either way


@pytest.mark.skipif(not (EVAL / "ja-en" / "kyoto-dev").is_dir(), reason="needs ../shared/eval")
def test_a_model_learned_in_a_forked_process_aligns_as_one_learned_here(monkeypatch, forkable):
    from align import forked
    if not forked.can_fork():
        pytest.skip("processes are forked on Linux with two cores or more")
    names = sorted(p.name for p in (EVAL / "ja-en" / "kyoto-dev" / "ja").iterdir())[:20]
    ja, en = ("\n".join((EVAL / "ja-en" / "kyoto-dev" / side / n).read_text().strip() for n in names)
              for side in ("ja", "en"))
    aligned = {}
    for where, limit in (("here", 10**9), ("forked", 0)):
        monkeypatch.setattr(P, "FORKED_MODEL_FROM", limit)
        alignment = align_texts(ja, en, "ja", "en", presegmented=True)
        aligned[where] = [(b.src, b.tgt, round(b.confidence, 9), b.matched) for b in alignment.beads]
    assert aligned["here"] == aligned["forked"]
    assert any(k.startswith("d:") for b in alignment.beads for k in b.matched)


def test_leaving_out_a_document_s_pairs_drops_the_keys_only_they_vouched_for():
    rest = [pair("haus rot", "house red"), pair("haus klein", "house small"), pair("haus alt", "house old"),
            pair("baum", "tree"), pair("auto gross", "car big"), pair("auto neu", "car new"),
            pair("zug", "train"), pair("zug", "train"), pair("zug", "train")]
    own = [pair("baum gross", "tree big"), pair("haus rot", "house red"), pair("zug", "train")]
    full = Lexicon.learn(rest + own, model=False)
    left = full.leaving_out(own)
    assert full.src["baum"] == "d:baum=tree"                 # twice together: a key, once in own
    assert "baum" not in left.src and "tree" not in left.tgt and "d:baum=tree" not in left.frequency
    assert left.src["haus"] == "d:haus=house" and left.src["zug"] == "d:zug=train"
    assert left.src["auto"] == "d:auto=car"                  # own pairs do not hold it: untouched
    # the counts of what is kept are those of the other pairs
    assert left.counts["d:haus=house"][:3] == (3, 3, 3) and left.frequency["d:haus=house"] == 3
    assert left.counts["d:zug=train"][:3] == (3, 3, 3)
    # every key left is one learning from the other pairs alone gives too
    alone = Lexicon.learn(rest, model=False)
    assert set(left.src.items()) <= set(alone.src.items())
    assert {k for ks in left.tgt.values() for k in ks} == set(left.src.values()) == set(left.frequency)
    assert full.src["baum"] == "d:baum=tree"                 # the learned lexicon itself is unchanged
    assert full.leaving_out([]) is full


def test_leaving_out_drops_a_key_whose_dice_falls_below_the_threshold():
    # Dice 2 * together / (pairs with 'a' + pairs with 'x'), counted without the pairs left out
    pairs = [pair("a", "x"), pair("a", "x"), pair("a", "x"), pair("a", "y"), pair("a", "y")]
    full = Lexicon.learn(pairs, model=False)
    assert full.src["a"] == "d:a=x"                          # Dice 2*3/(5+3) = 0.75
    left = full.leaving_out([pair("a", "x")])                # 2*2/(4+2) = 0.67: kept
    assert left.src["a"] == "d:a=x" and left.counts["d:a=x"][:3] == (2, 4, 2)
    left = full.leaving_out([pair("a", "x"), pair("a", "y")])   # 2*2/(3+2) = 0.8: kept
    assert left.src["a"] == "d:a=x"
    left = full.leaving_out([pair("a", "x"), pair("a", "x")])   # 2*1/(3+1) = 0.5, once: dropped
    assert "a" not in left.src


def test_learned_from_picks_a_document_s_contested_pairs_from_the_sample():
    import importlib
    batch = importlib.import_module("align.batch")
    pairs = [pair(f"w{k}", f"v{k}") for k in range(10)]
    assert batch._learned_from(pairs, range(10), 3, [0, 2]) == [pairs[3], pairs[5]]   # all learned from
    assert batch._learned_from(pairs, [0, 2, 4, 6, 8], 3, [0, 1, 3]) == [pairs[4], pairs[6]]
    assert batch._learned_from(pairs, [0, 2, 4, 6, 8], 9, [0]) == []


def test_contested_pairs_are_those_beside_an_unsure_bead():
    from align.lexicon import contested
    beads = [Bead((0,), (0,), 0.99), Bead((1,), (1,), 0.99), Bead((2,), (2,), 0.99), Bead((3,), (), 0.5),
             Bead((4,), (3,), 0.99), Bead((5, 6), (4,), 0.99), Bead((7,), (5,), 0.95), Bead((8,), (6,), 0.99),
             Bead((9,), (7,), 0.99)]
    # training pairs: the sure 1-1 beads 0, 1, 2, 4, 6, 7, 8 (not the join 5)
    assert contested(beads, radius=2) == [False, True, True, True, False, False, False]
    assert contested(beads, radius=3) == [True, True, True, True, True, False, False]
    assert contested(beads, radius=1) == [False, False, True, True, False, False, False]
    assert contested([Bead((0,), (0,), 0.99)] * 3, radius=2) == [False] * 3
    assert len(contested(beads, limit=3)) == 3               # sampled as training_pairs samples


@pytest.mark.skipif(not (EVAL / "zh-en" / "flores-docs").is_dir(), reason="needs ../shared/eval")
def test_batch_aligns_each_document_again_without_its_contested_pairs(monkeypatch, tmp_path):
    import importlib
    from align.api import align_files
    from align.lexicon import contested
    batch = importlib.import_module("align.batch")
    d = EVAL / "zh-en" / "flores-docs"
    left_out = []
    original = Lexicon.leaving_out
    monkeypatch.setattr(Lexicon, "leaving_out", lambda self, own: left_out.append(own) or original(self, own))
    result = batch.batch(d / "zh", d / "en", tmp_path / "out", "zh", "en", presegmented=True, jobs=1, progress=False)
    assert len(result.aligned) == 35
    # each document aligned again leaves out the pairs of its first alignment beside its unsure beads
    expected = []
    for name in result.aligned:
        a = align_files(d / "zh" / name, d / "en" / name, "zh", "en", True, False, False)
        if any(b.confidence < P.LEXICON_MIN_CONFIDENCE for b in a.beads):
            pairs = training_pairs(a.src.lang, a.tgt.lang, a.src.texts, a.tgt.texts, a.beads)
            expected.append([p for p, c in zip(pairs, contested(a.beads)) if c])
    assert len(left_out) == len(expected) > 5
    assert left_out == expected and any(left_out)


@pytest.mark.skipif(not (EVAL / "my-en" / "flores-docs").is_dir(), reason="needs ../shared/eval")
def test_a_pair_aligned_alone_is_aligned_again_without_its_contested_pairs(monkeypatch):
    from align.lexicon import contested
    d = EVAL / "my-en" / "flores-docs"
    names = sorted(p.name for p in (d / "gold").iterdir())[:12]
    src = "".join((d / "my" / n).read_text(encoding="utf-8") for n in names)
    tgt = "".join((d / "en" / n).read_text(encoding="utf-8") for n in names)
    first = align_texts(src, tgt, "my", "en", presegmented=True, lexicon=False)
    pairs = training_pairs(first.src.lang, first.tgt.lang, first.src.texts, first.tgt.texts, first.beads)
    assert len(pairs) >= P.LEXICON_MIN_BEADS
    expected = [p for p, c in zip(pairs, contested(first.beads)) if c]
    assert 0 < len(expected) < len(pairs)
    left_out = []
    original = Lexicon.leaving_out
    monkeypatch.setattr(Lexicon, "leaving_out", lambda self, own: left_out.append(own) or original(self, own))
    # the lexicon learned here, where the spy sees it, not in a forked helper (which this test
    # had escaped only when an earlier test's thread was left running)
    from align import forked
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    align_texts(src, tgt, "my", "en", presegmented=True)
    assert left_out == [expected]


@pytest.mark.parametrize("chunk", [1000, 37])
def test_learned_keys_are_those_counting_pair_by_pair_gives(monkeypatch, chunk):
    import random
    from align import lexicon
    monkeypatch.setattr(lexicon, "LEARN_CHUNK", chunk)
    rng = random.Random(3)
    src_vocab, tgt_vocab = [f"s{k}" for k in range(60)], [f"t{k}" for k in range(60)]
    pairs = []
    for _ in range(400):
        ws = rng.sample(src_vocab, rng.randint(1, 6))
        wt = [f"t{w[1:]}" for w in ws if rng.random() < 0.8] + rng.sample(tgt_vocab, rng.randint(0, 2))
        pairs.append((frozenset(ws), frozenset(wt)))
    learned = Lexicon.learn(pairs, model=False)
    n_s = {w: sum(w in ws for ws, _ in pairs) for w in src_vocab}
    n_t = {w: sum(w in wt for _, wt in pairs) for w in tgt_vocab}
    ceiling = max(20, len(pairs) // 10)
    best = {}
    for s in src_vocab:
        for t in tgt_vocab:
            na, nb = n_s[s], n_t[t]
            if not (P.LEXICON_MIN_COUNT <= na <= ceiling and P.LEXICON_MIN_COUNT <= nb <= ceiling):
                continue
            k = sum(s in ws and t in wt for ws, wt in pairs)
            dice = 2 * k / (na + nb)
            if 3 * na >= nb and 3 * nb >= na and k >= P.LEXICON_MIN_COUNT and dice >= P.LEXICON_MIN_DICE:
                # the best partner: the highest Dice, then the first target word in sorted order
                if s not in best or dice > best[s][0][0] or (dice == best[s][0][0] and t < best[s][1]):
                    best[s] = ((dice,), t, k)
    assert len(best) > 20
    assert learned.src == {s: f"d:{s}={t}" for s, (_, t, _) in best.items()}
    assert {k: c[:3] for k, c in learned.counts.items()} == {f"d:{s}={t}": (k, n_s[s], n_t[t]) for s, (_, t, k) in best.items()}


@pytest.mark.skipif(not (EVAL / "ja-en" / "kyoto-dev").is_dir(), reason="needs ../shared/eval")
@pytest.mark.parametrize("dies_in", ["_learned_lexicon", "direction_scores"])
def test_a_second_pass_helper_that_dies_leaves_the_same_alignment(monkeypatch, forkable, dies_in):
    import os
    import signal
    from align import api, forked, translation_model
    if not forked.can_fork():
        pytest.skip("processes are forked on Linux with two cores or more")
    names = sorted(p.name for p in (EVAL / "ja-en" / "kyoto-dev" / "ja").iterdir())[:20]
    ja, en = ("\n".join((EVAL / "ja-en" / "kyoto-dev" / side / n).read_text().strip() for n in names)
              for side in ("ja", "en"))
    monkeypatch.setattr(P, "FORKED_MODEL_FROM", 0)
    expected = [(b.src, b.tgt, b.confidence, b.matched) for b in align_texts(ja, en, "ja", "en", presegmented=True).beads]
    parent = os.getpid()
    module = api if dies_in == "_learned_lexicon" else translation_model
    work = getattr(module, dies_in)

    def dies_there(*args, **kwargs):
        if os.getpid() != parent:          # the helper is killed (say, out of memory) at this step
            os.kill(os.getpid(), signal.SIGKILL)
        return work(*args, **kwargs)
    monkeypatch.setattr(module, dies_in, dies_there)
    alignment = align_texts(ja, en, "ja", "en", presegmented=True)
    assert [(b.src, b.tgt, b.confidence, b.matched) for b in alignment.beads] == expected
