"""Patterns shared by the DOCX and PDF readers to find the header and signature blocks.

Both blocks are two-column layouts (a borderless table in Word); the readers emit them column by
column, so they need to know where the title line is and which lines belong to the signer.
"""

from __future__ import annotations

import regex

from ..grammar_cache import rx

# The document-type title line, in capitals: "KẾ HOẠCH", "KẾ HOẠCH HÀNH ĐỘNG", "BÁO CÁO" (lamdong-bc-329),
# "TỜ TRÌNH" (lamdong-ttr-snv), "CHƯƠNG TRÌNH", "NGHỊ QUYẾT" (chinhphu-nq-03) …
TITLE = rx(
    r"^\s*(?:KẾ\s+HOẠCH|CHƯƠNG\s+TRÌNH|TỜ\s+TRÌNH|BÁO\s+CÁO|QUYẾT\s+ĐỊNH|NGHỊ\s+QUYẾT|CHỈ\s+THỊ|"
    r"ĐỀ\s+ÁN|HƯỚNG\s+DẪN|THÔNG\s+BÁO|CÔNG\s+VĂN|PHƯƠNG\s+ÁN)\b"
)
# The same, as the whole line (PDF: the title is its own line; "KẾ HOẠCH HÀNH ĐỘNG" allowed).
TITLE_LINE = rx(
    r"^\s*(?:KẾ\s+HOẠCH|CHƯƠNG\s+TRÌNH|TỜ\s+TRÌNH|BÁO\s+CÁO|QUYẾT\s+ĐỊNH|NGHỊ\s+QUYẾT|CHỈ\s+THỊ|"
    r"ĐỀ\s+ÁN|HƯỚNG\s+DẪN|THÔNG\s+BÁO|CÔNG\s+VĂN|PHƯƠNG\s+ÁN)(?:\s+[\p{Lu}\d]+){0,4}\s*$"
)
# Header markers: the national motto "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (also "CỘNG HOÀ", as in
# laocai-kh-sct-2242), the Party's "ĐẢNG CỘNG SẢN VIỆT NAM", "Số: 30/KH-UBND", and the place-date line
# "Bắc Giang, ngày 30 tháng 4 năm 2024" (blank day/month in drafts: "ngày       tháng 3 năm 2026").
MOTTO = rx(r"CỘNG\s+H[OÒ][ÀA]\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM",
                      regex.IGNORECASE)
HEADER_MARK = rx(
    r"CỘNG\s+H[OÒ][ÀA]\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM|(?m:^\s*Số\s*:)|"
    r"ngày\s+\S*\s*tháng\s+\S*\s*năm",
    regex.IGNORECASE,
)
# "Nơi nhận:" opening the recipients list (left column of the signature block).
RECIPIENTS = rx(r"^\W{0,3}Nơi\s+nhận\b")
# A signer-authority line in capitals: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "T/M ĐẢNG ĐOÀN QUỐC HỘI",
# "KT. GIÁM ĐỐC", or the bare position "PHÓ CHỦ TỊCH", "GIÁM ĐỐC", "BÍ THƯ".
AUTHORITY = rx(
    r"(?:^|\s)(?:(?:TM|KT|T/M|TL|TUQ|Q)\s*\.?\s+\p{Lu}{2,}|"
    r"(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BÍ\s+THƯ|TRƯỞNG\s+(?:BAN|ĐOÀN)|THỦ\s+TƯỚNG|BỘ\s+TRƯỞNG)\s*$)"
)
CLOSING_MARK = rx(
    r"Nơi\s+nhận|(?m:^\s*(?:TM|KT|T/M|TL|TUQ|Q)\s*\.?\s+\p{Lu}|^\s*(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|"
    r"BÍ\s+THƯ|TRƯỞNG\s+(?:BAN|ĐOÀN)|THỦ\s+TƯỚNG|BỘ\s+TRƯỞNG)\s*$)"
)
