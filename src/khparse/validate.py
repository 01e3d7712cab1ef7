"""Check khparse output files: the schema (through ``models.Plan``) and cross-field consistency.

The checks are pure functions from a ``Plan`` to a list of ``Problem``; each problem names the
file and a JSON path such as ``targets[3].value_max`` so that a person (or a CI annotation) can
go straight to the field. Consistency checks only run once the schema check passes, because
they rely on the types the schema guarantees.
"""

from __future__ import annotations

import functools
import json
import math
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import InputNotFound
from .grammar_cache import rx
from .models import Deadline, Plan, Section, Target, Task

PLAN_SUFFIXES = (".json", ".yaml", ".yml")
ROOT = "$"


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str


@dataclass
class FileReport:
    file: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------------------------------------
# Finding and loading files


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Named files as given; directories searched recursively for *.json/*.yaml/*.yml.

    Inside directories, names starting with ``_`` (batch reports such as ``_report.json``) or
    ``.`` (hidden files, ``.git``) are skipped. Order: arguments in order, each directory sorted.
    """
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            in_dir = sorted(
                f for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in PLAN_SUFFIXES
                and not any(part.startswith(("_", ".")) for part in f.relative_to(p).parts)
            )
            if not in_dir:
                raise InputNotFound(f"{p}: no .json/.yaml/.yml files in this directory")
            found.extend(in_dir)
        elif p.is_file():
            found.append(p)
        else:
            raise InputNotFound(f"{p}: no such file or directory")
    return found


@functools.cache
def _yaml_loader() -> type:
    """SafeLoader without the timestamp rule: ``issued_date: 2024-04-30`` stays the string it is."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        key: [(tag, res) for tag, res in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def load_document(path: Path) -> Any:
    """Parse JSON or YAML by suffix (``ValueError`` with a readable message when it is neither)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"not UTF-8 text ({err.reason} at byte {err.start})") from err
    except OSError as err:
        raise InputNotFound(f"{path}: {err.strerror or err}") from err
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            return yaml.load(text, Loader=_yaml_loader())  # a SafeLoader subclass: no arbitrary objects
        except yaml.YAMLError as err:
            raise ValueError(f"invalid YAML: {' '.join(str(err).split())}") from err
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"invalid JSON: {err.msg} at line {err.lineno} column {err.colno}") from err


# ---------------------------------------------------------------------------------------------
# Schema


def json_path(loc: Sequence[int | str]) -> str:
    """``('targets', 3, 'value_max')`` → ``targets[3].value_max``; the empty location is ``$``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or ROOT


def check_schema(data: Any, file: str) -> tuple[Plan | None, list[Problem]]:
    try:
        return Plan.model_validate(data), []
    except ValidationError as err:
        return None, [Problem(file, json_path(e["loc"]), e["msg"]) for e in err.errors(include_url=False)]


# ---------------------------------------------------------------------------------------------
# Consistency

Check = Callable[[Plan, str], list[Problem]]

# Dates as the contract writes them: the full form for metadata, shorter forms where a plan
# only names a month or a year ("trong tháng 6/2024", "năm 2025").
DATE_FORMS = {
    "YYYY-MM-DD": rx(r"(?<y>[0-9]{4})-(?<m>[0-9]{2})-(?<d>[0-9]{2})"),  # 2024-04-30
    "YYYY-MM": rx(r"(?<y>[0-9]{4})-(?<m>[0-9]{2})"),  # 2024-06
    "YYYY": rx(r"(?<y>[0-9]{4})"),  # 2025
}
MONTH_DAY = rx(r"(?<m>[0-9]{2})-(?<d>[0-9]{2})")  # 12-15 ("trước ngày 15/12 hằng năm")
ANY_DATE = ("YYYY-MM-DD", "YYYY-MM", "YYYY")


def date_problem(value: str, forms: Sequence[str]) -> str | None:
    """Why ``value`` is not a real calendar date in one of ``forms`` (None when it is)."""
    for form in forms:
        m = DATE_FORMS[form].fullmatch(value)
        if m is None:
            continue
        try:
            parts = m.groupdict()
            date(int(m["y"]), int(parts.get("m") or 1), int(parts.get("d") or 1))
        except ValueError as err:
            return f"{value!r} is not a valid date ({err})"
        return None
    return f"{value!r} is not a date in the form {' or '.join(forms)}"


def month_day_problem(value: str) -> str | None:
    m = MONTH_DAY.fullmatch(value)
    if m is None:
        return f"{value!r} is not in the form MM-DD"
    try:
        date(2000, int(m["m"]), int(m["d"]))  # a leap year, so 02-29 is accepted
    except ValueError as err:
        return f"{value!r} is not a valid month and day ({err})"
    return None


def walk_sections(sections: list[Section], path: str = "sections") -> Iterator[tuple[str, Section, Section | None]]:
    """Every section with its JSON path and its parent (None at the top), in document order."""

    def walk(items: list[Section], base: str, parent: Section | None) -> Iterator[tuple[str, Section, Section | None]]:
        for i, s in enumerate(items):
            p = f"{base}[{i}]"
            yield p, s, parent
            yield from walk(s.children, f"{p}.children", s)

    yield from walk(sections, path, None)


def check_sections(plan: Plan, file: str) -> list[Problem]:
    """Ids are unique and nest: a child's id extends its parent's (``III.1`` under ``III``)."""
    problems: list[Problem] = []
    first: dict[str, str] = {}
    for path, s, parent in walk_sections(plan.sections):
        if s.id in first:
            problems.append(Problem(file, f"{path}.id", f"duplicate section id {s.id!r} (first at {first[s.id]})"))
        else:
            first[s.id] = path
        if parent is not None:
            if not s.id.startswith(parent.id + "."):
                problems.append(Problem(file, f"{path}.id", f"section id {s.id!r} does not extend its parent's id {parent.id!r}"))
            if s.level <= parent.level:
                problems.append(Problem(file, f"{path}.level", f"level {s.level} is not below its parent's level {parent.level}"))
    return problems


def section_ids(plan: Plan) -> set[str]:
    return {s.id for _, s, _ in walk_sections(plan.sections)}


def section_known(sid: str, ids: set[str], *, preamble_ok: bool, table_row: bool) -> bool:
    """In the tree; or text before the first heading; or a table row under a section the tree has.

    Table rows are not headings: an item from one carries its row's id, which extends the id of
    the section holding the table (``VI.II.6`` under ``VI``). Appendix rows (``PL.II.5``) are
    accepted from any origin as long as the document has an appendix (``PL…``) section at all.
    """
    if sid in ids or (preamble_ok and sid == "preamble"):
        return True
    if sid.startswith("PL") and any(i.startswith("PL") for i in ids):
        return True
    parts = sid.split(".")
    return table_row and any(".".join(parts[:n]) in ids for n in range(1, len(parts)))


def unique_ids(items: Sequence[Any], list_name: str, file: str) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id in first:
            problems.append(Problem(file, f"{list_name}[{i}].id", f"duplicate id {item.id!r} (first at {list_name}[{first[item.id]}])"))
        else:
            first[item.id] = i
    return problems


def check_section_refs(plan: Plan, file: str) -> list[Problem]:
    """Tasks, targets and deadlines name a section the tree has (targets/deadlines: or the preamble)."""
    ids = section_ids(plan)
    items: list[tuple[str, Sequence[Task | Target | Deadline], bool]] = [
        ("tasks", plan.tasks, False), ("targets", plan.targets, True), ("deadlines", plan.deadlines, True),
    ]
    return [
        Problem(file, f"{name}[{i}].section", f"section {x.section!r} is not in the section tree")
        for name, xs, preamble_ok in items
        for i, x in enumerate(xs)
        if not section_known(x.section, ids, preamble_ok=preamble_ok, table_row=x.provenance.origin == "table")
    ]


def check_ids(plan: Plan, file: str) -> list[Problem]:
    return unique_ids(plan.tasks, "tasks", file) + unique_ids(plan.targets, "targets", file)


def check_targets(plan: Plan, file: str) -> list[Problem]:
    problems: list[Problem] = []
    for i, t in enumerate(plan.targets):
        p = f"targets[{i}]"
        for name, v in (("value", t.value), ("value_max", t.value_max)):
            if v is None:
                continue
            if not math.isfinite(v):
                problems.append(Problem(file, f"{p}.{name}", f"{v} is not a finite number"))
            elif t.unit == "%" and not 0 <= v <= 100:
                problems.append(Problem(file, f"{p}.{name}", f"percentage {v:g} is outside 0–100"))
        if t.comparator == "range" and t.value_max is None:
            problems.append(Problem(file, f"{p}.value_max", "comparator 'range' requires value_max"))
        if t.value_max is not None:
            if t.comparator != "range":
                problems.append(Problem(file, f"{p}.value_max", f"value_max is only allowed with comparator 'range', not {t.comparator!r}"))
            if t.value_max < t.value:
                problems.append(Problem(file, f"{p}.value_max", f"value_max {t.value_max:g} is less than value {t.value:g}"))
    return problems


def check_dates(plan: Plan, file: str) -> list[Problem]:
    problems: list[Problem] = []

    def add(path: str, why: str | None) -> None:
        if why:
            problems.append(Problem(file, path, why))

    if plan.metadata.issued_date is not None:
        add("metadata.issued_date", date_problem(plan.metadata.issued_date, ["YYYY-MM-DD"]))
    for i, r in enumerate(plan.references):
        if r.date is not None:
            add(f"references[{i}].date", date_problem(r.date, ANY_DATE))
    return problems


def check_deadlines(plan: Plan, file: str) -> list[Problem]:
    """``once`` deadlines carry a date and no month_day; recurring ones the reverse."""
    problems: list[Problem] = []
    for i, d in enumerate(plan.deadlines):
        p = f"deadlines[{i}]"
        if d.kind == "once":
            if d.date is None:
                problems.append(Problem(file, f"{p}.date", "kind 'once' requires a date"))
            else:
                why = date_problem(d.date, ANY_DATE)
                if why:
                    problems.append(Problem(file, f"{p}.date", why))
            if d.month_day is not None:
                problems.append(Problem(file, f"{p}.month_day", "month_day is only for recurring deadlines, not kind 'once'"))
        else:
            if d.date is not None:
                problems.append(Problem(file, f"{p}.date", f"date is only for kind 'once', not {d.kind!r} (use month_day)"))
            if d.month_day is not None:
                why = month_day_problem(d.month_day)
                if why:
                    problems.append(Problem(file, f"{p}.month_day", why))
    return problems


def name_key(s: str) -> str:
    """Agency strings match through NFC and collapsed whitespace only: the text is kept as printed."""
    return " ".join(unicodedata.normalize("NFC", s).split())


def check_agencies(plan: Plan, file: str) -> list[Problem]:
    """Agencies point at real tasks, and every lead/partner string is some agency's name or alias."""
    problems: list[Problem] = []
    task_ids = {t.id for t in plan.tasks}
    names: dict[str, int] = {}
    known: set[str] = set()
    for i, a in enumerate(plan.agencies):
        key = name_key(a.name)
        if key in names:
            problems.append(Problem(file, f"agencies[{i}].name", f"duplicate agency {a.name!r} (first at agencies[{names[key]}])"))
        names.setdefault(key, i)
        known.add(key)
        known.update(name_key(x) for x in a.aliases)
        for list_name, refs in (("lead_of", a.lead_of), ("partner_of", a.partner_of)):
            for j, tid in enumerate(refs):
                if tid not in task_ids:
                    problems.append(Problem(file, f"agencies[{i}].{list_name}[{j}]", f"task {tid!r} does not exist"))
    for i, t in enumerate(plan.tasks):
        for list_name, agencies in (("lead", t.lead), ("partners", t.partners)):
            for j, name in enumerate(agencies):
                if name_key(name) not in known:
                    problems.append(Problem(file, f"tasks[{i}].{list_name}[{j}]", f"{name!r} is not the name or alias of any agency"))
    return problems


CHECKS: tuple[Check, ...] = (
    check_sections, check_section_refs, check_ids, check_targets, check_dates, check_deadlines, check_agencies,
)


def check_consistency(plan: Plan, file: str) -> list[Problem]:
    return [p for check in CHECKS for p in check(plan, file)]


# ---------------------------------------------------------------------------------------------
# Driving and reporting


def validate_data(data: Any, file: str) -> list[Problem]:
    plan, problems = check_schema(data, file)
    return problems if plan is None else check_consistency(plan, file)


def validate_file(path: Path) -> FileReport:
    file = str(path)
    try:
        data = load_document(path)
    except ValueError as err:
        return FileReport(file, [Problem(file, ROOT, str(err))])
    return FileReport(file, validate_data(data, file))


def validate_paths(paths: Iterable[Path]) -> list[FileReport]:
    return [validate_file(p) for p in collect_files(paths)]


def report_json(reports: list[FileReport]) -> str:
    doc = {
        "files": [
            {"file": r.file, "ok": r.ok, "problems": [{"path": p.path, "message": p.message} for p in r.problems]}
            for r in reports
        ],
        "ok": all(r.ok for r in reports),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _gh_escape(s: str, *, prop: bool) -> str:
    """GitHub workflow-command escaping (``%``, CR, LF; plus ``:`` and ``,`` inside properties)."""
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return s.replace(":", "%3A").replace(",", "%2C") if prop else s


def report_github(reports: list[FileReport]) -> str:
    return "".join(
        f"::error file={_gh_escape(p.file, prop=True)},title=khparse validate::{_gh_escape(f'{p.path}: {p.message}', prop=False)}\n"
        for r in reports for p in r.problems
    )


def render(reports: list[FileReport], fmt: str) -> None:
    """Print the report on stdout: ``json`` and ``github`` verbatim, ``text`` through rich."""
    import sys

    if fmt == "json":
        sys.stdout.write(report_json(reports))
        return
    if fmt == "github":
        sys.stdout.write(report_github(reports))
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False, soft_wrap=True)
    for r in reports:
        for p in r.problems:
            console.print(f"[bold]{escape(p.file)}[/]: [cyan]{escape(p.path)}[/]: {escape(p.message)}")
    bad = sum(not r.ok for r in reports)
    n_problems = sum(len(r.problems) for r in reports)
    if bad:
        console.print(f"[red]✗ {n_problems} problem(s) in {bad} of {len(reports)} file(s)[/]")
    else:
        console.print(f"[green]✓ {len(reports)} file(s) valid[/]")
