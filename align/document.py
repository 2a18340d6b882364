"""A document ready for alignment: its sentences (original characters, with their place) and features."""
from __future__ import annotations

import dataclasses
import functools
import os
from collections import Counter
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import forked, gcpause, params as P
from .errors import InputError
from .langs import Features, Language, Sentence, check_language, detect_language, get_language
from .langs.base import SOFT_HYPHEN
from .normalize import Paragraph, is_page_furniture, normalize
from .readers import SourceDocument, _can_fork, read_source, read_sources

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Document:
    name: str
    lang: Language
    sentences: list[Sentence]
    _features: list[Features] | None = field(default=None, repr=False)
    format: str = "text"   # the format it was read from: text, pdf, docx, html

    @property
    def features(self) -> list[Features]:
        if self._features is None:
            prepare_features([self])
        return self._features

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.sentences]

    def place(self, indices) -> dict:
        """Where sentences INDICES (one bead side) are in the document: its file name, and the
        page (PDF), paragraph and line (text files) of the first of them."""
        if not indices:
            return {"document": self.name}
        first = self.sentences[indices[0]]
        last = self.sentences[indices[-1]]
        out = {"document": self.name}
        if first.page is not None:
            out["page"] = first.page if last.page in (None, first.page) else f"{first.page}-{last.page}"
        if first.paragraph:
            out["paragraph"] = first.paragraph
        if first.line:
            out["line"] = first.line
        return out

    def location(self, indices) -> str:
        """PLACE as a reviewer reads it: "ja.pdf p.3 ¶12", "ja.txt line 40"."""
        place = self.place(indices)
        parts = [_basename(self.name)]
        if "page" in place:
            parts.append(f"p.{place['page']}")
        if self.format == "text" and "line" in place:
            parts.append(f"line {place['line']}")
        elif "paragraph" in place:
            parts.append(f"¶{place['paragraph']}")
        return " ".join(parts)


@functools.lru_cache(maxsize=64)
def _basename(name: str) -> str:
    # cached: Path() took 4 s of the 11 s of writing a 100,000-unit TMX and TSV
    return Path(name).name


# Features cost about 0.25 ms a sentence (MeCab, anchors), 50 s for a 100,000-sentence pair on
# one core: documents this long are cut into pieces computed on every core.
PARALLEL_FEATURES_FROM = 4000
FEATURE_PIECE = 5000
# Shorter documents than that, from this many sentences in all, are computed side by side by
# this process and one forked process (_side_by_side; a 1k pair: 0.55 -> 0.35 s; forking and
# sending the features back cost about 15 ms), in chunks of SIDE_BY_SIDE_CHUNK sentences.
SIDE_BY_SIDE_FROM = 500
SIDE_BY_SIDE_CHUNK = 50


def _features_of(code: str, sentences: list[Sentence], shared: dict | None = None) -> list[Features]:
    lang = get_language(code)
    with gcpause.paused():
        feats = lang.features(sentences)
        for sentence, f in zip(sentences, feats):
            f.furniture = is_page_furniture(sentence.text)
        return _share_keys(feats, {} if shared is None else shared)


def _share_keys(feats: list[Features], shared: dict) -> list[Features]:
    """One string object per distinct anchor key (SHARED maps each key to it): a 100,000-sentence
    pair holds 2 million key occurrences but 30,000 distinct keys, 110 MB of copies otherwise
    (and pieces computed in other processes pickle each key once)."""
    key = shared.setdefault
    for f in feats:
        if f.hard:
            f.hard = _counter({key(k, k): n for k, n in f.hard.items()})
        if f.soft:
            f.soft = _counter({key(k, k): n for k, n in f.soft.items()})
    return feats


def prepare_features(documents: list[Document], meanwhile=None) -> None:
    """Compute the aligner's features of DOCUMENTS (those without them yet): in parallel
    processes, pieces of all documents at once, when they are long and the machine has cores.
    MEANWHILE (if given) is called once, in this process: while a forked process has started on
    the features when there is one, so that its work (say, imports the next step needs) takes
    no time of its own."""
    if meanwhile is None:
        meanwhile = _nothing
    todo = [d for d in documents if d._features is None]
    total = sum(len(d.sentences) for d in todo)
    workers = min(os.cpu_count() or 1, -(-total // FEATURE_PIECE))
    if len(todo) >= 2 and SIDE_BY_SIDE_FROM <= total < PARALLEL_FEATURES_FROM and forked.can_fork():
        _side_by_side(todo, meanwhile)
        return
    if total < PARALLEL_FEATURES_FROM or workers < 2 or not _can_fork():
        meanwhile()
        for d in todo:
            d._features = _features_of(d.lang.code, d.sentences)
        return
    pieces = [(n, k) for n, d in enumerate(todo) for k in range(0, len(d.sentences), FEATURE_PIECE)]
    _FORKED_DOCUMENTS[:] = todo
    try:
        with gcpause.paused(), forked.mapped(_piece_features, pieces, workers) as packed_pieces:
            meanwhile()
            shared: dict = {}
            for d in todo:
                d._features = []
            for (n, _), packed in zip(pieces, packed_pieces):   # each piece's keys shared as it arrives
                todo[n]._features.extend(_unpack(packed, shared))
                del packed                                      # its tuples freed once unpacked
    finally:
        _FORKED_DOCUMENTS.clear()


def _nothing() -> None:
    pass


def _side_by_side(todo: list[Document], meanwhile=_nothing) -> None:
    """Features of TODO computed by this process and a forked one at the same time. This
    process takes one document (the one whose language keeps what words() will read,
    Language.remembers_words, else the longest) chunk by chunk from its start; the forked one
    the others, then that document's chunks from its end, until they meet (both cores busy to
    the end, whatever each language costs a sentence); it sends back what its chunks' language
    kept for words()."""
    here = max(todo, key=lambda d: (d.lang.remembers_words, len(d.sentences)))
    away = [d for d in todo if d is not here]
    n = len(here.sentences)
    chunks = [(k, min(k + SIDE_BY_SIDE_CHUNK, n)) for k in range(0, n, SIDE_BY_SIDE_CHUNK)]
    # the next chunk from the start (this process's) and from the end (the forked one's)
    shared: dict = {}
    with forked.SharedCounters([0, len(chunks) - 1]) as ends, gcpause.paused(), \
            forked.beside(_documents_features, away, here, chunks, ends) as theirs:
        meanwhile()   # the forked process takes more chunks meanwhile
        mine = {}
        while True:
            with ends.held() as next_chunk:     # [from the start, from the end]
                k = next_chunk[0]
                if k > next_chunk[1]:
                    break
                next_chunk[0] = k + 1
            start, end = chunks[k]
            mine[k] = _features_of(here.lang.code, here.sentences[start:end], shared)
        away_packed, chunks_packed, words = theirs.result()
    here.lang.remember(words)

    def chunk(k: int) -> list[Features]:
        if k in mine:
            return mine[k]
        if k in chunks_packed:
            return _unpack(chunks_packed[k], shared)
        start, end = chunks[k]           # taken by a helper that died: computed here
        return _features_of(here.lang.code, here.sentences[start:end], shared)
    here._features = [f for k in range(len(chunks)) for f in chunk(k)]
    for d, packed in zip(away, away_packed):
        d._features = _unpack(packed, shared)


def _documents_features(away: list[Document], here: Document, chunks, ends):
    """_side_by_side's forked part: the features of AWAY, then of HERE's chunks from the end."""
    Language.keeps_words = False   # nothing will ask this process for words
    away_packed = [_pack(_features_of(d.lang.code, d.sentences)) for d in away]
    Language.keeps_words = True    # but the other process will for HERE's sentences
    chunks_packed, texts = {}, []
    while True:
        with ends.held() as next_chunk:
            k = next_chunk[1]
            if k < next_chunk[0]:
                break
            next_chunk[1] = k - 1
        start, end = chunks[k]
        chunks_packed[k] = _pack(_features_of(here.lang.code, here.sentences[start:end]))
        texts.extend(s.text for s in here.sentences[start:end])
    return away_packed, chunks_packed, here.lang.remembered(texts)


# The documents prepare_features is computing, for its forked workers: they read their piece
# from the memory they inherit instead of being sent it (pickling 200,000 sentences to them took
# the main process's time while the workers wanted both cores).
_FORKED_DOCUMENTS: list[Document] = []


def _piece_features(piece: tuple[int, int]):
    n, start = piece
    d = _FORKED_DOCUMENTS[n]
    if forked.in_worker():
        Language.keeps_words = False   # this process only computes features: nothing asks for words
    return _pack(_features_of(d.lang.code, d.sentences[start:start + FEATURE_PIECE]))


def _pack(feats: list[Features]) -> list[tuple]:
    """FEATS as plain tuples for the trip back from a worker (_unpack rebuilds them)."""
    return [(f.length, f.furniture, tuple(f.hard.items()), tuple(f.soft.items()), f.split_points,
             f.split_fractions, f.split_sentence) for f in feats]


def _unpack(packed: list[tuple], shared: dict) -> list[Features]:
    """Features from _pack's tuples, one string object per distinct key (SHARED): the keys of
    each piece arrive as copies of their own."""
    key = shared.setdefault
    return [Features(length, _counter({key(k, k): n for k, n in hard}), _counter({key(k, k): n for k, n in soft}),
                     furniture, points, fractions, sentence)
            for length, furniture, hard, soft, points, fractions, sentence in packed]


def _counter(counts: dict) -> Counter:
    """A Counter of COUNTS without Counter() (which checks its argument's type: twice the time)."""
    c = Counter.__new__(Counter)
    dict.update(c, counts)
    return c


def paragraphs_of(source: SourceDocument, lang: Language) -> list[Paragraph]:
    """Paragraphs of a document: guessed from the line layout of plain text, or given by the
    blocks a PDF, DOCX or HTML reader found (their wrapped lines joined as LANG joins them)."""
    if source.text is not None:
        return normalize(lang.repair_extraction(source.text), lang)
    blocks = source.blocks or []
    # extraction repairs look at the whole document (how often a mark is followed by a space)
    repaired = lang.repair_extraction("\n".join(line for b in blocks for line in b.lines)).split("\n")
    out, k = [], 0
    for block in blocks:
        lines = repaired[k:k + len(block.lines)]
        k += len(block.lines)
        lines = [line.strip() for line in lines if line.strip()]
        if not lines:
            continue
        joined = lang.join_wrapped(lines)
        out.append(Paragraph(joined.replace(SOFT_HYPHEN, ""), block.kind, 0, block.page))
    return out


def segment_paragraphs(paragraphs: list[Paragraph], lang: Language) -> list[Sentence]:
    """Sentences of PARAGRAPHS, each knowing its paragraph number, page and line."""
    sentences = []
    for number, paragraph in enumerate(paragraphs, 1):
        for s in lang.segment(paragraph.text, paragraph.kind):
            if not _visible(s.text):
                continue  # control characters and spaces only (a line of NULs): nothing to translate
            sentences.append(dataclasses.replace(s, paragraph=number, page=paragraph.page, line=paragraph.line))
    return sentences


def _visible(text: str) -> bool:
    """Does TEXT hold a letter, digit, mark, punctuation or symbol (not only controls and spaces)?"""
    return any(unicodedata.category(c)[0] not in "CZ" for c in text)


def segment_text(text: str, lang: Language | str) -> list[Sentence]:
    """Normalise TEXT as extracted from a PDF and split it into sentences."""
    lang = get_language(lang) if isinstance(lang, str) else lang
    return segment_paragraphs(normalize(lang.repair_extraction(text), lang), lang)


def segment_source(source: SourceDocument, lang: Language | str) -> list[Sentence]:
    """Sentences of a document as a reader gave it (text, PDF, DOCX, HTML)."""
    lang = get_language(lang) if isinstance(lang, str) else lang
    return segment_paragraphs(paragraphs_of(source, lang), lang)


def presegmented_sentences(text: str) -> list[Sentence]:
    """One sentence per line, used as is (the layout of ../shared/eval)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [Sentence(line, "line", paragraph=k, line=k) for k, line in enumerate(lines, 1)]


_SENTENCE_END_MARK = re.compile(r"[。！？!?.។။؟।]\s")


def _too_long(name: str, count: str, limit: int) -> str:
    return (f"{name}: {count} sentences; aligntm aligns documents of up to {limit:,} sentences (about 2 GB "
            f"of memory a 100,000-sentence pair): split it (chapters, parts) and align the parts with "
            f"`aligntm batch`, or raise the limit with ALIGNTM_MAX_SENTENCES")


def max_document_sentences() -> int:
    """The most sentences a document may have: MAX_DOCUMENT_SENTENCES, or ALIGNTM_MAX_SENTENCES."""
    value = os.environ.get("ALIGNTM_MAX_SENTENCES", "")
    try:
        return int(value) if value.strip() else P.MAX_DOCUMENT_SENTENCES
    except ValueError:
        raise InputError(f"ALIGNTM_MAX_SENTENCES={value!r}: not a whole number") from None


def make_document(text: str, lang: str | None = None, presegmented: bool = False,
                  name: str = "input") -> Document:
    """A Document from decoded TEXT; LANG is detected from the script when None."""
    bad = _SURROGATE.search(text)
    if bad:
        raise InputError(f"{name}: not valid Unicode text: a lone surrogate U+{ord(bad.group()):04X} at "
                         f"character {bad.start()} (decode the text with errors='replace' or fix its source)")
    return document_from_source(SourceDocument(name=name, format="text", text=text), lang, presegmented)


def document_from_source(source: SourceDocument, lang: str | None = None, presegmented: bool = False) -> Document:
    """A Document from what a reader found; LANG is detected from the script when None."""
    name = source.name
    sample = source.sample()
    if not sample.strip():
        raise InputError(f"{name}: no text found in this {source.format.upper()} document")
    code = lang or detect_language(sample, name)
    language = get_language(code)
    check_language(sample, language.code, name)
    limit = max_document_sentences()
    if source.text is not None:
        # before normalising and segmenting (47 s for 50 MB of Japanese): lines, or sentence-end
        # marks, counted at C speed; far more than the limit is refused at once
        ends = source.text.count("\n") if presegmented else len(_SENTENCE_END_MARK.findall(source.text))
        if ends > 1.25 * limit:  # abbreviations ("Dr. ") count as ends too: some margin
            raise InputError(_too_long(name, f"about {ends:,}", limit))
    if presegmented:
        if source.text is None:
            raise InputError(f"{name}: --presegmented needs a text file with one sentence per line, "
                             f"not a {source.format.upper()} document")
        sentences = presegmented_sentences(source.text)
    else:
        sentences = segment_source(source, language)
    if not any(s.text.strip() for s in sentences):
        raise InputError(f"{name}: no sentences found")
    if len(sentences) > limit:
        raise InputError(_too_long(name, f"{len(sentences):,}", limit))
    return Document(name=name, lang=language, sentences=sentences, format=source.format)


def load_document(path: str | os.PathLike, lang: str | None = None, presegmented: bool = False) -> Document:
    """Read (text, PDF, DOCX or HTML, from the file's content), normalise and segment the file at PATH."""
    return document_from_source(read_source(path, str(Path(path))), lang, presegmented)


def load_documents(paths, langs, presegmented: bool = False) -> list[Document]:
    """load_document for several files (a document and its translations); long PDFs are read
    side by side on the machine's cores."""
    sources = read_sources(paths)
    return [document_from_source(source, lang, presegmented) for source, lang in zip(sources, langs)]
