"""targets: one atomic Target per quantitative commitment.

``DEV`` sentences come from the sample plan (Kế hoạch 30/KH-UBND, Bắc Giang; gold in
../shared/gold), ``EVAL`` from corpus documents never used to write the rules' examples first,
``BUGS`` from mistakes caught on the way. ``NOT_TARGETS`` are the false-positive probes (age
qualifiers, levels, ordinals, document numbers, dates, periods, denominators).
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
import yaml

from khparse.source import Line, Table
from khparse.structure import Block, Node, Skeleton
from khparse.targets import extract_table_targets, extract_targets, targets_in_text

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

Fig = tuple[str, float, float | None, str]  # comparator, value, value_max, unit


def figs(text: str, horizon: int | None = None) -> list[Fig]:
    return [(t.comparator, t.value, t.value_max, t.unit) for t in targets_in_text(block(text), "X", horizon)]


def block(text: str, line: int = 1) -> Block:
    return Block.single(text, Line(text, line))


DEV: list[tuple[str, list[Fig]]] = [
    ("- Tỉ lệ thất nghiệp khu vực thành thị dưới 2,35%.", [("<", 2.35, None, "%")]),
    ("- Tỉ lệ lao động qua đào tạo có bằng cấp, chứng chỉ đạt 40-45%.", [("range", 40, 45, "%")]),
    ("- 62% lực lượng lao động trong độ tuổi lao động tham gia bảo hiểm xã hội và 50% lực lượng lao động "
     "trong độ tuổi lao động tham gia bảo hiểm thất nghiệp.", [("=", 62, None, "%"), ("=", 50, None, "%")]),
    ("- 100% hộ gia đình chăm sóc trẻ em dưới 36 tháng tuổi, phụ nữ mang thai, người cao tuổi thuộc hộ nghèo, "
     "cận nghèo được hưởng trợ cấp xã hội theo quy định; bảo đảm mức sống tối thiểu cho người có hoàn cảnh "
     "khó khăn.", [("=", 100, None, "%")]),
    ("- Củng cố vững chắc phổ cập giáo dục mầm non cho trẻ 5 tuổi; hoàn thành phổ cập giáo dục mầm non cho "
     "trẻ mẫu giáo 3 và 4 tuổi; tỷ lệ đi học đúng độ tuổi cấp tiểu học đạt 99,5%, cấp trung học cơ sở đạt "
     "98%, cấp trung học phổ thông và tương đương đạt 80%; duy trì và nâng cao chất lượng đạt chuẩn xoá mù "
     "chữ mức độ 2.", [("=", 99.5, None, "%"), ("=", 98, None, "%"), ("=", 80, None, "%")]),
    ("- Bảo đảm vững chắc mức sinh thay thế của quốc gia; tuổi thọ trung bình của người dân khoảng 75 tuổi; "
     "số năm sống khoẻ đạt tối thiểu 68 năm; chỉ số phát triển con người (HDI) đạt 0,85; 40 giường bệnh "
     "viện, 19 bác sĩ, 04 dược sỹ, 33 điều dưỡng viên trên 10.000 dân; tỷ lệ bao phủ bảo hiểm y tế đạt "
     "trên 99% vào năm 2030; tỉ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng thể thấp còi dưới 15%.",
     [("~", 75, None, "tuổi"), (">=", 68, None, "năm"), ("=", 0.85, None, ""),
      ("=", 40, None, "giường bệnh/10.000 dân"), ("=", 19, None, "bác sĩ/10.000 dân"),
      ("=", 4, None, "dược sỹ/10.000 dân"), ("=", 33, None, "điều dưỡng viên/10.000 dân"),
      (">", 99, None, "%"), ("<", 15, None, "%")]),
    ("- Xây dựng 74.900 căn hộ nhà ở xã hội cho người thu nhập thấp, công nhân khu công nghiệp; diện tích "
     "sàn nhà ở bình quân đầu người đạt 32,5m² sàn/người (đô thị 32,7m² sàn/người; nông thôn 32,3m² "
     "sàn/người).",
     [("=", 74900, None, "căn hộ"), ("=", 32.5, None, "m² sàn/người"), ("=", 32.7, None, "m² sàn/người"),
      ("=", 32.3, None, "m² sàn/người")]),
    ("- Tỉ lệ dân số được cấp nước sạch bảo đảm tiêu chuẩn đạt 92% (trong đó: khu vực thành thị đạt 100%; "
     "khu vực nông thôn đạt 90%); 30% điểm dân cư nông thôn tập trung có hệ thống thu gom nước thải sinh "
     "hoạt, 20% nước thải sinh hoạt được xử lý.",
     [("=", 92, None, "%"), ("=", 100, None, "%"), ("=", 90, None, "%"), ("=", 30, None, "%"),
      ("=", 20, None, "%")]),
    ("- Có ít nhất 92% người dân ở vùng đồng bào dân tộc thiểu số và miền núi được hưởng thụ và tham gia "
     "các hoạt động văn hoá.", [(">=", 92, None, "%")]),
]
EVAL: list[tuple[str, list[Fig]]] = [
    # laocai-kh-sct-dean08-congnghiep-2026.docx
    ("- Chỉ số sản xuất công nghiệp tăng bình quân 12%/năm.", [("=", 12, None, "%/năm")]),
    ("- Hình thành mới 05 Khu công nghiệp, nâng tổng số lên 12 KCN; tỷ lệ lấp đầy bình quân đạt trên 80%.",
     [("=", 5, None, "Khu công nghiệp"), ("=", 12, None, "KCN"), (">", 80, None, "%")]),
    ("- Hình thành mới 15 Cụm công nghiệp, nâng tổng số lên 37 CCN; tỷ lệ lấp đầy đạt 60-70%.",
     [("=", 15, None, "Cụm công nghiệp"), ("=", 37, None, "CCN"), ("range", 60, 70, "%")]),
    ("- Diện tích làm mới thêm tại các khu, cụm công nghiệp: trên 2.000 ha.", [(">", 2000, None, "ha")]),
    ("- Hoàn thành đưa vào vận hành các dự án năng lượng đã quy hoạch với tổng công suất bổ sung khoảng "
     "2.989,5 MW, nâng tổng công suất năng lượng toàn tỉnh lên 4.758,5 MW.",
     [("~", 2989.5, None, "MW"), ("=", 4758.5, None, "MW")]),
    ("- Tỷ lệ hộ dân được sử dụng điện đảm bảo chất lượng, an toàn đạt 99,86%.", [("=", 99.86, None, "%")]),
    # lamdong-kh-ubnd-cchc-2026-2030.docx
    ("- 100% văn bản quy phạm pháp luật được kiểm tra theo quy định.", [("=", 100, None, "%")]),
    ("- Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính các cấp đạt tối thiểu 90%. Tỷ lệ khai "
     "thác, sử dụng lại thông tin, dữ liệu số hóa các cấp đạt tối thiểu 90%.",
     [(">=", 90, None, "%"), (">=", 90, None, "%")]),
    ("- 100% thủ tục hành chính thuộc thẩm quyền giải quyết được tiếp nhận và trả kết quả tại bộ phận một "
     "cửa các cấp (trừ các trường hợp được quy định tại khoản 3 Điều 14 Nghị định số 118/2025/NĐ-CP của "
     "Chính phủ).", [("=", 100, None, "%")]),
    # tvpl-trunc-tuyenquang-kh-04.json
    ("- Tiếp tục phấn đấu giảm từ 5% ÷ 10% trên cả 3 tiêu chí về số vụ, số người chết và số người bị "
     "thương do tai nạn giao thông (TNGT); giảm tỷ lệ thương vong do TNGT đối với trẻ em 10% so với năm "
     "2017.", [("range", 5, 10, "%"), ("=", 10, None, "%")]),
    # tvpl-trunc-yenbai-kh-01.json
    ("1. Phấn đấu giảm tai nạn giao thông từ 5%-10% cả 3 tiêu chí (số vụ, số người chết, số người bị "
     "thương) so với năm 2019.", [("range", 5, 10, "%")]),
    # tvpl-trunc-hue-kh-163.json: 'trên 3 tiêu chí' = on three criteria, not '> 3'
    ("2. Phấn đấu kiềm chế và kéo giảm tai nạn giao thông tối thiểu 5% trên 3 tiêu chí số vụ, số người "
     "chết và số người bị thương.", [(">=", 5, None, "%")]),
    # lamdong-kh-ubnd-ctmtqg-pcmt-2030.docx
    ("- Trên 80% số trạm y tế cấp xã trên toàn tỉnh và 100% cơ sở thực hiện cai nghiện ma túy công lập đủ "
     "điều kiện xác định tình trạng nghiện ma túy.", [(">", 80, None, "%"), ("=", 100, None, "%")]),
    # chinhphu-nq-03-nq-cp-2025-ctrhd-nq57.md
    ("i) Phấn đấu bố trí tỷ lệ cán bộ có chuyên môn, kinh nghiệm về khoa học kỹ thuật trong đội ngũ lãnh "
     "đạo từng cơ quan, đơn vị nhà nước, hướng tới tối thiểu đạt 25%.", [(">=", 25, None, "%")]),
    # lamdong-kh-ubnd-cchc-2026-2030.docx, Phụ lục
    ("Hằng năm mỗi cơ quan, đơn vị phải có ít nhất 01 sáng kiến/mô hình/giải pháp về cải cách hành chính",
     [(">=", 1, None, "sáng kiến")]),
]
BUGS: list[tuple[str, list[Fig]]] = [
    # 'lượng' inside 'năng lượng' is no head noun; the indicator starts at 'tổng công suất'
    ("với tổng công suất bổ sung khoảng 2.989,5 MW", [("~", 2989.5, None, "MW")]),
    # 'nhóm từ 30 hộ trở lên' qualifies the noun 'nhóm'; 'đạt từ 80% trở lên' is a commitment
    ("Tham mưu hoàn thành mục tiêu xóa trắng nhóm từ 30 hộ trở lên chưa có điện lưới quốc gia;", []),
    ("Tỷ lệ hài lòng đạt từ 80% trở lên.", [(">=", 80, None, "%")]),
    # past results are not commitments
    ("Năm 2025, tỷ lệ hồ sơ trực tuyến đã đạt 95%.", []),
    # a '/' list after a counted unit is not a per-denominator
    ("Xây dựng 03 mô hình/giải pháp mới.", [("=", 3, None, "mô hình")]),
]
NOT_TARGETS = [
    "Thực hiện Nghị quyết số 42-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng khóa XIII",
    "Kế hoạch số 19-KH/TW ngày 27/11/2023 của Bộ Chính trị thực hiện Nghị quyết số 42-NQ/TƯ",
    "bám sát các nội dung của Nghị quyết số 42- NQ/TW, Kế hoạch số 119-KH/TU ngày 04/3/2024",
    "II. MỤC TIÊU, CÁC CHỈ TIÊU CHỦ YẾU ĐẾN NĂM 2030, TẦM NHÌN ĐẾN NĂM 2045",
    "Củng cố vững chắc phổ cập giáo dục mầm non cho trẻ 5 tuổi.",
    "chuẩn bị đầy đủ các điều kiện để thực hiện phổ cập giáo dục mầm non cho trẻ 3 và 4 tuổi.",
    "duy trì và nâng cao chất lượng đạt chuẩn xoá mù chữ mức độ 2.",
    "tham gia cuộc Cách mạng công nghiệp lần thứ tư, kinh tế số; Kỳ họp thứ 9 của Quốc hội.",
    "Xây dựng, ban hành kế hoạch đào tạo nguồn nhân lực phục vụ ngành công nghiệp bán dẫn trên địa bàn "
    "tỉnh đến năm 2030, hoàn thành tháng 6/2024.",
    "Chỉ thị số 08-CT/TU ngày 02/7/2021 về phát triển người tham gia BHXH tự nguyện giai đoạn 2021-2025.",
    "Chiến lược phát triển nhà ở quốc gia giai đoạn 2021-2030, tầm nhìn 2045.",
    "Định kỳ trước ngày 10/12 hằng năm, các cơ quan, đơn vị gửi báo cáo.",
    "tổng hợp kết quả thực hiện kế hoạch này gửi UBND tỉnh trước ngày 31/12 hàng năm.",
    "Bắc Giang, ngày 30 tháng 4 năm 2024",
    "Căn cứ Nghị định số 35/2022/NĐ-CP ngày 28/5/2022 của Chính phủ; Luật Điện lực số 61/2024/QH15.",
    "thực hiện theo khoản 3 Điều 14 Nghị định số 118/2025/NĐ-CP; Biểu 01; KCN Võ Lao giai đoạn 1.",
    "sơ kết 3 năm, kết thúc nhiệm kỳ; định kỳ 6 tháng tổ chức giao ban.",
    "Dân số từ 15 tuổi trở lên có tài khoản ngân hàng",
    "phát sóng vào thời gian từ 20 giờ 15 phút đến 20 giờ 45 phút",
    "nâng cao nhận 12 thức",  # 000 rendering: a page number inside a sentence
    "thúc đẩy công nghiệp 4.0 và mạng 5G",
]


@pytest.mark.parametrize(("text", "expected"), DEV, ids=[t[:40] for t, _ in DEV])
def test_dev(text: str, expected: list[Fig]) -> None:
    assert figs(text) == expected


@pytest.mark.parametrize(("text", "expected"), EVAL, ids=[t[:40] for t, _ in EVAL])
def test_eval(text: str, expected: list[Fig]) -> None:
    assert figs(text) == expected


@pytest.mark.parametrize(("text", "expected"), BUGS, ids=[t[:40] for t, _ in BUGS])
def test_bugs(text: str, expected: list[Fig]) -> None:
    assert figs(text) == expected


@pytest.mark.parametrize("text", NOT_TARGETS, ids=[t[:40] for t in NOT_TARGETS])
def test_not_targets(text: str) -> None:
    assert figs(text) == []


def test_indicators_raw_and_inheritance() -> None:
    ts = targets_in_text(block(
        "tỷ lệ đi học đúng độ tuổi cấp tiểu học đạt 99,5%, cấp trung học cơ sở đạt 98%; 40 giường bệnh "
        "viện, 33 điều dưỡng viên trên 10.000 dân; Tỉ lệ dân số được cấp nước sạch bảo đảm tiêu chuẩn "
        "đạt 92% (trong đó: khu vực thành thị đạt 100%)"))
    got = [(t.indicator, t.raw, t.value_text) for t in ts]
    assert got == [
        ("Tỷ lệ đi học đúng độ tuổi cấp tiểu học", "tỷ lệ đi học đúng độ tuổi cấp tiểu học đạt 99,5%", "99,5"),
        ("Tỷ lệ đi học đúng độ tuổi cấp trung học cơ sở", "cấp trung học cơ sở đạt 98%", "98"),
        ("Giường bệnh viện trên 10.000 dân", "40 giường bệnh viện", "40"),
        ("Điều dưỡng viên trên 10.000 dân", "33 điều dưỡng viên trên 10.000 dân", "33"),
        ("Tỉ lệ dân số được cấp nước sạch bảo đảm tiêu chuẩn",
         "Tỉ lệ dân số được cấp nước sạch bảo đảm tiêu chuẩn đạt 92%", "92"),
        ("Tỉ lệ dân số được cấp nước sạch bảo đảm tiêu chuẩn khu vực thành thị", "khu vực thành thị đạt 100%", "100"),
    ]
    assert [t.id for t in ts] == ["T1", "T2", "T3", "T4", "T5", "T6"]


def test_range_value_text_as_printed() -> None:
    (t,) = targets_in_text(block("giảm từ 5% ÷ 10% số vụ tai nạn"))
    assert (t.value_text, t.value, t.value_max) == ("5% ÷ 10%", 5, 10)


def test_provenance_and_raw_follow_the_printed_lines() -> None:
    lines = [Line("- Tỉ lệ thất nghiệp khu vực", 60), Line("thành thị dưới 2,35%.", 61)]
    text = "- Tỉ lệ thất nghiệp khu vực thành thị dưới 2,35%."
    b = Block(text, lines, [0, len(lines[0].text) + 1])
    (t,) = targets_in_text(b)
    assert t.raw == "Tỉ lệ thất nghiệp khu vực thành thị dưới 2,35%"
    assert (t.provenance.line, t.provenance.line_end) == (60, 61)


def test_nfd_text_is_matched_and_kept_as_printed() -> None:
    text = unicodedata.normalize("NFD", "Tỷ lệ hồ sơ trực tuyến toàn trình đạt tối thiểu 90%.")
    (t,) = targets_in_text(block(text))
    assert (t.comparator, t.value) == (">=", 90)
    assert t.raw == text[:-1]


# ── years and sections on a small tree ──────────────────────────────────────────────────────
def node(id_: str, heading: str, body: list[str], parent: Node | None = None, line: int = 1) -> Node:
    number = id_.split(".")[-1]
    head = block(f"{number}. {heading}", line)
    n = Node(id_, id_.count(".") + 1, number, heading, "arabic", head,
             body=[block(t, line + 1 + i) for i, t in enumerate(body)], parent=parent)
    if parent is not None:
        parent.children.append(n)
    return n


def skeleton(roots: list[Node], title: str = "KẾ HOẠCH\nThực hiện Nghị quyết số 42-NQ/TW ngày 24/11/2023") -> Skeleton:
    return Skeleton(header=[], title_lines=[Line(t, i) for i, t in enumerate(title.split("\n"), 1)],
                    preamble=[], roots=roots, closing=[], tables=[])


def test_years_from_heading_phrase_and_null() -> None:
    ii = node("II", "MỤC TIÊU, CÁC CHỈ TIÊU CHỦ YẾU ĐẾN NĂM 2030, TẦM NHÌN ĐẾN NĂM 2045", [], line=10)
    node("II.2", "Các chỉ tiêu chủ yếu đến năm 2030", [
        "- Xóa 100% nhà tạm, nhà dột nát cho hộ nghèo và hỗ trợ 100% gia đình người có công gặp khó khăn "
        "về nhà ở trong năm 2024.",
    ], parent=ii, line=11)
    iii = node("III", "NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU", [], line=20)
    node("III.6", "Lĩnh vực xây dựng", [
        "- Xác định việc phát triển nhà ở theo Chiến lược phát triển nhà ở quốc gia giai đoạn 2021-2030, "
        "tầm nhìn 2045; thực hiện lồng ghép để hoàn thành mục tiêu xóa 100% nhà tạm, nhà dột nát.",
    ], parent=iii, line=21)
    ts = extract_targets(skeleton([ii, iii]))
    assert [(t.id, t.section, t.year) for t in ts] == [("T1", "II.2", 2030), ("T2", "II.2", 2024), ("T3", "III.6", None)]


def test_title_year_and_sentence_leading_year() -> None:
    i = node("I", "MỤC TIÊU", [
        "2. Phấn đấu đến hết năm 2026, mức độ hài lòng của người dân đạt tối thiểu 90%; trong đó, mức độ "
        "hài lòng lĩnh vực đất đai đạt tối thiểu 85%.",
        "- Tối thiểu 95% văn bản được ký số.",
        "- Phấn đấu đến năm 2030 đạt ít nhất 50% số xã không có ma túy, riêng năm 2025 phấn đấu xây dựng "
        "được ít nhất 20% xã không có ma túy.",
    ])
    ts = extract_targets(skeleton([i], "KẾ HOẠCH\nCải cách hành chính nhà nước năm 2027"))
    assert [t.year for t in ts] == [2026, 2026, 2027, 2030, 2025]


def test_results_sections_give_no_targets() -> None:
    i = node("I", "KẾT QUẢ THỰC HIỆN NĂM 2025", ["- Tỷ lệ hồ sơ trực tuyến toàn trình đạt 85%."])
    assert extract_targets(skeleton([i])) == []


def test_heading_label_is_not_a_figure() -> None:
    n = node("III.6", "Lĩnh vực xây dựng", [])
    n.number, n.head = "6.5", block("6.5. Lĩnh vực xây dựng")
    assert extract_targets(skeleton([n])) == []


# ── tables ──────────────────────────────────────────────────────────────────────────────────
def test_target_table_nq03_appendix() -> None:
    rows = [
        ["TT", "Chỉ tiêu", "Đơn vị", "Kết quả", "Cơ quan chủ trì theo dõi, đánh giá"],
        ["**I**", "**Đến năm 2030**", "", "", ""],
        ["1", "Tiềm lực, trình độ khoa học, công nghệ và đổi mới sáng tạo", "Thứ bậc",
         "Đạt mức tiên tiến ở nhiều lĩnh vực quan trọng", "Bộ Khoa học và Công nghệ"],
        ["4", "Xếp hạng năng lực cạnh tranh số", "Thứ bậc", "≤ 3 Đông Nam Á; ≤ 50 Thế giới", "Bộ TT&TT"],
        ["10", "Quy mô kinh tế số", "% GDP", "≥ 30", "Bộ Thông tin và Truyền thông"],
        ["11.2", "Tỉ lệ cung cấp dịch vụ công trực tuyến toàn trình", "%", "90", "Văn phòng Chính phủ"],
        ["19", "Tổ chức khoa học và công nghệ được xếp hạng khu vực và thế giới", "Tổ chức", "40 - 50", "Bộ KH&CN"],
        ["**II**", "**Đến năm 2045**", "", "", ""],
        ["37", "Chỉ số đổi mới sáng tạo toàn cầu", "Thứ bậc", "≤ 30", "Bộ Khoa học và Công nghệ"],
        ["41", "Làm chủ một số công nghệ chíp", "%", "20% - 50%", "Bộ Công an"],
    ]
    ts = extract_table_targets(Table(rows, line=320), "PL1")
    got = [(t.section, t.comparator, t.value, t.value_max, t.unit, t.year) for t in ts]
    assert got == [
        ("PL1.I.4", "<=", 3, None, "Thứ bậc", 2030),
        ("PL1.I.4", "<=", 50, None, "Thứ bậc", 2030),
        ("PL1.I.10", ">=", 30, None, "% GDP", 2030),
        ("PL1.I.11.2", "=", 90, None, "%", 2030),
        ("PL1.I.19", "range", 40, 50, "Tổ chức", 2030),
        ("PL1.II.37", "<=", 30, None, "Thứ bậc", 2045),
        ("PL1.II.41", "range", 20, 50, "%", 2045),
    ]
    assert ts[0].indicator == "Xếp hạng năng lực cạnh tranh số Đông Nam Á"
    assert ts[0].provenance.origin == "table"


def test_task_table_cells_are_read_as_text() -> None:
    rows = [
        ["TT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả", "Thời gian hoàn thành"],
        ["**III.**", "Tăng cường đầu tư", "Tăng cường đầu tư", "Tăng cường đầu tư", "Tăng cường đầu tư", "Tăng cường đầu tư"],
        ["49.", "Bố trí ít nhất 15% ngân sách nhà nước chi sự nghiệp khoa học và công nghệ", "Bộ Tài chính",
         "Bộ Khoa học và Công nghệ", "Nghị quyết của Quốc hội", "Hằng năm"],
        ["50.", "Xây dựng Luật Năng lượng nguyên tử (sửa đổi)", "Bộ Khoa học và Công nghệ", "Các bộ", "Luật", "2025"],
    ]
    ts = extract_table_targets(Table(rows, line=400), "PL2", default_year=2030)
    assert [(t.section, t.comparator, t.value, t.unit, t.year) for t in ts] == [("PL2.III.49", ">=", 15, "%", 2030)]


def test_a_table_without_indicator_or_task_columns_gives_nothing() -> None:
    rows = [["STT", "Đơn vị được kiểm tra", "Thời gian kiểm tra"], ["1", "Sở Nội vụ", "Tháng 5/2026"]]
    assert extract_table_targets(Table(rows, line=1), "PL") == []


# ── the sample plan, end to end, against the gold file ──────────────────────────────────────
def gold() -> dict:
    path = SHARED / "gold" / "kh-30-bacgiang.gold.yaml"
    if not path.exists():
        pytest.skip("../shared is absent")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def sample_skeleton(seed: str) -> Skeleton:
    sections = pytest.importorskip("khparse.sections")
    from khparse.readers import read

    path = next((SHARED / "seeds").glob(f"{seed}_*.txt"), None)
    if path is None:
        pytest.skip("seed absent")
    return sections.build_skeleton(read(path))


def key(t: dict) -> tuple:
    return (t["section"], t["comparator"], float(t["value"]),
            None if t["value_max"] is None else float(t["value_max"]), t["unit"], t["year"])


@pytest.mark.parametrize("seed", ["001", "000"])
def test_sample_plan_matches_gold(seed: str) -> None:
    g = gold()
    got = sorted(key(t.model_dump()) for t in extract_targets(sample_skeleton(seed)))
    assert got == sorted(key(t) for t in g["targets"])


@pytest.mark.parametrize("seed", ["001", "000"])
def test_sample_plan_extracts_no_not_target(seed: str) -> None:
    g = gold()
    raws = [" ".join(t.raw.split()) for t in extract_targets(sample_skeleton(seed))]
    for nt in g["not_targets"]:
        probe = " ".join(str(nt["raw"]).split())
        if nt["section"] in ("header", "preamble", "closing") or len(probe) < 3:
            continue
        # a probe may sit inside a target's raw (an age qualifier) but is never a target's raw itself
        assert probe not in raws, json.dumps(nt, ensure_ascii=False)


def test_a_baseline_year_is_no_horizon() -> None:
    """tvpl-trunc-yenbai-kh-01.json: a run-in heading '… so với năm 2019' under a 2020 plan."""
    n = node("II.1", "Phấn đấu giảm tai nạn giao thông từ 5%-10% cả 3 tiêu chí (số vụ, số người chết, số "
             "người bị thương) so với năm 2019", [])
    n.head = block("1. " + n.heading)
    (t,) = extract_targets(skeleton([n], "KẾ HOẠCH\nBảo đảm trật tự an toàn giao thông năm 2020"))
    assert (t.comparator, t.value, t.value_max, t.year) == ("range", 5, 10, 2020)
    assert t.indicator == "Phấn đấu giảm tai nạn giao thông"


def test_reports_keep_only_forward_looking_parts() -> None:
    done = node("II", "KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH", ["- Tỷ lệ hồ sơ trực tuyến đạt 85%."])
    chung = node("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", ["- Tổ chức 03 hội nghị đối thoại với 342 doanh nghiệp."])
    plan = node("IV", "PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM NĂM 2026", ["- Tỷ lệ hồ sơ trực tuyến đạt tối thiểu 90%."])
    ts = extract_targets(skeleton([chung, done, plan], "BÁO CÁO\nKết quả cải cách hành chính năm 2025"))
    assert [(t.section, t.comparator, t.value, t.year) for t in ts] == [("IV", ">=", 90, 2026)]
