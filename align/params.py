"""Every constant that tunes the aligner's accuracy, in one place.

Costs are in nats (negative log-probabilities); a bead's cost is
    prior(type) + length cost + anchor cost (+ a clause-split bonus for 1-2 / 2-1).
Figures below were chosen with scripts/bench_accuracy.py over ../shared/eval/ja-en
(see the notes beside each value and the closing notes in the README).
"""

# Bead types the DP considers, (source sentences, target sentences). 0-1 is always allowed.
# 1-4 and 4-1 were added after measuring (strict F1): wmt21 0.961 -> 0.964, kyoto-dev
# 0.986 -> 0.988, coursera 0.915 -> 0.921 (one Japanese sentence often holds a quoted
# passage that English splits into several sentences).
BEAD_TYPES = [(1, 1), (1, 0), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 4), (4, 1)]

# -log prior of each bead type beyond 1-1 (kyoto-dev: 98% of beads are 1-1, ~1.2% 1-2).
# Join prior 3.0 / 3.5 instead of 2.5, measured (strict F1): coursera 0.9281 -> 0.9412 / 0.9412,
# kyoto-dev-noisy 0.9692 -> 0.9722 / 0.9754, zh-en 0.9828 -> 0.9849 / 0.9860, but ja-lo 0.9901 ->
# 0.9882 / 0.9882, wmt21 0.9644 -> 0.9639 / 0.9629, th-en 0.9898 -> 0.9866 / 0.9850: not kept. Nor a
# join prior re-estimated per document from the first pass (shrunk with 10 or 30 pseudo-beads):
# coursera 0.9211, ja-ko 0.9843, es-en 0.9962 with either.
# 2-2 prior 5.0 -> 6.5: a 2-2 bead is rare in real translations (kyoto-dev 1 of 16,840 gold beads,
# wmt21 29 of 2,005) and at 5.0 the aligner chose one where two 1-1 beads were right (10 of the 11
# 2-2 beads it gave on flores-docs). Strict F1 at 5.0 / 6.0 / 6.5 / 7.5: kyoto-dev 0.9891 0.9907
# 0.9909 0.9912, kyoto-dev-noisy 0.9693 0.9714 0.9716 0.9719, wmt21 0.9656 0.9656 0.9656 0.9646,
# lo-en 0.9931 -> 0.9960 (all), ja-vi 0.9806 0.9822 0.9838 0.9838, ja-zh 0.9914 -> 0.9892 (all; one
# pass 0.9930; 0.9914 once Lexicon.without drops the bigram pairs the Han keys match), ar-en
# 0.9920 -> 0.9936, de-fr 0.9952 -> 0.9989, fr-en 0.9968 -> 1.0, km-en 0.9887 -> 0.9903, my-en
# 0.9872 -> 0.9888, ru-en 0.9896 -> 0.9913, th-en 0.9898 -> 0.9914; bsd, coursera, ja-en flores,
# ja-lo and the other pairs unchanged. From
# documents (bench_documents, raw_eval over units) kyoto-dev loses 0.001-0.002 in every format (text
# 0.9646 -> 0.9643, PDF 0.9498 -> 0.9478) and ja-lo pdftotext gains 0.8731 -> 0.8827.
PRIOR = {(1, 1): 0.0, (1, 0): 0.0, (1, 2): 2.5, (2, 1): 2.5, (2, 2): 6.5, (1, 3): 5.0, (3, 1): 5.0,
         (1, 4): 7.0, (4, 1): 7.0}
# Cost of leaving one sentence unaligned (1-0 or 0-1), and of leaving a page-furniture line
# ("- 12 -") unaligned: such lines are cheap to drop. SKIP 5.0 -> 4.0 measured: kyoto-dev-noisy
# 0.959 -> 0.962, coursera 0.921 -> 0.928, wmt21 0.9644 -> 0.9646.
SKIP = 4.0
SKIP_FURNITURE = 0.2

# Length model (Gale-Church): target length / ratio vs source length, with a variance per
# source character. Student-t (LENGTH_DOF degrees of freedom) rather than a normal
# distribution, so that one free translation does not dominate.
LENGTH_DOF = 4.0
VARIANCE_PRIOR = 2.0     # per source character, in source units; used until estimated
VARIANCE_PSEUDO = 10.0   # pseudo-count of the prior when a document's variance is estimated

# Length of Chinese text: a Latin letter counts LATIN_IN_HAN of a Han character. A name glossed in
# Latin letters (希菲克普耶·波汉巴（Hifikepunye Pohamba）) is spelled as in English, where one Han
# character stands for about three letters; counted in full it made a sentence look a third
# longer, the length of a join. Strict F1 at 1 (no weight) / 0.5 / 0.3 / 0.25: zh-en 0.9871 0.9903
# 0.9909 0.9909, ja-zh 0.9930 0.9951 0.9962 0.9962; digits weighed as letters too: zh-en 0.9919 but
# ja-zh 0.9946. The same for Japanese (0.45, kana being less dense): ja-vi 0.9849 -> 0.9860 but ja-th
# 0.9849 -> 0.9843 and ja-zh 0.9962 -> 0.9951, ja-en sets unchanged: not done.
LATIN_IN_HAN = 0.3

# Anchors. A hard anchor (number, month, acronym) matched on both sides of a pair earns
# HARD_MATCH; one present on one side of a pair only costs HARD_MISS. Soft anchors (names,
# loanwords) earn SOFT_MATCH x idf when they match.
HARD_MATCH = 1.5
HARD_MISS = 1.0
SOFT_MATCH = 0.6
# Hard anchors that recur on one side of a document pair and never occur on the other ("Lao
# PDR" for ラオス, surnames in capitals in kyoto's English) are conventions, not evidence:
# dropped. Strict F1 without / with: kyoto-dev 0.9860 / 0.9868, kyoto-dev-noisy 0.9623 / 0.9626,
# wmt21, coursera, lo-en and ja-lo flores unchanged.
DROP_ONE_SIDED_CONVENTIONS = True

# Clause split points: a 1-2 bead whose length split matches a clause boundary of the long
# sentence (within SPLIT_TOLERANCE of its length) costs up to SPLIT_BONUS less.
SPLIT_BONUS = 1.0
SPLIT_TOLERANCE = 0.15
# A sentence of the several side of a 1-n / n-1 bead that shares no anchor key with the one
# sentence, though it holds MATCHABLE keys or more that the other document has, costs UNMATCHED:
# it is likelier a sentence the other side left out than part of a join. Measured (strict F1,
# UNMATCHED / MATCHABLE): none 3.0/3 1.5/2: wmt21 0.9644 0.9656 0.9644, kyoto-dev 0.9890 0.9891
# 0.9889, kyoto-dev-noisy 0.9692 0.9693 0.9697, ja-en flores-devtest 0.8439 0.8458 0.8458, zh-en
# 0.9828 0.9828 0.9839, km-en 0.9887 0.9887 0.9898, vi-en 0.9921 0.9921 0.9926; every other set
# unchanged. 3.0/3 is the one that loses nowhere. Tried again with the 2-2 prior at 6.5 and Han
# cognates (3.0/3 against 3.0/2 and 1.5/2): ja-zh 0.9892 0.9930 0.9930, zh-en 0.9828 0.9839 0.9839,
# km-en 0.9903 0.9914 0.9914, vi-en 0.9921 0.9937 0.9926, but ja-vi 0.9838 0.9816 0.9816, wmt21
# 0.9656 0.9656 0.9644, ja-lo 0.9901 0.9872 0.9901, my-en 0.9888 0.9856 0.9888: still 3.0/3.
UNMATCHED = 3.0
MATCHABLE = 3
# The same evidence against a 1-1 bead: its two sentences share no key although each holds
# MATCHABLE_PAIR keys or more that the other document has. Pairs that share no script have few
# keys a sentence (numbers, names, the learned lexicon's), so 2 and not 3. Measured (strict F1,
# UNMATCHED_PAIR / MATCHABLE_PAIR): none, 1.5/1, 1.5/2, 3.0/2, 1.5/3: zh-en 0.9828 0.9871 0.9871
# 0.9871 0.9828, ar-en 0.9936 0.9936 0.9952 0.9952 0.9936, km-en 0.9903 0.9914 0.9914 0.9914
# 0.9903, ja-vi 0.9849 0.9860 0.9849 0.9849 0.9849, ko-en 0.9919 0.9881 0.9919 0.9903 0.9919, my-en
# 0.9888 0.9861 0.9888 0.9861 0.9888; the other flores-docs pairs unchanged. At 1.5/2: kyoto-dev
# 0.9909 -> 0.9907, kyoto-dev-noisy 0.9728 -> 0.9732; wmt21, bsd, coursera, ja-en flores, lo-en and
# ja-lo unchanged.
UNMATCHED_PAIR = 1.5
MATCHABLE_PAIR = 2
# Han bigrams shared by a Japanese / Chinese / Vietnamese document pair (align/cognates.py): each
# sentence's rarest HAN_KEYS bigrams that the other document also holds (characters folded to
# simplified with OpenCC, or read in Sino-Vietnamese facing Vietnamese) are soft anchors. ja-zh
# flores-docs strict F1: none 0.9774; 5 keys, not folded 0.9811; folded: 3 keys 0.9865, 5 keys
# 0.9833, 10 0.9914, 15, 20 and all 0.9914. ja-vi: none 0.9751, 5 or 10 keys 0.9806. Every other
# set unchanged (not touched). Vietnamese syllable bigrams as lexicon words instead: ja-vi 0.9779,
# vi-en 0.9921 -> 0.9905; not kept. Korean as a Han side, its words' Hanja from the HanDic dictionary
# (PyPI handic): ja-ko 0.9892 -> 0.9881 (3 or 5 keys: 0.9892); not kept.
HAN_KEYS = 10
# ... and a sentence end inside a line (a presegmented line holding two sentences) earns this
# much per boundary of the several sentences it is paired with. Measured (strict F1), bonus
# 1.0 / 2.5 / 4.0: lo-en flores 0.988 / 0.993 / 0.993, ja-lo flores 0.983 / 0.987 / 0.990;
# ja-en sets unchanged.
SENTENCE_SPLIT_BONUS = 4.0

# Search: documents up to FULL_CELLS (rows x columns) are searched whole; longer ones through
# a band around the path found on blocks of BLOCK sentences, BAND_MARGIN sentences wide
# on each side of it. The blocks are searched whole up to FULL_BLOCK_CELLS, else the same way
# through blocks of blocks: a 1k pair's 281 x 287 blocks had cost more than its band (align
# 0.123 -> 0.104 s; the same beads on the joined kyoto-dev pairs of 1k, 5k and 20k sentences).
FULL_CELLS = 250_000
FULL_BLOCK_CELLS = 20_000
BLOCK = 4
BAND_MARGIN = 6

# Posterior confidences are computed from costs divided by this temperature. Chosen so that the
# mean confidence is close to the share of correct beads (strict): at 1.0 kyoto-dev-noisy gave
# 0.908 vs 0.961 correct, coursera 0.830 vs 0.922, bsd-dev 0.953 vs 1.000, wmt21 0.958 vs 0.957;
# at 0.7: 0.955/0.961, 0.907/0.922, 0.987/1.000, 0.982/0.957 (mean gap 0.048 -> 0.015).
TEMPERATURE = 0.7

# Lexicon learned from the documents themselves (align/lexicon.py): a first pass aligns; words
# that co-occur in its confident 1-1 beads (posterior >= LEXICON_MIN_CONFIDENCE) at least
# LEXICON_MIN_COUNT times with a Dice coefficient >= LEXICON_MIN_DICE become soft anchors (each
# source word: its best target word), at most LEXICON_KEYS per sentence (the rarest), and a second
# pass realigns the documents the first was unsure of somewhere. Learned from at most
# LEXICON_MAX_BEADS beads; documents of more than LEXICON_MAX_SENTENCES sentences a side align in
# one pass (the second pass doubles the aligner's time: 5k sentences 6.3 s -> 11.4 s). Strict F1
# without / with (bench_accuracy): zh-en 0.9790 / 0.9828, ko-en 0.9773 / 0.9854, my-en
# 0.9818 / 0.9872, th-en 0.9844 / 0.9898, ar-en 0.9861 / 0.9920, kyoto-dev 0.9868 / 0.9889,
# kyoto-dev-noisy 0.9631 / 0.9691, wmt21 0.9646 / 0.9644, ja-th 0.9849 / 0.9838; see README.
# LEXICON_KEYS: without a cap (every pair learned) my-en fell to 0.78: many keys per sentence
# reward beads of many sentences. Strict F1 at 3 / 5 / 6 / 7 / 8 / 10 keys: my-en 0.9882 0.9888
# 0.9915 0.9931 0.9931 0.9931, zh-en 0.9860 0.9909 0.9936 0.9936 0.9936 0.9919, ja-ko 0.9848 0.9892
# 0.9892 0.9892 0.9892 0.9908, ja-th 0.9849 0.9849 0.9849 0.9838 0.9821 0.9794, ja-vi 0.9849 0.9849
# 0.9849 0.9838 0.9838 0.9838, th-en 0.9887 0.9914 0.9914 0.9898 0.9914 0.9898, ko-en 0.9914 0.9919
# 0.9908 0.9919 0.9919 0.9919; at 5 / 6 / 7: kyoto-dev 0.9907 0.9920 0.9921, id-en 0.9989 0.9979
# 0.9979; at 6, kyoto-dev-noisy 0.9732 -> 0.9734 and every other set unchanged.
# Learning from the confident 1-2 and 2-1 beads too (their sentences' words together), measured
# 2026-12-02 against 1-1 only: lexicon and model: ja-th 0.9881 -> 0.9903, th-en 0.9925 -> 0.9936,
# ko-en 0.9924 -> 0.9930, wmt21 0.9676 -> 0.9683, but zh-en 0.9909 -> 0.9898, my-en 0.9936 ->
# 0.9898, kyoto-dev 0.9924 -> 0.9921; the lexicon only: ja-th 0.9897, my-en 0.9893; the model
# only: ja-th 0.9887, ja-vi 0.9930 -> 0.9919; joins at confidence >= 0.99 only: ja-th 0.9865. Not
# kept: no variant without a loss, and ja-th moves by 0.002 either way with each. LEXICON_MIN_CONFIDENCE
# 0.8: ja-th 0.9908, ja-vi 0.9941, but zh-en 0.9882, my-en 0.9883, kyoto-dev 0.9918, wmt21 0.9669.
LEXICON_MIN_CONFIDENCE = 0.9
LEXICON_MIN_COUNT = 2
LEXICON_MIN_DICE = 0.5   # not below 0.5: lexicon.learn counts only pairs that can reach it
LEXICON_KEYS = 6
LEXICON_MAX_BEADS = 20_000
# The second pass aligns with the lexicon less what the pairs within this many beads of a bead the
# first pass was unsure of taught it (Lexicon.leaving_out): such a pair, when wrong, had vouched for
# itself (ja-th doc028: a sure but wrong first pair taught the model its words, and the second pass
# kept it). Strict F1, measured 2026-12-02, without leaving out -> radius 2: ja-th 0.9881 -> 0.9924,
# ar-en 0.9941 -> 1.0000, ko-en 0.9924 -> 0.9957, th-en 0.9925 -> 0.9941, km-en 0.9914 -> 0.9941,
# ja-zh 0.9946 -> 0.9957, ja-vi 0.9930 -> 0.9941, es-en 0.9989 -> 1.0000, id-en 0.9979 -> 0.9989,
# kyoto-dev-noisy 0.9784 -> 0.9792, wmt21 0.9676 -> 0.9683; kyoto-dev 0.9924 -> 0.9922, ja-lo
# 0.9916 -> 0.9901 and ja-lo through en 0.9956 -> 0.9941 (one document, doc067, a 3-1 join both get
# wrong), ja-en flores-devtest 0.8458 -> 0.8439 (one document); the others unchanged. One document
# of ~1,000 sentences aligned alone (`align`, flores-docs joined): my-en 0.9824 -> 0.9931, zh-en
# 0.9877 -> 0.9903, ja-th 0.9795 -> 0.9806, kyoto-dev in 7 documents 0.9851 -> 0.9855, ko-en
# unchanged. Radius 1 / 2 / 3 / 5 / every pair of the document: ja-th 0.9924 at each, kyoto-dev
# 0.9920 0.9922 0.9922 0.9918 0.9911 (a document's own pairs also teach it its names and terms).
LEXICON_CONTESTED_RADIUS = 2
LEXICON_MAX_SENTENCES = 10_000
# A lexicon is learned only from this many confident pairs (a batch's, or a pair's aligned
# alone): in a 30-sentence document, words pair by chance (已经=not); coursera (one document,
# 76 beads) fell from 0.9281 to 0.9020 with a lexicon learned from itself.
LEXICON_MIN_BEADS = 200
# The second pass also scores every pair of sentences with word translation probabilities learned
# from the same sure pairs (align/translation_model.py, IBM Model 1): a bead's cost falls by
# LEXICAL_WEIGHT times its score, a log-likelihood ratio per word (an unexplained word costs
# log(LEXICAL_SMOOTH)) against how well the document's sentences explain the word on average, per
# word of an average sentence, for the sentence pairs in the aligner's band. Documents of more than
# LEXICAL_MAX_SENTENCES a side are not scored (a 2,800-sentence pair: `align` 7.4 s, 585 MB).
# Scoring longer ones, measured 2026-12-02 on kyoto-dev joined into documents of ~4,000 sentences:
# strict F1 0.9854 -> 0.9875 (kyoto-dev-noisy 0.9692 -> 0.9721), but a 5k pair took 8.6 s / 473 MB
# -> 13.5 s / 883 MB and a 9.7k pair 12.4 s / 585 MB -> 24 s / 1.35 GB (training the model).
# Strict F1 without / with (3.0, 0.3): kyoto-dev 0.9920 / 0.9924, kyoto-dev-noisy 0.9734 / 0.9783,
# wmt21 0.9656 / 0.9676, bsd-dev 1.0 / 0.9993, ja-lo 0.9901 / 0.9916, ja-ko 0.9892 / 0.9908, ja-th
# 0.9849 / 0.9881, ja-vi 0.9849 / 0.9930, ko-en 0.9908 / 0.9924, my-en 0.9915 / 0.9936, th-en 0.9914
# / 0.9925, vi-en 0.9921 / 0.9931, but zh-en 0.9936 / 0.9909, ja-zh 0.9962 / 0.9946, ar-en 0.9952 /
# 0.9941; coursera, ja-en flores, lo-en and the Latin-script pairs unchanged. On ja-th ja-vi ja-ko
# zh-en my-en, weight 1 / 3 / 6 (smoothing 0.5): ja-th 0.9881 all, ja-vi 0.9887 0.9919 0.9919, ja-ko
# 0.9908 0.9908 0.9897, my-en 0.9925 0.9936 0.9936; smoothing 0.3 (weight 3): ja-vi 0.9930. Against
# the words' frequency in the training pairs instead of the document's sentences, topic words made
# neighbours look like translations (zh-en 0.9909 at any weight, ja-th 0.9658 at 0.3 unscaled).
LEXICAL_WEIGHT = 3.0
LEXICAL_SMOOTH = 0.3
LEXICAL_MAX_SENTENCES = 3000
# `align` learns the translation model in a forked process while it learns the lexicon, for pairs
# of this many sentences (both documents) and more: forking and sending the scores back cost
# about 20 ms.
FORKED_MODEL_FROM = 500
# batch keeps the features of the documents to align again up to this many sentences, and
# computes them again beyond (bounded memory for large batches).
LEXICON_KEEP_SENTENCES = 300_000

# Documents of more sentences than this are refused before any feature or alignment work (issue
# 11: a 50 MB Japanese text is ~800,000 sentences). Time and memory grow linearly: the 100k pair
# takes 54 s and 0.92 GB, so 200,000 a side is ~2 GB. ALIGNTM_MAX_SENTENCES overrides it.
MAX_DOCUMENT_SENTENCES = 200_000
