"""validate: schema and consistency checks, as functions and end to end through ``khparse validate``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from khparse.validate import date_problem, json_path, month_day_problem, validate_data
from khparse_helpers import good_plan_data, run_khparse

Data = dict[str, Any]


def problems_of(data: Data) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in validate_data(data, "plan.json")]


def paths_of(data: Data) -> list[str]:
    return [p for p, _ in problems_of(data)]


def test_good_plan_has_no_problems() -> None:
    assert problems_of(good_plan_data()) == []


def test_json_path_rendering() -> None:
    assert json_path(("targets", 3, "value_max")) == "targets[3].value_max"
    assert json_path(("sections", 0, "children", 2, "id")) == "sections[0].children[2].id"
    assert json_path(()) == "$"


# --- schema --------------------------------------------------------------------------------


def test_schema_problems_name_the_field() -> None:
    data = good_plan_data()
    data["targets"][1]["comparator"] = "between"
    del data["metadata"]
    data["surprise"] = 1
    got = paths_of(data)
    assert "targets[1].comparator" in got
    assert "metadata" in got
    assert "surprise" in got  # extra keys are refused (extra="forbid")


def test_schema_problem_in_nested_section() -> None:
    data = good_plan_data()
    data["sections"][1]["children"][0]["children"][0]["level"] = 0
    assert paths_of(data) == ["sections[1].children[0].children[0].level"]


def test_not_an_object() -> None:
    assert paths_of([1, 2]) == ["$"]  # type: ignore[arg-type]


# --- consistency: one broken field each --------------------------------------------------------


def _set(path: list[str | int], value: Any) -> Callable[[Data], None]:
    def mutate(d: Data) -> None:
        node: Any = d
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def _dup_section(d: Data) -> None:
    d["sections"][1]["children"][1]["id"] = "III.1"


def _dup_task(d: Data) -> None:
    d["tasks"][1]["id"] = "III.1.1"


def _dup_target(d: Data) -> None:
    d["targets"][2]["id"] = "T1"


def _dup_agency(d: Data) -> None:
    d["agencies"][1]["name"] = "Sở Lao động - Thương binh và Xã hội"


BROKEN: list[tuple[str, Callable[[Data], None], str, str]] = [
    ("duplicate section id", _dup_section, "sections[1].children[1].id", "duplicate section id 'III.1'"),
    ("child id not under parent", _set(["sections", 1, "children", 1, "id"], "IV.4"),
     "sections[1].children[1].id", "does not extend its parent's id 'III'"),
    ("child level not below parent", _set(["sections", 1, "children", 0, "level"], 1),
     "sections[1].children[0].level", "not below its parent's level"),
    ("task section missing", _set(["tasks", 1, "section"], "III.9"), "tasks[1].section", "'III.9' is not in the section tree"),
    ("task id duplicate", _dup_task, "tasks[1].id", "duplicate id 'III.1.1'"),
    ("target id duplicate", _dup_target, "targets[2].id", "duplicate id 'T1'"),
    ("target section missing", _set(["targets", 0, "section"], "II.7"), "targets[0].section", "'II.7'"),
    ("value_max below value", _set(["targets", 1, "value_max"], 30), "targets[1].value_max", "less than value 40"),
    ("value_max without range", _set(["targets", 0, "value_max"], 3), "targets[0].value_max", "only allowed with comparator 'range'"),
    ("range without value_max", _set(["targets", 1, "value_max"], None), "targets[1].value_max", "requires value_max"),
    ("percentage above 100", _set(["targets", 0, "value"], 235), "targets[0].value", "outside 0–100"),
    ("negative percentage", _set(["targets", 0, "value"], -1), "targets[0].value", "outside 0–100"),
    ("issued_date not a date", _set(["metadata", "issued_date"], "2024-02-30"), "metadata.issued_date", "not a valid date"),
    ("issued_date Vietnamese form", _set(["metadata", "issued_date"], "30/4/2024"), "metadata.issued_date", "YYYY-MM-DD"),
    ("issued_date year only", _set(["metadata", "issued_date"], "2024"), "metadata.issued_date", "YYYY-MM-DD"),
    ("reference date month 13", _set(["references", 0, "date"], "2023-13"), "references[0].date", "not a valid date"),
    ("once deadline without date", _set(["deadlines", 0, "date"], None), "deadlines[0].date", "requires a date"),
    ("once deadline bad date", _set(["deadlines", 0, "date"], "6/2024"), "deadlines[0].date", "not a date"),
    ("once deadline with month_day", _set(["deadlines", 0, "month_day"], "06-30"), "deadlines[0].month_day", "only for recurring"),
    ("annual deadline with date", _set(["deadlines", 1, "date"], "2024"), "deadlines[1].date", "only for kind 'once'"),
    ("annual deadline bad month_day", _set(["deadlines", 1, "month_day"], "12-32"), "deadlines[1].month_day", "not a valid month and day"),
    ("deadline section missing", _set(["deadlines", 1, "section"], "V"), "deadlines[1].section", "'V'"),
    ("agency lead_of unknown task", _set(["agencies", 1, "lead_of"], ["III.4", "III.5"]), "agencies[1].lead_of[1]", "task 'III.5' does not exist"),
    ("agency partner_of unknown task", _set(["agencies", 2, "partner_of"], ["X"]), "agencies[2].partner_of[0]", "task 'X' does not exist"),
    ("task lead not an agency", _set(["tasks", 1, "lead"], ["Sở Xây dựng", "Sở Tài chính"]), "tasks[1].lead[1]", "'Sở Tài chính' is not the name or alias"),
    ("task partner not an agency", _set(["tasks", 0, "partners", 0], "các sở"), "tasks[0].partners[0]", "not the name or alias"),
    ("duplicate agency", _dup_agency, "agencies[1].name", "duplicate agency"),
]


@pytest.mark.parametrize(("mutate", "path", "message"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_each_broken_field_is_reported_once(mutate: Callable[[Data], None], path: str, message: str) -> None:
    data = good_plan_data()
    mutate(data)
    found = [(p, m) for p, m in problems_of(data) if p == path]
    assert len(found) == 1, problems_of(data)
    assert message in found[0][1]


ACCEPTED: list[tuple[str, Callable[[Data], None]]] = [
    ("target in the preamble", _set(["targets", 0, "section"], "preamble")),
    ("growth rate above 100 keeps its period", lambda d: d["targets"][0].update(unit="%/năm", value=120)),
    ("percentage bounds are inclusive", _set(["targets", 0, "value"], 100)),
    ("reference date as year-month", _set(["references", 0, "date"], "2023-11")),
    ("once deadline as a full date", _set(["deadlines", 0, "date"], "2024-06-30")),
    ("annual deadline on 29 February", _set(["deadlines", 1, "month_day"], "02-29")),
    ("annual deadline without a day", _set(["deadlines", 1, "month_day"], None)),
    ("issued_date blank in an e-signed plan", _set(["metadata", "issued_date"], None)),
    ("agency matched through an alias", _set(["tasks", 0, "partners", 1], "UBND các huyện, thị xã, thành phố")),
    ("agency matched across NFC and spacing", _set(["tasks", 1, "lead"], ["Sở  Xa\u0302y dựng"])),
]


@pytest.mark.parametrize("mutate", [a[1] for a in ACCEPTED], ids=[a[0] for a in ACCEPTED])
def test_legitimate_variants_pass(mutate: Callable[[Data], None]) -> None:
    data = good_plan_data()
    mutate(data)
    assert problems_of(data) == []


def test_appendix_rows_are_known_once_the_plan_has_an_appendix() -> None:
    data = good_plan_data()
    data["targets"][0]["section"] = "PL.II.5"
    assert paths_of(data) == ["targets[0].section"]  # no appendix section in the tree
    data["sections"].append({"id": "PL", "level": 1, "number": "PL", "heading": "PHỤ LỤC", "text": "",
                             "provenance": {"line": 300}, "children": []})
    assert paths_of(data) == []


def test_table_rows_may_extend_a_section_id() -> None:
    data = good_plan_data()
    data["deadlines"][0]["section"] = "III.II.6"  # row II.6 of a table printed inside section III
    assert paths_of(data) == ["deadlines[0].section"]  # from running text: must be a heading
    data["deadlines"][0]["provenance"]["origin"] = "table"
    assert paths_of(data) == []
    data["deadlines"][0]["section"] = "IX.1"  # a row, but under no section of the tree
    assert paths_of(data) == ["deadlines[0].section"]


def test_date_helpers() -> None:
    assert date_problem("2024-04-30", ["YYYY-MM-DD"]) is None
    assert date_problem("2024", ["YYYY-MM-DD", "YYYY-MM", "YYYY"]) is None
    assert date_problem("２０２４", ["YYYY"]) is not None  # full-width digits are not ISO
    assert month_day_problem("12-31") is None
    assert month_day_problem("1-5") is not None


# --- end to end through `khparse validate` ---------------------------------------------------


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def broken_plan() -> Data:
    data = good_plan_data()
    data["targets"][1]["value_max"] = 30
    return data


def test_cli_validate_good_files_and_directories(tmp_path: Path) -> None:
    write(tmp_path / "out" / "a.json", good_plan_data())
    write(tmp_path / "out" / "sub" / "b.yaml", good_plan_data())
    write(tmp_path / "out" / "_report.json", {"not": "a plan"})  # batch report: skipped
    (tmp_path / "out" / "notes.txt").write_text("skipped", encoding="utf-8")
    r = run_khparse("validate", tmp_path / "out", "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["ok"] is True
    assert sorted(Path(f["file"]).name for f in report["files"]) == ["a.json", "b.yaml"]


def test_cli_validate_yaml_with_unquoted_dates(tmp_path: Path) -> None:
    text = yaml.safe_dump(good_plan_data(), allow_unicode=True, sort_keys=False).replace("'2024-04-30'", "2024-04-30")
    assert "issued_date: 2024-04-30\n" in text
    f = tmp_path / "plan.yml"
    f.write_text(text, encoding="utf-8")
    r = run_khparse("validate", f)
    assert r.returncode == 0, r.stdout + r.stderr


def test_cli_validate_text_names_file_and_field(tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", good_plan_data())
    bad = write(tmp_path / "bad.json", broken_plan())
    r = run_khparse("validate", good, bad)
    assert r.returncode == 1
    out = r.stdout.decode()
    assert f"{bad}: targets[1].value_max: value_max 30 is less than value 40" in out.splitlines()
    assert str(good) not in out.replace(str(bad), "")
    assert "1 problem(s) in 1 of 2 file(s)" in out


def test_cli_validate_json_report(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.yaml", broken_plan())
    r = run_khparse("validate", bad, "--format", "json")
    assert r.returncode == 1
    report = json.loads(r.stdout)
    assert report == {"ok": False, "files": [{"file": str(bad), "ok": False, "problems": [
        {"path": "targets[1].value_max", "message": "value_max 30 is less than value 40"}]}]}


def test_cli_validate_github_annotations(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", broken_plan())
    r = run_khparse("validate", bad, "--format", "github")
    assert r.returncode == 1
    assert r.stdout.decode().splitlines() == [
        f"::error file={bad},title=khparse validate::targets[1].value_max: value_max 30 is less than value 40"
    ]


def test_cli_validate_unparsable_file(tmp_path: Path) -> None:
    f = tmp_path / "cut.json"
    f.write_text('{"schema_version": "1.0", "sour', encoding="utf-8")
    r = run_khparse("validate", f, "--format", "json")
    assert r.returncode == 1
    problem = json.loads(r.stdout)["files"][0]["problems"][0]
    assert problem["path"] == "$" and problem["message"].startswith("invalid JSON")


def test_cli_validate_missing_path_and_empty_directory(tmp_path: Path) -> None:
    r = run_khparse("validate", tmp_path / "nope.json")
    assert r.returncode == 3
    assert r.stderr.decode().startswith("khparse: error: ") and "nope.json" in r.stderr.decode()
    (tmp_path / "empty").mkdir()
    assert run_khparse("validate", tmp_path / "empty").returncode == 3
    assert run_khparse("validate").returncode == 2  # no FILE: usage error


def test_cli_validate_real_extract_output(tmp_path: Path) -> None:
    """What ``extract`` writes must pass ``validate`` (depends on the pipeline)."""
    out = tmp_path / "plan.json"
    r = run_khparse("extract", Path(__file__).parents[1] / "samples" / "kh-30-bacgiang.txt", "-o", out)
    assert r.returncode == 0, r.stderr.decode()
    v = run_khparse("validate", out)
    assert v.returncode == 0, v.stdout.decode()
