"""A bilingual lexicon learned from the documents being aligned, for a second pass.

Length and anchors (numbers, names) leave the aligner guessing where a sentence was dropped or
two were joined in pairs that share no script. The documents themselves say more: in the pairs
a first pass is sure of, the same words keep appearing together (Moore 2002; hunalign's
"autodictionary" does the same). Word pairs that co-occur often enough, measured by the Dice
coefficient, become soft anchor keys ("d:gouvernement=regierung"), and the documents are aligned again with them.
No dictionary, no model, any language: words are what `Language.words` gives (character n-grams
in scripts without spaces).

`batch` learns one lexicon from all its documents; `align` learns from the pair itself. Either
aligns a document again with it less what the document's pairs beside the places its first
alignment was unsure of taught it (`contested`, Lexicon.leaving_out): a wrong pair there must not
vouch for itself.
"""
from __future__ import annotations

import itertools
from bisect import bisect_left
from collections import Counter
from copy import copy
from typing import Iterable

import numpy as np

from . import params as P
from .aligner import Bead
from .langs import Features, Language

Pair = tuple[frozenset, frozenset]


def training_pairs(src_lang: Language, tgt_lang: Language, src_texts: list[str], tgt_texts: list[str],
                   beads: list[Bead], limit: int = P.LEXICON_MAX_BEADS,
                   words: tuple[list, list] | None = None) -> list[Pair]:
    """The words of both sides of the confident 1-1 beads (at most LIMIT, spread evenly).
    WORDS: each sentence's words on each side, when the caller has them already."""
    sure = [beads[k] for k in _sure(beads, limit)]
    if words is not None:
        return [(frozenset(words[0][b.src[0]]), frozenset(words[1][b.tgt[0]])) for b in sure]
    return [(frozenset(src_lang.words(src_texts[b.src[0]])), frozenset(tgt_lang.words(tgt_texts[b.tgt[0]])))
            for b in sure]


def _sure(beads: list[Bead], limit: int) -> list[int]:
    """The indices of the confident 1-1 beads (at most LIMIT, spread evenly)."""
    sure = [k for k, b in enumerate(beads)
            if len(b.src) == 1 and len(b.tgt) == 1 and b.confidence >= P.LEXICON_MIN_CONFIDENCE]
    return training_pairs_sample(sure, limit)


def contested(beads: list[Bead], limit: int = P.LEXICON_MAX_BEADS,
              radius: int = P.LEXICON_CONTESTED_RADIUS) -> list[bool]:
    """For each of the pairs training_pairs gives for BEADS, in its order: whether its bead lies
    within RADIUS beads of one the alignment is unsure of. The second pass decides such places
    again, and a pair beside one may be wrong: it must not vouch for itself there
    (Lexicon.leaving_out)."""
    unsure = [k for k, b in enumerate(beads) if b.confidence < P.LEXICON_MIN_CONFIDENCE]
    out = []
    for k in _sure(beads, limit):
        at = bisect_left(unsure, k - radius)
        out.append(at < len(unsure) and unsure[at] <= k + radius)
    return out


def training_pairs_sample(pairs: list, limit: int = P.LEXICON_MAX_BEADS) -> list:
    """At most LIMIT of PAIRS, spread evenly over them (over all documents of a batch)."""
    if len(pairs) <= limit:
        return pairs
    step = len(pairs) / limit
    return [pairs[int(k * step)] for k in range(limit)]


# Lexicon._learn pairs the words of this many training pairs at a time (a 5k pair's 5,000 at once
# had raised its peak by 40 MB)
LEARN_CHUNK = 1000


class Lexicon:
    """Source word -> key, target word -> keys, and how many training sentences hold each key."""

    def __init__(self, src: dict[str, str], tgt: dict[str, list[str]], frequency: dict[str, int], model=None,
                 counts: dict[str, tuple[int, int, int, str]] | None = None):
        self.src, self.tgt, self.frequency = src, tgt, frequency
        self.model = model   # TranslationModel learned from the same pairs, or None
        # per key, the training pairs holding both its words, its source word, its target word;
        # and its target word
        self.counts = counts

    def __len__(self) -> int:
        return len(self.src)

    @classmethod
    def learn(cls, pairs: Iterable[Pair], model: bool = True) -> "Lexicon":
        """MODEL: also learn the translation model (not when no document it would score is short
        enough to be scored: training is most of the time of learning)."""
        pairs = list(pairs)
        lexicon = cls._learn(pairs)
        if model and P.LEXICAL_WEIGHT:
            from .translation_model import TranslationModel
            lexicon.model = TranslationModel.learn(pairs)
        return lexicon

    @classmethod
    def _learn(cls, pairs: list[Pair]) -> "Lexicon":
        # counted in one C loop over all the words (an update per pair: 30 ms of a 1k pair's 0.1 s)
        n_src = Counter(itertools.chain.from_iterable(ws for ws, _ in pairs))
        n_tgt = Counter(itertools.chain.from_iterable(wt for _, wt in pairs))
        # Only words seen twice (LEXICON_MIN_COUNT) and in at most a tenth of the pairs (function
        # words) are paired; and Dice >= 1/2 needs 2k >= (na + nb) / 2 with k <= min(na, nb), so
        # only words whose counts are within a factor 3 of each other. Pairs are counted as
        # integer codes with numpy: counting word tuples took 4 s for 7,500 beads.
        ceiling = max(20, len(pairs) // 10)
        src_words = sorted(w for w, n in n_src.items() if P.LEXICON_MIN_COUNT <= n <= ceiling)
        tgt_words = sorted(w for w, n in n_tgt.items() if P.LEXICON_MIN_COUNT <= n <= ceiling)
        if not src_words or not tgt_words:
            return cls({}, {}, {})
        src_id = {w: i for i, w in enumerate(src_words)}
        tgt_id = {w: i for i, w in enumerate(tgt_words)}
        n_s = np.array([n_src[w] for w in src_words], dtype=np.int64)
        n_t = np.array([n_tgt[w] for w in tgt_words], dtype=np.int64)
        # every (source word, target word) of every pair at once, sorted by code (a loop over
        # the pairs took 0.1 s of a 1k pair); a pair holds each word once, so a code's count is
        # the number of pairs holding both words
        from .translation_model import _combinations, _known
        codes = []
        for k in range(0, len(pairs), LEARN_CHUNK):   # in chunks: _combinations' temporaries bounded
            chunk = pairs[k:k + LEARN_CHUNK]
            A, la = _known([ws for ws, _ in chunk], src_id)
            B, lb = _known([wt for _, wt in chunk], tgt_id)
            if not int((la * lb).sum()):
                continue
            code, _ = _combinations(la, lb, A, B, len(tgt_words))
            na, nb = n_s[code // len(tgt_words)], n_t[code % len(tgt_words)]
            codes.append(code[(3 * na >= nb) & (3 * nb >= na)])
        code = np.sort(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64)
        if not len(code):
            return cls({}, {}, {})
        first = np.flatnonzero(np.concatenate(([True], code[1:] != code[:-1])))
        together = np.diff(np.append(first, len(code)))
        code = code[first]
        a, b = code // len(tgt_words), code % len(tgt_words)
        dice = 2 * together / (n_s[a] + n_t[b])
        ok = (together >= P.LEXICON_MIN_COUNT) & (dice >= P.LEXICON_MIN_DICE)
        a, b, dice = a[ok], b[ok], dice[ok]
        order = np.lexsort((b, -dice, a))           # per source word, the best partner first
        a, b = a[order], b[order]
        first = np.ones(len(a), dtype=bool)
        first[1:] = a[1:] != a[:-1]
        src, tgt, frequency, counts = {}, {}, {}, {}
        for i, j, k in zip(a[first].tolist(), b[first].tolist(), together[ok][order][first].tolist()):
            word, partner = src_words[i], tgt_words[j]
            key = f"d:{word}={partner}"   # readable where beads list their matched anchors
            src[word] = key
            tgt.setdefault(partner, []).append(key)
            frequency[key] = int(n_s[i])
            counts[key] = (k, int(n_s[i]), int(n_t[j]), partner)
        return cls(src, tgt, frequency, counts=counts)

    def leaving_out(self, pairs: list[Pair]) -> "Lexicon":
        """This lexicon as if learned without PAIRS (of those it learned from, the ones beside a
        place the document about to be aligned again was unsure of: `contested`): each key's
        counts less theirs, and the keys that then fall below LEXICON_MIN_COUNT or
        LEXICON_MIN_DICE dropped (keys it would have gained instead are not looked for). So is the
        model (TranslationModel.leaving_out). Otherwise a wrong pair the first pass was sure of
        vouches for itself: its words became keys and were learned as translations from it, and
        the second pass kept it."""
        if not pairs:
            return self
        model = self.model.leaving_out(pairs) if self.model is not None else None
        if self.counts is None:
            return Lexicon(self.src, self.tgt, self.frequency, model)
        lost = {}   # key -> [pairs with both words, with the source word, with the target word]
        for ws, wt in pairs:
            target_keys = {k for w in wt for k in self.tgt.get(w, ())}
            for k in target_keys:
                lost.setdefault(k, [0, 0, 0])[2] += 1
            for w in ws:
                k = self.src.get(w)
                if k is not None:
                    d = lost.setdefault(k, [0, 0, 0])
                    d[1] += 1
                    d[0] += k in target_keys
        # copies changed where the pairs touch them (rebuilding the dicts cost 60 ms a document)
        src, tgt, frequency, counts = dict(self.src), dict(self.tgt), dict(self.frequency), dict(self.counts)
        for k, (dk, ds, dt) in lost.items():
            together, n_s, n_t, partner = self.counts[k]
            together, n_s, n_t = together - dk, n_s - ds, n_t - dt
            if (min(together, n_s, n_t) >= P.LEXICON_MIN_COUNT
                    and 2 * together >= P.LEXICON_MIN_DICE * (n_s + n_t)):
                frequency[k] = n_s
                counts[k] = (together, n_s, n_t, partner)
                continue
            del src[k[2:len(k) - len(partner) - 1]], frequency[k], counts[k]
            keys = [x for x in tgt[partner] if x != k]
            if keys:
                tgt[partner] = keys
            else:
                del tgt[partner]
        return Lexicon(src, tgt, frequency, model, counts)

    def without(self, covered) -> "Lexicon":
        """This lexicon without the word pairs COVERED(source word, target word) says other anchor
        keys match already (規模 = 规模 between Japanese and Chinese: align/cognates.py), so that
        the same evidence is not counted twice. COVERED None: this lexicon."""
        if covered is None:
            return self
        drop = {key for word, key in self.src.items() if covered(word, key[len(word) + 3:])}
        if not drop:
            return self
        tgt = {w: [k for k in keys if k not in drop] for w, keys in self.tgt.items()}
        return Lexicon({w: k for w, k in self.src.items() if k not in drop}, {w: ks for w, ks in tgt.items() if ks},
                       {k: n for k, n in self.frequency.items() if k not in drop}, self.model,
                       {k: c for k, c in self.counts.items() if k not in drop} if self.counts is not None else None)

    def annotate(self, features: list[Features], texts: list[str], lang: Language, side: str,
                 words: list[set[str]] | None = None) -> list[Features]:
        """FEATURES with the lexicon's keys of each sentence added as soft anchors (at most
        LEXICON_KEYS, the rarest: many keys would reward beads of many sentences). WORDS: each
        sentence's words (lang.words of TEXTS), when the caller has them already."""
        table = self.src if side == "src" else self.tgt
        if words is None:
            words = [lang.words(t) for t in texts]
        frequency = self.frequency
        out = []
        for f, sentence_words in zip(features, words):
            # looked up at C speed (map): a source word has one key, a target word a list of them
            found = filter(None, map(table.get, sentence_words))
            keys = set(found) if side == "src" else set(itertools.chain.from_iterable(found))
            if not keys:
                out.append(f)
                continue
            chosen = sorted(keys, key=lambda k: (frequency[k], k))[:P.LEXICON_KEYS]
            soft = Counter(f.soft)
            soft.update(chosen)
            g = copy(f)
            g.soft = soft
            out.append(g)
        return out
