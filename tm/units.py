"""Translation units as the memory holds them, whatever file they came from.

A unit has one variant per language. A variant keeps its plain text (what matching and TSV
use) and, when the source had inline tags, the serialised content of its <seg> (what TMX
export writes back, tags intact). Dates are TMX dates, YYYYMMDDThhmmssZ (UTC), so that
they sort as strings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

# Unit properties that name the document a unit came from: aligntm writes x-document,
# OmegaT writes "file" on alternative translations.
DOCUMENT_PROPS = ("x-document", "file", "x-file", "x-filename")
CONFIDENCE_PROP = "x-confidence"


@dataclass
class Variant:
    """One language of a unit: LANG as written in the source (e.g. "ja-JP")."""
    lang: str
    text: str
    markup: str | None = None             # serialised <seg> content when it has inline tags
    attrs: dict = field(default_factory=dict)        # other <tuv> attributes
    props: list = field(default_factory=list)        # [(type, value)] of <tuv><prop>
    notes: list = field(default_factory=list)        # texts of <tuv><note>

    @property
    def base(self) -> str:
        return base_language(self.lang)


@dataclass
class Unit:
    variants: list[Variant]
    props: list = field(default_factory=list)         # [(type, value)], repeated types allowed
    notes: list = field(default_factory=list)
    attrs: dict = field(default_factory=dict)         # <tu> attributes other than the dates
    created: str | None = None
    changed: str | None = None
    confidence: float | None = None
    document: str | None = None
    line: int | None = None                           # where the unit starts in its file

    def variant(self, lang: str) -> Variant | None:
        """The first variant whose language matches LANG (a locale or a primary subtag)."""
        return next((v for v in self.variants if language_matches(v.lang, lang)), None)

    def fill_from_props(self) -> "Unit":
        """Take confidence and document from the properties aligntm and OmegaT write."""
        for ptype, value in self.props:
            key = ptype.lower()
            if key == CONFIDENCE_PROP and self.confidence is None:
                try:
                    self.confidence = float(value)
                except ValueError:
                    pass
            elif key in DOCUMENT_PROPS and self.document is None and value:
                self.document = value
        return self


_LOCALE = re.compile(r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$")


def is_locale(text: str) -> bool:
    """Does TEXT look like a language code ("ja", "en-US", "zh_Hant_TW")?"""
    return bool(_LOCALE.match(text.strip()))


@lru_cache(maxsize=1024)
def base_language(lang: str) -> str:
    """Primary subtag, lower-cased: "ja-JP" -> "ja", "EN_us" -> "en"."""
    return lang.strip().replace("_", "-").split("-")[0].lower()


def language_matches(lang: str, wanted: str) -> bool:
    """LANG (from a file) is WANTED: the same locale, or WANTED is a bare language code."""
    lang_n = lang.strip().replace("_", "-").lower()
    wanted_n = wanted.strip().replace("_", "-").lower()
    return lang_n == wanted_n or ("-" not in wanted_n and base_language(lang_n) == wanted_n)


# TMX dates: YYYYMMDDThhmmssZ. Some tools drop the Z or the seconds; ISO dates are accepted too.
_CANONICAL_DATE = re.compile(r"\d{8}T\d{6}Z\Z")
_TMX_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$")


def tmx_date(text: str | None) -> str | None:
    """TEXT as a TMX date (YYYYMMDDThhmmssZ), or None when it is not a date."""
    if not text:
        return None
    if _CANONICAL_DATE.match(text) and text[4:6] <= "12" and text[6:8] <= "31" and text[9:11] <= "23":
        return text               # the usual case, already YYYYMMDDThhmmssZ
    text = text.strip()
    m = _TMX_DATE.match(text)
    if m:
        parts = [int(p or 0) for p in m.groups()]
    else:
        m = _ISO_DATE.match(text)
        if not m:
            return None
        y, mo, d, h, mi, s, tz = m.groups()
        parts = [int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0)]
        if tz and tz != "Z":
            try:
                when = datetime.fromisoformat(text.replace("Z", "+00:00"))
                return when.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            except ValueError:
                return None
    try:
        return datetime(*parts).strftime("%Y%m%dT%H%M%SZ")
    except ValueError:
        return None


def now_date() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
