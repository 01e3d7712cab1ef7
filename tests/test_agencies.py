"""agencies: where a list of agencies splits, where a name ends in prose, the canonical name
and the kind of body. Lists are quoted from the cited documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from khparse.agencies import canonical, cut_at_verb, is_agency_start, kind_of, split_agencies
from khparse.normalize import fold
from khparse_helpers import gold, plan

SHARED = Path(__file__).resolve().parents[2] / "shared"
S001 = "seeds/001_d2697e7322ee9a2c.txt"


# --- list splitting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "items"),
    [
        # 001 l.146: collectives with inner commas stay whole
        ("các sở, ban, ngành có liên quan, UBND các huyện, thị xã, thành phố.",
         ["các sở, ban, ngành có liên quan", "UBND các huyện, thị xã, thành phố"]),
        # 001 l.160-162
        ("Sở Lao động - Thương binh và Xã hội, các sở, ban, ngành có liên quan, UBND các huyện, thị xã, thành phố.",
         ["Sở Lao động - Thương binh và Xã hội", "các sở, ban, ngành có liên quan", "UBND các huyện, thị xã, thành phố"]),
        # 001 l.205-206: sentence-initial "Các" of a collective is lower-cased; "UBND huyện" kept as written
        ("Các sở, ban, ngành của tỉnh, UBND huyện, thị xã, thành phố.",
         ["các sở, ban, ngành của tỉnh", "UBND huyện, thị xã, thành phố"]),
        # 001 IV.4: "và" before a new head splits
        ("Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội các cấp",
         ["Ủy ban Mặt trận Tổ quốc", "các tổ chức chính trị - xã hội các cấp"]),
        # 001 IV.4: one generic collective
        ("chính quyền, các ngành, các cấp", ["chính quyền, các ngành, các cấp"]),
        # 001 IV.2: the press collective has a comma; the open list ends in "..."
        ("các cơ quan báo, đài trên địa bàn tỉnh, Cổng thông tin điện tử tỉnh...",
         ["các cơ quan báo, đài trên địa bàn tỉnh", "Cổng thông tin điện tử tỉnh"]),
        # 001 IV.1: officials
        ("Giám đốc sở, Thủ trưởng cơ quan, đơn vị, Chủ tịch UBND huyện, thị xã, thành phố",
         ["Giám đốc sở", "Thủ trưởng cơ quan, đơn vị", "Chủ tịch UBND huyện, thị xã, thành phố"]),
        # 001 l.193-194: redundant "chủ trì" after the label's value
        ("Sở Kế hoạch và Đầu tư chủ trì.", ["Sở Kế hoạch và Đầu tư"]),
        # laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx, appendix row 6: two leads in one cell
        ("Sở Công Thương; Sở Xây dựng", ["Sở Công Thương", "Sở Xây dựng"]),
        # lamdong-kh-ubnd-cchc-2026-2030.docx, appendix row VII.5: ";"-separated partners
        ("Văn phòng UBND tỉnh; Sở Tư pháp; Sở Tài chính; Sở Khoa học và Công nghệ",
         ["Văn phòng UBND tỉnh", "Sở Tư pháp", "Sở Tài chính", "Sở Khoa học và Công nghệ"]),
        # ddqh-kh-3260-nq57-2025.md III.3: "KH,CN&MT" is one abbreviation, not a list
        ("Thường trực Ủy ban KH,CN&MT của Quốc hội", ["Thường trực Ủy ban KH,CN&MT của Quốc hội"]),
    ],
    ids=["collectives", "dept+collectives", "cac-lowercased", "va-head", "generic", "press", "officials",
         "chu-tri", "semicolon", "semicolons", "abbrev-comma"],
)
def test_split(text: str, items: list[str]) -> None:
    assert split_agencies(text) == items


def test_va_before_a_second_collective_after_a_short_first_item() -> None:
    # laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx, appendix rows 1-2 ("Đơn vị phối hợp"):
    # "Các Sở, ban, ngành và các cơ quan, đơn vị, địa phương liên quan" is two collectives, like
    # "Ủy ban Mặt trận Tổ quốc và các tổ chức …" (001 IV.4).
    got = split_agencies("Các Sở, ban, ngành và các cơ quan, đơn vị, địa phương liên quan")
    assert [fold(x) for x in got] == [fold("các Sở, ban, ngành"), fold("các cơ quan, đơn vị, địa phương liên quan")]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        # 001 IV.3: "phối hợp với các cơ quan, đơn vị liên quan giúp UBND tỉnh theo dõi, …"
        ("các cơ quan, đơn vị liên quan giúp UBND tỉnh theo dõi, đôn đốc", ["các cơ quan, đơn vị liên quan"]),
        # 001 IV.4: "… phối hợp chặt chẽ với chính quyền, các ngành, các cấp thống nhất nhận thức …"
        ("chính quyền, các ngành, các cấp thống nhất nhận thức và hành động", ["chính quyền, các ngành, các cấp"]),
        # 001 III.8: "… phối hợp với Sở Ngoại vụ, Công an tỉnh xem xét việc triển khai …"
        ("Sở Ngoại vụ, Công an tỉnh xem xét việc triển khai hoặc tiếp nhận", ["Sở Ngoại vụ", "Công an tỉnh"]),
    ],
    ids=["giup", "thong-nhat", "xem-xet"],
)
def test_prose_item_ends_at_the_verb(text: str, items: list[str]) -> None:
    assert split_agencies(text, prose=True) == items


def test_verb_inside_a_name_does_not_cut_it() -> None:
    # "các tổ chức chính trị - xã hội các cấp": "tổ chức" is a noun here (001 IV.4)
    assert cut_at_verb(" Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội các cấp phối hợp chặt chẽ").strip() \
        == "Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội các cấp"


@pytest.mark.parametrize(
    ("text", "starts"),
    [("Sở Nội vụ", True), ("UBND các huyện", True), ("Công an tỉnh", True), ("các sở, ban, ngành", True),
     ("Bảo hiểm xã hội tỉnh", True), ("chính quyền, các ngành, các cấp", True),
     ("Tập trung rà soát, giải quyết căn bản", False),  # 001 III.3 bullet
     ("Những vấn đề khác (nếu có)", False)],  # laocai-…-1105 companion, heading of section 6
)
def test_agency_start(text: str, starts: bool) -> None:
    assert is_agency_start(text) is starts


# --- canonical names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("UBND các huyện, thị xã, thành phố", "Ủy ban nhân dân các huyện, thị xã, thành phố"),  # 001
        ("Chủ tịch UBND huyện, thị xã, thành phố", "Chủ tịch Ủy ban nhân dân huyện, thị xã, thành phố"),  # 001 IV.1
        ("Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),  # 001 l.414
        ("Uỷ ban nhân dân tỉnh", "Ủy ban nhân dân tỉnh"),
        ("Ủy ban MTTQ Việt Nam tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),  # ct11 docx, Nơi nhận
        ("VP UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),  # 001 Nơi nhận
        ("Sở   Nội vụ", "Sở Nội vụ"),
    ],
)
def test_canonical(written: str, name: str) -> None:
    assert canonical(written) == name


# --- kinds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Sở Lao động - Thương binh và Xã hội", "department"),
        ("Bảo hiểm xã hội tỉnh", "provincial_body"),
        ("Công an tỉnh", "provincial_body"),
        ("Cổng thông tin điện tử tỉnh", "provincial_body"),
        ("Thanh tra tỉnh", "provincial_body"),  # ct11 docx IV.8
        ("Bộ Chỉ huy Quân sự tỉnh", "provincial_body"),  # ct11 docx IV.11: "Bộ" but not a ministry
        ("UBND các huyện, thị xã, thành phố", "district_level"),
        ("Chủ tịch UBND huyện, thị xã, thành phố", "district_level"),
        ("UBND các xã, phường, đặc khu", "district_level"),  # lamdong 2026-2030 appendix
        ("các sở, ban, ngành có liên quan", "collective"),
        ("Giám đốc sở", "collective"),
        ("Thủ trưởng cơ quan, đơn vị", "collective"),
        ("chính quyền, các ngành, các cấp", "collective"),
        ("Ủy ban Mặt trận Tổ quốc", "mass_organisation"),
        ("các tổ chức chính trị - xã hội các cấp", "mass_organisation"),
        ("Bộ Công an", "ministry"),  # bca-kh-589 (national plan)
        ("Bộ Thông tin và Truyền thông", "ministry"),  # chinhphu NQ 03 appendix
    ],
)
def test_kind(name: str, kind: str) -> None:
    assert kind_of(name) == kind


# --- the agency list of the sample plan against the gold ------------------------------------


def test_every_gold_agency_is_found_with_its_kind() -> None:
    out = plan(S001).agencies
    by_key = {fold(form): a for a in out for form in [a.name, *a.aliases]}
    for g in gold()["agencies"]:
        hit = next((by_key[fold(f)] for f in [g["name"], *g["aliases"]] if fold(f) in by_key), None)
        assert hit is not None, g["name"]
        assert hit.kind == g["kind"], (g["name"], hit.kind)


def test_every_agency_is_a_gold_agency_and_has_its_tasks() -> None:
    keys = {fold(f) for g in gold()["agencies"] for f in [g["name"], *g["aliases"]]}
    task_ids = {t.id for t in plan(S001).tasks}
    for a in plan(S001).agencies:
        assert fold(a.name) in keys or any(fold(x) in keys for x in a.aliases), a.name
        assert a.lead_of or a.partner_of
        assert set(a.lead_of) | set(a.partner_of) <= task_ids


def test_spelling_variant_is_an_alias_of_the_canonical_name() -> None:
    # 001 l.414 "Sở Văn hoá, …" (old tone placement) → name "Sở Văn hóa, …", alias as written.
    hits = [a for a in plan(S001).agencies if a.name == "Sở Văn hóa, Thể thao và Du lịch"]
    assert len(hits) == 1 and hits[0].aliases == ["Sở Văn hoá, Thể thao và Du lịch"]
    assert hits[0].kind == "department"
