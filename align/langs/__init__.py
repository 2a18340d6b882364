"""Languages, one module each (ja.py, en.py, ...), and detection from the script."""
from __future__ import annotations

from functools import lru_cache

from ..errors import InputError
from .base import Features, Language, Sentence

_MODULES = {"ja": ("ja", "Japanese"), "en": ("en", "English"), "lo": ("lo", "Lao")}


def codes() -> list[str]:
    return sorted(_MODULES)


@lru_cache(maxsize=None)
def get_language(code: str) -> Language:
    """The Language for CODE ("ja", "en", or a locale such as "ja-JP")."""
    base = code.split("-")[0].split("_")[0].lower()
    if base not in _MODULES:
        raise InputError(f"unsupported language {code!r}; supported: {', '.join(codes())}")
    module_name, class_name = _MODULES[base]
    module = __import__(f"{__name__}.{module_name}", fromlist=[class_name])
    return getattr(module, class_name)()


def detect_language(text: str, name: str = "input") -> str:
    """The language whose script most of TEXT's letters are written in.

    Japanese and Lao documents contain Latin acronyms and names, and English ones may quote a
    word in another script, so the share of each script decides, with Japanese or Lao winning
    from 20% of letters up.
    """
    sample = text[:20000]
    shares = {code: get_language(code).share_of_script(sample) for code in codes()}
    for code in ("ja", "lo"):
        if shares.get(code, 0) >= 0.2:
            return code
    best = max(shares, key=shares.get)
    if shares[best] < 0.5:
        raise InputError(f"{name}: cannot tell the language from the script; give it with -s/-t")
    return best


def check_language(text: str, code: str, name: str = "input") -> None:
    """Refuse a document that is clearly not in language CODE (a "Japanese" file with no Japanese)."""
    lang = get_language(code)
    share = lang.share_of_script(text[:20000])
    threshold = 0.05 if code in ("ja", "lo") else 0.3
    if share < threshold:
        raise InputError(f"{name}: expected {lang.name} text but found (almost) no {lang.name} "
                         f"script ({share:.0%} of letters)")


__all__ = ["Features", "Language", "Sentence", "get_language", "detect_language", "check_language", "codes"]
