"""Dated and recurring deadlines ("thời hạn").

A deadline is a time stated as a limit or a schedule for doing something, never a plan
horizon: ``đến năm 2030``, ``vào năm 2030``, ``tầm nhìn đến năm 2045`` are target years
(``targets.year``), ``Thường xuyên`` is continuous, and the dates of cited documents
(``42-NQ/TW ngày 24/11/2023``) or of the plan itself are not deadlines. In running text a time
only counts with a trigger word; in a time label (``Thời gian thực hiện: …``) or a time column of
a table (``Thời gian hoàn thành``) the cell itself is the deadline.

Conventions (``Deadline.kind`` / ``date`` / ``month_day``):

* ``trong năm 2024`` → once ``2024``; ``hoàn thành tháng 6/2024``, ``trước tháng 6/2024`` →
  once ``2024-06`` (the month named, as printed); ``trước ngày 31/12/2026`` → once ``2026-12-31``;
* ``Quý II/2026`` → once ``2026-06``: a quarter is dated by its **last month**, since a task due
  in a quarter is late only after that month;
* ``Định kỳ trước ngày 10/12 hằng năm``, ``trước ngày 31/12 hàng năm`` → annual ``12-10`` /
  ``12-31``; ``định kỳ hằng năm`` or a report duty ``báo cáo … hằng năm`` → annual, no day;
  ``trước ngày 31/01 năm liền kề`` (the following year) is annual ``01-31`` too; ``trong tháng
  01 hằng năm`` is annual ``01-31`` (a month is dated by its last day, like a quarter);
* ``hằng quý`` / ``định kỳ hằng quý`` (with ``định kỳ`` or a report verb) → quarterly;
  ``hằng tháng`` likewise → monthly; ``trước ngày 25 hằng tháng`` → monthly with
  ``month_day`` ``None``: the field is ``MM-DD`` (and validated so), which a day of every month
  cannot fill; the day stays in ``raw``.

A bare ``hằng năm`` without ``định kỳ`` or a report verb is an adverb of the activity
(``bảo hiểm xã hội hằng tháng``, ``hồ sơ tiếp nhận hằng năm``), not a deadline.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from .grammar_cache import rx
from .models import Deadline, DeadlineKind, Provenance
from .normalize import lower
from .numbers import nfc_with_offsets
from .scan import ASCII_DIGIT, Alternation, WordGate, texts_with
from .source import Table
from .structure import Block, Node, Skeleton
from .targets import ROMAN_GROUP, ROW_NUMBER, blocks_of, in_results_context, is_report

_VI = regex.VERBOSE | regex.IGNORECASE

_Y = r"(?P<y>(?:19|20)\d{2})(?!\d)"
_M = r"(?P<m>0?[1-9]|1[0-2])(?!\d)"
_D = r"(?P<d>0?[1-9]|[12]\d|3[01])(?!\d)"
_EVERY_WORDS = "hằng|hàng|mỗi"  # 'hằng năm', 'hàng quý', 'mỗi tháng'
_EVERY = rf"(?:{_EVERY_WORDS})"
_EVERY_WORD_LIST = tuple(_EVERY_WORDS.split("|"))
_QUARTER = r"(?P<q>IV|I{1,3}|[1-4])(?![\p{L}\d])"

# ── running text ────────────────────────────────────────────────────────────────────────────
# Each alternative starts where no letter or digit precedes it. The lookbehind is repeated in
# every alternative (not put in front of one group) so that the pattern is a top-level
# alternation, scanned one alternative at a time (``scan.Alternation``: same matches, the
# engine skips ahead to each alternative's first word instead of trying all at every position).
_NOT_IN_WORD = r"(?<![\p{L}\d])"
_DEADLINE_ALTERNATIVES = (
    # annual with a day: 'Định kỳ trước ngày 10/12 hằng năm', 'trước ngày 31/12 hàng năm',
    # 'trước ngày 15 tháng 12 hằng năm'
    rf"""(?P<annual_day>(?:định\s+kỳ\s+)?(?:trước|chậm\s+nhất(?:\s+là)?|vào|trước\s+hoặc\s+vào)\s+(?:ngày\s+)?
            {_D}\s*(?:/|\s+tháng\s+)\s*{_M}\s+(?:{_EVERY}\s+năm|(?:của\s+)?năm\s+(?:trước\s+)?(?:liền\s+kề|sau|tiếp\s+theo)))""",
    # annual within a month: 'Ban hành kế hoạch trong tháng 01 hằng năm' (dated by the month's last day)
    rf"(?P<annual_month>(?:trong|trước|vào)\s+tháng\s+{_M}\s+{_EVERY}\s+năm)",
    # monthly with a day: 'trước ngày 18 hằng tháng', 'định kỳ vào ngày 25 hàng tháng'
    rf"(?P<monthly_day>(?:định\s+kỳ\s+)?(?:trước|chậm\s+nhất|vào)\s+ngày\s+{_D}\s+{_EVERY}\s+tháng)",
    # quarterly with a day: 'trước ngày 15 của tháng cuối quý'
    rf"""(?P<quarterly_day>(?:định\s+kỳ\s+)?(?:trước|chậm\s+nhất|vào)\s+ngày\s+{_D}\s+(?:của\s+)?tháng\s+cuối\s+
            (?:{_EVERY}\s+)?quý)""",
    # periodic: 'định kỳ hằng quý', 'Định kỳ hằng tháng', 'định kỳ hàng năm'
    rf"(?P<periodic>định\s+kỳ\s+{_EVERY}\s+(?P<per>năm|quý|tháng))",
    # a full date with a trigger: 'trước ngày 31/12/2026', 'hoàn thành trước ngày 30/6/2025'
    rf"""(?P<by_day>(?:(?:hoàn\s+thành|xong|báo\s+cáo)\s+)?(?:trước|chậm\s+nhất(?:\s+là)?|muộn\s+nhất|hạn\s+chót|trong|vào)
            \s+ngày\s+{_D}\s*[/.-]\s*{_M}\s*[/.-]\s*{_Y})""",
    rf"""(?P<by_day_words>(?:(?:hoàn\s+thành|xong)\s+)?(?:trước|chậm\s+nhất(?:\s+là)?|muộn\s+nhất|vào)\s+ngày\s+{_D}\s+tháng\s+
            {_M}\s+năm\s+{_Y})""",
    # a month with a trigger: 'hoàn thành tháng 6/2024', 'trước tháng 6/2024', 'trong tháng 10 năm 2025'
    rf"""(?P<by_month>(?:hoàn\s+thành|xong|trước|chậm\s+nhất|muộn\s+nhất|trong|vào)(?:\s+(?:trong|trước|vào))?\s+
            tháng\s+{_M}\s*(?:/|\s+năm\s+)\s*{_Y})""",
    # a quarter, trigger optional: 'Quý II/2026', 'Xong trong Quý II/2026', 'trong Quý I/2026'
    rf"(?P<quarter>(?:(?:hoàn\s+thành|xong)\s+)?(?:(?:trong|trước|vào)\s+)?quý\s+{_QUARTER}\s*(?:/|\s+năm\s+)\s*{_Y})",
    # a year: 'trong năm 2024', 'ngay trong năm 2025', 'hoàn thành trong năm 2026'
    rf"(?P<in_year>(?:(?:hoàn\s+thành|xong)\s+)?(?:ngay\s+)?trong\s+năm\s+{_Y})",
)
DEADLINE = rx("\n|".join(_NOT_IN_WORD + alt for alt in _DEADLINE_ALTERNATIVES), _VI)
_DEADLINE_SCAN = Alternation(DEADLINE)
# The words each alternative cannot match without (read off its source above), and an ASCII digit
# for all that print a day, month or year (all but 'định kỳ hằng năm'): a paragraph is searched
# only for the alternatives it has the words for. Most have none: 'năm', 'ngày', 'tháng' and
# 'quý' are in about one paragraph in ten.
_DEADLINE_GATE = WordGate(_DEADLINE_SCAN, {
    "annual_day": ("trước|chậm|vào", "năm", WordGate.DIGIT),
    "annual_month": ("tháng", _EVERY_WORDS, "năm", WordGate.DIGIT),
    "monthly_day": ("ngày", _EVERY_WORDS, "tháng", WordGate.DIGIT),
    "quarterly_day": ("ngày", "tháng", "cuối", "quý", WordGate.DIGIT),
    "periodic": ("định", "kỳ", _EVERY_WORDS),
    "by_day": ("ngày", WordGate.DIGIT),
    "by_day_words": ("ngày", "tháng", "năm", WordGate.DIGIT),
    "by_month": ("tháng", WordGate.DIGIT),
    "quarter": ("quý", WordGate.DIGIT),
    "in_year": ("trong", "năm", WordGate.DIGIT),
})
# Recurrence words that are a deadline only in a report duty: 'báo cáo … hằng quý'.
RECURRING_WORD = rx(rf"(?<![\p{{L}}]){_EVERY}\s+(?P<per>năm|quý|tháng)(?![\p{{L}}])", _VI)
REPORT_VERB = rx(
    r"(?<![\p{L}])(?:báo\s+cáo|tổng\s+hợp|gửi|sơ\s+kết|tổng\s+kết|công\s+bố|công\s+khai|cập\s+nhật)(?![\p{L}])",
    _VI,
)
# A time label: 'Thời gian thực hiện: Quý II/2026', 'Thời gian hoàn thành: tháng 6/2024'.
TIME_LABEL = rx(
    r"(?<![\p{L}])(?:thời\s+gian(?:\s+(?:thực\s+hiện|hoàn\s+thành|triển\s+khai|tổ\s+chức|kiểm\s+tra))?|thời\s+hạn"
    r"|tiến\s+độ(?:\s+(?:thực\s+hiện|hoàn\s+thành))?)\s*:\s*",
    _VI,
)
# Values of a time cell or label (no trigger needed): 'Tháng 10/2025', '6/2025', '2025',
# 'Quý II/2026', '30/6/2025', 'Hàng năm', 'Hằng quý'; 'Thường xuyên' and periods give nothing.
CELL_TIME = rx(
    rf"""
    (?<![\p{{L}}\d/])
    (?:
        (?P<c_day>(?:ngày\s+)?{_D}\s*[/.-]\s*{_M}\s*[/.-]\s*{_Y})
      | (?P<c_day_words>ngày\s+{_D}\s+tháng\s+{_M}\s+năm\s+{_Y})
      | (?P<c_quarter>quý\s+{_QUARTER}\s*(?:/|\s+năm\s+)\s*{_Y})
      | (?P<c_month>(?:tháng\s+)?{_M}\s*(?:/|\s+năm\s+)\s*{_Y})
      | (?P<c_period>(?:năm\s+)?(?:19|20)\d{{2}}\s*[-–]\s*(?:19|20)\d{{2}}(?!\d))
      | (?P<c_year>(?:năm\s+)?{_Y})
      | (?P<c_every>{_EVERY}\s+(?P<per>năm|quý|tháng))
    )
    """,
    _VI,
)
# A date right after a document number belongs to the cited document: '… 7178/PA-UBND ngày 14/11/2025'.
# (The number starts at the search start (\G) or a digit run's start: linear on a long run of digits.)
CITED = rx(r"(?:\G|(?<!\d))\d+(?:/\d{2,4})?\s?[-/]\s?\p{Lu}[\p{L}\d&.]*(?:[-/][\p{L}\d&]+)*\s*(?:ngày\s*)?$")
PAST = rx(r"(?<![\p{L}])đã(?:\s+\p{L}+){0,2}\s*$", regex.IGNORECASE)
_ROMAN_Q = {"I": 3, "II": 6, "III": 9, "IV": 12, "1": 3, "2": 6, "3": 9, "4": 12}
_PERIOD_KIND: dict[str, DeadlineKind] = {"năm": "annual", "quý": "quarterly", "tháng": "monthly"}
# Table columns that hold a time: 'Thời gian hoàn thành', 'Thời gian thực hiện', 'Thời hạn',
# 'Tiến độ', 'Thời gian (Năm 2026)'.
_COL_TIME = rx(r"^(?:thời\s+gian|thời\s+hạn|tiến\s+độ|hạn\s+hoàn\s+thành)", _VI)
_COLUMN_NUMBER = rx(r"\(?\d+\)?")  # a cell holding a column number: "(5)"
# 'từ tháng 3/2025 đến tháng 6/2025': a span, of which only the end is the deadline.
_FROM = rx(r"(?i)(?<![\p{L}])từ\s")
_TO = rx(r"(?i)(?<![\p{L}])(?:đến|tới)\s")


@dataclass
class _Hit:
    start: int
    end: int
    kind: DeadlineKind
    date: str | None = None
    month_day: str | None = None


# ── public API ──────────────────────────────────────────────────────────────────────────────
def extract_deadlines(skel: Skeleton) -> list[Deadline]:
    """Deadlines of the section tree and of tables; header and closing are never read, and the
    preamble (citations) only when the document has no section tree at all."""
    out: list[tuple[tuple[int, int], Deadline]] = []  # (node index, order within it)
    nodes = list(skel.nodes())
    report = is_report(skel)
    read = [(k, node, bs) for k, node in enumerate(nodes)
            if not in_results_context(node, report)  # 'Trong năm 2025, tỉnh đã tổ chức …' in a report
            for bs in blocks_of(node)]
    digits = texts_with(ASCII_DIGIT, [block.text for _, _, (block, _) in read])
    for i, (k, node, (block, start)) in enumerate(read):
        for d in deadlines_in_text(block, node.id, start=start, digit=None if digits is None else i in digits):
            if block is node.head and _is_title_scope(node, d):
                continue
            out.append(((k, len(out)), d))
    if not skel.roots:
        # no section tree was found (a flattened export): the body is all preamble, so read it
        for block in skel.preamble:
            for d in deadlines_in_text(block, "preamble"):
                out.append(((-1, len(out)), d))
    for table in skel.tables:
        owner = None
        for n in nodes:
            if n.head.lines and n.head.lines[0].line <= table.line:
                owner = n
        if (owner is not None and in_results_context(owner, report)) or (owner is None and report):
            continue
        k = nodes.index(owner) if owner is not None else len(nodes)
        for d in extract_table_deadlines(table, owner.id if owner else "PL"):
            out.append(((k, 1_000_000 + len(out)), d))  # after the text of the section it stands in
    out.sort(key=lambda kv: kv[0])
    return [d for _, d in out]


def _may_hold_label(text: str, folded: str) -> bool:
    """Whether ``TIME_LABEL`` can match ``text`` (``folded``: its casefold): every label ends in ':'
    and opens with 'thời' or 'tiến'."""
    return ":" in text and ("thời" in folded or "tiến" in folded)


def deadlines_in_text(block: Block, section: str = "", *, start: int = 0, digit: bool | None = None) -> list[Deadline]:
    """The deadlines printed in one paragraph, in order. ``digit``: whether the paragraph holds an
    ASCII digit, if the caller knows (NFC and the label cut leave every digit of the tail where it is)."""
    norm, back = nfc_with_offsets(block.text)
    tail = norm[start:]
    folded = tail.casefold()
    if digit is False and not _may_hold_label(tail, folded) and not any(w in folded for w in _EVERY_WORD_LIST):
        # without a digit only 'định kỳ hằng …' (the running text) and the recurring words can
        # match, both with a word of ``_EVERY_WORDS``
        return []
    hits: list[_Hit] = []
    if digit is not None and start:
        digit = ASCII_DIGIT.search(tail) is not None  # the label before ``start`` may hold the digit
    for m in _DEADLINE_GATE.for_text(tail, folded, digit).finditer(norm, start):
        if PAST.search(norm, max(0, m.start() - 30), m.start()):
            continue  # 'đã hoàn thành trong năm 2024' is a result
        h = _hit(m)
        if h is not None:
            hits.append(h)
    for m in TIME_LABEL.finditer(norm, start) if _may_hold_label(tail, folded) else ():
        end = _label_end(norm, m.end())
        for h in _cell_hits(norm, m.end(), end):
            h.start = m.start()
            hits.append(h)
    if any(w in folded for w in _EVERY_WORD_LIST):  # no recurring word, no report duty
        for cs, ce in _clauses(norm, start):
            if not REPORT_VERB.search(norm, cs, ce):
                continue
            for m in RECURRING_WORD.finditer(norm, cs, ce):
                hits.append(_Hit(m.start(), m.end(), _PERIOD_KIND[lower(m.group("per"))]))
    hits = _dedupe(hits)
    out = []
    for h in hits:
        a, b = back[h.start], back[h.end]
        raw = " ".join(block.text[a:b].split()).rstrip(" ,;.")
        out.append(Deadline.model_validate({"section": section, "raw": raw, "kind": h.kind, "date": h.date,
                                            "month_day": h.month_day, "provenance": block.provenance_data(a, b)}))
    return out


def extract_table_deadlines(table: Table, section_id: str) -> list[Deadline]:
    """Deadlines of a table with a time column; a row's section is ``{section_id}.{group}.{TT}``.

    'TT | Tên nhiệm vụ | … | Thời gian hoàn thành' rows: '01/2025', 'Tháng 10/2025', '2025',
    'Xong trong Quý II/2026', 'Hàng năm'; 'Thường xuyên' gives none.
    """
    rows = [[" ".join(c.replace("**", " ").split()) for c in r] for r in table.rows]
    hdr = None
    for i, r in enumerate(rows[:4]):
        cols = [j for j, c in enumerate(r) if _COL_TIME.match(c)]
        if cols:
            hdr = (i, cols[0])
            break
    if hdr is None:
        return []
    h, ct = hdr
    out: list[Deadline] = []
    seen: set[tuple[str, str, str, str | None, str | None]] = set()
    group = ""
    for r in rows[h + 1:]:
        if ct >= len(r) or _merged_row(r):
            continue
        first = r[0]
        if ROMAN_GROUP.match(first):
            group = first.rstrip(".")
            continue
        cell = r[ct]
        if not cell or _COLUMN_NUMBER.fullmatch(cell):
            continue
        tt = first.rstrip(".") if ROW_NUMBER.fullmatch(first) else ""
        sid = ".".join(p for p in (section_id, group, tt) if p)
        for hit in _cell_hits(cell, 0, len(cell)):
            key = (sid, cell[hit.start:hit.end], hit.kind, hit.date, hit.month_day)
            if key in seen:
                continue  # merged cells repeat their text in every grid row
            seen.add(key)
            out.append(Deadline(section=sid, raw=" ".join(cell[hit.start:hit.end].split()), kind=hit.kind,
                                date=hit.date, month_day=hit.month_day,
                                provenance=Provenance(page=table.page, line=table.line, origin="table")))
    return out


def _is_title_scope(node: Node, d: Deadline) -> bool:
    """'III. NỘI DUNG TUYÊN TRUYỀN TRONG NĂM 2026': a year in a short heading is its scope."""
    return (d.kind == "once" and d.date is not None and len(d.date) == 4
            and d.raw.casefold() in node.heading.casefold() and len(node.heading.split()) <= 12)


def _merged_row(r: list[str]) -> bool:
    """A group row spanning the table: its text repeated in every cell after the first."""
    rest = [c for c in r[1:] if c]
    return len(rest) >= 2 and len(set(rest)) == 1 and len(rest) == len(r) - 1


# ── helpers ─────────────────────────────────────────────────────────────────────────────────
def _ym(y: str, m: str) -> str | None:
    mi = int(m)
    return f"{int(y):04d}-{mi:02d}" if 1 <= mi <= 12 else None


def _ymd(y: str, m: str, d: str) -> str | None:
    try:
        return datetime.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def _hit(m: regex.Match[str]) -> _Hit | None:
    s, e = m.start(), m.end()
    if m.group("annual_day"):
        return _Hit(s, e, "annual", month_day=f"{int(m.group('m')):02d}-{int(m.group('d')):02d}")
    if m.group("annual_month"):
        mi = int(m.group("m"))
        return _Hit(s, e, "annual", month_day=f"{mi:02d}-{calendar.monthrange(2001, mi)[1]:02d}")
    if m.group("monthly_day"):
        return _Hit(s, e, "monthly")  # the day stays in raw: month_day is MM-DD only
    if m.group("quarterly_day"):
        return _Hit(s, e, "quarterly")
    if m.group("periodic"):
        return _Hit(s, e, _PERIOD_KIND[lower(m.group("per"))])
    if m.group("by_day") or m.group("by_day_words"):
        date = _ymd(m.group("y"), m.group("m"), m.group("d"))
        return _Hit(s, e, "once", date=date) if date else None
    if m.group("by_month"):
        date = _ym(m.group("y"), m.group("m"))
        return _Hit(s, e, "once", date=date) if date else None
    if m.group("quarter"):
        return _Hit(s, e, "once", date=f"{m.group('y')}-{_ROMAN_Q[m.group('q').upper()]:02d}")
    if m.group("in_year"):
        return _Hit(s, e, "once", date=m.group("y"))
    return None  # pragma: no cover


def _cell_hits(text: str, s: int, e: int) -> list[_Hit]:
    """Time values of a cell or label value; for 'từ … đến …' only the end counts."""
    found: list[_Hit] = []
    for m in CELL_TIME.finditer(text, s, e):
        a, b = m.start(), m.end()
        if CITED.search(text, max(s, a - 40), a):
            continue  # 'Nghị định số 52/2015/NĐ-CP ngày 28/5/2015': the date of a cited document
        if m.group("c_day") or m.group("c_day_words"):
            date = _ymd(m.group("y"), m.group("m"), m.group("d"))
            if date:
                found.append(_Hit(a, b, "once", date=date))
        elif m.group("c_quarter"):
            found.append(_Hit(a, b, "once", date=f"{m.group('y')}-{_ROMAN_Q[m.group('q').upper()]:02d}"))
        elif m.group("c_month"):
            date = _ym(m.group("y"), m.group("m"))
            if date:
                found.append(_Hit(a, b, "once", date=date))
        elif m.group("c_year"):
            found.append(_Hit(a, b, "once", date=m.group("y")))
        elif m.group("c_every"):
            found.append(_Hit(a, b, _PERIOD_KIND[lower(m.group("per"))]))
    for m in _DEADLINE_GATE.for_text(text[s:e]).finditer(text, s, e):
        h = _hit(m)
        if h is not None and not CITED.search(text, max(s, h.start - 40), h.start):
            found.append(h)
    found = _dedupe(found)
    if len(found) >= 2 and _FROM.search(text[s:found[0].start + 6]) \
            and _TO.search(text[found[0].end:found[-1].start + 1]):
        last = found[-1]
        last.start = found[0].start
        return [last]
    return found


_LABEL_END = rx(r"[;.](?:\s|$)|\n")
_CLAUSE_CUT = rx(r";|\.(?=\s|$)")


def _label_end(text: str, s: int) -> int:
    """A label's value runs to the end of its sentence or clause."""
    m = _LABEL_END.search(text, s)
    return m.start() if m else len(text)


def _clauses(text: str, start: int) -> Iterator[tuple[int, int]]:
    cs = start
    for m in _CLAUSE_CUT.finditer(text[start:]):
        yield cs, start + m.start()
        cs = start + m.end()
    yield cs, len(text)


def _dedupe(hits: list[_Hit]) -> list[_Hit]:
    """Overlapping hits (a labelled value also seen as running text) keep the longest, in order."""
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[_Hit] = []
    for h in hits:
        if out and h.start < out[-1].end:
            if h.end - h.start > out[-1].end - out[-1].start:
                out[-1] = h
            continue
        out.append(h)
    return out
