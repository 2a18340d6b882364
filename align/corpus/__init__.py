"""Aligning whole corpora: thousands of document pairs, resumable, on Dask (`aligntm corpus`).

    >>> from align.corpus import run_corpus
    >>> result = run_corpus("manifest.tsv", "out/", jobs=2)        # or run_corpus(["ja/", "en/"], "out/")
    >>> result.aligned, result.skipped, result.failed, result.tmx_units

Modules: manifest (which documents), worker (one document, on a Dask worker), cluster (the Dask
engine), runlog (run.jsonl and what is done), units (per-document units and the combined TMX),
progress (bar or lines), runner (the run), cli (the command).
"""
from ..lazy import lazy_exports

__getattr__ = lazy_exports(__name__, {
    "CorpusDocument": ".manifest", "Manifest": ".manifest", "load_manifest": ".manifest",
    "pair_directories": ".manifest", "read_manifest": ".manifest",
    "CorpusResult": ".runner", "run_corpus": ".runner",
})

__all__ = ["CorpusDocument", "CorpusResult", "Manifest", "load_manifest", "pair_directories", "read_manifest",
           "run_corpus"]
