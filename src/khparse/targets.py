"""Quantitative commitments ("chỉ tiêu"): one atomic ``Target`` per printed figure.

The grammar, bottom up (every part below has a comment and a real example):

* **mask** — numbers that are never quantities are blanked first, keeping offsets: document
  numbers (``42- NQ/TW``, ``35/2022/NĐ-CP``), dates (``24/11/2023``, ``tháng 6/2024``), years and
  periods (``năm 2030``, ``2021-2025``), ordinals (``lần thứ 4``), labels (``mức độ 2``,
  ``khoản 3 Điều 14``), clock times, fractions and age ranges (``từ 15 tuổi trở lên``);
* **figure** = [comparator] [``từ``] number [range] [unit] [``trở lên``]: ``dưới 2,35%``,
  ``đạt tối thiểu 68 năm``, ``40-45%``, ``từ 5% ÷ 10%``, ``12%/năm``, ``32,5m² sàn/người``,
  ``74.900 căn hộ``, ``2.989,5 MW``;
* **licence** — a figure with ``%`` or a measure unit always counts; a counted unit
  (``căn hộ``, ``KCN``) counts unless a preposition makes it a scope (``tại 35 xã``); a
  duration/age unit (``tuổi``, ``năm``) or a bare number (an index such as HDI) needs a verb cue
  right before it (``khoảng 75 tuổi``, ``HDI đạt 0,85``), so ``trẻ em dưới 5 tuổi`` and
  ``trẻ 5 tuổi`` are qualifiers; ``trên N …`` right after a figure means *per*/*on*
  (``33 điều dưỡng viên trên 10.000 dân``, ``5% trên 3 tiêu chí``), never ``>``;
* **clause** = sentence cut at top-level ``;``; a clause with several figures is cut into
  atomic phrases at ``,``/`` và ``: right after a figure that ends its phrase
  (``… đạt 99,5%, cấp trung học cơ sở đạt 98%``) or before a figure that starts one
  (``62% lực lượng … và 50% lực lượng …``); a parenthesis holding figures is a breakdown
  whose phrases prefix their indicator with the parent's (``(trong đó: khu vực thành thị đạt
  100%; …)``); an elliptical phrase inherits the head of the previous one (``cấp trung học cơ
  sở đạt 98%`` → ``Tỷ lệ đi học đúng độ tuổi cấp trung học cơ sở``).

``year``: an explicit year in the phrase (``vào năm 2030``, ``trong năm 2024``; a baseline
``so với năm 2017`` is not one), else a sentence-leading ``đến hết năm 2026, …``, else the
horizon of the nearest enclosing heading (``Các chỉ tiêu chủ yếu đến năm 2030``), else the
horizon the document title gives the plan itself (``Kế hoạch … năm 2026``, ``… giai đoạn
2026-2030``), else ``None``. A title without a horizon (the Bắc Giang sample, whose title only
cites ``ngày 24/11/2023``) gives ``None``, as the gold requires for its section III.

Figures in results context (headings such as ``Kết quả thực hiện``, ``Thực trạng``) and
figures marked past (``đã đạt 95%``) are not commitments and are skipped. The preamble,
header and closing are never read.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

import regex

from .grammar_cache import rx
from .models import Comparator, Provenance, Target
from .normalize import lower
from .numbers import NUMBER_PATTERN, nfc_with_offsets, parse_vn_number
from .scan import Alternation, AnchoredPart, WordGate, joined_texts, texts_with
from .source import Line, Table
from .structure import Block, Node, Skeleton

_V = regex.VERBOSE
_VI = regex.VERBOSE | regex.IGNORECASE


def _alt(words: list[str]) -> str:
    """Alternation of phrases, longest first, spaces matching any whitespace.

    Ties in alphabetical order: the same pattern in every process (a set's order is not), so the
    compiled grammar is found in ``grammar_cache``."""
    return "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=lambda w: (-len(w), w)))


# ── units ───────────────────────────────────────────────────────────────────────────────────
# Measure units: a figure carrying one is always a quantity. '2.989,5 MW', 'trên 2.000 ha',
# '32,5m² sàn/người', '500 triệu đồng'.
MEASURE_UNITS = [
    "m²", "m2", "m³", "m3", "km²", "km2", "km", "ha", "héc-ta", "hecta", "MW", "MWh", "GW", "GWh",
    "kW", "kWh", "kV", "tấn", "kg", "tạ", "lít", "Tbps", "Gbps", "Mbps",
    "tỷ đồng", "tỉ đồng", "triệu đồng", "nghìn đồng", "ngàn đồng", "nghìn tỷ đồng", "nghìn tỉ đồng",
    "đồng", "VNĐ", "VND", "USD", "triệu USD", "tỷ USD", "tỉ USD",
]
# Counted units (classifier nouns of plans): '74.900 căn hộ', '05 Khu công nghiệp', '12 KCN',
# '19 bác sĩ', '04 dược sỹ', '166 dự án thủy điện'. Matched case-insensitively, longest first
# ('giường bệnh' wins over 'giường', so '40 giường bệnh viện' has unit 'giường bệnh').
COUNTED_UNITS = [
    "căn hộ", "căn nhà", "căn", "ngôi nhà", "hộ gia đình", "hộ", "người", "lượt người", "lượt",
    "lao động", "việc làm", "học sinh", "sinh viên", "học viên", "giáo viên", "cán bộ", "công chức",
    "viên chức", "đảng viên", "hội viên", "đoàn viên", "thành viên", "giường bệnh", "bác sĩ",
    "bác sỹ", "dược sỹ", "dược sĩ", "điều dưỡng viên", "điều dưỡng", "nữ hộ sinh", "hộ sinh", "y sĩ",
    "y sỹ", "trạm y tế", "bệnh viện", "trường học", "trường", "lớp học", "phòng học", "điểm trường",
    "doanh nghiệp", "hợp tác xã", "HTX", "tổ hợp tác", "dự án", "công trình", "khu công nghiệp",
    "KCN", "cụm công nghiệp", "CCN", "khu kinh tế", "khu đô thị", "xã", "phường", "thị trấn",
    "đặc khu", "huyện", "thôn", "bản", "tổ dân phố", "làng", "đơn vị", "cơ quan", "cơ sở", "tổ chức",
    "sản phẩm", "mô hình", "câu lạc bộ", "hội nghị", "lớp tập huấn", "lớp", "cuộc", "buổi",
    "chuyên mục", "chuyên đề", "chương trình", "tin bài", "tin, bài", "bài viết", "phóng sự",
    "văn bản", "thủ tục", "hồ sơ", "nhiệm vụ", "đề tài", "sáng kiến", "tuyến", "chuyến", "km đường",
    "cây số", "sàn dữ liệu", "trung tâm", "tổ", "đội", "nhóm", "chợ", "nhà văn hóa", "nhà văn hoá",
    "điểm", "cây", "con", "vụ", "đối tượng", "phương tiện", "camera", "thiết bị", "máy",
]
# Durations and ages: only a quantity after a verb cue ('khoảng 75 tuổi', 'đạt tối thiểu 68
# năm'); otherwise a qualifier ('trẻ em dưới 36 tháng tuổi', 'trẻ 5 tuổi', 'sơ kết 3 năm').
DURATION_UNITS = ["tháng tuổi", "tuổi", "năm", "tháng", "quý", "tuần", "ngày", "giờ", "phút", "lần"]

# A per-unit tail of a measure: '/người', '/ha', '/người/năm' ('32,5m² sàn/người', '5 tấn/ha').
_DENOM = r"(?:\s?/\s?(?:\d[\d.]*\s)?\p{L}+(?:\s(?i:dân))?)"
# A per-unit tail of a count, from a closed list so that 'sáng kiến/mô hình' stays a list:
# '12 người/vạn dân', '40 giường bệnh/10.000 dân'.
_DENOM_COUNTED = (r"(?:\s?/\s?(?i:\d[\d.]*\s+\p{L}+|vạn\s+dân|nghìn\s+dân|người|dân|hộ|ha|năm|tháng|xã"
                  r"|km²|km2)(?![\p{L}]))")
# 'đồng' is also the first syllable of words: '2050 đồng bộ', 'đồng thời' are no money.
_NOT_WORD = r"(?!\s+(?i:bộ|thời|đều|chí|loạt|nhất|dạng|hành|tình|ý|cảm|lòng|bào|khởi|phục)(?![\p{L}]))"
UNIT_PATTERN = rf"""
    (?P<pct>%(?:\s?/\s?(?i:năm|tháng|quý|ngày))?)                       # 40%  12%/năm
  | (?P<measure>(?:{_alt(MEASURE_UNITS)})(?:\s?\p{{Ll}}+{_DENOM}|{_DENOM}*))(?![\p{{L}}\d]){_NOT_WORD}  # m² sàn/người
  | (?P<duration>(?i:{_alt(DURATION_UNITS)}))(?![\p{{L}}\d/])          # 75 tuổi  68 năm
  | (?P<counted>(?i:{_alt(COUNTED_UNITS)}){_DENOM_COUNTED}?)(?![\p{{L}}\d])   # 74.900 căn hộ  12 KCN
"""

# ── masks: numbers that are never quantities ───────────────────────────────────────────────
# Words a label number follows: 'mức độ 2', 'khoản 3 Điều 14', 'giai đoạn 1', 'Biểu 01', 'tiêu chí 5'.
# (No word is the last word of a longer one: ``_MONTH_OR_LABEL_PREFIX`` relies on it, a test holds it.)
_LABEL_WORDS = r"""mức\s+độ|cấp\s+độ|điều|khoản|điểm|mục|chương|phần|phụ\s+lục|biểu|mẫu|bước
                 |giai\s+đoạn|đợt|kỳ|khóa|khoá|nhóm|loại|hạng|quốc\s+lộ|tỉnh\s+lộ|lô|tầng|top|bảng
                 |hình|tiêu\s+chí|phiên\s+bản|version|tổ|khu\s+phố|ấp|xóm|cấp"""
MASK = rx(
    rf"""
    # document number: '30/KH-UBND', '42- NQ/TW', '42-NQ/TƯ', '35/2022/NĐ-CP', '3260-KH/ĐĐQH15'
    # (starts where a digit run starts: tried inside a run it rescans the run, quadratic on hostile input)
      (?P<docno>(?<!\d)\d+(?:/\d{{2,4}})?\s?[-/]\s?\p{{Lu}}[\p{{L}}\d&.]*(?:\s?[-/]\s?[\p{{L}}\d&]+)*)
    # 'số' + number: 'Đề án số 08', 'Số: 30'
    | (?P<so>(?<![\p{{L}}])(?i:số)\s*:?\s*\d[\d./]*)
    # full dates '24/11/2023', '04/3/2024', '29.9.2025'; month/year '6/2024', '01/2025'
    | (?P<date>(?<![\d.,/])\d{{1,2}}\s?[/.-]\s?\d{{1,2}}\s?[/.-]\s?\d{{4}}(?!\d)|(?<![\d.,/])\d{{1,2}}\s?/\s?\d{{4}}(?!\d))
    # 'ngày 30 tháng 4 năm 2024', 'ngày 10/12', 'ngày 18'
    | (?P<ngay>(?i:ngày)\s+\d{{1,2}}(?:\s*/\s*\d{{1,2}}(?:\s*/\s*\d{{4}})?)?(?:\s+(?i:tháng)\s+\d{{1,2}})?(?:\s+(?i:năm)\s+\d{{4}})?)
    # 'tháng 6', 'quý 2'
    | (?P<month>(?<![\p{{L}}])(?i:tháng|quý)\s+\d{{1,2}}(?!\d))
    # period '2021-2025', '2021 - 2030'
    | (?P<period>(?<![\d.,])(?:19|20)\d{{2}}\s*[-–]\s*(?:19|20)\d{{2}}(?!\d))
    # a year after a time word, whatever follows: 'tầm nhìn đến năm 2050, đồng bộ với …'
    | (?P<yearword>(?<![\p{{L}}])(?i:năm|tầm\s+nhìn|giai\s+đoạn|thời\s+kỳ|niên\s+độ)\s+(?:19|20)\d{{2}}(?!\d))
    # a bare year 'năm 2030', 'tầm nhìn 2045' (not '2030 căn hộ')
    | (?P<year>(?<![\d.,])(?:19|20)\d{{2}}(?![\d]|[.,]\d)(?!\s?(?:{UNIT_PATTERN})))
    # ordinal 'lần thứ 4', 'Kỳ họp thứ 9'
    | (?P<ordinal>(?<![\p{{L}}])(?i:thứ)\s+\d+)
    # label + number: 'mức độ 2', 'khoản 3 Điều 14', 'giai đoạn 1', 'Biểu 01', 'tiêu chí 5'
    | (?P<label>(?<![\p{{L}}])(?i:{_LABEL_WORDS})\s+\d+[a-z]?(?![\d]))
    # clock time '20 giờ 15 phút', '8h30'
    | (?P<clock>(?<![\d.,])\d{{1,2}}\s*(?:giờ|h)\s*\d{{1,2}}(?:\s*phút)?)
    # age range qualifier 'từ 15 tuổi trở lên'
    | (?P<agerange>(?i:từ)\s+\d+\s+(?i:tháng\s+)?(?i:tuổi)\s+(?i:trở\s+lên|trở\s+xuống))
    # fraction '19/19 tiêu chí', '2/3 số xã' (not read as targets; see known gaps)
    | (?P<fraction>(?<![\d.,])\d+\s?/\s?\d+(?![\d]))
    # version / generation '4.0', '5G'
    | (?P<version>(?<![\d.,])\d(?:\.0|G)(?![\d\p{{L}}]))
    """,
    _V,
)
# MASK scanned one alternative at a time: same spans, 7x faster on the seed (see scan.py).
# The label words are tried at every position by the engine, but a label needs a digit after a
# space: its matches are found from those digits backwards (``scan.AnchoredPart``).
_SPACE_DIGIT = rx(r"(?<=\s)\d")
# The masks that open with a number (after a lookbehind that rules out a digit before it) start
# where a run of digits starts: searched there together, not each scanned over the whole text.
_NUMBER_FIRST = {"docno", "date", "period", "year", "clock", "fraction", "version"}


def _digit_led(part: regex.Pattern[str]) -> regex.Pattern[str]:
    """``part`` (the number masks as one alternation) guarded by what each of them opens with: a
    digit (``\\d``) with no digit before it. The guard changes no match; the engine then skips to
    the digit-run starts by itself, faster than finding them by a pattern of their own and trying
    ``part`` at each from Python (``AnchoredPart``: 1.2 ms against 0.8 ms on the seed's paragraphs)."""
    return rx(r"(?<!\d)(?=\d)(?:" + part.pattern + ")", part.flags & ~(regex.U | regex.V0))


# The month and the year after a time word are found as the labels are: from the number after a space
# ('tháng 6', 'năm 2030'; for the year only a 19xx/20xx one) back to the word before it. The month
# and the labels share their anchor, so they are found by one search (a month word is no label
# word and neither ends the other: a start has one of them at most, and the prefix reaches it).
_MONTH_OR_LABEL_PREFIX = rx(r"(?r)(?<![\p{L}])(?i:tháng|quý|" + _LABEL_WORDS + r")\s+", _V)
_YEARWORD_PREFIX = rx(r"(?r)(?<![\p{L}])(?i:năm|tầm\s+nhìn|giai\s+đoạn|thời\s+kỳ|niên\s+độ)\s+")
_SPACE_YEAR = rx(r"(?<=\s)(?:19|20)\d{2}(?!\d)")
_MASK_SCAN = (Alternation(MASK)
              .with_finder({"month", "label"}, lambda part: AnchoredPart(part, _SPACE_DIGIT, _MONTH_OR_LABEL_PREFIX))
              .with_finder({"yearword"}, lambda part: AnchoredPart(part, _SPACE_YEAR, _YEARWORD_PREFIX))
              .with_finder(_NUMBER_FIRST, _digit_led))
# Words the worded masks cannot match without: a paragraph lacking them skips those alternatives.
_MASK_GATE = WordGate(_MASK_SCAN, {
    "so": ("số",), "ngay": ("ngày",), "yearword": ("năm|tầm|giai|thời|niên",),
    "ordinal": ("thứ",), "agerange": ("từ", "tuổi"),
})
# Every figure has a digit: a sentence without one (after masking) is not scanned for figures.
_DIGIT = rx(r"\d")

# ── the figure ──────────────────────────────────────────────────────────────────────────────
FIGURE = rx(
    rf"""
    (?<![\p{{L}}\d])
    (?P<cmp>
        (?P<ge>(?i:tối\s+thiểu|ít\s+nhất|không\s+thấp\s+hơn|không\s+dưới|không\s+ít\s+hơn)|≥|>=)  # tối thiểu 90%
      | (?P<le>(?i:tối\s+đa|không\s+vượt\s+quá|không\s+quá|không\s+cao\s+hơn|không\s+nhiều\s+hơn)|≤|<=)  # không quá 5%
      | (?P<gt>(?i:cao\s+hơn|nhiều\s+hơn|trên|hơn|vượt)|>)                                  # trên 99%
      | (?P<lt>(?i:thấp\s+hơn|ít\s+hơn|dưới)|<)                                            # dưới 2,35%
      | (?P<approx>(?i:khoảng|xấp\s+xỉ|gần|chừng)|~)                                       # khoảng 75 tuổi
    )?
    (?:(?<=\p{{L}})\s+(?i:đạt|là|ở\s+mức))?                                                   # tối thiểu đạt 25%
    \s*(?P<from>(?i:từ)\s+)?                                                               # từ 5% ÷ 10%
    (?P<n1>{NUMBER_PATTERN})
    (?:(?:\s?%)?\s*(?P<rsep>-|–|÷|(?i:đến|tới))\s*(?P<n2>{NUMBER_PATTERN}))?              # 40-45%  60 - 70%
    (?:\s?(?P<unit>{UNIT_PATTERN}))?
    (?P<tail>\s+(?i:trở\s+lên|trở\s+xuống))?                                                # từ 80% trở lên
    """,
    _V,
)

# Where a figure can start at the earliest. Between its start and its number lie only comparator
# and cue words ('không nhiều hơn ở mức từ 5%'), their symbols ('≥5%') and spaces: no digit, so the
# figure whose number is the next digit starts inside the run of such tokens right before that
# digit. The run is read backwards from the digit (``_figure_matches``), so that the engine tries
# FIGURE at a few positions, not at every one. The words are every letter run of FIGURE's source
# before the number, from its case-insensitive groups (words it does not spell would only lengthen
# the run), longest first (should one word end another): each letter run of a real lead is eaten whole,
# as a longer word would take the non-letter before it.
_FIGURE_LEAD_WORDS = sorted(
    {w for g in rx(r"\(\?i:([^()]*)\)").findall(FIGURE.pattern[:FIGURE.pattern.index("(?P<n1>")])
     for w in rx(r"\p{L}+").findall(g.replace(r"\s", " "))},
    key=lambda w: (-len(w), w))
_FIGURE_LEAD_SYMBOLS = "≥≤<>=~"
_FIGURE_LEAD = rx(rf"(?r)(?:(?i:{'|'.join(_FIGURE_LEAD_WORDS)})|\s|[{_FIGURE_LEAD_SYMBOLS}])*")

# Verb cues that make a bare number or a duration a commitment: 'HDI đạt 0,85',
# 'nâng tổng số lên 12', 'giảm xuống còn 3 ngày'.
STRONG_CUE = rx(
    r"(?:(?<![\p{L}])(?:đạt(?:\s+được)?|là|lên|còn|bằng|ở\s+mức|gấp)\s*)$", _VI
)
# A preposition right before a counted figure makes it a scope, not a target: 'tại 35 xã'.
SCOPE_PREP = rx(
    r"(?<![\p{L}])(?:tại|ở|của|cho|với|thuộc|về|theo|giữa|trong|sau|qua|mỗi|từng|các|những|cả)\s*$", _VI
)
# 'từ N … trở lên' is a commitment after a cue or at the start ('đạt từ 80% trở lên'), otherwise a
# qualifier of the noun before it ('nhóm từ 30 hộ trở lên').
QUALIFIER_OK = rx(r"(?:^|[;:,(]|(?<![\p{L}])(?:có|đạt|phấn\s+đấu))\s*$", _VI)
# Past results: 'đã đạt 95%', 'đã có 12 xã' (the marker within the three words before the figure).
PAST = rx(r"(?<![\p{L}])(?:đã|đạt\s+được)(?:\s+\p{L}+){0,3}\s*$", _VI)


def _from_the_end(pattern: regex.Pattern[str]) -> regex.Pattern[str]:
    """``pattern``, which ends in ``$``, searched right to left and ending at ``\\Z``: the engine tries
    the one position a match can end at instead of every start before it (3-10x faster on 60
    characters). Whether a match exists does not depend on the direction (only which one is found
    does), and ``$`` is ``\\Z`` in a text that does not end with a line break (``_cue``)."""
    src = pattern.pattern
    if src.count("$") != 1 or not src.rstrip(")").endswith("$"):
        raise ValueError(f"not a pattern ending in one '$': {src!r}")
    return rx("(?r)" + src.replace("$", r"\Z"), pattern.flags & ~(regex.U | regex.V0))


# The cues before a figure (``_figure`` asks each as a yes/no of the 60 characters before it).
# PAST is not among them: its forward search is the faster (it starts with a literal).
_STRONG_CUE_R, _SCOPE_PREP_R, _QUALIFIER_OK_R = map(_from_the_end, (STRONG_CUE, SCOPE_PREP, QUALIFIER_OK))


def _cue(pattern: regex.Pattern[str], twin: regex.Pattern[str], before: str) -> bool:
    """``pattern.search(before) is not None``, by ``twin`` (``_from_the_end``) where it is the same."""
    return (pattern if before.endswith("\n") else twin).search(before) is not None


# What may follow a bare number: end of clause, punctuation, 'và', a year tail.
BARE_END = rx(r"\s*(?:$|[;,.:)(|]|(?:và|vào|trong|so|trở)(?![\p{L}]))", _VI)
# Powers of ten that make 'trên N dân' a denominator: 'trên 10.000 dân', 'trên 1.000 trẻ'.
_POWERS_OF_TEN = {Decimal(10) ** k for k in range(1, 7)}
DENOM_NOUN = rx(r"\s*(?P<noun>\p{L}+(?:\s+\p{L}+){0,2}?)(?=\s*(?:$|[;,.:)(]|và\b))", _V)

# Head nouns that start an indicator named before its figure: 'Tỉ lệ thất nghiệp …',
# 'chỉ số phát triển con người (HDI)', 'tổng công suất …', 'Diện tích làm mới thêm …'.
HEAD_NOUN = rx(
    r"""(?<![\p{L}])(?:tỷ\s+lệ|tỉ\s+lệ|tỷ\s+trọng|tỉ\s+trọng|chỉ\s+số|chỉ\s+tiêu|số\s+lượng|tổng\s+số|tổng
        |mức\s+độ|mức|diện\s+tích|tuổi\s+thọ|số\s+năm|thu\s+nhập|sản\s+lượng|giá\s+trị|tốc\s+độ
        |năng\s+suất|quy\s+mô|công\s+suất|độ\s+che\s+phủ|kim\s+ngạch|doanh\s+thu|thời\s+gian
        |số(?!\s+(?:hóa|hoá))(?=\s+\p{L}))(?![\p{L}])""",
    _VI,
)
# Text after a figure that starts with a preposition is a scope, not what is measured:
# 'giảm từ 5% ÷ 10% trên cả 3 tiêu chí …', '5%-10% cả 3 tiêu chí … so với năm 2019'.
PREP_START = rx(r"(?:trên|cả|so\s+với|cho|tại|ở|của|đối\s+với|về|theo|với|trong)(?![\p{L}])", _VI)
# Words trimmed from the ends of an indicator span. (A label number starts at the match start (\G)
# or a digit run's start: tried inside a long run of digits it would rescan the run.)
_LEAD_JUNK = rx(
    r"""(?:\s|[-–+•*:,;]|\(?[a-zđ]\)\s|(?:\G|(?<!\d))\d+(?:\.\d+)*\.\s
        |(?:và|đồng\s+thời|trong\s+đó|riêng|gồm|bao\s+gồm|cụ\s+thể|hằng\s+năm|hàng\s+năm)(?![\p{L}])
        |(?:đến\s+hết|đến|tới|vào|trong|cuối|hết)\s+năm\s+\d{4}(?!\d))+""",
    _VI,
)
_TRAIL_JUNK = rx(
    r"""(?:\s|[-–:,;.]
        |(?<![\p{L}])(?:đạt(?:\s+được)?|là|lên|còn|bằng|ở\s+mức|và|từ)(?![\p{L}])
        |(?<![\p{L}])(?:vào|trong|đến\s+hết|đến|tới|cuối|hết|so\s+với(?:\s+cùng\s+kỳ)?|so\s+với)\s+năm\s+\d{4}(?!\d)
        |(?<![\p{L}])(?:trong\s+)?giai\s+đoạn\s+\d{4}\s*[-–]\s*\d{4}
        |(?<![\p{L}])trở\s+(?:lên|xuống)
        |(?<![\p{L}])(?:như\s+sau|sau|cụ\s+thể|dưới\s+đây)(?![\p{L}]))+$""",
    _VI,
)
# What _TRAIL_JUNK can consist of: every letter run in it is one of the words its source spells
# (its word alternatives are bounded by non-letters), the rest is spaces, digits and '-–:,;.'. A
# letter run that is not one of them, or any other character, is a wall the junk cannot reach
# behind. The words are read off the pattern itself (not escapes like \s or \p{L}), so the two
# cannot drift apart.
_TRAIL_WORD = rx(
    "|".join(sorted(set(rx(r"(?<![\\{])\p{L}+").findall(_TRAIL_JUNK.pattern)))), _VI)
_TRAIL_WALL = rx(r"(?r)\p{L}+|[^\p{L}\d\s\-–:,;.]")

# Years. In a phrase: 'vào năm 2030', 'trong năm 2024', 'đến hết năm 2026', 'năm 2026',
# 'trong giai đoạn 2026-2030' (→ 2030). A baseline 'so với năm 2017' is not a target year.
YEAR_IN_PHRASE = rx(
    r"""(?P<base>so\s+với(?:\s+cùng\s+kỳ)?(?:\s+năm)?\s+|so\s+cùng\s+kỳ\s+(?:năm\s+)?)?
        (?:(?<![\p{L}])năm\s+(?P<y>(?:19|20)\d{2})(?![\d/])
         |(?<![\p{L}])giai\s+đoạn\s+(?:19|20)\d{2}\s*[-–]\s*(?P<y>(?:19|20)\d{2})(?!\d))""",
    _VI,
)
# A sentence-leading horizon that scopes every figure after it: 'Phấn đấu đến hết năm 2026, …'.
YEAR_LEADING = rx(
    r"(?<![\p{L}])(?:đến\s+hết|đến|tới|vào|trong|cuối|hết|riêng|ngay\s+trong)\s+năm\s+(?P<y>(?:19|20)\d{2})(?!\d)",
    _VI,
)
# Where a figure-first indicator stops: at a time adverbial ('ngay trong năm 2025', 'so với năm 2017').
_YEAR_CUT = rx(
    r"(?<![\p{L}])(?:ngay\s+trong|trong|vào|đến\s+hết|đến|tới|cuối|hết|so\s+với(?:\s+cùng\s+kỳ)?)\s+năm\s+(?:19|20)\d{2}",
    _VI,
)
# A heading's or title's horizon: 'ĐẾN NĂM 2030', 'năm 2026', 'GIAI ĐOẠN 2026-2030', after any
# 'tầm nhìn đến năm 2045' is set aside (used only when nothing else is given).
HORIZON = rx(
    r"""(?<![\p{L}])(?:(?:đến|tới)\s+(?:hết\s+)?)?năm\s+(?P<y>(?:19|20)\d{2})(?![\d/])
      | (?<![\p{L}])(?:giai\s+đoạn|thời\s+kỳ)\s+(?:19|20)\d{2}\s*[-–]\s*(?P<y>(?:19|20)\d{2})(?!\d)""",
    _VI,
)
BASELINE = rx(r"(?<![\p{L}])so\s+(?:với\s+)?(?:cùng\s+kỳ\s+)?(?:năm\s+)?(?:19|20)\d{2}", _VI)
VISION = rx(r"(?<![\p{L}])tầm\s+nhìn\s+(?:đến\s+)?(?:năm\s+)?(?:19|20)\d{2}", _VI)
# Headings whose figures are results, not commitments.
# Anchored at the start: a run-in heading such as '3. Sở … tổng hợp kết quả thực hiện kế hoạch này
# gửi UBND tỉnh trước ngày 31/12 hàng năm' is a duty, not a results part.
RESULTS_HEADING = rx(
    r"""^\W*(?:về\s+|những\s+|đánh\s+giá\s+)?(?:kết\s+quả\s+(?:thực\s+hiện|đạt\s+được|triển\s+khai)
        |tình\s+hình(?:\s+và\s+kết\s+quả)?\s+thực\s+hiện|thực\s+trạng|đánh\s+giá\s+(?:kết\s+quả|tình\s+hình|việc\s+thực\s+hiện|chung)
        |kết\s+quả|bối\s+cảnh|hiện\s+trạng)(?![\p{L}])""",
    _VI,
)
# Forward-looking parts of a report: 'PHƯƠNG HƯỚNG, NHIỆM VỤ …', 'Mục tiêu', 'Giải pháp', 'Kiến nghị'.
FORWARD_HEADING = rx(
    r"^\W*(?:phương\s+hướng|nhiệm\s+vụ|mục\s+tiêu|giải\s+pháp|kế\s+hoạch|đề\s+xuất|kiến\s+nghị)(?![\p{L}])",
    _VI,
)
# Section labels at the start of a heading paragraph: 'II.', '6.5.', 'a)', 'PHỤ LỤC I'.
HEAD_LABEL = rx(r"^\s*(?:(?:phần|mục)\s+)?(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)/:-]?\s+", _VI)

_COMPARATOR_OF = {"ge": ">=", "le": "<=", "gt": ">", "lt": "<", "approx": "~"}


# ── working objects ─────────────────────────────────────────────────────────────────────────
@dataclass
class _Text:
    """One paragraph seen three ways: as printed, NFC (for matching) and NFC with masks."""

    block: Block
    orig: str
    norm: str
    back: Sequence[int]
    masked: str

    @classmethod
    def of(cls, block: Block, start: int = 0, has_digit: bool = False) -> _Text:
        """``has_digit``: the caller found a ``\\d`` in the text, so the digit check is not repeated."""
        norm, back = nfc_with_offsets(block.text)
        if not has_digit and not any(map(str.isdigit, norm)):
            return cls(block, block.text, norm, back, norm)  # masks only ever hide digits
        return cls(block, block.text, norm, back, _masked(norm, start, _MASK_GATE.for_text(norm).spans(norm)))

    @classmethod
    def of_all(cls, pairs: list[tuple[Block, int]]) -> list[_Text | None]:
        """``_Text.of`` of each (block, start) that has a ``\\d``, else None, each grammar run once
        over all the texts joined by NULs rather than once per text (half the cost: the engine's
        set-up per call and per text outweighed the scan itself).

        Exact: no MASK alternative can match a NUL or reach across one (a test holds its source to
        that), and at a NUL its lookarounds see what they see at either end of a text (neither a
        digit, a letter nor a space), so every match lies inside one text and is that text's own.
        A text with a NUL of its own is read alone."""
        texts = [b.text for b, _ in pairs]
        hits = texts_with(_DIGIT, texts)
        if hits is None:
            return [cls.of(b, st, has_digit=True) if _DIGIT.search(b.text) else None for b, st in pairs]
        norms = {k: nfc_with_offsets(texts[k]) for k in hits}
        order = sorted(norms)
        joined, starts = joined_texts([norms[k][0] for k in order])
        spans: dict[int, list[tuple[int, int]]] = {k: [] for k in order}
        for ms, me in _MASK_SCAN.spans(joined):
            i = bisect_right(starts, ms) - 1
            spans[order[i]].append((ms - starts[i], me - starts[i]))
        out: list[_Text | None] = [None] * len(pairs)
        for k in order:
            block, start = pairs[k]
            norm, back = norms[k]
            out[k] = cls(block, block.text, norm, back, _masked(norm, start, spans[k]))
        return out

    def orig_span(self, s: int, e: int) -> tuple[int, int]:
        return self.back[s], self.back[e]

    def raw(self, s: int, e: int) -> str:
        a, b = self.orig_span(s, e)
        return " ".join(self.orig[a:b].split())


def _masked(norm: str, start: int, spans: list[tuple[int, int]]) -> str:
    """``norm`` with the digits of each mask span hidden, and those of the label before ``start``."""
    pieces: list[str] = []
    last = 0
    for ms, me in [(0, start), *spans]:
        ms = max(ms, last)
        if me <= ms:
            continue
        pieces += (norm[last:ms], _hide_digits(norm[ms:me]))
        last = me
    pieces.append(norm[last:])
    return "".join(pieces)


class _DigitsToNul(dict[int, int]):
    """``str.translate`` table of every digit (``str.isdigit``) to NUL and any other character to
    itself, filled in as characters are first seen (a text holds a few dozen distinct ones)."""

    def __missing__(self, code: int) -> int:
        out = self[code] = 0 if chr(code).isdigit() else code
        return out


_DIGITS_TO_NUL = _DigitsToNul()


def _hide_digits(text: str) -> str:
    """Every digit (``str.isdigit``) of ``text`` as NUL, the rest as it is."""
    return text.translate(_DIGITS_TO_NUL)


@dataclass
class _Figure:
    start: int  # comparator included
    end: int
    num_start: int
    comparator: Comparator
    value: Decimal
    value_max: Decimal | None
    value_text: str
    unit: str
    kind: str  # pct | measure | duration | counted | bare
    unit_start: int
    in_paren: tuple[int, int] | None = None
    licensed: bool = True  # False: kept only to read it as a denominator, never emitted
    denom: str = ""  # ' trên 10.000 dân' carried over from a following denominator


@dataclass
class _Phrase:
    fig: _Figure
    start: int
    end: int
    indicator: str = ""
    from_before: bool = False
    year: int | None = None
    children: list[_Phrase] = field(default_factory=list)


# Small patterns used inside functions (compiled once, not looked up in regex's cache per call).
_LETTER = rx(r"\p{L}")
_REPORT_TYPE = rx(r"(?i)báo\s+cáo\b")  # the type line of a report: "BÁO CÁO"
_ANY_YEAR = rx(r"(?:19|20)\d{2}")  # "tầm nhìn đến năm 2045" → 2045
# A date in a title ("… ngày 24/11/2023", "ngày 30 tháng 4 năm 2024") is never the plan horizon.
_CITED_DATE = rx(r"(?i)ngày\s+\d{1,2}\s*(?:/\s*\d{1,2}\s*/\s*\d{4}|tháng\s+\d{1,2}\s+năm\s+\d{4})")
_LIST_JOIN = rx(r",|\bvà\b")  # "40 giường…, 19 bác sĩ và 33 điều dưỡng"
_OR_MORE = rx(r"\s+(?i:trở\s+lên)")  # "từ 80% trở lên"
_BREAKDOWN_LEAD = rx(r"^(?i:trong\s+đó|gồm|bao\s+gồm)\s*[:,]?\s*")  # "trong đó: khu vực thành thị …"
# A row of column numbers under a table header: "(1) (2) (3) (4)".
_NUMBERING_ROW = rx(r"[\s()\d]*")
_PAREN_NUMBER = rx(r"\(\d+\)")
_SEMICOLON = rx(r"\s*;\s*")
_AND = rx(r"(?i)và\s")
ROW_NUMBER = rx(r"\d+(?:\.\d+)*\.?")  # a table row's "TT": "1", "2.3." (also read by ``deadlines``)


# ── public API ──────────────────────────────────────────────────────────────────────────────
def extract_targets(skel: Skeleton) -> list[Target]:
    """Every quantitative commitment in the section tree and in target tables, ids T1… in order."""
    title_year = _title_horizon(skel)
    report = is_report(skel)
    found: list[tuple[tuple[int, int], Target]] = []  # (node index, order within it)
    nodes = list(skel.nodes())
    pairs = []  # (node index, node id, its horizon, (block, start)) of every paragraph read
    for k, node in enumerate(nodes):
        if in_results_context(node, report):
            continue
        horizon = _node_horizon(node)
        pairs += [(k, node.id, title_year if horizon is None else horizon, bs) for bs in blocks_of(node)]
    for (k, sid, horizon, (_, start)), tx in zip(pairs, _Text.of_all([p[3] for p in pairs]), strict=True):
        if tx is None:
            continue  # every figure has a digit, and NFC makes none (half the paragraphs of a plan)
        for t in _targets_of(tx, start, sid, horizon):
            found.append(((k, len(found)), t))
    for table in skel.tables:
        owner = _owner_of_table(nodes, table)
        if (owner is not None and in_results_context(owner, report)) or (owner is None and report):
            continue
        k = nodes.index(owner) if owner is not None else len(nodes)
        sid = owner.id if owner is not None else "PL"
        horizon = _node_horizon(owner) if owner is not None else None
        for t in extract_table_targets(table, sid, default_year=horizon or title_year):
            found.append(((k, 1_000_000 + len(found)), t))  # after the text of the section it stands in
    if not skel.roots:
        # no section tree was found (a flattened export): the body is all preamble, so read it
        for block in skel.preamble:
            for t in _targets_in_block(block, 0, "preamble", title_year):
                found.append(((-1, len(found)), t))
    found.sort(key=lambda kv: kv[0])
    out = [t for _, t in found]
    _number(out)
    return out


def _number(targets: list[Target]) -> None:
    """Ids T1… in order, set in place: each target was made here and is held nowhere else (a
    copy per target cost ~8 µs, the assignment ~1)."""
    for n, t in enumerate(targets, start=1):
        t.id = f"T{n}"


def targets_in_text(block: Block, section: str = "", horizon: int | None = None) -> list[Target]:
    """The targets of one paragraph (for tests and for callers without a section tree)."""
    out = _targets_in_block(block, 0, section, horizon)
    _number(out)
    return out


# ── section context ─────────────────────────────────────────────────────────────────────────
def blocks_of(node: Node) -> Iterator[tuple[Block, int]]:
    """The heading paragraph (its number label skipped) and the body; run_in is inside head."""
    m = HEAD_LABEL.match(node.head.text)
    yield node.head, (m.end() if m else 0)
    for b in node.body:
        yield b, 0


def in_results_context(node: Node, report: bool = False) -> bool:
    """Figures here are results, not commitments: a results heading, or in a report ('BÁO CÁO')
    any part that is not forward-looking ('PHƯƠNG HƯỚNG, NHIỆM VỤ … NĂM 2026')."""
    chain = [node, *node.ancestors()]
    if any(_is_results_heading(n.heading) for n in chain):
        return True
    return report and not any(_is_forward_heading(n.heading) for n in chain)


@lru_cache(maxsize=4096)
def _is_results_heading(heading: str) -> bool:  # asked for every node's ancestors, by two stages
    return RESULTS_HEADING.search(heading) is not None


@lru_cache(maxsize=4096)
def _is_forward_heading(heading: str) -> bool:
    return FORWARD_HEADING.search(heading) is not None


def is_report(skel: Skeleton) -> bool:
    """The document type line says 'BÁO CÁO' (a report: mostly results)."""
    first = next((" ".join(ln.text.split()) for ln in skel.title_lines if ln.text.strip()), "")
    return bool(_REPORT_TYPE.match(first))


@lru_cache(maxsize=4096)
def _horizon_of(text: str) -> int | None:  # asked for every node's ancestors
    """The plan horizon a heading or title states, vision years only as a last resort."""
    if "19" not in text and "20" not in text:
        return None  # every year the grammars read is 19xx or 20xx (most headings print none)
    main = BASELINE.sub(" ", VISION.sub(" ", text))
    m = HORIZON.search(main)
    if m:
        return int(m.group("y"))
    m = _ANY_YEAR.search(text) if VISION.search(text) else None
    return int(m.group()) if m else None


def _node_horizon(node: Node) -> int | None:
    for n in [node, *node.ancestors()]:
        y = _horizon_of(n.heading)
        if y is not None:
            return y
    return None


def _title_horizon(skel: Skeleton) -> int | None:
    """The year a title sets for the plan itself: 'Kế hoạch … năm 2026' or '… giai đoạn 2026-2030'.

    Dates of cited documents ('ngày 24/11/2023') never count, so the sample's title gives None.
    """
    text = " ".join(" ".join(ln.text.split()) for ln in skel.title_lines)
    text = _CITED_DATE.sub(" ", text)
    return _horizon_of(text) if text else None


def _owner_of_table(nodes: list[Node], table: Table) -> Node | None:
    owner = None
    for n in nodes:
        if n.head.lines and n.head.lines[0].line <= table.line:
            owner = n
    return owner


# ── one paragraph ───────────────────────────────────────────────────────────────────────────
def _targets_in_block(block: Block, start: int, section: str, horizon: int | None) -> list[Target]:
    if not _DIGIT.search(block.text):
        return []  # every figure has a digit, and NFC makes none (half the paragraphs of a plan)
    return _targets_of(_Text.of(block, start, has_digit=True), start, section, horizon)


def _targets_of(tx: _Text, start: int, section: str, horizon: int | None) -> list[Target]:
    out: list[Target] = []
    for s_start, s_end in _sentences(tx.norm, start):
        figs = _figures(tx, s_start, s_end)
        if not figs:
            continue
        leading = _leading_year(tx, s_start, s_end, figs[0].start)
        for c_start, c_end in _clauses(tx.norm, s_start, s_end):
            cfigs = [f for f in figs if c_start <= f.start < c_end]
            for ph in _phrases(tx, c_start, c_end, cfigs) if cfigs else []:
                ph.year = _phrase_year(tx, ph) or leading or horizon
                out.append(_target(tx, ph, section))
                for ch in ph.children:
                    ch.year = _phrase_year(tx, ch) or ph.year
                    out.append(_target(tx, ch, section))
    return out


def _leading_year(tx: _Text, s: int, e: int, first_fig: int) -> int | None:
    """'Phấn đấu đến hết năm 2026, mức độ … đạt 90%; trong đó, … đạt 85%' → 2026 for both."""
    clause_end = min([i for i in (tx.norm.find(";", s, e),) if i >= 0] or [e])
    m = YEAR_LEADING.search(tx.norm, s, min(first_fig, clause_end))
    return int(m.group("y")) if m else None


# The only characters the sentence and clause cutters look at (found by the engine, not a Python loop).
_SENTENCE_CHARS = rx(r"[().!?]")
_CLAUSE_CHARS = rx(r"[();]")


def _top_level(text: str, s: int, e: int, chars: regex.Pattern[str]) -> Iterator[int]:
    """Positions of the ``chars`` (other than parentheses) that stand outside any parenthesis."""
    depth = 0
    for m in chars.finditer(text, s, max(s, e)):
        c = text[m.start()]
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            yield m.start()


def _sentences(text: str, start: int) -> Iterator[tuple[int, int]]:
    """Sentences at paren depth 0: cut at '. ' (not a decimal point) and at '. - ' bullets."""
    s = start
    n = len(text)
    for i in _top_level(text, start, n, _SENTENCE_CHARS):
        if (i + 1 == n or text[i + 1].isspace()) and not (text[i] == "." and i > 0 and text[i - 1] == "."):
            yield s, i  # ('...' is not a sentence end)
            s = i + 1
    if s < n:
        yield s, n


def _clauses(text: str, s: int, e: int) -> Iterator[tuple[int, int]]:
    """Top-level ';' cuts a sentence into clauses."""
    cs = s
    for i in _top_level(text, s, e, _CLAUSE_CHARS):
        yield cs, i
        cs = i + 1
    yield cs, e


_PARENS = rx(r"[()]")


def _paren_spans(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Top-level parenthesised spans of ``text[s:e]``; one left open runs to ``e``."""
    out = []
    depth = 0
    ps = -1
    for m in _PARENS.finditer(text, s, max(s, e)):
        i = m.start()
        if text[i] == "(":
            if depth == 0:
                ps = i
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                out.append((ps, i + 1))
    if depth and ps >= 0:
        out.append((ps, e))
    return out


# ── figures ─────────────────────────────────────────────────────────────────────────────────
def _figures(tx: _Text, s: int, e: int) -> list[_Figure]:
    """Licensed figures of a sentence; denominators and scopes folded into their neighbours."""
    if not _DIGIT.search(tx.masked, s, e):
        return []
    parens = _paren_spans(tx.norm, s, e)
    raw: list[_Figure] = []
    for m in _figure_matches(tx.masked, s, e):
        f = _figure(tx, m, s)
        if f is None:
            continue
        f.in_paren = next(((a, b) for a, b in parens if a < f.start < b), None)
        raw.append(f)
    out: list[_Figure] = []
    prev: _Figure | None = None  # the last licensed figure of ``out`` (kept, not searched for: linear)
    for f in raw:
        gap = tx.norm[prev.end:f.start] if prev else ""
        if prev is not None and prev.licensed and f.comparator == ">" and gap.strip() == "" and f.kind in ("bare", "counted"):
            # 'trên 10.000 dân' after '33 điều dưỡng viên': a per-denominator (distributed over the
            # list it closes) or a scope ('5% trên 3 tiêu chí'): never a '>' target of its own.
            if f.value in _POWERS_OF_TEN and prev.kind == "counted":
                nm = DENOM_NOUN.match(tx.norm, f.end, e)
                noun = nm.group("noun") if nm else f.unit
                denom_text = f.value_text + (" " + noun if noun else "")
                for g in _chain_back(tx, out):
                    g.unit = f"{g.unit}/{denom_text}"
                    g.denom = " " + tx.norm[f.start:(nm.end() if nm else f.end)].strip()
            continue
        out.append(f)
        if f.licensed:
            prev = f
    return [f for f in out if f.licensed]


def _figure_matches(text: str, s: int, e: int) -> Iterator[regex.Match[str]]:
    """``FIGURE.finditer(text, s, e)``, each search started where the lead of the next digit does:
    every figure has a digit, a figure that starts before the next digit has its number there, and
    it starts no further back than the run of lead tokens before it (see ``_FIGURE_LEAD``), so the
    leftmost match from there is the leftmost from the cursor."""
    cursor = s
    while (d := _DIGIT.search(text, cursor, e)) is not None:
        lead = _FIGURE_LEAD.match(text, cursor, d.start())
        m = FIGURE.search(text, lead.start() if lead is not None else cursor, e)
        if m is None:
            return
        yield m
        cursor = m.end()  # never empty: a figure has a number


def _chain_back(tx: _Text, figs: list[_Figure]) -> list[_Figure]:
    """The counted figures listed together just before a denominator: '40 giường…, 19 bác sĩ, …'."""
    chain: list[_Figure] = []
    for f in reversed([g for g in figs if g.licensed]):
        if f.kind != "counted":
            break
        if chain:
            gap = tx.norm[f.end:chain[-1].start]
            if len(gap.split()) > 4 or not _LIST_JOIN.search(gap):
                break
        chain.append(f)
    return chain


def _group_names(pattern: regex.Pattern[str]) -> tuple[str, ...]:
    """The names of ``pattern``'s groups in number order, every group named (else an error), so
    that ``dict(zip(names, m.groups()))`` is ``m.groupdict()``: the engine builds that dict by
    looking up each name (13 µs a FIGURE match), ``groups()`` reads them by number (0.4 µs). (A
    name given twice is one group in ``regex``, one number, so it is read the same way.)"""
    index = pattern.groupindex
    if sorted(index.values()) != list(range(1, pattern.groups + 1)):
        raise ValueError(f"not every group is named: {pattern.pattern[:60]!r}")
    return tuple(sorted(index, key=index.__getitem__))


_FIGURE_GROUPS = _group_names(FIGURE)
# Spans read by number too (a name costs the engine ~1 µs a read, a number 0.15 µs).
_N1, _N2, _FROM, _UNIT = (FIGURE.groupindex[k] for k in ("n1", "n2", "from", "unit"))


def _figure(tx: _Text, m: regex.Match[str], sentence_start: int) -> _Figure | None:
    g = dict(zip(_FIGURE_GROUPS, m.groups(), strict=True))  # m.groupdict(), read by number (``_group_names``)
    n1 = parse_vn_number(g["n1"])
    if n1 is None:
        return None
    n2 = parse_vn_number(g["n2"]) if g["n2"] else None
    kind = "bare"
    for k in ("pct", "measure", "duration", "counted"):
        if g[k]:
            kind = k
    unit = " ".join(g["unit"].split()) if g["unit"] else ""
    before = tx.norm[max(sentence_start, m.start() - 60):m.start()]
    cmp_name = next((k for k in _COMPARATOR_OF if g[k]), None)
    strong = _cue(STRONG_CUE, _STRONG_CUE_R, before) or cmp_name in ("ge", "le", "approx")
    if PAST.search(before):
        return None
    licensed = True
    if kind in ("duration", "bare"):
        licensed = strong and (kind != "bare" or bool(BARE_END.match(tx.masked, m.end())))
    if kind == "counted" and not g["cmp"] and _cue(SCOPE_PREP, _SCOPE_PREP_R, before):
        licensed = False
    if g["tail"] and not (strong or _cue(QUALIFIER_OK, _QUALIFIER_OK_R, before)):
        licensed = False  # 'nhóm từ 30 hộ trở lên': a qualifier of the noun before it
    if kind == "bare" and n1.is_integer and g["n1"].startswith("0") and len(g["n1"]) > 1:
        licensed = False  # '01' alone is a list label, not a value
    comparator: Comparator
    if n2 is not None:
        if n2.value <= n1.value:
            return None  # '6-2' is no range
        comparator = "range"
    elif g["tail"]:
        comparator = ">=" if _OR_MORE.match(g["tail"]) else "<="
    elif cmp_name:
        comparator = _COMPARATOR_OF[cmp_name]  # type: ignore[assignment]
    elif g["cmp"]:
        comparator = _symbol(g["cmp"])
    else:
        comparator = "="
    if g["from"] and n2 is None and not g["tail"]:
        comparator = ">=" if comparator == "=" else comparator
    if kind == "pct":
        unit = unit.replace(" ", "")
    value_text = g["n1"]
    if n2 is not None:
        value_text = tx.norm[m.start(_N1):m.end(_N2)]
        if "%" in value_text:
            value_text += "%"  # '5% ÷ 10%'

    return _Figure(
        start=m.start(),
        end=m.end(),
        num_start=m.start(_N1) if not g["from"] else m.start(_FROM),
        comparator=comparator,
        value=n1.value,
        value_max=n2.value if n2 is not None else None,
        value_text=value_text,
        unit=unit,
        kind=kind,
        unit_start=m.start(_UNIT) if g["unit"] else m.end(),
        licensed=licensed,
    )


def _symbol(s: str) -> Comparator:
    s = s.strip()
    return {"≥": ">=", ">=": ">=", "≤": "<=", "<=": "<=", ">": ">", "<": "<", "~": "~"}.get(s, "=")  # type: ignore[return-value]


# ── phrases ─────────────────────────────────────────────────────────────────────────────────
_SEP = rx(r",|;|(?<![\p{L}])(?:và|đồng\s+thời)(?![\p{L}])", _VI)


def _separators(text: str, s: int, e: int, parens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SEP.finditer(text, s, e) if not any(a <= m.start() < b for a, b in parens)]


def _phrases(tx: _Text, cs: int, ce: int, figs: list[_Figure]) -> list[_Phrase]:
    """Cut a clause into one phrase per top-level figure; parenthesised figures become children."""
    parens = _paren_spans(tx.norm, cs, ce)
    top = [f for f in figs if f.in_paren is None]
    phrases: list[_Phrase] = []
    start = cs
    for i, f in enumerate(top):
        end = ce
        nxt_start = ce
        if i + 1 < len(top):
            nxt = top[i + 1]
            seps = _separators(tx.norm, f.end, nxt.start, parens)
            if seps:
                first_sep = seps[0]
                between = _strip_parens(tx.norm, f.end, first_sep[0], parens)
                if not _LETTER.search(_TRAIL_JUNK.sub("", between) if between.strip() else ""):
                    end, nxt_start = first_sep[0], first_sep[1]
                else:
                    end, nxt_start = seps[-1][0], seps[-1][1]
                    # '…, đảm bảo đến năm 2030, ít nhất 50% xã …': the year opens the next phrase
                    lead = YEAR_LEADING.search(tx.norm, seps[-2][1] if len(seps) > 1 else f.end, end)
                    if lead is not None and not tx.norm[lead.end():end].strip():
                        end, nxt_start = lead.start(), lead.start()
            else:
                end, nxt_start = f.end, f.end
        ph = _Phrase(f, start, _phrase_end(tx.norm, f, start, end, parens))
        phrases.append(ph)
        start = nxt_start
    _indicators(tx, phrases, parens)
    # parenthesised breakdowns: '(trong đó: khu vực thành thị đạt 100%; khu vực nông thôn đạt 90%)'
    for a, b in parens:
        inner = [f for f in figs if f.in_paren == (a, b)]
        if not inner:
            continue
        parent = next((p for p in phrases if p.start <= a < max(b, p.end + 1)), None)
        if parent is None:
            parent = min(phrases, key=lambda p: abs(p.fig.start - a)) if phrases else None
        kids: list[_Phrase] = []
        for sub_s, sub_e in _clauses(tx.norm, a + 1, b - 1 if tx.norm[b - 1] == ")" else b):
            sub = [f for f in inner if sub_s <= f.start < sub_e]
            if sub:
                kids.extend(_phrases(tx, sub_s, sub_e, [_unparen(f) for f in sub]))
        for k in kids:
            if parent is not None and k.from_before and parent.indicator:
                k.indicator = _join(parent.indicator, k.indicator)
        if parent is not None:
            parent.children.extend(kids)
        else:
            phrases.extend(kids)
    return phrases


def _unparen(f: _Figure) -> _Figure:
    return replace(f, in_paren=None)


def _strip_parens(text: str, s: int, e: int, parens: list[tuple[int, int]]) -> str:
    return "".join(text[i] for i in range(s, e) if not any(a <= i < b for a, b in parens))


def _phrase_end(text: str, f: _Figure, s: int, e: int, parens: list[tuple[int, int]]) -> int:
    """A breakdown in parentheses after the figure is not part of the phrase's raw text."""
    for a, _b in parens:
        if f.end <= a < e and _DIGIT.search(text, a, _b):
            e = a
            break
    while e > s and text[e - 1] in " ,;.:":
        e -= 1
    return e


def _indicators(tx: _Text, phrases: list[_Phrase], parens: list[tuple[int, int]]) -> None:
    prev: _Phrase | None = None
    for ph in phrases:
        f = ph.fig
        b_s, b_e = _trim(tx.norm, ph.start, f.start)
        # an indicator named after the figure: '100% hộ gia đình …', '74.900 căn hộ nhà ở xã hội …'
        a_from = f.unit_start if f.kind == "counted" else f.end
        a_s, a_e = _trim(tx.norm, a_from, ph.end, parens)
        cut = _YEAR_CUT.search(tx.norm, a_s, a_e)  # '… không có ma túy ngay trong năm 2025 và …'
        if cut is not None and cut.start() > a_s:
            a_s, a_e = _trim(tx.norm, a_s, cut.start())
        head = HEAD_NOUN.search(tx.norm, b_s, b_e) if b_e > b_s else None
        if head is not None:
            ph.indicator, ph.from_before = tx.raw(head.start(), b_e), True
            if f.kind == "counted" and f.unit.casefold() not in ph.indicator.casefold():
                ph.indicator += " " + tx.raw(f.unit_start, f.end).split("/")[0]  # 'Tổng số' + ' KCN'
        elif a_e > a_s and _LETTER.search(tx.norm, a_s, a_e) and not (
                PREP_START.match(tx.norm, a_s) and b_e > b_s):
            ph.indicator = tx.raw(a_s, a_e)
        elif b_e > b_s:
            ph.indicator, ph.from_before = tx.raw(b_s, b_e), True
        else:
            ph.indicator = f.unit
        if f.denom and f.denom.strip() not in ph.indicator:
            ph.indicator += f.denom
        if prev is not None and ph.from_before and prev.from_before and head is None:
            ph.indicator = _inherit(prev.indicator, ph.indicator)
        ph.indicator = _cap(ph.indicator)
        prev = ph


def _trim(text: str, s: int, e: int, parens: list[tuple[int, int]] | None = None) -> tuple[int, int]:
    """Drop bullets, conjunctions, cue words, year tails and trailing parentheses from a span."""
    if parens:
        for a, b in parens:
            if s <= a < e and _DIGIT.search(text, a, b):
                e = a
                break
    for _ in range(4):
        before = (s, e)
        m = _LEAD_JUNK.match(text, s, e)
        if m and m.end() > s:
            s = m.end()
        m2 = _TRAIL_JUNK.search(text, _trail_floor(text, s, e), e)
        if m2 and m2.start() < e:
            e = m2.start()
        if (s, e) == before:
            break  # a round that cut nothing: the next would cut nothing either
    return s, max(s, e)


def _trail_floor(text: str, s: int, e: int) -> int:
    """Where a trailing-junk match can start at the earliest: after the last wall (see
    ``_TRAIL_WALL``). Searching from there finds the same match as from ``s`` (lookbehinds still
    see the text before), without trying the pattern at every position of a long span."""
    for m in _TRAIL_WALL.finditer(text, s, e):
        if not _TRAIL_WORD.fullmatch(m.group()):
            return m.end()
    return s


def _inherit(prev: str, cur: str) -> str:
    """'Tỷ lệ đi học đúng độ tuổi cấp tiểu học' + 'cấp trung học cơ sở' → shared head + cur."""
    words = prev.split()
    first = cur.split()[0].casefold() if cur.split() else ""
    for i in range(len(words) - 1, 0, -1):
        if words[i].casefold() == first:
            return " ".join([*words[:i], cur])
    return cur


def _join(parent: str, child: str) -> str:
    return f"{parent} {lower(child[:1]) + child[1:] if child[:2] != child[:2].upper() else child}"


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _phrase_year(tx: _Text, ph: _Phrase) -> int | None:
    for m in YEAR_IN_PHRASE.finditer(tx.norm, ph.start, ph.end):
        if not m.group("base"):
            return int(m.group("y"))
    return None


def _target(tx: _Text, ph: _Phrase, section: str) -> Target:
    f = ph.fig
    a, b = tx.orig_span(ph.start, ph.end)
    while a < b and (tx.orig[a].isspace() or tx.orig[a] in "-–+•*:;,("):
        a += 1
    raw = " ".join(tx.orig[a:b].split())
    raw = _BREAKDOWN_LEAD.sub("", raw)
    return Target.model_validate({  # its provenance validated with it (``Block.provenance_data``)
        "id": "T0",
        "section": section,
        "indicator": ph.indicator,
        "comparator": f.comparator,
        "value": float(f.value),
        "value_text": f.value_text,
        "value_max": float(f.value_max) if f.value_max is not None else None,
        "unit": f.unit,
        "year": ph.year,
        "raw": raw,
        "provenance": tx.block.provenance_data(a, b),
    })


# ── tables ──────────────────────────────────────────────────────────────────────────────────
# Header cells. Indicator column: 'Chỉ tiêu', 'Tên chỉ tiêu', 'Nội dung chỉ tiêu', 'Chỉ số'.
_COL_INDICATOR = rx(r"^(?:tên\s+|nội\s+dung\s+)?(?:chỉ\s+tiêu|chỉ\s+số)(?:\s+(?:chủ\s+yếu|cụ\s+thể))?$", _VI)
# Unit column: 'Đơn vị', 'Đơn vị tính', 'ĐVT' (never 'Đơn vị thực hiện', an agency column).
_COL_UNIT = rx(r"^(?:đơn\s+vị(?:\s+tính)?|đvt)$", _VI)
# Value columns: 'Kết quả', 'Mục tiêu', 'Giá trị', 'Chỉ tiêu năm 2026', 'Kế hoạch năm 2026',
# 'Năm 2030', 'Đến năm 2030', 'Phấn đấu'; not past columns ('Thực hiện năm 2024', 'Ước …').
_COL_VALUE = rx(
    r"^(?:kết\s+quả|mục\s+tiêu|giá\s+trị|chỉ\s+tiêu\s+(?:năm|đến|giai)|kế\s+hoạch|(?:đến\s+)?năm\s+\d{4}|phấn\s+đấu"
    r"|giai\s+đoạn|định\s+mức|yêu\s+cầu|mức\s+phấn\s+đấu)",
    _VI,
)
_COL_PAST = rx(r"thực\s+hiện|ước|đạt\s+được|thực\s+trạng|hiện\s+trạng|cùng\s+kỳ", _VI)
# The number of a table's group row: "I", "II." (also read by ``deadlines``).
ROMAN_GROUP = rx(r"^[IVXLC]+\.?$")
CELL_VALUE = rx(
    rf"""^\s*(?P<cmp>≥|>=|≤|<=|>|<|~|(?i:tối\s+thiểu|ít\s+nhất|không\s+dưới|trên|dưới|khoảng|tối\s+đa|không\s+quá|đạt))?
        \s*(?P<n1>{NUMBER_PATTERN})\s*(?P<p1>%)?
        (?:\s*(?:-|–|÷|(?i:đến))\s*(?P<n2>{NUMBER_PATTERN})\s*(?P<p2>%)?)?
        (?P<rest>.*)$""",
    _V,
)
_CELL_CMP: dict[str, Comparator] = {
    "≥": ">=", ">=": ">=", "tối thiểu": ">=", "ít nhất": ">=", "không dưới": ">=",
    "≤": "<=", "<=": "<=", "tối đa": "<=", "không quá": "<=",
    ">": ">", "trên": ">", "<": "<", "dưới": "<", "~": "~", "khoảng": "~", "đạt": "=",
}


def _clean_cell(s: str) -> str:
    return " ".join(s.replace("**", " ").replace("__", " ").split())


def extract_table_targets(table: Table, section_id: str, *, default_year: int | None = None) -> list[Target]:
    """Targets of a table whose header names an indicator column and a value column.

    'TT | Chỉ tiêu | Đơn vị | Kết quả | Cơ quan chủ trì theo dõi' (Phụ lục I of NQ 03/NQ-CP):
    one target per value (``≤ 3 Đông Nam Á; ≤ 50 Thế giới`` gives two); a group row
    ('I | Đến năm 2030') sets the year of the rows under it; a row's section is
    ``{section_id}.{group}.{TT}``. Task tables ('Nhiệm vụ | Sản phẩm') have no indicator column.
    """
    rows = [[_clean_cell(c) for c in r] for r in table.rows]
    hdr = None
    for i, r in enumerate(rows[:4]):
        ind = [j for j, c in enumerate(r) if _COL_INDICATOR.match(c)]
        val = [j for j, c in enumerate(r) if _COL_VALUE.match(c) and not _COL_PAST.search(c) and j not in ind]
        if ind and val:
            hdr = (i, ind[0], val, next((j for j, c in enumerate(r) if _COL_UNIT.match(c)), None))
            break
    if hdr is None:
        return _targets_in_text_cells(table, rows, section_id, default_year)
    h, ci, cvals, cu = hdr
    header = rows[h]
    col_year = {j: _horizon_of(header[j]) for j in cvals}
    out: list[Target] = []
    group = ""
    group_year: int | None = None
    for r in rows[h + 1:]:
        if len(r) <= max([ci, *cvals]):
            continue
        first = r[0] if ci != 0 else ""
        if _NUMBERING_ROW.fullmatch("".join(r)) and _PAREN_NUMBER.search("".join(r)):
            continue  # column-number row '(1) (2) (3)'
        values = [r[j] for j in cvals]
        if (ROMAN_GROUP.match(first) or (not any(values) and r[ci])) and not any(v and _DIGIT.search(v) and not _horizon_of(v) for v in values):
            group = first.rstrip(".") if ROMAN_GROUP.match(first) else group
            y = _horizon_of(" ".join(c for c in r if c))
            group_year = y if y is not None else group_year
            continue
        tt = first.rstrip(".")
        sid = ".".join(p for p in (section_id, group, tt) if p)
        indicator = r[ci]
        unit_col = r[cu] if cu is not None and cu < len(r) else ""
        for j in cvals:
            parts = [p for p in _SEMICOLON.split(r[j]) if p.strip()]
            for part in parts:
                m = CELL_VALUE.match(part)
                if m is None:
                    continue
                n1 = parse_vn_number(m.group("n1"))
                n2 = parse_vn_number(m.group("n2")) if m.group("n2") else None
                if n1 is None:
                    continue
                cmp_word = " ".join(lower(m.group("cmp") or "").split())
                comparator: Comparator = "range" if n2 is not None else _CELL_CMP.get(cmp_word, "=")
                unit = unit_col or ("%" if m.group("p1") or m.group("p2") else "")
                rest = m.group("rest").strip(" ,.")
                qual = rest if len(parts) > 1 and rest and not _AND.match(rest) else ""
                out.append(
                    Target(
                        id="T0",
                        section=sid,
                        indicator=_cap(f"{indicator} {qual}".strip()),
                        comparator=comparator,
                        value=float(n1.value),
                        value_text=m.group("n1") if n2 is None else f"{m.group('n1')} - {m.group('n2')}",
                        value_max=float(n2.value) if n2 is not None else None,
                        unit=unit,
                        year=col_year.get(j) or group_year or default_year,
                        raw=" | ".join(c for c in (indicator, unit_col, part.strip()) if c),
                        provenance=Provenance(page=table.page, line=table.line, origin="table"),
                    )
                )
    return out


# Text columns of other tables (task tables): 'Nhiệm vụ', 'Tên nhiệm vụ', 'Nội dung', 'Sản phẩm',
# 'Kết quả', 'Mục tiêu'. 'Bố trí ít nhất 15% ngân sách nhà nước …' in a task row is a target.
_COL_TEXT = rx(r"^(?:(?:tên\s+|nội\s+dung\s+)?nhiệm\s+vụ|nội\s+dung|sản\s+phẩm|kết\s+quả|mục\s+tiêu|yêu\s+cầu)", _VI)


def _merged_row(r: list[str]) -> bool:
    """A group row spanning the table: its text repeated in every cell after the first."""
    rest = [c for c in r[1:] if c]
    return len(rest) >= 2 and len(set(rest)) == 1 and len(rest) == len(r) - 1


def _targets_in_text_cells(table: Table, rows: list[list[str]], section_id: str,
                           default_year: int | None) -> list[Target]:
    hdr = None
    for i, r in enumerate(rows[:4]):
        cols = [j for j, c in enumerate(r) if _COL_TEXT.match(c)]
        if cols:
            hdr = (i, cols)
            break
    if hdr is None:
        return []
    h, cols = hdr
    out: list[Target] = []
    seen: set[tuple[str, str]] = set()
    group = ""
    group_year: int | None = None
    for r in rows[h + 1:]:
        first = r[0] if r else ""
        if ROMAN_GROUP.match(first) or _merged_row(r):
            group = first.rstrip(".") if ROMAN_GROUP.match(first) else group
            y = _horizon_of(" ".join(dict.fromkeys(c for c in r if c)))
            group_year = y if y is not None else group_year
            continue
        tt = first.rstrip(".") if ROW_NUMBER.fullmatch(first) else ""
        sid = ".".join(p for p in (section_id, group, tt) if p)
        for j in cols:
            if j >= len(r) or not r[j] or (sid, r[j]) in seen:
                continue
            seen.add((sid, r[j]))  # merged cells repeat their text in every grid row
            line = Line(r[j], table.line, table.page, "table")
            for t in _targets_in_block(Block.single(r[j], line), 0, sid, group_year or default_year):
                out.append(t)
    return out
