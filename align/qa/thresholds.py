"""Every threshold that decides a QA flag, with the measurement that chose it.

Measured on `aligntm batch --presegmented --format jsonl` over ../shared/eval/ja-en (bsd-dev,
wmt21, flores-devtest, kyoto-dev, kyoto-dev-noisy: 39,000 beads), each bead labelled exact /
partial (a lax hit) / wrong against the gold. A flag is worth a reviewer's time when the beads it
picks out are wrong much more often than the others, or when it points at a difference in the
translation itself (anchors, length) that a memory must not keep unnoticed.
"""

# Low confidence (the aligner's posterior probability of the bead). Exact share of beads by
# confidence in kyoto-dev / kyoto-dev-noisy: < 0.5: 50% / 38%, 0.5-0.7: 63% / 60%,
# 0.7-0.8: 90% / 81%, >= 0.95: 99.8% / 99.6%. Below 0.7 lie 2.2% / 4.9% of the beads and
# 66% / 62% of the beads that are not exact; above it a bead is right at least four times in five.
LOW_CONFIDENCE = 0.7

# Length ratio far off the document's own: |log(target length / source length) - median| over
# the robust spread (1.4826 * MAD of the same logs, so one "robust SD"). Share of exact beads
# flagged at 3 / 3.5 / 4 robust SDs: 3.8 / 2.2 / 1.5% (kyoto-dev), 1.4 / 0.8 / 0.5% (wmt21);
# of the other beads: 3.7 / 3.7 / 2.6% (kyoto-dev), 35 / 31 / 24% (wmt21). 3.5 keeps the false
# alarms near 2% without losing the errors that 3 finds. The aligner already uses lengths, so
# beyond wmt21's errors the flag mostly finds translations that add or drop a clause, which a
# reviewer wants to see anyway.
LENGTH_ROBUST_SDS = 3.5
# Floor of the robust spread, in log units: a document of near-identical sentence pairs would
# otherwise flag a ratio of 1.1 against 1.0. The spread of real documents is 0.12-0.51
# (5th-95th percentile), so the floor only acts on degenerate ones.
LENGTH_MIN_SPREAD = 0.1
# Fewer two-sided beads than this and a document's median and MAD say little: its beads are
# measured against all documents of the report with the same language pair instead.
LENGTH_MIN_BEADS = 8

# Beads of this many sentences or more (source + target) are flagged: 1-2 beads are exact in
# 63% (kyoto-dev) and 36% (kyoto-dev-noisy) of cases, against 99% for 1-1 beads.
MERGE_SENTENCES = 3

# Anchor conflicts mark differences in the translation more than alignment errors (98% of the
# kyoto-dev pairs they flag are exact), which is what a reviewer of a memory wants to see; two
# kinds of conflict are not flagged pair by pair because nobody acts on them there:
# - a key on both sides a different number of times (令和7年（2025年） against "2025": the
#   aligner counts it as a conflict, but nothing is missing) -- 311 kyoto-dev pairs;
# - a key that conflicts in at least RECURRING_MIN_BEADS beads of a document, and in at least
#   RECURRING_MIN_SHARE of the beads where it occurs: a convention of the translation (ラオス
#   rendered "Lao PDR", family names in capitals: TOYOTOMI), reported once for the document.
#   In kyoto-dev this spares 1,484 of the 4,136 pairs with conflicts; in the joint statement, 26
#   "a:PDR" flags.
RECURRING_MIN_BEADS = 3
RECURRING_MIN_SHARE = 0.5

# chrF (sacrebleu, default chrF2) of the machine translation of a pair's source against its
# target. Between an English sentence and its unrelated neighbour in the same document chrF is
# 12-20 at the median (bsd-dev, wmt21, kyoto-dev; 90th percentile 23-33); usable MT scores
# 40-60 against a correct reference. 25 is above most unrelated pairs and below most
# translations. (Not measured on real MT output: no MT system is bundled.)
LOW_CHRF = 25.0


def as_dict() -> dict:
    """The thresholds, as the JSON report records them."""
    return {
        "low_confidence": LOW_CONFIDENCE,
        "length_robust_sds": LENGTH_ROBUST_SDS,
        "length_min_spread": LENGTH_MIN_SPREAD,
        "length_min_beads": LENGTH_MIN_BEADS,
        "merge_sentences": MERGE_SENTENCES,
        "recurring_min_beads": RECURRING_MIN_BEADS,
        "recurring_min_share": RECURRING_MIN_SHARE,
        "low_chrf": LOW_CHRF,
    }
