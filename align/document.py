"""A document ready for alignment: its sentences (original characters) and their features."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .langs import Features, Language, Sentence, check_language, detect_language, get_language
from .normalize import is_page_furniture, normalize
from .textio import read_text


@dataclass
class Document:
    name: str
    lang: Language
    sentences: list[Sentence]
    _features: list[Features] | None = field(default=None, repr=False)

    @property
    def features(self) -> list[Features]:
        if self._features is None:
            feats = self.lang.features(self.sentences)
            for sentence, f in zip(self.sentences, feats):
                f.furniture = is_page_furniture(sentence.text)
            self._features = feats
        return self._features

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.sentences]


def segment_text(text: str, lang: Language | str) -> list[Sentence]:
    """Normalise TEXT as extracted from a PDF and split it into sentences."""
    lang = get_language(lang) if isinstance(lang, str) else lang
    sentences = []
    for paragraph in normalize(text, lang):
        sentences.extend(lang.segment(paragraph.text, paragraph.kind))
    return sentences


def presegmented_sentences(text: str) -> list[Sentence]:
    """One sentence per line, used as is (the layout of ../shared/eval)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [Sentence(line, "line") for line in lines]


def make_document(text: str, lang: str | None = None, presegmented: bool = False,
                  name: str = "input") -> Document:
    """A Document from decoded TEXT; LANG is detected from the script when None."""
    code = lang or detect_language(text, name)
    language = get_language(code)
    check_language(text, language.code, name)
    sentences = presegmented_sentences(text) if presegmented else segment_text(text, language)
    if not any(s.text.strip() for s in sentences):
        raise InputError(f"{name}: no sentences found")
    return Document(name=name, lang=language, sentences=sentences)


def load_document(path: str | os.PathLike, lang: str | None = None, presegmented: bool = False) -> Document:
    """Read, decode, normalise and segment the file at PATH."""
    return make_document(read_text(path), lang, presegmented, name=str(Path(path)))
