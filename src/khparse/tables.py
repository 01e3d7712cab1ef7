"""Task tables (STT | Nội dung | Chủ trì | Phối hợp | Thời gian | Sản phẩm, in any column
order): find the header row, name the columns, and walk the rows with their Roman group rows.

Reporting templates (empty "Biểu 01" grids) and schedules without a responsible-body column
are not task tables: a table qualifies only with a content column, a lead column and at least
one row that fills both.
"""

from __future__ import annotations

from dataclasses import dataclass

from .grammar_cache import rx
from .normalize import collapse, fold_spaced
from .source import Table

# Header cell → column role, matched on the folded text (no diacritics, lower case).
# Examples from real tables: "Cơ quan chủ trì", "Sở, ngành chủ trì tham mưu", "Chủ trì thực hiện",
# "Đơn vị phối hợp thực hiện", "Thời gian hoàn thành", "Sản phẩm", "Tên nhiệm vụ", "Trách nhiệm thực hiện".
ROLE_PATTERNS: list[tuple[str, str]] = [
    ("stt", r"^(?:stt|tt|so tt|so thu tu)$"),
    ("partner", r"phoi hop"),
    ("lead", r"chu tri|trach nhiem thuc hien|co quan thuc hien|don vi thuc hien|don vi thuc hien|co quan tham muu|"
             r"^trach nhiem$|don vi chu quan"),
    ("time", r"thoi gian|thoi han|tien do|^nam \d{4}|hoan thanh"),
    ("product", r"san pham|ket qua|hinh thuc van ban"),
    ("content", r"noi dung|nhiem vu|cong viec|hoat dong|ten de an|^de an|chuong trinh|giai phap|^ten"),
    ("note", r"ghi chu|theo doi|kiem tra|don doc"),
]
_ROLE_RES = [(role, rx(pat)) for role, pat in ROLE_PATTERNS]  # compiled once: run per header cell
_ROMAN = rx(r"^[IVXL]{1,6}\.?$")
_COLNUM = rx(r"^\(?\d{1,2}\)?$")


@dataclass
class TaskRow:
    row: int  # index in table.rows
    stt: str
    group: str | None  # Roman group of the row ("II"), if the table has group rows
    content: str
    lead: str
    partner: str
    time: str
    product: str


@dataclass
class TaskTable:
    table: Table
    columns: dict[str, int]
    groups: list[tuple[str, str, int]]  # (roman, title, row index)
    rows: list[TaskRow]


def _roles(header: list[str]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = fold_spaced(cell)
        if not key:
            continue
        for role, pat in _ROLE_RES:
            if pat.search(key):
                if role not in cols:
                    cols[role] = i
                break
    return cols


def _header(table: Table) -> tuple[int, dict[str, int]] | None:
    for h, header in enumerate(table.rows[:4]):
        cols = _roles(header)
        if "content" in cols and "lead" in cols and cols["content"] != cols["lead"]:
            return h, cols
    return None


def classify(table: Table) -> TaskTable | None:
    found = _header(table)
    if found is None:
        return None
    h, cols = found

    def cell(row: list[str], vals: list[str], role: str) -> str:
        """collapse(cell with line breaks as spaces); ``vals[i]`` is collapse(cell): the same when
        the cell has no line break (collapse does not make "\n" a space, hence the replace)."""
        i = cols.get(role)
        if i is None or i >= len(row):
            return ""
        return vals[i] if "\n" not in row[i] else collapse(row[i].replace("\n", " "))

    header_keys = [fold_spaced(c) for c in table.rows[h]]
    groups: list[tuple[str, str, int]] = []
    rows: list[TaskRow] = []
    group: str | None = None
    for r in range(h + 1, len(table.rows)):
        row = table.rows[r]
        # header repeated on a new page (the list comparison, stopping at the first cell that differs)
        if len(row) == len(header_keys) and all(fold_spaced(c) == k for c, k in zip(row, header_keys, strict=True)):
            continue
        vals = [collapse(c) for c in row]
        if all(_COLNUM.match(v) or not v for v in vals):
            continue  # column-number row "(1) (2) (3)"
        stt = cell(row, vals, "stt")
        content, lead = cell(row, vals, "content"), cell(row, vals, "lead")
        distinct = {v for v in vals if v}
        if _ROMAN.match(stt) or (content and (not lead or (len(distinct) <= 2 and lead == content))):
            roman = stt.rstrip(".") if _ROMAN.match(stt) else None
            if roman:
                group = roman
                title = content if content else next((v for v in vals if v and v != stt), "")
                groups.append((roman, title, r))
            continue
        if not lead or not content or lead == content:
            continue
        rows.append(TaskRow(r, stt.rstrip("."), group, content, lead, cell(row, vals, "partner"),
                            cell(row, vals, "time"), cell(row, vals, "product")))
    if not rows:
        return None
    return TaskTable(table, cols, groups, rows)
