"""Translation memories: TMX 1.4b writing and reading, and an SQLite memory with fuzzy lookup.

    >>> from tm import TranslationMemory
    >>> tm = TranslationMemory.create("memory.tm")            # aligntm tm create
    >>> tm.import_files(["old.tmx", "pairs.tsv"])             # aligntm tm import
    >>> for m in tm.lookup("日本とラオスは…", src="ja", tgt="en"):   # aligntm tm lookup
    ...     print(m.percent, m.marked_source(), m.target)
    >>> tm.concordance("パートナーシップ")                      # aligntm tm concordance
    >>> print(tm.analyze("new.txt", "ja", "en").table())      # aligntm tm analyze
    >>> tm.export("clean.tmx", src="ja-JP", tgt="en-US")      # aligntm tm export

Modules: tmx (writing TMX), reader (reading TMX), inputs (TSV, JSONL), store (the memory),
index (the lookup index), match (match percentages), export, cleaning (near-duplicates,
filters), analysis (match bands), params (tuning constants), cli.
"""
from .tmx import TmxWriter, write_tmx

__all__ = ["TmxWriter", "write_tmx", "TranslationMemory", "read_tmx", "analyze"]


def __getattr__(name):
    # The memory pulls in numpy and SQLite; writing a TMX should not have to.
    if name == "TranslationMemory":
        from .store import TranslationMemory
        return TranslationMemory
    if name == "read_tmx":
        from .reader import read_tmx
        return read_tmx
    if name == "analyze":
        from .analysis import analyze
        return analyze
    raise AttributeError(f"module 'tm' has no attribute {name!r}")
