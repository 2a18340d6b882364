"""The translation units of each document, kept beside the outputs, and the combined TMX made from them.

Each worker writes ``OUT_DIR/units/<doc_id>.jsonl`` (one ``{"segments": ..., "props": ...}`` per
unit) next to the document's output. At the end of every run, resumed or not, the combined TMX is
streamed from these files in manifest order, one line at a time, so it holds every document that is
done however many runs it took, in constant memory however large the corpus.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from tm.tmx import TmxWriter, alignment_units

from ..textio import atomic_writer

UNITS_DIR = "units"


def units_path(out_dir: Path, doc_id: str) -> Path:
    return out_dir / UNITS_DIR / f"{doc_id}.jsonl"


def write_units(alignment, path: Path, doc_id: str, locales: dict[str, str]) -> int:
    """Write the TMX units of a document's ALIGNMENT to PATH; returns how many.

    ALIGNMENT is an api.Alignment (two languages) or a pivot.PivotAlignment (units holding every
    language present). LOCALES maps language codes to the xml:lang to use (default: the
    language's own locale).
    """
    from ..pivot import PivotAlignment, multilingual_units
    if isinstance(alignment, PivotAlignment):
        units = multilingual_units(alignment, locales, document=doc_id)
    else:
        src = locales.get(alignment.src.lang.code) or alignment.src.lang.locale
        tgt = locales.get(alignment.tgt.lang.code) or alignment.tgt.lang.locale
        units = alignment_units(alignment, src, tgt, document=doc_id)
    count = 0
    with atomic_writer(path) as f:
        for segments, props in units:
            f.write(json.dumps({"segments": segments, "props": props}, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_combined_tmx(tmx_path: Path, unit_files: Iterable[Path], srclang: str) -> int:
    """Stream the units of UNIT_FILES, in order, into one TMX (written atomically); returns the unit count."""
    with TmxWriter(tmx_path, srclang=srclang) as tmx:
        for path in unit_files:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    unit = json.loads(line)
                    tmx.add(unit["segments"], unit["props"])
    return tmx.count
