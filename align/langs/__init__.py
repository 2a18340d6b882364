"""Languages: a module each for Japanese, English and Lao (ja.py, en.py, lo.py), a generic one
(generic.py) for every other language, chosen by its script; detection from the script, and
for scripts several languages share, from a language-identification model."""
from __future__ import annotations

from functools import lru_cache

from ..errors import InputError
from . import scripts
from .base import Features, Language, Sentence
from .tags import resolve

_MODULES = {"ja": ("ja", "Japanese"), "en": ("en", "English"), "lo": ("lo", "Lao")}
# Languages tested and measured (flores-docs); any other code CLDR knows works through its script.
NAMED = ("ar", "de", "en", "es", "fr", "hi", "id", "it", "ja", "km", "ko", "lo", "ms", "my", "nl", "pt",
         "ru", "th", "tl", "vi", "zh", "zh-Hant")


def codes() -> list[str]:
    """The languages aligntm has been measured on (any other code also works)."""
    return sorted(NAMED)


@lru_cache(maxsize=None)
def get_language(code: str) -> Language:
    """The Language for CODE: an ISO 639-1/639-3 code or a BCP-47 tag ("ja", "jpn", "ja-JP",
    "zh-Hant", "tha_Thai")."""
    tag = resolve(code)
    if tag.language in _MODULES and tag.code == tag.language:
        module_name, class_name = _MODULES[tag.language]
        module = __import__(f"{__name__}.{module_name}", fromlist=[class_name])
        return getattr(module, class_name)()
    from .generic import Generic
    return Generic(tag)


def is_spaced(code: str) -> bool:
    """Does language CODE put spaces between words? (An unknown code: yes.)"""
    try:
        return get_language(code).spaced
    except InputError:
        return True


def joiner_of(code: str) -> str:
    """How the sentences of language CODE are joined into one text ("" for ja and zh)."""
    try:
        return get_language(code).joiner
    except InputError:
        return " "


# Simplified and traditional forms of common characters: which one a Chinese text uses.
_SIMPLIFIED = set("这个们国来时会说为对发经过与关现动问进长开学实后从当点还没样书东车门见认让机体将应区间总华业万无马")
_TRADITIONAL = set("這個們國來時會說為對發經過與關現動問進長開學實後從當點還沒樣書東車門見認讓機體將應區間總華業萬無馬")
# Words frequent in English and not words of other Latin-script languages (Dutch "of" means
# "or", German and Dutch "was" "what"): 11-17% of the words of English FLORES documents, under
# 0.5% of German, French, Indonesian and Vietnamese ones.
_ENGLISH_WORDS = {"the", "and", "that", "with", "which", "this", "have", "has", "from", "are"}


def detect_language(text: str, name: str = "input") -> str:
    """The language of TEXT: the script decides where only one language uses it (Thai, Khmer,
    Hangul, Lao, kana); Han without kana is Chinese (simplified or traditional by its
    characters); for Latin, Cyrillic, Arabic and other shared scripts a language-identification
    model decides, or we ask for -s/-t rather than guess.

    Documents quote names and acronyms in Latin letters, so a non-Latin script wins from 20% of
    the letters up.
    """
    sample = text[:20000]
    shares = scripts.shares(sample)
    if not shares:
        raise InputError(f"{name}: cannot tell the language: no letters; give it with -s/-t")
    kana = shares.get("Hira", 0) + shares.get("Kana", 0)
    han = shares.get("Hani", 0)
    if kana + han >= 0.2 and kana >= 0.05 * (kana + han):
        return "ja"
    unique = [(s, v) for s, v in shares.items() if s in scripts.SCRIPT_LANGUAGE or s == "Laoo"]
    if unique:
        script, value = max(unique, key=lambda sv: sv[1])
        if value >= 0.2:
            return "lo" if script == "Laoo" else scripts.SCRIPT_LANGUAGE[script]
    if han >= 0.2:
        simplified = sum(sample.count(c) for c in _SIMPLIFIED)
        traditional = sum(sample.count(c) for c in _TRADITIONAL)
        return "zh-Hant" if traditional > simplified else "zh"
    script = max(shares, key=shares.get)
    if shares[script] < 0.5:
        raise InputError(f"{name}: cannot tell the language from the script; give it with -s/-t")
    return _identify(sample, script, name)


def _identify(sample: str, script: str, name: str) -> str:
    words = sample.lower().split()
    if script == "Latn" and words and sum(w in _ENGLISH_WORDS for w in words) >= 0.05 * len(words):
        return "en"  # the commonest case decided without loading the model
    ranked = _identifier(script).rank(sample)
    (best, p), (second, q) = ranked[0], ranked[1] if len(ranked) > 1 else ("", 0.0)
    if p < 0.9:
        raise InputError(f"{name}: cannot tell which {_script_name(script)} language this is "
                         f"({resolve(best).name} {p:.0%}, {resolve(second).name} {q:.0%}); give it with -s/-t")
    return resolve(best).code


@lru_cache(maxsize=None)
def _identifier(script: str):
    """py3langid's model (97 languages, shipped in the package) restricted to the languages
    written in SCRIPT, with probabilities normalised over them."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    same = []
    for label in identifier.nb_classes:
        try:
            if resolve(label).script == script:
                same.append(label)
        except InputError:
            continue
    if len(same) < 2:
        raise InputError(f"cannot tell {_script_name(script)}-script languages apart; give the language with -s/-t")
    identifier.set_languages(same)
    return identifier


def _script_name(script: str) -> str:
    return scripts.unicode_scripts(script)[0]


def check_language(text: str, code: str, name: str = "input") -> None:
    """Refuse a document that is clearly not in language CODE (a "Japanese" file with no Japanese)."""
    lang = get_language(code)
    share = lang.share_of_script(text[:20000])
    threshold = 0.3 if lang.script == "Latn" else 0.05  # non-Latin documents quote Latin names
    if share < threshold:
        raise InputError(f"{name}: expected {lang.name} text but found (almost) no {lang.name} "
                         f"script ({share:.0%} of letters)")


__all__ = ["Features", "Language", "Sentence", "get_language", "detect_language", "check_language", "codes",
           "is_spaced", "joiner_of"]
