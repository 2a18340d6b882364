"""Lao: sentences, grapheme lengths, digits, months, eras, Latin names, and alignment with
English and Japanese."""
import pytest

from align.api import align_texts
from align.langs import detect_language, get_language
from align.langs.lo import graphemes, lao_skeleton
from align.anchors import hepburn, latin_skeleton

LO = get_language("lo")
JA = get_language("ja")
EN = get_language("en")


def sentences(text):
    return [s.text for s in LO.segment(text)]


def test_sentences_end_at_punctuation_and_line_breaks_not_at_spaces():
    assert sentences("ລາວເວົ້າວ່າ ລາວໄດ້ສ້າງກະດິ່ງປະຕູ. ທ່ານກ່າວຕື່ມ!\nພວກເຮົາມີໜູ ທີ່ມີອາຍຸ 4 ເດືອນ") == [
        "ລາວເວົ້າວ່າ ລາວໄດ້ສ້າງກະດິ່ງປະຕູ.", "ທ່ານກ່າວຕື່ມ!", "ພວກເຮົາມີໜູ ທີ່ມີອາຍຸ 4 ເດືອນ"]


@pytest.mark.parametrize("text", [
    "ທ່ານ ດຣ. ອີຮູດ ເອີຣ໌ (Dr. Ehud Ur) ກ່າວວ່າການວິໄຈຍັງຢູ່ໃນໄລຍະຕົ້ນໆ.",
    "ໃນ ພ.ສ. 2568 ສ.ປ.ປ. ລາວ ໄດ້ເປັນປະທານອາຊຽນ.",
    "ລາຄາເພີ່ມຂຶ້ນ 3.5 ເປີເຊັນ ໃນປີນີ້.",
])
def test_abbreviations_and_decimals_do_not_end_sentences(text):
    assert sentences(text) == [text]


def test_a_year_word_before_a_period_ends_the_sentence():
    assert len(sentences("ເຂົາເຈົ້າໄດ້ພົບກັນໃນປີ. ຕໍ່ມາ ເຂົາເຈົ້າໄດ້ແຕ່ງງານ.")) == 2


def test_normalised_lines_keep_lao_line_breaks_as_sentence_ends():
    from align.document import segment_text
    text = "ນາຍົກລັດຖະມົນຕີທັງສອງ ໄດ້ຕີລາຄາສູງ\n\nຕໍ່ສາຍພົວພັນມິດຕະພາບ,\nທີ່ມີມາແຕ່ດົນນານ\n"
    assert [s.text for s in segment_text(text, "lo")] == [
        "ນາຍົກລັດຖະມົນຕີທັງສອງ ໄດ້ຕີລາຄາສູງ", "ຕໍ່ສາຍພົວພັນມິດຕະພາບ, ທີ່ມີມາແຕ່ດົນນານ"]


def test_length_counts_grapheme_clusters_not_marks():
    assert graphemes("ກິນ") == 2             # ກ + ນ; the vowel sign above does not count
    assert graphemes("ໄດ້") == 2             # ໄ + ດ; the tone mark does not count
    assert graphemes("ກ່ ອ") == 2            # spaces do not count
    assert LO.sentence_features("ນ້ຳ").length == 2


def features(text):
    return LO.sentence_features(text)


def test_lao_digits_months_and_dates_match_english_and_japanese():
    lo = features("ໄດ້ລົງນາມທີ່ໂຕກຽວ ໃນວັນທີ ໒໑ ມັງກອນ ໒໐໒໕.").hard
    en = EN.sentence_features("It was signed in Tokyo on 21 January 2025.").hard
    ja = JA.sentence_features("2025 年 1 月 21 日に東京で署名された。").hard
    for key in ("n:2025", "m:1", "n:21"):
        assert lo[key] == en[key] == ja[key] == 1, key


def test_buddhist_era_years_become_gregorian():
    assert features("ໃນ ພ.ສ. 2568").hard["n:2025"] == 1
    assert "n:2568" not in features("ໃນ ພ.ສ. 2568").hard


def test_latin_names_and_acronyms_in_lao_text_are_anchors():
    f = features("ທ່ານ ເຈມມີ່ ຊີມີນັອບ (Jamie Siminoff) ປະທານຂອງ ອາຊຽນ (ASEAN) ແລະ SDGs")
    assert f.hard["a:ASEAN"] == 1 and f.hard["a:SDG"] == 1
    e = EN.sentence_features("Jamie Siminoff of ASEAN")
    assert "w:siminoff" in f.soft and "w:siminoff" in e.soft


def test_name_skeletons_agree_across_lao_katakana_and_latin():
    assert lao_skeleton("ຊີມີນັອບ") == latin_skeleton("Siminoff") == latin_skeleton(hepburn("シミノフ")) == "smnp"
    assert lao_skeleton("ສີພັນດອນ") == latin_skeleton("Siphandone") == latin_skeleton(hepburn("シーパンドン"))
    assert lao_skeleton("ເອີຣ໌") == ""  # ໌ silences the letter


def test_language_is_detected_from_the_script():
    assert detect_language("ທ່ານ ດຣ. ອີຮູດ ເອີຣ໌ (Dr. Ehud Ur) ກ່າວວ່າ") == "lo"


LAO_DOC = """ນາຍົກລັດຖະມົນຕີທັງສອງ ໄດ້ຕີລາຄາສູງຕໍ່ສາຍພົວພັນມິດຕະພາບ 70 ປີ ນັບແຕ່ການສ້າງຕັ້ງສາຍພົວພັນທາງການທູດໃນປີ 1955.
ນາຍົກລັດຖະມົນຕີທັງສອງ ໄດ້ຕ້ອນຮັບຜົນສຳເລັດຂອງກອງປະຊຸມສຸດຍອດອາຊຽນ (ASEAN) ໃນເດືອນຕຸລາ 2024. ທັງສອງຝ່າຍຕົກລົງຮ່ວມມືກັນຕື່ມ.
ຍີ່ປຸ່ນ ຈະສະໜັບສະໜູນຄວາມພະຍາຍາມຂອງ ສປປ ລາວ ເພື່ອບັນລຸເປົ້າໝາຍ SDGs.
ຖະແຫຼງການຮ່ວມສະບັບນີ້ ໄດ້ລົງນາມທີ່ໂຕກຽວ ໃນວັນທີ ໒໑ ມັງກອນ ໒໐໒໕.
"""
EN_DOC = """The two Prime Ministers highly appreciated the 70 years of friendship since the establishment of diplomatic relations in 1955.
The two Prime Ministers welcomed the success of the ASEAN Summit in October 2024.
Both sides agreed to cooperate further.
Japan will support the efforts of the Lao PDR to achieve the SDGs.
This Joint Statement was signed in Tokyo on 21 January 2025.
"""
JA_DOC = """両首脳は、1955 年の外交関係樹立以来 70 年の友好関係を高く評価した。
両首脳は、2024 年 10 月のＡＳＥＡＮ首脳会議の成功を歓迎した。双方は更なる協力で一致した。
日本はラオスのＳＤＧｓ達成に向けた取組を支援する。
この共同声明は、2025 年 1 月 21 日に東京で署名された。
"""


def pairs(alignment):
    return [(b.src, b.tgt) for b in alignment.beads]


def test_lao_aligns_with_english_one_line_with_two_sentences_to_two():
    a = align_texts(LAO_DOC, EN_DOC, presegmented=True)
    assert (a.src.lang.code, a.tgt.lang.code) == ("lo", "en")
    assert pairs(a) == [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,)), ((3,), (4,))]


def test_japanese_aligns_with_lao_directly():
    a = align_texts(JA_DOC, LAO_DOC, "ja", "lo", presegmented=True)
    assert pairs(a) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,))]
    assert "a:ASEAN" in a.beads[1].matched and "n:2025" in a.beads[3].matched


# -- Lao as PDF extraction and hard wraps leave it --------------------------------------------

from pathlib import Path  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "joint-statement-2025"
LAO_SENTENCES = Path(__file__).resolve().parent / "data" / "joint-statement-2025.lo.sentences.txt"


def test_a_wrapped_line_is_not_a_sentence_end():
    from align.document import segment_text
    text = ("ທ່ານ ສອນໄຊ ສີພັນດອນ ນາຍົກລັດຖະມົນຕີ ແຫ່ງ ສາທາລະນະລັດ ປະຊາທິປະໄຕ ປະຊາຊົນລາວ ໄດ້ເດີນທາງໄປ\n"
            "ຢ້ຽມຢາມ ຍີ່ປຸ່ນ ຢ່າງເປັນທາງການ ໃນວັນທີ 21 ມັງກອນ 2025. ທັງສອງທ່ານ ໄດ້ຕີລາຄາສູງຕໍ່ສາຍພົວພັນ\n"
            "ມິດຕະພາບ ທີ່ມີມາແຕ່ດົນນານ.\n")
    assert [s.text for s in segment_text(text, "lo")] == [
        "ທ່ານ ສອນໄຊ ສີພັນດອນ ນາຍົກລັດຖະມົນຕີ ແຫ່ງ ສາທາລະນະລັດ ປະຊາທິປະໄຕ ປະຊາຊົນລາວ ໄດ້ເດີນທາງໄປ "
        "ຢ້ຽມຢາມ ຍີ່ປຸ່ນ ຢ່າງເປັນທາງການ ໃນວັນທີ 21 ມັງກອນ 2025.",
        "ທັງສອງທ່ານ ໄດ້ຕີລາຄາສູງຕໍ່ສາຍພົວພັນ ມິດຕະພາບ ທີ່ມີມາແຕ່ດົນນານ."]


def test_a_line_wrapped_before_a_leading_vowel_joins_without_a_space():
    assert LO.join_lines("ຮ່ວມມືກັນຢ່າງ", "ໃກ້ຊິດ") == "ຮ່ວມມືກັນຢ່າງໃກ້ຊິດ"
    assert LO.join_lines("ທ່ານ ດຣ.", "ອີຮູດ") == "ທ່ານ ດຣ. ອີຮູດ"


def test_numbered_paragraph_keeps_its_number():
    assert sentences("4. ທັງສອງທ່ານ ໄດ້ເຫັນດີ. ທ່ານ ອິຊິບະ ກ່າວ.") == ["4. ທັງສອງທ່ານ ໄດ້ເຫັນດີ.", "ທ່ານ ອິຊິບະ ກ່າວ."]


def test_extraction_repairs_spaces_after_marks_and_zero_width_spaces():
    # pdftotext writes a space after (nearly) every U+0EC8: a document-wide pattern, undone
    extracted = "ທ່ ານກ່ າວຕື່ ມວ່ າ ດຽວນີ້ ພວກເຮົາມີໜູທີ່ ມີອາຍຸ 4 ເດືອນ ເຊັ່ ນ\u200bດຽວກັນ."
    assert LO.repair_extraction(extracted) == "ທ່ານກ່າວຕື່ມວ່າ ດຽວນີ້ ພວກເຮົາມີໜູທີ່ມີອາຍຸ 4 ເດືອນ ເຊັ່ນດຽວກັນ."
    # typed Lao, where a space after a tone mark is rare and real, is left alone
    typed = "ທ່ານ ໄດ້ ສ້າງ ບ້ານ ແລະ ເຮືອນ ໃໝ່ ທີ່ ນີ້ ໃນ ປີ ນີ້."
    assert LO.repair_extraction(typed) == typed
    assert LO.repair_extraction("ທ ່ານ") == "ທ່ານ"  # a tone mark cut off from its syllable


def test_bundled_lao_text_segments_into_its_sentences():
    from align.document import load_document
    expected = LAO_SENTENCES.read_text(encoding="utf-8").rstrip("\n").split("\n")
    assert load_document(CORPUS / "lo.txt").texts == expected


@pytest.mark.parametrize("src, tgt, gold", [("lo", "en", "gold.lo-en.txt"), ("ja", "lo", "gold.ja-lo.txt")])
def test_bundled_statement_reproduces_its_lao_gold(src, tgt, gold):
    from align.api import align_files
    from align.formats.beads import read_beads
    alignment = align_files(CORPUS / f"{src}.txt", CORPUS / f"{tgt}.txt")
    assert [(b.src, b.tgt) for b in alignment.beads] == read_beads(CORPUS / gold)
