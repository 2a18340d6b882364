"""Language tags as users write them (ja, jpn, ja-JP, zh-Hant, zh_Hant_TW, tha_Thai) resolved
with CLDR's data (Babel): the language, its script, the locale a TMX names it by, its English name.

One place decides what a code means, so `-s/-t`, manifest headers, `--pivot` and TMX locales
agree. An unknown code is refused rather than guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import InputError

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
# CLDR says tl is an old code for fil; users and FLORES still write tl, so it is kept as given.
_KEEP = {"tl"}


@dataclass(frozen=True)
class Tag:
    """A resolved language tag.

    language: the ISO 639-1 code where there is one (jpn -> ja), else the 639-3 code.
    script: ISO 15924 code (Latn, Thai, Hans, Hant, Jpan, Kore, ...).
    code: what aligntm calls the language: the language, with the script only where it is not
    the language's usual one (zh-Hant, sr-Latn).
    locale: language-REGION for TMX and CAT tools (th-TH, zh-CN, zh-TW), or the code when CLDR
    knows no region.
    """
    language: str
    script: str
    code: str
    locale: str
    name: str


# The plain codes of the languages with modules of their own, as CLDR resolves them (a test
# checks that it still does): they need not load Babel and its data, 45 ms of every run's start.
BUILT_IN = {
    "ja": Tag(language="ja", script="Jpan", code="ja", locale="ja-JP", name="Japanese"),
    "en": Tag(language="en", script="Latn", code="en", locale="en-US", name="English"),
    "lo": Tag(language="lo", script="Laoo", code="lo", locale="lo-LA", name="Lao"),
}


def resolve(tag: str) -> Tag:
    """The Tag for TAG, or InputError naming the problem."""
    return BUILT_IN.get(tag) or _resolved(tag)


@lru_cache(maxsize=None)
def _resolved(tag: str) -> Tag:
    from babel.core import get_global

    raw = (tag or "").strip()
    # BCP-47 extensions and private use (en-US-u-ca-buddhist, de-x-legal) say nothing aligntm uses
    raw = re.split(r"[-_][A-Za-z0-9](?=[-_]|$)", raw, maxsplit=1)[0]
    if not _TAG.match(raw):
        raise InputError(f"not a language code: {tag!r} (use ISO 639 or BCP-47, e.g. de, tha, zh-Hant, pt-BR)")
    parts = re.split(r"[-_]", raw)
    language = parts[0].lower()
    if language in ("und", "mul", "zxx", "mis"):
        raise InputError(f"{tag!r} names no language: give one (e.g. de, tha, zh-Hant), or leave -s/-t out "
                         "to detect it")
    script = region = None
    for p in parts[1:]:
        if len(p) == 4 and p.isalpha() and script is None:
            script = p.title()
        elif (len(p) == 2 and p.isalpha()) or (len(p) == 3 and p.isdigit()):
            region = region or p.upper()
    likely = get_global("likely_subtags")
    if language not in _KEEP:                 # jpn -> ja, in -> id, iw -> he
        alias = get_global("language_aliases").get(language)
        if isinstance(alias, str) and alias.split("_")[0] in likely:
            language = alias.split("_")[0]
    key = language if language not in _KEEP else "fil"
    if key not in likely:
        raise InputError(f"unknown language code {tag!r} (use ISO 639 or BCP-47, e.g. de, tha, zh-Hant, pt-BR)")
    usual = likely[key].split("_")          # e.g. zh_Hans_CN
    usual_script = usual[1] if len(usual) > 2 else "Latn"
    if script is None and region:             # zh-TW is written in Hant, zh-CN in Hans
        by_region = likely.get(f"{key}_{region}")
        if by_region:
            script = by_region.split("_")[1]
    script = script or usual_script
    if region is None:
        by_script = likely.get(f"{key}_{script}", likely[key]).split("_")
        region = by_script[-1] if len(by_script) > 2 else None
    code = language if script == usual_script else f"{language}-{script}"
    locale = f"{language}-{region}" if region else language
    return Tag(language=language, script=script, code=code, locale=locale, name=_english_name(key, script))


def _english_name(language: str, script: str) -> str:
    from babel import Locale

    en = Locale("en")
    name = en.languages.get(language) or language
    if language == "zh":
        name = {"Hans": "Chinese (Simplified)", "Hant": "Chinese (Traditional)"}.get(script, name)
    return name
