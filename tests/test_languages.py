"""Any language pair (issue 12): language tags, segmentation, anchors, lengths and detection for
every script through align/langs/generic.py, and the CLI and TMX output with non-ja/en/lo codes.

All inputs are hand-written here. Grouped by what is tested, and inside each group by script.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from lxml import etree

from align.api import align_texts
from align.errors import InputError
from align.langs import check_language, detect_language, get_language
from align.langs.generic import MIN_THAI_SENTENCE, graphemes
from align.langs.tags import BUILT_IN, _resolved, resolve

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TMX_DTD = SHARED / "tmx" / "tmx14.dtd"
CHECK_TMX = SHARED / "tools" / "check_tmx.sh"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def sentences(code: str, paragraph: str, kind: str = "text") -> list[str]:
    return [s.text for s in get_language(code).segment(paragraph, kind)]


def hard(code: str, text: str) -> dict:
    return dict(get_language(code).sentence_features(text).hard)


def soft(code: str, text: str) -> dict:
    return dict(get_language(code).sentence_features(text).soft)


def name_keys(code: str, text: str) -> set[str]:
    return {k for k in soft(code, text) if k.startswith(("w:", "p:"))}


def ascii_id(value):
    """Test ids in ASCII (pytest would escape Thai or Khmer as \\u0e2b...)."""
    if isinstance(value, str):
        from anyascii import anyascii
        return anyascii(value).replace(" ", "_")[:40]
    return None


def aligntm(*args, cwd=None) -> subprocess.CompletedProcess:
    """The real command in a subprocess (as conftest's run_aligntm), usable from module fixtures."""
    return subprocess.run([sys.executable, "-m", "align.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def tmx_langs(path: Path) -> list[list[str]]:
    doc = etree.parse(str(path))
    return [[tuv.get(XML_LANG) for tuv in tu.findall("tuv")] for tu in doc.findall("body/tu")]


def assert_valid_tmx(path: Path) -> None:
    doc = etree.parse(str(path))
    dtd = etree.DTD(str(TMX_DTD))
    assert dtd.validate(doc), f"{path.name} not valid against tmx14.dtd: {dtd.error_log.filter_from_errors()}"


# ==========================================================================================
# 1. Segmentation
# ==========================================================================================

# Thai: no sentence punctuation; a space between sentences.
TH_1 = "รัฐบาลไทยและรัฐบาลญี่ปุ่นได้ลงนามในบันทึกความเข้าใจว่าด้วยความร่วมมือทางเศรษฐกิจ"
TH_2 = "ทั้งสองฝ่ายเห็นพ้องที่จะส่งเสริมการค้าและการลงทุนระหว่างกันให้มากขึ้นในอนาคต"
TH_3 = "นายกรัฐมนตรีของทั้งสองประเทศจะพบกันอีกครั้งที่กรุงเทพมหานครในปีหน้า"


def test_thai_paragraph_without_punctuation_is_cut_at_the_spaces_between_sentences():
    assert sentences("th", f"{TH_1} {TH_2} {TH_3}") == [TH_1, TH_2, TH_3]


def test_thai_repetition_mark_stays_with_its_word():
    # ๆ repeats the word before it and is written after a space (ต่าง ๆ): no piece starts with it
    paragraph = ("เราสามารถทำให้ทองเป็นรูปทรงต่าง ๆ ได้ทุกรูปแบบ และสามารถรีดให้เป็นรูปทรงขนาดจิ๋วได้ "
                 "ทองคำสามารถถูกดึงให้เป็นเส้นบาง ๆ ซึ่งสามารถถูกบิดและถักเป็นลายได้")
    pieces = sentences("th", paragraph)
    assert len(pieces) > 1 and not any(p.startswith("ๆ") for p in pieces), pieces
    assert "".join(pieces).replace(" ", "") == paragraph.replace(" ", "")


def test_thai_pieces_are_never_shorter_than_a_phrase():
    # spaces inside sentences too (before a short phrase, around a number): pieces stay long
    paragraph = f"{TH_1} {TH_2} เช่น การท่องเที่ยว ในปี 2568 {TH_3} ครับ"
    pieces = sentences("th", paragraph)
    assert len(pieces) >= 3
    assert all(graphemes(p) >= MIN_THAI_SENTENCE for p in pieces), pieces
    assert " ".join(pieces) == paragraph            # nothing lost, cut only at spaces


@pytest.mark.parametrize("line", ["หนูอายุ 4 เดือน", "ปี 2568 เป็นปีที่ดี"], ids=ascii_id)
def test_short_thai_line_with_spaces_around_a_number_stays_one_piece(line):
    assert sentences("th", line) == [line]


def test_thai_presegmented_line_is_not_cut():
    assert sentences("th", f"{TH_1} {TH_2}", kind="line") == [f"{TH_1} {TH_2}"]


@pytest.mark.parametrize("code, paragraph, expected", [
    ("km", "ខ្ញុំស្រឡាញ់ប្រទេសកម្ពុជា។ ប្រទេសនេះមានប្រាសាទអង្គរវត្ត។ តើអ្នកធ្លាប់ទៅទីនោះទេ?",
     ["ខ្ញុំស្រឡាញ់ប្រទេសកម្ពុជា។", "ប្រទេសនេះមានប្រាសាទអង្គរវត្ត។", "តើអ្នកធ្លាប់ទៅទីនោះទេ?"]),
    ("km", "ខ្ញុំស្រឡាញ់ប្រទេសកម្ពុជា។ប្រទេសនេះមានប្រាសាទអង្គរវត្ត។",          # ។ needs no space after it
     ["ខ្ញុំស្រឡាញ់ប្រទេសកម្ពុជា។", "ប្រទេសនេះមានប្រាសាទអង្គរវត្ត។"]),
    ("ar", "هل زرت القاهرة من قبل؟ المدينة كبيرة جدا. يعيش فيها أكثر من عشرين مليون نسمة.",
     ["هل زرت القاهرة من قبل؟", "المدينة كبيرة جدا.", "يعيش فيها أكثر من عشرين مليون نسمة."]),
    ("zh", "我们今天去北京。你去吗？太好了！明天见。", ["我们今天去北京。", "你去吗？", "太好了！", "明天见。"]),
    ("zh-Hant", "我們今天去臺北。你去嗎？太好了！", ["我們今天去臺北。", "你去嗎？", "太好了！"]),
    ("ko", "오늘은 날씨가 좋습니다. 내일도 좋을까요? 그렇습니다.", ["오늘은 날씨가 좋습니다.", "내일도 좋을까요?", "그렇습니다."]),
    ("hi", "भारत एक विशाल देश है। यहाँ कई भाषाएँ बोली जाती हैं। क्या आप हिंदी बोलते हैं?",
     ["भारत एक विशाल देश है।", "यहाँ कई भाषाएँ बोली जाती हैं।", "क्या आप हिंदी बोलते हैं?"]),
    ("my", "မြန်မာနိုင်ငံသည် အရှေ့တောင်အာရှတွင် ရှိသည်။ ရန်ကုန်မြို့သည် အကြီးဆုံးမြို့ ဖြစ်သည်။",
     ["မြန်မာနိုင်ငံသည် အရှေ့တောင်အာရှတွင် ရှိသည်။", "ရန်ကုန်မြို့သည် အကြီးဆုံးမြို့ ဖြစ်သည်။"]),
    ("my", "မြန်မာနိုင်ငံသည် အရှေ့တောင်အာရှတွင် ရှိသည်။ရန်ကုန်မြို့သည် အကြီးဆုံးမြို့ ဖြစ်သည်။",
     ["မြန်မာနိုင်ငံသည် အရှေ့တောင်အာရှတွင် ရှိသည်။", "ရန်ကုန်မြို့သည် အကြီးဆုံးမြို့ ဖြစ်သည်။"]),
], ids=["km", "km-no-space", "ar", "zh", "zh-Hant", "ko", "hi", "my", "my-no-space"])
def test_sentence_terminals_of_each_script(code, paragraph, expected):
    assert sentences(code, paragraph) == expected


@pytest.mark.parametrize("code, paragraph, expected", [
    ("de", "Wir brauchen z. B. mehr Zeit. Dr. Müller kommt am 21. Januar 2025 nach Berlin. Das ist gut.",
     ["Wir brauchen z. B. mehr Zeit.", "Dr. Müller kommt am 21. Januar 2025 nach Berlin.", "Das ist gut."]),
    ("de", "Es gibt viele Sorten, z.B. Äpfel und Birnen. Der Vertrag wurde 1990 unterzeichnet. Das ist viel.",
     ["Es gibt viele Sorten, z.B. Äpfel und Birnen.", "Der Vertrag wurde 1990 unterzeichnet.", "Das ist viel."]),
    ("fr", "M. Dupont est arrivé hier. Il a parlé avec Mme Martin. Tout va bien.",
     ["M. Dupont est arrivé hier.", "Il a parlé avec Mme Martin.", "Tout va bien."]),
    ("ru", "Это важно, т. е. очень важно. Мы встретимся завтра. В 2025 г. ожидается рост.",
     ["Это важно, т. е. очень важно.", "Мы встретимся завтра.", "В 2025 г. ожидается рост."]),
    ("es", "¿Dónde está el Sr. García? Compramos manzanas, peras, etc. y luego fuimos a casa. ¡Qué bien!",
     ["¿Dónde está el Sr. García?", "Compramos manzanas, peras, etc. y luego fuimos a casa.", "¡Qué bien!"]),
    ("hi", "डॉ. शर्मा आज आए। वे कल जाएंगे।", ["डॉ. शर्मा आज आए।", "वे कल जाएंगे।"]),
], ids=["de-abbreviations-ordinal", "de-zB-year", "fr-M", "ru-te", "es-inverted-etc", "hi-dr"])
def test_abbreviations_and_ordinals_do_not_end_a_sentence(code, paragraph, expected):
    assert sentences(code, paragraph) == expected


def test_prefix_lists_are_read_without_importing_the_moses_tokeniser():
    # importing sacremoses compiles all its tokeniser regexes: 0.86 s in every process that segments
    code = ("import sys; from align.langs import get_language; "
            "print([s.text for s in get_language('de').segment('Dr. Müller kam. Er ging.')], "
            "'sacremoses' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['Dr. Müller kam.', 'Er ging.'] False"


@pytest.mark.parametrize("code, paragraph, expected", [
    ("de", "Der Preis stieg um 3,5 Prozent bzw. 3.5 Punkte. Danach fiel er.",
     ["Der Preis stieg um 3,5 Prozent bzw. 3.5 Punkte.", "Danach fiel er."]),
    ("fr", "Le taux est de 3,5 %. Tout va bien.", ["Le taux est de 3,5 %.", "Tout va bien."]),
    ("es", "La inflación fue de 3.5 por ciento. Es poco.", ["La inflación fue de 3.5 por ciento.", "Es poco."]),
    ("ru", "Рост составил 3.5 процента, а не 3,5. Хорошо.", ["Рост составил 3.5 процента, а не 3,5.", "Хорошо."]),
    ("zh", "增长率为3.5%。价格是3,500元。", ["增长率为3.5%。", "价格是3,500元。"]),
    ("ar", "بلغ معدل النمو ٣٫٥ في المئة. وهذا جيد؟ نعم.", ["بلغ معدل النمو ٣٫٥ في المئة.", "وهذا جيد؟", "نعم."]),
    ("ko", "성장률은 3.5%였다. 좋은 결과다.", ["성장률은 3.5%였다.", "좋은 결과다."]),
    ("km", "ការលូតលាស់គឺ 3.5 ភាគរយ។ នេះល្អ។", ["ការលូតលាស់គឺ 3.5 ភាគរយ។", "នេះល្អ។"]),
    ("th", "อัตราการเติบโตอยู่ที่ร้อยละ 3.5 ซึ่งถือว่าดีมากสำหรับเศรษฐกิจไทยในปีนี้",
     ["อัตราการเติบโตอยู่ที่ร้อยละ 3.5 ซึ่งถือว่าดีมากสำหรับเศรษฐกิจไทยในปีนี้"]),
], ids=["de", "fr", "es", "ru", "zh", "ar", "ko", "km", "th"])
def test_decimals_never_split(code, paragraph, expected):
    assert sentences(code, paragraph) == expected


@pytest.mark.parametrize("code, paragraph, expected", [
    ("de", "Er sagte: „Wir kommen.“ Dann ging er.", ["Er sagte: „Wir kommen.“", "Dann ging er."]),
    ("fr", "Il a dit : « Nous venons. » Puis il est parti.", ["Il a dit : « Nous venons. »", "Puis il est parti."]),
    ("ru", "Он сказал: «Мы придём». Потом ушёл.", ["Он сказал: «Мы придём».", "Потом ушёл."]),
    ("zh", "他说：“我们走吧。”然后他离开了。", ["他说：“我们走吧。”", "然后他离开了。"]),
    ("zh-Hant", "他說：「我們走吧。」然後他離開了。", ["他說：「我們走吧。」", "然後他離開了。"]),
], ids=["de-low-high-quotes", "fr-spaced-guillemets", "ru-guillemets", "zh-quotes", "zh-Hant-brackets"])
def test_a_closing_quote_stays_with_its_sentence(code, paragraph, expected):
    # German closes with “ (Unicode Pi), French with a space before »
    assert sentences(code, paragraph) == expected


# ==========================================================================================
# 2. Digits and dates across scripts
# ==========================================================================================

@pytest.mark.parametrize("code, date", [
    ("ja", "二〇二五年一月二十一日"),
    ("zh", "二〇二五年一月二十一日"),
    ("zh-Hant", "二〇二五年一月二十一日"),
    ("zh", "2025年1月21日"),
    ("en", "21 January 2025"),
    ("th", "21 มกราคม 2568"),                 # Buddhist era: 2568 - 543 = 2025
    ("th", "๒๑ มกราคม ๒๕๖๘"),                 # Thai digits
    ("km", "២១ មករា ២០២៥"),
    ("km", "២១ មករា ២៥៦៨"),                   # Buddhist era in Khmer digits
    ("de", "21. Januar 2025"),
    ("fr", "21 janvier 2025"),
    ("es", "21 de enero de 2025"),
    ("ru", "21 января 2025 года"),
    ("ko", "2025년 1월 21일"),
    ("vi", "ngày 21 tháng 1 năm 2025"),
    ("ar", "٢١ يناير ٢٠٢٥"),                   # Arabic-Indic digits
    ("hi", "21 जनवरी 2025"),
    ("my", "၂၀၂၅ ခုနှစ် ဇန်နဝါရီ ၂၁ ရက်"),      # Myanmar digits
], ids=ascii_id)
def test_a_date_gives_day_month_and_year_keys(code, date):
    keys = hard(code, date)
    assert {"n:21", "m:1", "n:2025"} <= set(keys), keys


@pytest.mark.parametrize("code, text", [
    ("en", "The fire was out by 11:35 pm."),
    ("en", "The fire was out by 11:35 p.m. on Friday."),
    ("ja", "消防隊は午後11時35分までに火を消しました。"),
    ("th", "ดับไฟได้ในเวลา 23.35 น."),              # Thai times are written with a dot
    ("id", "Api padam pada pukul 23.35 WIB."),
    ("vi", "Đám cháy được dập tắt lúc 23:35."),
    ("de", "Das Feuer war um 23:35 Uhr gelöscht."),
], ids=ascii_id)
def test_a_time_of_day_is_keyed_on_the_24_hour_clock(code, text):
    keys = hard(code, text)
    assert {"n:23", "n:35"} <= set(keys) and "n:11" not in keys and "n:23.35" not in keys, keys


@pytest.mark.parametrize("code, text, hour", [
    ("en", "The shop opens at 9 a.m.", "n:9"), ("en", "Between 10:00-11:00 pm MDT.", "n:22"),
    ("ja", "午前9時に開店します。", "n:9"), ("zh", "下午3点开会。", "n:15"), ("ko", "오후 3시에 회의가 있다.", "n:15"),
], ids=ascii_id)
def test_twelve_hour_times_with_their_marker(code, text, hour):
    keys = {**hard(code, text), **soft(code, text)}
    assert hour in keys, keys


@pytest.mark.parametrize("code, text, key", [
    ("th", "ราคา 23.35 บาท", "n:23.35"), ("en", "It grew 23.35 percent.", "n:23.35"),
    ("en", "I am 5 years old.", "n:5"), ("en", "It draws 10 amps.", "n:10"),
], ids=ascii_id)
def test_numbers_that_are_not_times_stay_as_they_are(code, text, key):
    keys = {**hard(code, text), **soft(code, text)}
    assert key in keys, keys


@pytest.mark.parametrize("code, date", [("th", "21 มกราคม 2568"), ("km", "២១ មករា ២៥៦៨")], ids=ascii_id)
def test_buddhist_era_year_is_not_also_kept_as_is(code, date):
    assert "n:2568" not in hard(code, date) and "n:2568" not in soft(code, date)


@pytest.mark.parametrize("code, text, key", [
    ("de", "1.000.000", "n:1000000"),
    ("de", "3,5 Millionen", "n:3500000"),
    ("de", "3,5 Millionen Euro", "n:3500000"),
    ("de", "1.000,5", "n:1000.5"),
    ("fr", "1 000", "n:1000"),
    ("fr", "1\u202f000 habitants", "n:1000"),           # narrow no-break space, as CLDR groups
    ("fr", "3,5 millions", "n:3500000"),
    ("ru", "1 000 000", "n:1000000"),
    ("ru", "3,5 млрд", "n:3500000000"),
    ("es", "1.000 personas", "n:1000"),
    ("zh", "3万", "n:30000"),
    ("zh", "3亿", "n:300000000"),
    ("zh", "3.5亿", "n:350000000"),
    ("ko", "3만", "n:30000"),
    ("ko", "3만 명", "n:30000"),
    ("th", "5 ล้าน", "n:5000000"),
    ("th", "1,000,000 บาท", "n:1000000"),
    ("km", "៥ លាន", "n:5000000"),
    ("ar", "٣٫٥ مليون", "n:3500000"),                    # Arabic decimal separator
    ("hi", "5 लाख रुपये", "n:500000"),
    # a scale word followed directly by a noun, as unspaced scripts write it
    ("zh", "3万人", "n:30000"),
    ("zh", "3.5亿美元", "n:350000000"),
    ("zh-Hant", "3萬人", "n:30000"),
    ("th", "5 ล้านบาท", "n:5000000"),
    ("km", "៥ លានដុល្លារ", "n:5000000"),
    # Indian digit grouping (CLDR hi: #,##,##0)
    ("hi", "1,00,000 रुपये", "n:100000"),
], ids=["de-1.000.000", "de-3,5-Millionen", "de-3,5-Millionen-Euro", "de-1.000,5", "fr-1_000",
    "fr-1_000-nnbsp", "fr-3,5-millions", "ru-1_000_000", "ru-3,5-mlrd", "es-1.000", "zh-3wan", "zh-3yi",
    "zh-3.5yi", "ko-3man", "ko-3man-myeong", "th-5-lan", "th-1,000,000-baht", "km-5-lean",
    "ar-3.5-million-arabic-digits", "hi-5-lakh", "zh-3wan-ren", "zh-3.5yi-meiyuan", "zh-Hant-3wan-ren",
    "th-5-lanbaht", "km-5-lean-dollar", "hi-1,00,000-lakh-grouping"])
def test_locale_number_formats_and_scale_words(code, text, key):
    keys = hard(code, text)
    assert key in keys, f"{code} {text!r}: hard keys {keys}, soft {soft(code, text)}"


def test_small_numbers_are_soft_and_larger_ones_hard():
    f = get_language("de").sentence_features("Es gibt 7 Äpfel und 12 Birnen.")
    assert f.hard["n:12"] == 1 and "n:12" not in f.soft
    assert f.soft["n:7"] == 1 and "n:7" not in f.hard


@pytest.mark.parametrize("code, text, month", [
    ("de", "Im Mai blühen die Bäume.", "m:5"),
    ("fr", "La planète Mars est rouge.", "m:3"),      # generic.py: '"Mai" or "mars" as a word, not a date'
], ids=ascii_id)
def test_a_month_name_that_is_also_a_word_gives_no_month_key_without_a_number(code, text, month):
    assert month not in hard(code, text), hard(code, text)


@pytest.mark.parametrize("code, text, month", [
    ("de", "Am 3. Mai 2025 blühen die Bäume.", "m:5"),
    ("fr", "Le 3 mars 2025, il pleuvait.", "m:3"),
    ("de", "Im März wird es wärmer.", "m:3"),          # a long name counts on its own
], ids=ascii_id)
def test_a_month_name_next_to_a_number_is_a_month(code, text, month):
    assert hard(code, text).get(month) == 1, hard(code, text)


@pytest.mark.parametrize("code, text", [("de", "Die ASEAN tagt."), ("th", "การประชุม ASEAN ครั้งนี้"),
                                        ("ru", "Саммит ASEAN прошёл.")], ids=ascii_id)
def test_latin_acronyms_are_hard_keys_in_any_script(code, text):
    assert hard(code, text).get("a:ASEAN") == 1


# ==========================================================================================
# 3. Names through transliteration
# ==========================================================================================

@pytest.mark.parametrize("code, native, latin", [
    ("ru", "Вчера Путин выступил в столице.", "Putin"),
    ("ru", "Вчера Симинофф выступил в столице.", "Siminoff"),
    ("ru", "Канцлер Меркель выступила вчера в столице.", "Merkel"),
    ("ru", "Малайзия", "Malaysia"),
    ("ko", "시미노프 씨는 어제 연설했다.", "Siminoff"),
    ("ko", "메르켈 총리는 어제 수도에서 연설했다.", "Merkel"),
    ("ko", "런던", "London"),
    ("th", "ซิมินอฟ", "Siminoff"),
    ("th", "นาย ซิมินอฟ กล่าวสุนทรพจน์เมื่อวานนี้", "Siminoff"),
    ("th", "แมร์เคิล", "Merkel"),
    ("th", "ลอนดอน", "London"),
    ("th", "มาเลเซีย", "Malaysia"),
    ("km", "លោក ស៊ីមីណូហ្វ បានថ្លែងសុន្ទរកថា។", "Siminoff"),
    ("km", "ម៉ាឡេស៊ី", "Malaysia"),
    ("ar", "واشنطن", "Washington"),
], ids=ascii_id)
def test_a_name_shares_a_soft_key_with_its_latin_spelling(code, native, latin):
    english = name_keys("en", f"Yesterday {latin} spoke in the capital.")
    assert name_keys(code, native) & english, (name_keys(code, native), english)


@pytest.mark.parametrize("code, native, latin", [
    ("th", "ซิมินอฟ", "Washington"), ("ru", "Путин", "Merkel"), ("ko", "메르켈", "Siminoff"),
], ids=ascii_id)
def test_different_names_share_no_name_key(code, native, latin):
    assert not name_keys(code, native) & name_keys("en", f"Yesterday {latin} spoke.")


def test_a_phrase_too_long_to_be_a_name_gives_no_name_keys():
    from align.langs.generic import MAX_NAME_CHARS
    phrase = "อาหารพื้นเมืองของชาวมายอร์กาซึ่งคล้ายคลึงกับอาหาร"   # Majorca inside a phrase
    assert len(phrase) > MAX_NAME_CHARS
    assert not name_keys("th", phrase)
    english = name_keys("en", "Yesterday Mayorka spoke.")
    assert name_keys("th", "อาหารพื้นเมืองของชาว มายอร์กา ซึ่งคล้ายคลึงกับอาหาร") & english   # the name apart


# ==========================================================================================
# 4. Lengths in grapheme clusters
# ==========================================================================================

@pytest.mark.parametrize("code, text, length", [
    ("th", "ที่", 1),                                        # consonant + vowel mark + tone mark
    ("th", "ที่นี่", 2),
    ("hi", "कि", 1),                                         # vowel sign
    ("hi", "हिंदी", 2),
    ("km", "ក៏", 1),
    ("my", "မြန်", 2),
    ("ar", "مَرْحَبًا", 5),                                  # harakat do not count
    ("fr", unicodedata.normalize("NFD", "é"), 1),            # e + combining acute
    ("fr", unicodedata.normalize("NFD", "café"), 4),
    ("vi", unicodedata.normalize("NFD", "Việt"), 4),
    ("de", "a b", 2),                                        # spaces do not count
    ("ko", unicodedata.normalize("NFD", "한국"), 2),         # conjoining jamo: one cluster per syllable
], ids=["th-thi", "th-thini", "hi-ki", "hi-hindi", "km", "my", "ar-harakat", "fr-nfd-e", "fr-nfd-cafe", "vi-nfd",
        "de-space", "ko-nfd"])
def test_length_counts_grapheme_clusters(code, text, length):
    assert get_language(code).sentence_features(text).length == length


@pytest.mark.parametrize("code", ["zh", "zh-Hant"])
def test_a_latin_letter_in_chinese_counts_a_fraction_of_a_han_character(code):
    # a name glossed in Latin letters is spelled as in English, three letters to a Han character
    from align import params
    chinese = get_language(code)
    gloss = "（Hifikepunye Pohamba）"              # 18 letters, full-width brackets
    assert chinese.sentence_features("波汉巴" + gloss).length == pytest.approx(3 + 2 + 18 * params.LATIN_IN_HAN)
    assert chinese.sentence_features("波汉巴（Ｐｏｈａｍｂａ）").length == pytest.approx(5 + 7 * params.LATIN_IN_HAN)
    assert get_language("th").sentence_features("ไทย Pohamba").length == 3 + 7   # not in other scripts


def test_length_of_precomposed_and_decomposed_text_is_the_same():
    fr = get_language("fr")
    text = "Élève à l'école, déjà prêt."
    assert fr.sentence_features(unicodedata.normalize("NFD", text)).length == \
        fr.sentence_features(unicodedata.normalize("NFC", text)).length


# ==========================================================================================
# 5. Detection
# ==========================================================================================

DETECT = {
    "th": f"{TH_1} {TH_2}",
    "km": "ខ្ញុំស្រឡាញ់ប្រទេសកម្ពុជា។ ប្រទេសនេះមានប្រាសាទអង្គរវត្ត។",
    "ko": "오늘은 날씨가 좋습니다. 내일도 좋을까요? 그렇습니다.",
    "hi": "भारत सरकार और जापान सरकार ने आज आर्थिक सहयोग पर एक समझौता ज्ञापन पर हस्ताक्षर किए। "
          "दोनों पक्ष आने वाले वर्षों में व्यापार और निवेश बढ़ाना चाहते हैं।",
    "ar": "وقعت حكومة مصر وحكومة اليابان اليوم مذكرة تفاهم بشأن التعاون الاقتصادي. واتفق الجانبان على تعزيز "
          "التجارة والاستثمار بين البلدين في السنوات القادمة. "
          "وسيلتقي رئيسا الوزراء مرة أخرى في القاهرة في العام المقبل.",
    "de": "Die Bundesregierung und die japanische Regierung haben heute eine Absichtserklärung über die "
          "wirtschaftliche Zusammenarbeit unterzeichnet. Beide Seiten wollen den Handel und die Investitionen "
          "zwischen den beiden Ländern in den kommenden Jahren weiter ausbauen. Die Regierungschefs werden sich "
          "im nächsten Jahr in Berlin wieder treffen.",
    "de-was": "Was die Regierung jetzt plant, ist noch unklar. Niemand weiß, was im nächsten Jahr geschehen "
              "wird. Die Minister treffen sich am Montag in Berlin, um über den Haushalt zu sprechen.",
    "nl": "Het was een mooie dag in Amsterdam. De minister was blij met het resultaat van de onderhandelingen. "
          "Hij zei dat de samenwerking tussen beide landen sterk was.",
    "fr": "Le gouvernement français et le gouvernement japonais ont signé aujourd'hui un protocole d'accord sur "
          "la coopération économique. Les deux parties souhaitent développer le commerce et les investissements "
          "entre les deux pays au cours des prochaines années.",
    "es": "El gobierno español y el gobierno japonés firmaron hoy un memorando de entendimiento sobre cooperación "
          "económica. Ambas partes quieren ampliar el comercio y las inversiones entre los dos países.",
    "vi": "Chính phủ Việt Nam và Chính phủ Nhật Bản hôm nay đã ký biên bản ghi nhớ về hợp tác kinh tế. Hai bên "
          "nhất trí tăng cường thương mại và đầu tư giữa hai nước trong những năm tới.",
    "ru": "Правительство России и правительство Японии сегодня подписали меморандум о взаимопонимании в области "
          "экономического сотрудничества. Обе стороны намерены расширять торговлю и инвестиции между двумя странами.",
    "zh": "中国政府和日本政府今天签署了关于经济合作的谅解备忘录。双方同意在未来几年进一步扩大两国之间的贸易和投资。",
    "zh-Hant": "中華民國政府和日本政府今天簽署了關於經濟合作的諒解備忘錄。雙方同意在未來幾年進一步擴大兩國之間的貿易和投資。",
    "ja": "日本政府とタイ政府は本日、経済協力に関する覚書に署名した。両国は今後数年間、貿易と投資をさらに拡大することで一致した。",
    "en": "The German government and the Japanese government signed a memorandum of understanding on economic "
          "cooperation today.",
}


@pytest.mark.parametrize("label", list(DETECT))
def test_detects_the_language_of_a_clear_paragraph(label):
    expected = label.split("-was")[0]           # de-was: German that uses the word "was"
    assert detect_language(DETECT[label], label) == expected


@pytest.mark.parametrize("text", ["Tokyo ASEAN 2025", "Siminoff, Tanaka, Nguyen, Berlin, Tokyo.",
                                  "Maria Santos\nJohn Smith\nAnna Müller\nPierre Dubois"])
def test_ambiguous_latin_text_asks_for_the_language(text):
    with pytest.raises(InputError) as e:
        detect_language(text, "names.txt")
    assert "-s/-t" in str(e.value) and "names.txt" in str(e.value)


def test_text_without_letters_asks_for_the_language():
    with pytest.raises(InputError, match="-s/-t"):
        detect_language("2025 1 2 3", "digits.txt")


@pytest.mark.parametrize("code, text", [("th", DETECT["en"]), ("km", DETECT["de"]), ("ru", DETECT["zh"])],
                         ids=["th-given-English", "km-given-German", "ru-given-Chinese"])
def test_check_language_refuses_a_document_in_another_script(code, text):
    with pytest.raises(InputError, match="expected"):
        check_language(text, code, "doc.txt")


@pytest.mark.parametrize("code", ["th", "km", "ru", "zh", "ar", "de"])
def test_check_language_accepts_its_own_script(code):
    check_language(DETECT[code], code, "doc.txt")


DE_DOC = (DETECT["de"] + "\n")
EN_DOC = ("The German government and the Japanese government signed a memorandum of understanding on economic "
          "cooperation today. Both sides want to further expand trade and investment between the two countries in "
          "the coming years. The heads of government will meet again in Berlin next year.\n")


def test_cli_detects_german_and_english_without_s_and_t(run_cli, tmp_path):
    (tmp_path / "de.txt").write_text(DE_DOC, encoding="utf-8")
    (tmp_path / "en.txt").write_text(EN_DOC, encoding="utf-8")
    code, _, err = run_cli("align", tmp_path / "de.txt", tmp_path / "en.txt", "-o", tmp_path / "x.tsv",
                           "--tmx", tmp_path / "x.tmx")
    assert code == 0, err
    rows = (tmp_path / "x.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0].split("\t")[:2] == ["de-DE", "en-US"]
    assert len(rows) == 4                                   # 3 sentence pairs, 1-1
    assert all(langs == ["de-DE", "en-US"] for langs in tmx_langs(tmp_path / "x.tmx"))


def test_cli_ambiguous_latin_file_exits_2_with_one_line_and_no_output(run_cli, tmp_path):
    (tmp_path / "names.txt").write_text("Tokyo ASEAN 2025\nSiminoff Tanaka Nguyen\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text(EN_DOC, encoding="utf-8")
    code, out, err = run_cli("align", tmp_path / "names.txt", tmp_path / "en.txt", "-o", tmp_path / "x.tsv")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "-s/-t" in err and "names.txt" in err
    assert "Traceback" not in err and out == ""
    assert not (tmp_path / "x.tsv").exists()


# ==========================================================================================
# 6. Language codes
# ==========================================================================================

@pytest.mark.parametrize("tag, language, code, locale", [
    ("tha", "th", "th", "th-TH"),
    ("tha_Thai", "th", "th", "th-TH"),
    ("th-TH-u-nu-thai", "th", "th", "th-TH"),          # BCP-47 extensions are ignored
    ("de-x-legal", "de", "de", "de-DE"),
    ("th", "th", "th", "th-TH"),
    ("eng", "en", "en", "en-US"),
    ("jpn", "ja", "ja", "ja-JP"),
    ("in", "id", "id", "id-ID"),
    ("zh", "zh", "zh", "zh-CN"),
    ("zh-Hans", "zh", "zh", "zh-CN"),
    ("zh-Hant", "zh", "zh-Hant", "zh-TW"),
    ("zh-TW", "zh", "zh-Hant", "zh-TW"),
    ("zh_Hant_TW", "zh", "zh-Hant", "zh-TW"),
    ("km", "km", "km", "km-KH"),
    ("khm", "km", "km", "km-KH"),
    ("vi", "vi", "vi", "vi-VN"),
    ("de", "de", "de", "de-DE"),
    ("pt-BR", "pt", "pt", "pt-BR"),
])
def test_resolve_language_tags(tag, language, code, locale):
    t = resolve(tag)
    assert (t.language, t.code, t.locale) == (language, code, locale)


@pytest.mark.parametrize("code", sorted(BUILT_IN))
def test_built_in_tags_are_what_cldr_says(code):
    # ja, en and lo skip Babel at start-up: their tags must stay those CLDR gives
    assert resolve(code) is BUILT_IN[code]
    assert _resolved(code) == BUILT_IN[code]


@pytest.mark.parametrize("tag", ["xx", "12", "", "th-", "zzz", "und", "mul", "x-klingon"])
def test_unknown_or_malformed_codes_are_refused(tag):
    with pytest.raises(InputError):
        resolve(tag)
    with pytest.raises(InputError):
        get_language(tag)


@pytest.mark.parametrize("tag, module_class", [("jpn", "Japanese"), ("eng", "English"), ("lao", "Lao"),
                                               ("tha", "Generic"), ("zh-Hant", "Generic")])
def test_three_letter_codes_reach_the_same_language_module(tag, module_class):
    lang = get_language(tag)
    assert type(lang).__name__ == module_class
    assert lang.code == resolve(tag).code


@pytest.mark.parametrize("code, spaced, joiner", [("th", False, " "), ("km", False, " "), ("my", False, " "),
                                                  ("zh", False, ""), ("zh-Hant", False, ""),
                                                  ("ko", True, " "), ("de", True, " "), ("ar", True, " ")])
def test_spacing_and_joiner_follow_the_script(code, spaced, joiner):
    lang = get_language(code)
    assert (lang.spaced, lang.joiner) == (spaced, joiner)


ZHT_DOC = "中華民國政府和日本政府今天簽署了關於經濟合作的諒解備忘錄。雙方同意在未來幾年進一步擴大兩國之間的貿易和投資。兩國總理將於明年在臺北再次會面。\n"
EN_ZHT_DOC = ("The Taiwanese government and the Japanese government today signed a memorandum of understanding on "
              "economic cooperation. Both sides agreed to further expand trade and investment between the two "
              "countries in the coming years. The two prime ministers will meet again in Taipei next year.\n")


@pytest.mark.parametrize("tag", ["zh-Hant", "zh_Hant_TW"])
def test_cli_accepts_traditional_chinese_tags_and_names_it_zh_TW(run_cli, tmp_path, tag):
    (tmp_path / "zh.txt").write_text(ZHT_DOC, encoding="utf-8")
    (tmp_path / "en.txt").write_text(EN_ZHT_DOC, encoding="utf-8")
    code, _, err = run_cli("align", tmp_path / "zh.txt", tmp_path / "en.txt", "-s", tag, "-t", "en",
                           "-o", tmp_path / "x.tsv", "--tmx", tmp_path / "x.tmx")
    assert code == 0, err
    rows = (tmp_path / "x.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0].split("\t")[:2] == ["zh-TW", "en-US"] and len(rows) == 4
    assert tmx_langs(tmp_path / "x.tmx") == [["zh-TW", "en-US"]] * 3
    assert_valid_tmx(tmp_path / "x.tmx")


def test_cli_unknown_code_exits_2_with_one_line(tmp_path):
    (tmp_path / "de.txt").write_text(DE_DOC, encoding="utf-8")
    (tmp_path / "en.txt").write_text(EN_DOC, encoding="utf-8")
    proc = aligntm("align", "de.txt", "en.txt", "-s", "xx", "-t", "en", "-o", "x.tsv", cwd=tmp_path)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "'xx'" in proc.stderr, proc.stderr
    assert not (tmp_path / "x.tsv").exists()


def test_cli_help_does_not_limit_languages_to_ja_en_lo(run_cli):
    code, out, _ = run_cli("align", "--help")
    assert code == 0
    assert "ja, en or lo" not in out, "-s/-t help still says 'ja, en or lo' although any ISO 639/BCP-47 code works"


# ==========================================================================================
# 7. TMX locales, and 8. the alignment itself
# ==========================================================================================

TH_DOC = ("เมื่อวันที่ 21 มกราคม 2568 นายกรัฐมนตรีไทยได้พบกับนายกรัฐมนตรีญี่ปุ่นที่กรุงโตเกียว "
          "ทั้งสองฝ่ายได้หารือเกี่ยวกับความร่วมมือในกรอบอาเซียนและการค้าระหว่างประเทศ "
          "ญี่ปุ่นจะให้เงินกู้จำนวน 5 ล้านดอลลาร์สหรัฐเพื่อพัฒนาระบบรถไฟในประเทศไทย\n\n"
          "โครงการนี้มีกำหนดแล้วเสร็จภายในปี 2570 ตามแผนของรัฐบาลไทย "
          "ทั้งสองประเทศจะฉลองครบรอบ 140 ปีความสัมพันธ์ทางการทูตในปีหน้า\n")
EN_TH_DOC = ("On 21 January 2025, the Prime Minister of Thailand met the Prime Minister of Japan in Tokyo. "
             "The two sides discussed cooperation in the ASEAN framework and international trade. "
             "Japan will provide a loan of 5 million US dollars to develop the railway system in Thailand.\n\n"
             "The project is scheduled to be completed by 2027 under the plan of the Thai government. "
             "The two countries will celebrate the 140th anniversary of diplomatic relations next year.\n")


@pytest.fixture(scope="module")
def thai_english(tmp_path_factory):
    """th.txt and en.txt aligned by the real command with 639-3 codes, TSV and TMX."""
    d = tmp_path_factory.mktemp("th-en")
    (d / "th.txt").write_text(TH_DOC, encoding="utf-8")
    (d / "en.txt").write_text(EN_TH_DOC, encoding="utf-8")
    proc = aligntm("align", "th.txt", "en.txt", "-s", "tha", "-t", "eng", "-o", "out.tsv", "--tmx", "out.tmx", cwd=d)
    assert proc.returncode == 0, proc.stderr
    return d


def test_thai_english_aligns_sentence_by_sentence(thai_english):
    rows = [r.split("\t") for r in (thai_english / "out.tsv").read_text(encoding="utf-8").splitlines()]
    assert rows[0][:2] == ["th-TH", "en-US"]
    pairs = [(r[0], r[1]) for r in rows[1:]]
    assert len(pairs) == 5
    starts = [("เมื่อวันที่ 21", "On 21 January"), ("ทั้งสองฝ่าย", "The two sides"), ("ญี่ปุ่นจะให้", "Japan will"),
              ("โครงการนี้", "The project"), ("ทั้งสองประเทศ", "The two countries")]
    for (th, en), (th_start, en_start) in zip(pairs, starts):
        assert th.startswith(th_start) and en.startswith(en_start), (th, en)
        assert en.count(". ") == 0                              # one English sentence per unit


def test_thai_english_tmx_locales_and_dtd(thai_english):
    path = thai_english / "out.tmx"
    assert tmx_langs(path) == [["th-TH", "en-US"]] * 5
    assert etree.parse(str(path)).find("header").get("srclang") == "th-TH"
    assert_valid_tmx(path)


def test_thai_english_tmx_passes_check_tmx(thai_english):
    if not CHECK_TMX.exists():
        pytest.skip(f"{CHECK_TMX} is not here")
    if shutil.which("bash") is None:
        pytest.fail("bash is needed to run check_tmx.sh")
    proc = subprocess.run(["bash", str(CHECK_TMX), str(thai_english / "out.tmx"), "th-TH", "en-US"],
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASS") == 3, proc.stdout


KM_TEXT = ("នៅថ្ងៃទី ២១ ខែមករា ឆ្នាំ ២០២៥ នាយករដ្ឋមន្ត្រីកម្ពុជាបានជួបជាមួយនាយករដ្ឋមន្ត្រីជប៉ុននៅទីក្រុងតូក្យូ។ "
           "ភាគីទាំងពីរបានពិភាក្សាអំពីកិច្ចសហប្រតិបត្តិការក្នុងក្របខ័ណ្ឌអាស៊ាន។ "
           "ជប៉ុននឹងផ្តល់ប្រាក់កម្ចីចំនួន ៥ លានដុល្លារអាមេរិក។")
VI_TEXT = ("Ngày 21 tháng 1 năm 2025, Thủ tướng Việt Nam đã gặp Thủ tướng Nhật Bản tại Tokyo. "
           "Hai bên đã thảo luận về hợp tác trong khuôn khổ ASEAN. Nhật Bản sẽ cung cấp khoản vay 5 triệu đô la Mỹ.")


@pytest.mark.parametrize("code, text, country, locale", [("km", KM_TEXT, "Cambodia", "km-KH"),
                                                         ("vi", VI_TEXT, "Viet Nam", "vi-VN")])
def test_tmx_locale_of_khmer_and_vietnamese(tmp_path, code, text, country, locale):
    from tm.tmx import write_tmx

    english = (f"On 21 January 2025, the Prime Minister of {country} met the Prime Minister of Japan in Tokyo. "
               "The two sides discussed cooperation in the ASEAN framework. "
               "Japan will provide a loan of 5 million US dollars.")
    alignment = align_texts(text, english, code, "en")
    assert [(b.src, b.tgt) for b in alignment.beads] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    path = tmp_path / f"{code}.tmx"
    assert write_tmx(alignment, path) == 3
    assert tmx_langs(path) == [[locale, "en-US"]] * 3
    assert_valid_tmx(path)


DE_PAIR = ("Am 21. Januar 2025 trafen sich die Außenminister Deutschlands und Frankreichs in Berlin. "
           "Sie sprachen zwei Stunden lang über die Lage in Europa. "
           "Beide Minister begrüßten die Einigung über den Haushalt der Union in Höhe von 1,2 Billionen Euro. "
           "Der französische Minister lobte die enge Zusammenarbeit. "
           "Er betonte, dass die Freundschaft seit 1963 besteht. "
           "Das nächste Treffen findet im März 2026 in Paris statt.")
FR_PAIR = ("Le 21 janvier 2025, les ministres des Affaires étrangères de l'Allemagne et de la France se sont réunis "
           "à Berlin. Ils ont parlé pendant deux heures de la situation en Europe. "
           "Les deux ministres ont salué l'accord sur le budget de l'Union d'un montant de 1 200 milliards d'euros. "
           "Le ministre français a salué l'étroite coopération et a souligné que l'amitié existe depuis 1963. "
           "La prochaine réunion aura lieu en mars 2026 à Paris.")


def test_german_french_pair_where_french_joins_two_sentences():
    alignment = align_texts(DE_PAIR, FR_PAIR, "de", "fr")
    assert len(alignment.src.sentences) == 6 and len(alignment.tgt.sentences) == 5
    assert [(b.src, b.tgt) for b in alignment.beads] == [
        ((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3, 4), (3,)), ((5,), (4,))]
    src, tgt, _ = list(alignment.pairs())[3]
    assert src == ("Der französische Minister lobte die enge Zusammenarbeit. "
                   "Er betonte, dass die Freundschaft seit 1963 besteht.")
    assert tgt.startswith("Le ministre français")


def test_german_billionen_and_french_milliards_are_the_same_number():
    # 1,2 Billionen (10^12) = 1 200 milliards (10^9)
    assert "n:1200000000000" in hard("de", "1,2 Billionen Euro")
    assert "n:1200000000000" in hard("fr", "1 200 milliards d'euros")


def test_french_german_pair_reversed_with_639_3_codes():
    alignment = align_texts(FR_PAIR, DE_PAIR, "fra", "deu")
    assert (alignment.src.lang.locale, alignment.tgt.lang.locale) == ("fr-FR", "de-DE")
    assert [(b.src, b.tgt) for b in alignment.beads] == [
        ((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3, 4)), ((4,), (5,))]


def test_three_languages_through_a_pivot_given_as_a_639_3_code(run_cli, tmp_path):
    # --pivot takes any code that names the pivot document's language (eng -> en)
    (tmp_path / "th.txt").write_text(TH_DOC, encoding="utf-8")
    (tmp_path / "en.txt").write_text(EN_TH_DOC, encoding="utf-8")
    de = ("Am 21. Januar 2025 traf der Premierminister Thailands den Premierminister Japans in Tokio. "
          "Beide Seiten erörterten die Zusammenarbeit im Rahmen der ASEAN und den internationalen Handel. "
          "Japan wird ein Darlehen von 5 Millionen US-Dollar für den Ausbau des Eisenbahnnetzes in Thailand gewähren.\n\n"
          "Das Projekt soll nach dem Plan der thailändischen Regierung bis 2027 abgeschlossen sein. "
          "Die beiden Länder werden im nächsten Jahr den 140. Jahrestag ihrer diplomatischen Beziehungen feiern.\n")
    (tmp_path / "de.txt").write_text(de, encoding="utf-8")
    code, _, err = run_cli("align", tmp_path / "th.txt", tmp_path / "en.txt", tmp_path / "de.txt", "-s", "tha",
                           "-t", "eng", "--third-lang", "deu", "--pivot", "eng", "--tmx", tmp_path / "tri.tmx")
    assert code == 0, err
    units = tmx_langs(tmp_path / "tri.tmx")
    assert len(units) == 5 and all(sorted(u) == ["de-DE", "en-US", "th-TH"] for u in units)
    assert_valid_tmx(tmp_path / "tri.tmx")


def test_manifest_headers_take_any_language_code(tmp_path):
    from align.corpus.manifest import read_manifest
    (tmp_path / "a.th").write_text(TH_DOC, encoding="utf-8")
    (tmp_path / "a.en").write_text(EN_TH_DOC, encoding="utf-8")
    (tmp_path / "m.tsv").write_text("doc_id\ttha\teng\na\ta.th\ta.en\n", encoding="utf-8")
    assert read_manifest(tmp_path / "m.tsv").langs == ("th", "en")
    (tmp_path / "bad.tsv").write_text("doc_id\txx\ten\na\ta.th\ta.en\n", encoding="utf-8")
    with pytest.raises(InputError, match="xx"):
        read_manifest(tmp_path / "bad.tsv")


def test_a_long_thai_line_keeps_a_bounded_number_of_split_points():
    from align.langs.generic import MAX_PHRASE_SPLITS
    line = " ".join(["การประชุมสุดยอดอาเซียน"] * 2000)
    f = get_language("th").sentence_features(line)
    assert len(f.split_points) == MAX_PHRASE_SPLITS
    assert list(f.split_fractions) == sorted(f.split_fractions) and 0 < f.split_fractions[0] < f.split_fractions[-1] < 1
    pieces = sentences("th", line)     # a paragraph: cut into pieces of at least MIN_THAI_SENTENCE
    assert len(pieces) == 1000 and all(graphemes(p) >= MIN_THAI_SENTENCE for p in pieces)


def test_share_of_script_counts_letters_only():
    from align.langs import get_language
    text = "日本とラオス・Lao PDR 2025年、ASEAN（東南アジア）。"
    letters = [c for c in text if c.isalpha()]
    ja, en = get_language("ja"), get_language("en")
    assert ja.share_of_script(text) == sum(1 for c in letters if "\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff") / len(letters)
    assert en.share_of_script(text) == sum(1 for c in letters if c.isascii()) / len(letters)
    assert ja.share_of_script("・・ 123") == 0.0    # no letter: '・' is in the kana block but no letter
