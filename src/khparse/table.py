"""Cross-plan tables: one row per target (task, agency, reference) across many outputs.

``khparse table`` is how an analyst compares provinces: every row carries the plan's identity
(number, issuer, province, date, source path) beside the item and where it was printed, so
"every province's urban-unemployment target" is one filter in Excel or pandas.

Formats, chosen by the output's suffix:
- ``.csv``: UTF-8 *with* BOM and CRLF, which is what Excel needs to show Vietnamese correctly when
  the file is double-clicked; pandas reads it with ``encoding="utf-8-sig"``. Values are written as
  they are (no formula-escaping quote), so the data stays exact for tools; open the XLSX in Excel.
- ``.xlsx`` (extra ``khparse[xlsx]``): header row, frozen header and identity columns, autofilter,
  column widths from the content; every text cell is typed as text, so an item printed as ``=``
  or ``- Tỷ lệ…`` is never taken for a formula.
- ``.jsonl``: one JSON object per line, lists kept as lists.

Rows are ordered by plan (source path, then output file) and, within a plan, in document order.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .batch import UsageError, load_plan
from .errors import KhparseError, MissingTool
from .models import Plan, Provenance, Section

What = Literal["targets", "tasks", "agencies", "references"]
Row = dict[str, Any]

PLAN_COLUMNS = ["plan_number", "issuer", "province", "issued_date", "plan_title", "source_path", "output_file"]
PROVENANCE_COLUMNS = ["page", "line", "line_end", "origin"]
ITEM_COLUMNS: dict[str, list[str]] = {
    "targets": ["id", "section", "section_heading", "indicator", "comparator", "value", "value_max",
                "value_text", "unit", "year", "raw", *PROVENANCE_COLUMNS],
    "tasks": ["id", "section", "section_heading", "description", "lead", "partners", "timeline", "product",
              "source", *PROVENANCE_COLUMNS],
    # Agencies are a per-plan directory without a printed place of their own.
    "agencies": ["name", "aliases", "kind", "lead_of", "partner_of"],
    # A reference can be cited many times; its row points at the first citation.
    "references": ["ref_number", "ref_type", "ref_date", "ref_issuer", "ref_short_name", "mentions", "first_mention",
                   *PROVENANCE_COLUMNS],
}
LIST_SEPARATOR = "; "
MAX_WIDTH = 60


@dataclass
class TableResult:
    rows: int
    plans: int
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)


def columns(what: What) -> list[str]:
    return PLAN_COLUMNS + ITEM_COLUMNS[what]


def load_plans(files: Iterable[Path]) -> tuple[list[tuple[Path, Plan]], list[tuple[str, str]]]:
    plans: list[tuple[Path, Plan]] = []
    skipped: list[tuple[str, str]] = []
    for f in files:
        try:
            plans.append((f, load_plan(f)))
        except (OSError, ValueError, KhparseError) as err:
            skipped.append((str(f), " ".join(str(err).split())[:300]))
    plans.sort(key=lambda fp: (fp[1].source.path, str(fp[0])))
    return plans, skipped


def rows_for(plan: Plan, output_file: str, what: What) -> Iterator[Row]:
    """The rows of one plan, in document order."""
    m = plan.metadata
    ident: Row = {"plan_number": m.number, "issuer": m.issuer, "province": m.province,
                  "issued_date": m.issued_date, "plan_title": m.title, "source_path": plan.source.path,
                  "output_file": output_file}
    headings = dict(_headings(plan.sections))
    if what == "targets":
        for t in plan.targets:
            yield {**ident, "id": t.id, "section": t.section, "section_heading": headings.get(t.section),
                   "indicator": t.indicator, "comparator": t.comparator, "value": t.value,
                   "value_max": t.value_max, "value_text": t.value_text, "unit": t.unit, "year": t.year,
                   "raw": t.raw, **_prov(t.provenance)}
    elif what == "tasks":
        for k in plan.tasks:
            yield {**ident, "id": k.id, "section": k.section, "section_heading": headings.get(k.section),
                   "description": k.description, "lead": k.lead, "partners": k.partners,
                   "timeline": k.timeline, "product": k.product, "source": k.source, **_prov(k.provenance)}
    elif what == "agencies":
        for a in plan.agencies:
            yield {**ident, "name": a.name, "aliases": a.aliases, "kind": a.kind, "lead_of": a.lead_of,
                   "partner_of": a.partner_of}
    else:
        for r in plan.references:
            first = r.mentions[0] if r.mentions else None
            yield {**ident, "ref_number": r.number, "ref_type": r.type, "ref_date": r.date, "ref_issuer": r.issuer,
                   "ref_short_name": r.short_name, "mentions": len(r.mentions),
                   "first_mention": first.raw if first else None,
                   **(_prov(first.provenance) if first else dict.fromkeys(PROVENANCE_COLUMNS))}


def _headings(sections: Iterable[Section]) -> Iterator[tuple[str, str]]:
    for s in sections:
        yield s.id, s.heading
        yield from _headings(s.children)


def _prov(p: Provenance) -> Row:
    return {"page": p.page, "line": p.line, "line_end": p.line_end, "origin": p.origin}


def build_rows(paths: Sequence[str | os.PathLike[str]], what: What) -> tuple[list[Row], TableResult]:
    from .validate import collect_files

    files = sorted(set(collect_files(map(Path, paths))))
    plans, skipped = load_plans(files)
    rows = [row for f, plan in plans for row in rows_for(plan, str(f), what)]
    return rows, TableResult(rows=len(rows), plans=len(plans), skipped=skipped)


def write_table(paths: Sequence[str | os.PathLike[str]], what: What, out: str | os.PathLike[str]) -> TableResult:
    """Build the table and write it atomically to ``out`` in the format its suffix names."""
    from .writers import write_atomic

    suffix = Path(out).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".jsonl"):
        raise UsageError(f"{out}: the table must end in .csv, .xlsx or .jsonl")
    rows, result = build_rows(paths, what)
    cols = columns(what)
    data: str | bytes
    if suffix == ".csv":
        data = to_csv(rows, cols)
    elif suffix == ".jsonl":
        data = to_jsonl(rows, cols)
    else:
        data = to_xlsx(rows, cols, what)
    write_atomic(out, data)
    return result


def _flat(value: Any) -> Any:
    return LIST_SEPARATOR.join(value) if isinstance(value, list) else value


def to_csv(rows: Sequence[Row], cols: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(cols)
    for row in rows:
        writer.writerow(["" if row[c] is None else _flat(row[c]) for c in cols])
    return "\ufeff" + buf.getvalue()


def to_jsonl(rows: Sequence[Row], cols: Sequence[str]) -> str:
    return "".join(json.dumps({c: row[c] for c in cols}, ensure_ascii=False) + "\n" for row in rows)


def to_xlsx(rows: Sequence[Row], cols: Sequence[str], what: str) -> bytes:
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise MissingTool("writing .xlsx needs openpyxl: pip install 'khparse[xlsx]'") from None

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(what)
    # Freeze the header row and the plan-number column: scrolling keeps both in view.
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(rows) + 1}"
    for i, col in enumerate(cols, start=1):
        # Widest value among the first rows (a sample keeps big tables fast); the header needs
        # room for the autofilter arrow; very long texts wrap at MAX_WIDTH instead of hiding others.
        longest = max((len(str(_flat(r[col]))) for r in rows[:2000] if r[col] is not None), default=0)
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(8, len(col) + 4, longest + 2))
    bold = Font(bold=True)

    def cell(value: Any, header: bool = False) -> Any:
        value = _flat(value)
        c = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value)
        if isinstance(value, str):
            c.data_type = "s"  # never a formula, whatever the text starts with
        if header:
            c.font = bold
        return c

    ws.append([cell(c, header=True) for c in cols])
    for row in rows:
        ws.append([cell(row[c]) for c in cols])
    buf = io.BytesIO()
    wb.save(buf)
    return _reproducible_zip(buf.getvalue())


def _reproducible_zip(data: bytes) -> bytes:
    """Same rows → same bytes: openpyxl stamps the save time into ``docProps/core.xml`` and into
    every zip entry; pin both so a table can be committed and diffed like the outputs it came from."""
    import zipfile

    import regex

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = regex.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), body,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def main(paths: Sequence[str | os.PathLike[str]], what: What, out: str | os.PathLike[str]) -> int:
    """``khparse table``: write the table; exit 1 when some outputs could not be read (listed on
    stderr, the table still holds every other plan)."""
    import sys

    result = write_table(paths, what, out)
    for name, why in result.skipped:
        sys.stderr.write(f"khparse: skipped {name}: {why}\n")
    sys.stderr.write(f"khparse: {result.rows} {what} from {result.plans} plans → {out}\n")
    return 1 if result.skipped else 0
