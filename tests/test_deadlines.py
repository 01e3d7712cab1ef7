"""deadlines: dated and recurring deadlines, never horizons or citation dates.

``DEV`` from the sample plan (Kế hoạch 30/KH-UBND, Bắc Giang), ``EVAL`` from corpus documents,
``BUGS`` from mistakes caught on the way, ``NOT_DEADLINES`` as false-positive probes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from khparse.deadlines import deadlines_in_text, extract_deadlines, extract_table_deadlines
from khparse.source import Line, Table
from khparse.structure import Block, Node, Skeleton

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

DL = tuple[str, str, str | None, str | None]  # raw, kind, date, month_day


def found(text: str) -> list[DL]:
    return [(d.raw, d.kind, d.date, d.month_day) for d in deadlines_in_text(Block.single(text, Line(text, 1)), "X")]


DEV: list[tuple[str, list[DL]]] = [
    ("- Xóa 100% nhà tạm và hỗ trợ 100% gia đình người có công gặp khó khăn về nhà ở, nhà xuống cấp cần được "
     "sửa chữa, xây mới trong năm 2024.", [("trong năm 2024", "once", "2024", None)]),
    ("Xây dựng, ban hành kế hoạch đào tạo nguồn nhân lực phục vụ ngành công nghiệp bán dẫn trên địa bàn tỉnh "
     "đến năm 2030, hoàn thành tháng 6/2024.", [("hoàn thành tháng 6/2024", "once", "2024-06", None)]),
    ("Định kỳ trước ngày 10/12 hằng năm, các cơ quan, đơn vị gửi báo cáo tình hình thực hiện Kế hoạch này.",
     [("Định kỳ trước ngày 10/12 hằng năm", "annual", None, "12-10")]),
    ("tổng hợp kết quả thực hiện kế hoạch này gửi UBND tỉnh trước ngày 31/12 hàng năm.",
     [("trước ngày 31/12 hàng năm", "annual", None, "12-31")]),
]
EVAL: list[tuple[str, list[DL]]] = [
    # laocai-kh-sct-dean08-congnghiep-2026.docx
    ("Các phòng, đơn vị báo cáo tình hình thực hiện về Phòng Kế hoạch - Tổng hợp trước ngày 18 hằng tháng.",
     [("trước ngày 18 hằng tháng", "monthly", None, None)]),
    ("Định kỳ 6 tháng, hàng năm, giữa nhiệm kỳ, Sở Công Thương tổ chức sơ kết, đánh giá kết quả thực hiện.",
     [("hàng năm", "annual", None, None)]),
    # lamdong-kh-ubnd-thidua-cchc-2026.docx
    ("a) Các cơ quan, đơn vị, địa phương xây dựng Kế hoạch trong Quý I/2026 để tổ chức phát động thi đua.",
     [("trong Quý I/2026", "once", "2026-03", None)]),
    ("b) Quý I/2027, các cơ quan, đơn vị, địa phương đánh giá kết quả thực hiện phong trào thi đua.",
     [("Quý I/2027", "once", "2027-03", None)]),
    # lamdong-kh-ubnd-cchc-2026-2030.docx
    ("- Định kỳ hằng tháng, công khai trên Cổng thông tin điện tử của tỉnh kết quả đánh giá Bộ chỉ số.",
     [("Định kỳ hằng tháng", "monthly", None, None)]),
    ("Ban hành kế hoạch chậm nhất là ngày 15/4/2026 và tổ chức thực hiện",
     [("chậm nhất là ngày 15/4/2026", "once", "2026-04-15", None)]),
    ("Ban hành kế hoạch trong tháng 01 hằng năm và tổ chức thực hiện",
     [("trong tháng 01 hằng năm", "annual", None, "01-31")]),
    ("Trước ngày 31/01 năm liền kề", [("Trước ngày 31/01 năm liền kề", "annual", None, "01-31")]),
    # laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx (table cell wording in running text)
    ("Xong trong Quý II/2026", [("Xong trong Quý II/2026", "once", "2026-06", None)]),
    ("- Thời gian thực hiện: tháng 10/2025.", [("Thời gian thực hiện: tháng 10/2025", "once", "2025-10", None)]),
    ("hoàn thành trước ngày 31/12/2026", [("hoàn thành trước ngày 31/12/2026", "once", "2026-12-31", None)]),
    ("báo cáo kết quả về Sở Nội vụ hằng quý", [("hằng quý", "quarterly", None, None)]),
]
BUGS: list[tuple[str, list[DL]]] = [
    # a label and the running-text grammar see the same time once
    ("- Thời gian hoàn thành: trong Quý III/2025.", [("Thời gian hoàn thành: trong Quý III/2025", "once", "2025-09", None)]),
    ("trước ngày 31/02/2026", []),  # no such day
    ("đã hoàn thành trong năm 2024", []),  # a result
]
NOT_DEADLINES = [
    "II. MỤC TIÊU, CÁC CHỈ TIÊU CHỦ YẾU ĐẾN NĂM 2030, TẦM NHÌN ĐẾN NĂM 2045",
    "tỷ lệ bao phủ bảo hiểm y tế đạt trên 99% vào năm 2030",
    "Thực hiện Nghị quyết số 42-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng khóa XIII",
    "- Thời gian thực hiện: Thường xuyên.",
    "60% số người sau độ tuổi nghỉ hưu được hưởng lương hưu, bảo hiểm xã hội hằng tháng và trợ cấp hưu trí.",
    "Tối thiểu 98% hồ sơ thủ tục hành chính tiếp nhận hằng năm được giải quyết trước và đúng hạn.",
    "định kỳ sơ kết, tổng kết, báo cáo kết quả thực hiện theo quy định.",
    "Bắc Giang, ngày 30 tháng 4 năm 2024",
    "Chỉ thị số 08-CT/TU ngày 02/7/2021 về phát triển người tham gia BHXH giai đoạn 2021-2025",
    "Tầm nhìn đến năm 2045",
]


@pytest.mark.parametrize(("text", "expected"), DEV + EVAL + BUGS, ids=[t[:40] for t, _ in DEV + EVAL + BUGS])
def test_deadlines_in_text(text: str, expected: list[DL]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", NOT_DEADLINES, ids=[t[:40] for t in NOT_DEADLINES])
def test_not_deadlines(text: str) -> None:
    assert found(text) == []


def test_table_time_column() -> None:
    rows = [
        ["TT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả", "Thời gian hoàn thành"],
        ["**I.**", "Nâng cao nhận thức", "", "", "", ""],
        ["1.", "Xây dựng chương trình", "Bộ KH&CN", "Các bộ", "Kế hoạch", "01/2025"],
        ["2.", "Dự án Luật sửa đổi", "Bộ KH&CN", "Các bộ", "Luật", "Tháng 10/2025"],
        ["3.", "Bố trí ngân sách", "Bộ Tài chính", "Các bộ", "Nghị quyết", "Hằng năm"],
        ["4.", "Tuyên truyền", "Bộ TT&TT", "Các bộ", "Chương trình", "Thường xuyên"],
        ["5.", "Theo dõi", "Sở Tư pháp", "", "Báo cáo", "Theo Điều 17 Nghị định số 52/2015/NĐ-CP ngày 28/5/2015"],
        ["5.", "Theo dõi", "Sở Tư pháp", "", "Báo cáo", "Theo Điều 17 Nghị định số 52/2015/NĐ-CP ngày 28/5/2015"],
        ["6.", "Kiểm tra", "Sở Nội vụ", "", "Báo cáo", "Xong trong Quý II/2026"],
    ]
    got = [(d.section, d.kind, d.date, d.month_day) for d in extract_table_deadlines(Table(rows, line=9), "PL2")]
    assert got == [
        ("PL2.I.1", "once", "2025-01", None),
        ("PL2.I.2", "once", "2025-10", None),
        ("PL2.I.3", "annual", None, None),
        ("PL2.I.6", "once", "2026-06", None),
    ]


def test_extract_deadlines_uses_sections_and_skips_the_heading_label() -> None:
    def node(id_: str, text: str, body: list[str]) -> Node:
        return Node(id_, 2, id_.split(".")[-1], text, "arabic", Block.single(text, Line(text, 1)),
                    body=[Block.single(t, Line(t, 2 + i)) for i, t in enumerate(body)])

    a = node("III.4", "4. Phát triển thị trường lao động", ["Ban hành kế hoạch, hoàn thành tháng 6/2024."])
    b = node("IV.3", "3. Sở Lao động tổng hợp gửi UBND tỉnh trước ngày 31/12 hàng năm.", [])
    skel = Skeleton(header=[], title_lines=[], preamble=[Block.single("ngày 30/4/2024", Line("x", 0))],
                    roots=[a, b], closing=[], tables=[])
    assert [(d.section, d.kind, d.date, d.month_day) for d in extract_deadlines(skel)] == [
        ("III.4", "once", "2024-06", None), ("IV.3", "annual", None, "12-31")]


@pytest.mark.parametrize("seed", ["001", "000"])
def test_sample_plan_matches_gold(seed: str) -> None:
    path = SHARED / "gold" / "kh-30-bacgiang.gold.yaml"
    if not path.exists():
        pytest.skip("../shared is absent")
    sections = pytest.importorskip("khparse.sections")
    from khparse.readers import read

    g = yaml.safe_load(path.read_text(encoding="utf-8"))
    seed_path = next((SHARED / "seeds").glob(f"{seed}_*.txt"))
    got = [(d.section, d.raw, d.kind, d.date, d.month_day) for d in extract_deadlines(sections.build_skeleton(read(seed_path)))]
    want = [(d["section"], d["raw"], d["kind"], d.get("date"), d.get("month_day")) for d in g["deadlines"]]
    assert got == want
