"""Cited documents: every other document a plan refers to, one entry per canonical number.

Two numbering systems meet in plans: State documents ("41/KH-UBND", "30/2020/NĐ-CP",
"11/CT-TTg") and Party documents ("42-NQ/TW", "119-KH/TU", "3260-KH/ĐĐQH15"). Both reach us
broken by wraps and spacing ("42- NQ/TW", "42-⏎NQ/TW") and with the variant "TƯ" for "TW".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import regex

from .grammar_cache import rx
from .models import Mention, Reference
from .normalize import collapse, new_tone
from .source import Line
from .structure import Block, Skeleton

# --- grammar ----------------------------------------------------------------------------------
# Party number: "42-NQ/TW", "42- NQ/TW", "42-NQ/TƯ", "3260-KH/ĐĐQH15", "35-NQ/TU".
PARTY_NO = r"(?P<pn>\d{1,5})\s?-\s?(?P<pt>[\p{Lu}Đ]{1,4})\s?/\s?(?P<po>[\p{Lu}ĐƯ][\p{Lu}ĐƯ\d]*)(?![\p{L}\d])"
# State number: "41/KH-UBND", "30/2020/NĐ-CP", "11/CT-TTg", "04/TTr-BKHCN-BTTTT", "45/2019/QH14".
STATE_NO = (
    r"(?P<sn>\d{1,6})\s?/\s?(?:(?P<sy>(?:19|20)\d{2})\s?/\s?)?"
    r"(?P<ss>[\p{Lu}Đ][\p{L}Đđ]*(?:\s?-\s?[\p{Lu}Đ][\p{L}Đđ\d]*)+|(?<=/(?:19|20)\d{2}/)[\p{Lu}Đ][\p{L}Đđ\d]+)"
    r"(?![\p{L}\d])"
)
# Type words that introduce a citation: "Nghị quyết số", "Kế hoạch", "Chỉ thị số", "Luật", …
TYPES = (
    "Nghị quyết", "Kế hoạch", "Chỉ thị", "Quyết định", "Kết luận", "Thông tư liên tịch", "Thông tư",
    "Nghị định", "Công văn", "Văn bản", "Luật", "Chương trình hành động", "Chương trình", "Đề án",
    "Thông báo", "Hướng dẫn", "Tờ trình", "Báo cáo", "Công điện", "Quy định", "Quy chế", "Chiến lược",
)
TYPE_WORD = r"(?P<type>" + "|".join(regex.escape(t) for t in TYPES) + r")"
# "ngày 24/11/2023", "ngày 21 tháng 4 năm 2025"
DATE = (
    r"(?:\s*,?\s*ngày\s*(?:(?P<d1>\d{1,2})\s?[/.-]\s?(?P<m1>\d{1,2})\s?[/.-]\s?(?P<y1>\d{4})|"
    r"(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4})))?"
)
# "của Ban Chấp hành Trung ương Đảng khóa XIII về …": the issuer runs to the subject's verb.
ISSUER = (
    r"(?:\s+của\s+(?P<issuer>.{3,90}?)(?=\s+(?:về|Về|ngày|[Qq]uy\s+định|công\s+bố|[Hh]ướng\s+dẫn|giao\s+(?=\p{Lu})|"
    r"phân\s+công|thực\s+hiện|quán\s+triệt|triển\s+khai|ban\s+hành|phê\s+duyệt|tiếp\s+tục|đẩy\s+mạnh|tăng\s+cường|"
    r"sửa\s+đổi|v/v|về\s+việc|trong|tại|và\s+" + TYPE_WORD.replace("(?P<type>", "(?:") + r")\b|\s*[,;.()]|$))?"
)
# The date after the issuer: "Đề án số 08-ĐA/TU của Tỉnh ủy Lào Cai ngày 29/12/2025".
LATE_DATE = r"(?:(?<=\S)\s+ngày\s*(?P<d3>\d{1,2})\s?/\s?(?P<m3>\d{1,2})\s?/\s?(?P<y3>\d{4}))?"
# A law is cited by its name before the number: "Luật Điện lực số 61/2024/QH15".
LAW_NAME = r"(?:(?<=Luật)\s+\p{Lu}[\p{L}, ]{2,60}?(?=\s+số))?"
CITATION_RE = rx(
    rf"(?:{TYPE_WORD}{LAW_NAME}\s+(?:số\s*:?\s*)?)?(?:{PARTY_NO}|{STATE_NO}){DATE}{ISSUER}{LATE_DATE}", regex.V1
)
# "(viết tắt là Nghị quyết số 42-NQ/TW)", "(sau đây gọi tắt là Kế hoạch số 119-KH/TU)", "(viết gọn là …)"
SHORT_NAME_RE = rx(
    r"\(\s*(?:sau\s+đây\s+)?(?:được\s+)?(?:viết\s+tắt|gọi\s+tắt|viết\s+gọn|gọi)\s+là\s*:?\s*(?P<s>[^()]{2,120}?)\s*\)"
)
# Every short name prints its "(": a paragraph without one is not scanned for them. Both numbers
# print a "/" (a Party number after its type code, a State number after its digits), and no part
# of a citation before that first "/" prints one (tests/test_shortcuts.py holds both against real text).
SHORT_NAME_MARK = "("
NUMBER_SLASH = "/"
# The number's head before its first "/", read backwards from it: "42-NQ", "42 - NQ ", "41", "30".
_NUMBER_HEAD = rx(r"(?r)(?:\d{1,5}\s?-\s?[\p{Lu}Đ]{1,4}|\d{1,6})\s?", regex.V1)
# How far back a citation's type-word prefix can reach from its number: the prefix prints only
# letters, spaces, "," and ":", at most 86 of them not spaces (a 22-letter type word, a law's name
# of 61, "số" and ":").
_PREFIX_REACH = rx(r"(?r)\s*(?:[\p{L},:]\s*){0,86}", regex.V1)
_TYPE_WORD_RE = rx(TYPE_WORD)
_SPACE_RUN = rx(r"\s+")
_FRACTION = rx(r"^\d+/\d+$")

CODE_TYPES = {
    "NQ": "Nghị quyết", "KH": "Kế hoạch", "CT": "Chỉ thị", "QĐ": "Quyết định", "KL": "Kết luận",
    "TT": "Thông tư", "NĐ": "Nghị định", "CTr": "Chương trình", "TB": "Thông báo", "HD": "Hướng dẫn",
    "TTr": "Tờ trình", "BC": "Báo cáo", "ĐA": "Đề án", "CĐ": "Công điện", "QC": "Quy chế", "QyĐ": "Quy định",
    "PA": "Phương án",
}


def canonical_number(m: regex.Match[str]) -> tuple[str, str]:
    """("42-NQ/TW", "NQ") from any spacing or "TƯ" variant; state numbers lose inner spaces."""
    if m.group("pn"):
        org = m.group("po").replace("TƯ", "TW")
        return f"{m.group('pn')}-{m.group('pt')}/{org}", m.group("pt")
    sym = _SPACE_RUN.sub("", m.group("ss"))
    year = f"{m.group('sy')}/" if m.group("sy") else ""
    return f"{m.group('sn')}/{year}{sym}", sym.split("-")[0]


def citations_plain(text: str) -> Iterator[regex.Match[str]]:
    """The citations of ``text``: the grammar's own scan, which tries the type-word alternation at
    every position (the reference form of ``citations``)."""
    return CITATION_RE.finditer(text)


def citations(text: str) -> Iterator[regex.Match[str]]:
    """The matches of ``CITATION_RE.finditer(text)``, found from the "/" every citation prints.

    Why: the grammar opens with an optional alternation of 22 type words, which the engine tries
    at every position of every paragraph; a paragraph has a few "/" and most have none. A match
    starting at or after ``cursor`` has its first "/" at the first "/" after its start, so the
    matches come in the order of their first "/": for each "/" (from the cursor, after the one
    before it) the match can start only where its number's head does (``_NUMBER_HEAD``, the
    leftmost start the digits allow) or, before that, where a type word starts within the reach
    of a prefix (``_PREFIX_REACH``). The leftmost candidate where the grammar matches is the
    engine's own match there (``match`` sees the text before ``pos``, as ``finditer`` does).
    """
    lo = 0  # the end of the last match, or past the last "/" that started none
    find = text.find
    while (k := find(NUMBER_SLASH, lo)) >= 0:
        head = _NUMBER_HEAD.match(text, lo, k)
        found = None
        if head is not None:
            q = head.start()
            reach = max(lo, _PREFIX_REACH.match(text, lo, q).start())
            if reach < q:
                for t in _TYPE_WORD_RE.finditer(text, reach, q):
                    if (found := CITATION_RE.match(text, t.start())) is not None:
                        break
            if found is None:
                found = CITATION_RE.match(text, q)
        if found is None:
            lo = k + 1
            continue
        yield found
        lo = found.end()


def _date(m: regex.Match[str]) -> str | None:
    d, mo, y = next(((m.group(f"d{k}"), m.group(f"m{k}"), m.group(f"y{k}")) for k in (1, 2, 3) if m.group(f"y{k}")),
                    (None, None, None))
    if not y or not d or not mo:
        return None
    day, month = int(d), int(mo)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{int(y):04d}-{month:02d}-{day:02d}"


# Lower-case words that occur inside issuers' names ("Ban Chấp hành Trung ương Đảng", "Ủy ban An toàn
# giao thông Quốc gia", "Hội đồng nhân dân tỉnh"); any other lower-case word ends the name.
_ISSUER_WORDS = set(
    "nhân dân tỉnh thành phố huyện quận xã phường hành vụ ương trị thư tướng phủ đồng ban đảng đoàn khóa khoá "
    "toàn giao thông an ninh và tộc giáo tôn xây dựng dục đào tạo y tế nội tư pháp chính công thương nghiệp nông "
    "thôn triển phát kế hoạch đầu tài nguyên môi trường lao động binh hội văn hóa hoá thể thao du lịch khoa học "
    "nghệ tin truyền quân sự biên phòng cảnh sát kiểm án viện ủy uỷ vận tải quốc gia lâm ngân hàng nước thường "
    "trực chấp cấp trung tịch".split()
)
_HOI_NGHI = rx(r"^Hội\s+nghị\s+(?:lần\s+thứ\s+\S+\s+)?")  # "Hội nghị lần thứ bảy Ban Chấp hành…"
_KHOA = rx(r"\s+kh(?:óa|oá)\s+[IVXLC]+$")  # "… khóa XIII"
_PROVINCE_UBND = rx(r"(?:UBND|Ủy ban nhân dân)\s+tỉnh")
_UBND = rx(r"^UBND\b")
_PRE_ISSUER = rx(r"(?P<iss>\p{Lu}[\p{L}\s]{2,70}?)\s+(?:đã\s+)?(?:ban\s+hành|phê\s+duyệt(?:\s+tại)?)\s*$")
# The words _PRE_ISSUER's window must end with (before spaces): most windows lack them, and the
# lazy issuer is otherwise tried from every capital of the window.
PRE_ISSUER_ENDS = ("hành", "duyệt", "tại")


def _trim_issuer(s: str) -> str:
    words = s.split()
    for i, w in enumerate(words[1:], 1):
        if w[:1].islower() and w.strip(",.;") not in _ISSUER_WORDS:
            return " ".join(words[:i])
    return s


def _issuer(raw: str | None, plan_issuer: str | None) -> str | None:
    if not raw:
        return None
    s = _HOI_NGHI.sub("", collapse(raw))
    s = _trim_issuer(s)
    s = _KHOA.sub("", s)
    s = new_tone(s)
    if _PROVINCE_UBND.fullmatch(s) and plan_issuer and plan_issuer.startswith("Ủy ban nhân dân tỉnh"):
        return plan_issuer
    s = _UBND.sub("Ủy ban nhân dân", s)
    return s or None


@dataclass
class _Hit:
    number: str
    type: str | None
    date: str | None
    issuer: str | None
    raw: str
    prov: dict[str, Any]  # ``Block.provenance_data``
    end: int
    block: Block


def _blocks(sk: Skeleton) -> Iterable[Block]:
    if sk.title_lines:
        lines = sk.title_lines[1:]
        if lines:
            text = " ".join(ln.text.strip() for ln in lines)
            starts, pos = [], 0
            for ln in lines:
                starts.append(pos)
                pos += len(ln.text.strip()) + 1
            yield Block(text, list(lines), starts)
    yield from sk.preamble
    for node in sk.nodes():
        yield node.head
        yield from node.body
    for t in sk.tables:
        for r, row in enumerate(t.rows):
            for cell in row:
                if cell:
                    yield Block.single(" ".join(cell.split()), Line(cell, t.line + r, t.page, "table"))


def extract_references(sk: Skeleton, own_number: str | None, plan_issuer: str | None) -> list[Reference]:
    own = _SPACE_RUN.sub("", own_number or "").upper()
    refs: dict[str, Reference] = {}
    order: list[str] = []
    for block in _blocks(sk):
        hits: list[_Hit] = []
        text = block.text
        for m in citations(text):
            number, code = canonical_number(m)
            if own and number.upper() == own:
                continue
            if number.startswith("/") or _FRACTION.match(number):
                continue
            typ = m.group("type") or CODE_TYPES.get(code)
            raw_issuer = m.group("issuer")
            if raw_issuer is None and m.group("type"):
                # "Bộ Chính trị đã ban hành Nghị quyết số 57-NQ/TW": the issuer stands before
                window = text[max(0, m.start() - 90): m.start()]
                pre = _PRE_ISSUER.search(window) if window.rstrip().endswith(PRE_ISSUER_ENDS) else None
                raw_issuer = pre.group("iss").split(",")[-1].strip() if pre else None
            hits.append(_Hit(number, typ, _date(m), _issuer(raw_issuer, plan_issuer),
                             collapse(m.group(0)), block.provenance_data(m.start(), m.end()), m.end(), block))
        for h in hits:
            key = h.number.upper()  # a title in capitals prints "11/CT-TTG" for "11/CT-TTg"
            ref = refs.get(key)
            if ref is None:
                ref = Reference(number=h.number, type=h.type, date=h.date, issuer=h.issuer)
                refs[key] = ref
                order.append(key)
            else:
                if ref.number is not None and ref.number.isupper() and not h.number.isupper():
                    ref.number = h.number  # keep the mixed-case spelling the body uses
                ref.type = ref.type or h.type
                ref.date = ref.date or h.date
                ref.issuer = ref.issuer or h.issuer
            ref.mentions.append(Mention.model_validate({"raw": h.raw, "provenance": h.prov}))
        for sm in SHORT_NAME_RE.finditer(text) if SHORT_NAME_MARK in text else ():
            short = collapse(sm.group("s"))
            target = None
            inner = next(citations(short), None)
            if inner:
                target = refs.get(canonical_number(inner)[0].upper())
            if target is None:
                before = [h for h in hits if h.end <= sm.start()]
                if before:
                    target = refs.get(before[-1].number.upper())
            names_document = inner is not None or _TYPE_WORD_RE.match(short) is not None
            if target is not None and target.short_name is None and names_document:
                # "(sau đây viết tắt là CCHC)" abbreviates a phrase, not the cited document
                target.short_name = short
    return [refs[k] for k in order]
