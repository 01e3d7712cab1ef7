"""writers: deterministic JSON/YAML and atomic file writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from khparse.errors import OutputError
from khparse.models import Plan
from khparse.writers import dump, dump_data, format_for, write_atomic
from khparse_helpers import good_plan_data


def plan() -> Plan:
    return Plan.model_validate(good_plan_data())


def test_json_is_byte_identical_for_equal_plans() -> None:
    a, b = dump(plan(), "json"), dump(plan(), "json")
    assert a.encode() == b.encode()
    assert a.endswith("}\n") and not a.endswith("\n\n")


def test_yaml_is_byte_identical_for_equal_plans() -> None:
    assert dump(plan(), "yaml").encode() == dump(plan(), "yaml").encode()


def test_json_keeps_vietnamese_and_model_key_order() -> None:
    text = dump(plan(), "json")
    assert "Thương binh và Xã hội" in text  # not \u escapes
    assert list(json.loads(text)) == list(Plan.model_fields)
    assert text.startswith('{\n  "schema_version": "1.0",\n')  # indent=2


def test_yaml_round_trips_to_the_json_data() -> None:
    p = plan()
    from_yaml = yaml.safe_load(dump(p, "yaml"))
    assert from_yaml == json.loads(dump(p, "json"))
    assert from_yaml["metadata"]["issued_date"] == "2024-04-30"  # quoted: stays a string


def test_yaml_never_folds_long_values() -> None:
    title = good_plan_data()["metadata"]["title"]
    assert len(title) > 80
    assert f"  title: {title}\n" in dump(plan(), "yaml")


def test_json_refuses_nan() -> None:
    with pytest.raises(ValueError):
        dump_data({"value": float("nan")}, "json")


@pytest.mark.parametrize(
    ("fmt", "out", "expected"),
    [(None, None, "json"), (None, "x.json", "json"), (None, "x.yaml", "yaml"), (None, "dir/x.YML", "yaml"),
     ("json", "x.yaml", "json"), ("yaml", None, "yaml"), (None, "x.txt", "json")],
)
def test_format_for(fmt: str | None, out: str | None, expected: str) -> None:
    assert format_for(fmt, out) == expected


def test_format_for_rejects_unknown() -> None:
    with pytest.raises(ValueError):
        format_for("xml", None)


def test_write_atomic_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    write_atomic(target, "một\n")
    write_atomic(target, "hai\n")
    assert target.read_bytes() == b"hai\n"
    assert os.listdir(tmp_path) == ["plan.json"]  # no temp file left behind


def test_write_atomic_gives_the_usual_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "plan.json", "{}\n")
    finally:
        os.umask(old)
    assert (tmp_path / "plan.json").stat().st_mode & 0o777 == 0o644


def test_write_atomic_into_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(tmp_path / "no" / "plan.json", "{}\n")
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_onto_a_directory(tmp_path: Path) -> None:
    (tmp_path / "plan.json").mkdir()
    with pytest.raises(OutputError):
        write_atomic(tmp_path / "plan.json", "{}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]  # temp removed


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "plan.json"
    target.write_text("old\n", encoding="utf-8")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OutputError, match="No space left"):
        write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["plan.json"]
