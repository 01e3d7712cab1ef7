"""numbers: Vietnamese figures (decimal comma, thousands dot) as exact values.

Tables in the style of price-parser's tests: ``DEV`` from the sample plan (Kế hoạch 30/KH-UBND,
Bắc Giang), ``EVAL`` from the corpus documents, ``BUGS`` for the cases that went wrong once.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khparse.numbers import VNNumber, find_vn_numbers, format_vn_number, nfc_with_offsets, parse_vn_number

DEV = [
    ("2,35", "2.35"),  # 'Tỉ lệ thất nghiệp khu vực thành thị dưới 2,35%'
    ("74.900", "74900"),  # 'Xây dựng 74.900 căn hộ nhà ở xã hội'
    ("04", "4"),  # '04 dược sỹ'
    ("0,85", "0.85"),  # 'chỉ số phát triển con người (HDI) đạt 0,85'
    ("99,5", "99.5"),  # 'cấp tiểu học đạt 99,5%'
    ("10.000", "10000"),  # 'trên 10.000 dân'
    ("32,5", "32.5"),  # '32,5m² sàn/người'
]
EVAL = [
    ("2.989,5", "2989.5"),  # laocai Đề án 08: 'khoảng 2.989,5 MW'
    ("4.758,5", "4758.5"),  # laocai Đề án 08: 'lên 4.758,5 MW'
    ("99,86", "99.86"),  # laocai Đề án 08: 'đạt 99,86%'
    ("2.000", "2000"),  # laocai Đề án 08: 'trên 2.000 ha'
    ("33,59", "33.59"),  # laocai Đề án 08: 'đạt 33,59%'
    ("1.000.000", "1000000"),
    ("09", "9"),  # NQ 03/NQ-CP Phụ lục I: 'Tuyến cáp quang biển | 09'
]
# Documented rule for the ambiguous dot: not followed by exactly three digits → English decimal.
ENGLISH = [
    ("1.5", "1.5"),
    ("99.86", "99.86"),
    ("1,000,000", "1000000"),  # two comma groups can only be English thousands
    ("1,234.5", "1234.5"),
]
BUGS = [
    (" 12 ", "12"),  # surrounding blanks are not part of the figure
    ("-3,5", "-3.5"),  # a sign is accepted on a standalone figure
]
NOT_NUMBERS = ["", "12%", "6.5.", "1.2.3", "42-NQ/TW", "abc", "2,", ",5", "1..2", "24/11/2023"]


@pytest.mark.parametrize(("text", "value"), DEV + EVAL + ENGLISH + BUGS)
def test_parse_vn_number(text: str, value: str) -> None:
    n = parse_vn_number(text)
    assert n is not None
    assert n.value == Decimal(value)
    assert n.text == text.strip()


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_not_a_number(text: str) -> None:
    assert parse_vn_number(text) is None


def test_value_object() -> None:
    n = parse_vn_number("04")
    assert n == VNNumber(Decimal(4), "04")
    assert float(n) == 4.0 and n.is_integer
    assert not VNNumber(Decimal("2.35"), "2,35").is_integer


def test_find_numbers_skips_section_labels_and_keeps_spans() -> None:
    text = "6.5.1 đạt 2.989,5 MW và 12%/năm"
    found = [(text[s:e], n.value) for s, e, n in find_vn_numbers(text)]
    assert found == [("2.989,5", Decimal("2989.5")), ("12", Decimal(12))]


def test_format_examples() -> None:
    assert format_vn_number(Decimal("74900")) == "74.900"
    assert format_vn_number(Decimal("2989.5")) == "2.989,5"
    assert format_vn_number(Decimal(4), pad=2) == "04"
    assert format_vn_number(Decimal("-1234.5")) == "-1.234,5"


decimals = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False,
                       allow_infinity=False, places=None)


@given(value=decimals, group=st.booleans(), pad=st.integers(min_value=0, max_value=4))
def test_round_trip(value: Decimal, group: bool, pad: int) -> None:
    """Any Decimal printed Vietnamese style (dots, comma, leading zeros) parses back to itself."""
    text = format_vn_number(value, group=group, pad=pad)
    n = parse_vn_number(text)
    assert n is not None, text
    assert n.value == value, text
    assert n.text == text


@given(value=st.decimals(min_value=Decimal(0), max_value=Decimal("1e9"), allow_nan=False, places=3),
       prefix=st.sampled_from(["đạt ", "trên ", "khoảng ", "(", "- "]),
       suffix=st.sampled_from(["%", " ha", ";", ")", ".", ""]))
def test_found_inside_text(value: Decimal, prefix: str, suffix: str) -> None:
    text = prefix + format_vn_number(value) + suffix
    found = list(find_vn_numbers(text))
    assert [n.value for _, _, n in found] == [value]


def test_nfc_offsets_map_back_to_the_printed_text() -> None:
    printed = "kinh phi\u0301 đạt 5%"  # 000 rendering: 'í' written decomposed
    norm, back = nfc_with_offsets(printed)
    assert norm == "kinh phí đạt 5%"
    s = norm.index("đạt")
    assert printed[back[s]:back[len(norm)]] == "đạt 5%"
    assert list(nfc_with_offsets("đã NFC")[1]) == list(range(7))
