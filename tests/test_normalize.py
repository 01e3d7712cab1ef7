"""normalize: the matching forms (NFC, cleaned text, new-style tone placement, fold keys).

Every example is a word or line of a real document; the source is cited beside it.
Text is kept as printed elsewhere in the pipeline; these helpers only give matching forms.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from khparse.normalize import clean, collapse, fold, fold_spaced, new_tone, nfc, sentence_case

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_000 = SHARED / "seeds" / "000_07b9a62f9f13f5aa.txt"


def seed_000_line(n: int) -> str:
    if not SEED_000.exists():
        pytest.skip("../shared is absent")
    return SEED_000.read_text(encoding="utf-8").split("\n")[n - 1]


# --- NFC / NFD ------------------------------------------------------------------------------


def test_decomposed_letter_of_the_pdf_rendering_is_composed() -> None:
    # 000 l.585: "kinh phí" with a decomposed "í" (i + U+0301), the only non-NFC text in 000.
    raw = seed_000_line(585)
    assert not unicodedata.is_normalized("NFC", raw), "the seed no longer has its NFD example"
    out = clean(raw)
    assert unicodedata.is_normalized("NFC", out)
    assert "kinh phí" in out
    assert nfc(raw) == unicodedata.normalize("NFC", raw)


def test_nfd_and_nfc_spellings_have_one_fold_key() -> None:
    # lamdong-kh-ubnd-kmt-2026-v1.doc mixes NFD words ("sớm", "tục") into NFC text (MANIFEST).
    for word in ("sớm", "tục", "kinh phí"):
        nfd = unicodedata.normalize("NFD", word)
        assert nfd != word
        assert clean(nfd) == word
        assert fold(nfd) == fold(word)


# --- stray combining marks and invisible characters ---------------------------------------


def test_stray_combining_mark_without_a_base_letter_is_dropped() -> None:
    # The accent of 000 l.585 "kinh phí" left on its own after a PDF line break
    # ("kinh ph" / "\u0301 công khai"): a mark with no letter before it carries no meaning.
    assert clean("\u0301 công khai, minh bạch") == " công khai, minh bạch"
    assert clean("kinh ph\n\u0301công khai") == "kinh ph\ncông khai"


def test_combining_mark_on_a_letter_is_kept() -> None:
    # 001 l.1 "ỦY BAN NHÂN DÂN" written in NFD: every mark has its base letter and must survive.
    nfd = unicodedata.normalize("NFD", "ỦY BAN NHÂN DÂN")
    assert clean(nfd) == "ỦY BAN NHÂN DÂN"


def test_invisible_characters_and_odd_spaces() -> None:
    # Portal copies (thuvienphapluat) carry NBSP, zero-width spaces, soft hyphens and a BOM.
    assert clean("\ufeffSố:\u00a030/KH-UBND") == "Số: 30/KH-UBND"
    assert clean("Bắc\u200b Giang") == "Bắc Giang"
    assert clean("Thương\u00adbinh") == "Thươngbinh"
    assert collapse("  Bắc Giang,\tngày\u2009 30 ") == "Bắc Giang, ngày 30"


# --- old / new tone placement ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),  # 001 l.414
        ("VP Tỉnh uỷ, các ban, cơ quan thuộc Tỉnh uỷ", "VP Tỉnh ủy, các ban, cơ quan thuộc Tỉnh ủy"),  # 001 l.542
        ("số năm sống khoẻ", "số năm sống khỏe"),  # 001 l.106
        ("đạt chuẩn xoá mù chữ mức độ 2", "đạt chuẩn xóa mù chữ mức độ 2"),  # 001 l.103
        ("Hiện đại hoá công tác quản lý nhà nước", "Hiện đại hóa công tác quản lý nhà nước"),  # 001 l.177-178
        ("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),  # dean08 .docx header
        ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
    ],
)
def test_old_tone_placement_becomes_new(old: str, new: str) -> None:
    assert new_tone(old) == new
    assert new_tone(new) == new  # idempotent


@pytest.mark.parametrize(
    "word",
    [
        "hoàn thành tháng 6/2024",  # 001 III.4: "oà" + "n" is not a syllable-final "oà"
        "Quỹ bảo hiểm xã hội, Quỹ bảo hiểm thất nghiệp",  # 001 l.333: "qu" + "ỹ", tone on y in both styles
        "Xong trong Quý II/2026",  # laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx, appendix table
        "hòa nhập",
    ],
    ids=["hoan", "quy-fund", "quy-quarter", "hoa"],
)
def test_words_already_correct_in_both_styles_are_unchanged(word: str) -> None:
    assert new_tone(word) == word


def test_tone_placement_variants_share_a_fold_key() -> None:
    # 001 writes both "Văn hoá" (l.414) and "văn hóa" (l.409); "Tỉnh uỷ" (l.542) and "Tỉnh ủy" (l.538).
    assert fold("Sở Văn hoá, Thể thao và Du lịch") == fold("Sở Văn hóa, Thể thao và Du lịch")
    assert fold("Tỉnh uỷ") == fold("Tỉnh ủy")
    assert fold_spaced("Văn hoá") == fold_spaced("văn hóa") == "van hoa"


# --- fold keys ------------------------------------------------------------------------------


def test_fold_ignores_case_marks_spacing_and_punctuation() -> None:
    # 001 l.143-144 "Sở Lao động" / "- Thương binh và Xã hội" and the joined form of 000.
    a = fold("Sở Lao động - Thương binh và Xã hội")
    assert a == fold("SỞ LAO ĐỘNG-THƯƠNG BINH VÀ XÃ HỘI") == "solaodongthuongbinhvaxahoi"
    assert fold("Đoàn ĐBQH tỉnh Bắc Giang") == "doandbqhtinhbacgiang"  # 001 l.540: đ/Đ → d


def test_fold_keeps_different_names_apart() -> None:
    # 001 tasks: two departments that must never be merged by a matching key.
    assert fold("Sở Nội vụ") != fold("Sở Ngoại vụ")
    assert fold("các sở, ban, ngành có liên quan") != fold("các sở, ban, ngành của tỉnh")


def test_fold_spaced_keeps_word_boundaries() -> None:
    assert fold_spaced("Sở Lao động - Thương binh và Xã hội") == "so lao dong thuong binh va xa hoi"
    assert fold_spaced("  TỔ CHỨC   THỰC HIỆN ") == "to chuc thuc hien"  # 001 l.503-504


# --- sentence case --------------------------------------------------------------------------


def test_sentence_case_keeps_document_codes_and_roman_terms() -> None:
    # 001 l.16-17, the title in capitals.
    caps = "THỰC HIỆN NGHỊ QUYẾT SỐ 42-NQ/TW NGÀY 24/11/2023 CỦA BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG KHÓA XIII"
    out = sentence_case(caps)
    assert out.startswith("Thực hiện ")
    assert "42-NQ/TW" in out and "24/11/2023" in out and "khóa XIII" in out
    assert out.upper() == caps
