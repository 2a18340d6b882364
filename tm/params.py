"""Every constant that tunes the translation memory, in one place.

Speed figures quoted below come from scripts/bench_tm.py (1 million units built from
../shared/eval/ja-en, on 2 cores shared with other jobs, so +-20%); see the note beside
each value.
"""

# --- matching unit per language ---------------------------------------------------------
# Languages written without spaces between words (align.langs: ja, zh, lo, th, km, my...) are
# matched (and counted in analyses) character by character, the others word by word, as CAT
# tools do; see tm/match.py matching_unit.

# --- match bands (the table CAT tools quote a job with) ----------------------------------
# (name, lowest percentage). A segment falls in the first band whose lowest value it reaches.
BANDS = (("100%", 100), ("95-99%", 95), ("85-94%", 85), ("75-84%", 75), ("50-74%", 50))
NO_MATCH = "no match"
REPETITIONS = "repetitions"
# Matches below this are not worth showing to a translator (the bottom of the lowest band).
ANALYSIS_MIN = 50
LOOKUP_MIN = 70     # default of `tm lookup --min`: the minimum match value Trados Studio uses by default
LOOKUP_K = 5        # default number of matches

# 100 is kept for the identical text; texts that differ only in width (ＡＳＥＡＮ/ASEAN),
# spacing or letter case get this, so the translator sees that the match is not verbatim.
FORMATTING_ONLY = 99
# Any other difference scores at most this much, however small it is: otherwise a one-word
# change in a 200-word sentence would round to the same 99 as a formatting difference.
FUZZY_CAP = 98

# --- the lookup index ---------------------------------------------------------------------
# Candidates are found through an inverted index of character bigrams (character languages)
# or words (word languages), then scored exactly. The query's grams are read rarest first
# until this many postings have been read: common grams ("の", "the") say little about which
# unit is closest and cost the most time. Measured with scripts/bench_tm.py's memory of 1M
# units and 500 queries, 100 of them checked against a full scan: budgets of 25k, 100k and
# 400k postings all found the full scan's best percentage for 100/100 queries; the median
# lookup took 13.6, 12.3 and 22.2 ms. 100k leaves room for memories less repetitive than the
# benchmark's (their grams are rarer, so the budget covers more of them anyway).
POSTINGS_BUDGET = 100_000
# ...but always read at least this many of the rarest grams, however common they are, so that
# a query made of common words still finds candidates.
MIN_GRAMS = 3
# Candidates scored exactly with the edit distance: CANDIDATES_PER_MATCH per match asked for
# (-k), at least CANDIDATES_MIN. 25 and 100 both gave 100/100 above; scoring one candidate costs
# about 20 microseconds, so 100 buys a margin for 2 ms.
CANDIDATES_PER_MATCH = 20
CANDIDATES_MIN = 100
# A concordance term's last word is also searched as the start of longer words ("partner" ->
# "partnership") from this many characters on; shorter prefixes would read the postings of
# too many words for little use.
CONCORDANCE_PREFIX_MIN = 3

# Index building: texts are collected for this many variants, then their postings are built
# with numpy and written as one index segment. It bounds the memory an import takes whatever
# its size (importing 1M units peaked at 640 MB, SQLite's cache below included).
INDEX_FLUSH_VARIANTS = 200_000
# After an import leaves more segments than this they are merged into one (a 1M-unit import
# writes 10). Lookups are as fast on 10 segments as on one (median 12-15 ms either way on 1M
# units); merging matters for dropping the postings of deleted units, and takes ~10 s on 1M.
INDEX_MAX_SEGMENTS = 16

# --- import ----------------------------------------------------------------------------------
# Bytes of a TMX file fed to the XML parser at a time: the reader's memory is about this plus
# the units completed in it. Reading 30k units took 1.3-1.6 s with 16 KiB to 1 MiB blocks
# alike; 64 KiB it is.
READ_BLOCK = 1 << 16
# Bounds that keep reading a hostile TMX in bounded memory and linear time. A translation unit
# holds a sentence or a few: a <seg> of a million characters is not one (a 100 MB <seg> took
# 1.7 GB to import), and expat re-reads an unfinished tag at every block (a 100 MB attribute
# took 7 minutes). Inline markup nested deeper than XML tools accept (lxml: 256) is flattened.
MAX_SEG_CHARS = 1_000_000
MAX_BYTES_WITHOUT_TAG_END = 16 << 20
MAX_INLINE_DEPTH = 64
# Rows inserted per executemany() call during an import.
IMPORT_BATCH = 5_000
# SQLite page cache during imports and index builds, in KiB: the unique index on the unit
# hashes of a 1M-unit memory (~40 MB) and the pages being filled stay in memory.
IMPORT_CACHE_KIB = 262_144

# --- cleaning ---------------------------------------------------------------------------------
# Default of `tm clean --length-ratio`: a unit whose target/source length ratio (characters
# without spaces) is more than this factor away from the memory's median ratio for the pair.
# Measured on the 21,908 gold pairs of ../shared/eval/ja-en (kyoto-dev, bsd-dev, wmt21,
# flores-devtest; median en/ja ratio 2.77): a factor of 2 would flag 8.7% of these correct
# pairs, 2.5 3.9%, 3 2.1%, 4 0.7%. 3 catches the misalignments that matter (a sentence paired
# with half of its translation or with two) at a cost of 2% of good pairs in free translations.
LENGTH_RATIO_FACTOR = 3.0
# Units whose longer side has fewer characters than this are left alone by the length-ratio
# filter: "Yes." / "はい。" have wild ratios and are fine.
LENGTH_RATIO_MIN_CHARS = 10
