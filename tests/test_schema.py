"""The committed JSON Schema is exactly what the models generate (run `make schema` after a model change)."""

from __future__ import annotations

import json
from pathlib import Path

from khparse.models import Plan
from khparse.schema import plan_schema, schema_text
from khparse_helpers import ROOT, run_khparse

COMMITTED = ROOT / "schemas" / "plan.schema.json"


def test_committed_schema_has_not_drifted() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "schemas/plan.schema.json is out of date with khparse.models: run `make schema` and commit it"
    )


def test_schema_describes_the_plan_model() -> None:
    s = plan_schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(s["properties"]) == list(Plan.model_fields)
    assert s["additionalProperties"] is False
    assert {"Section", "Task", "Target", "Deadline", "Agency"} <= set(s["$defs"])


def test_cli_schema_prints_the_committed_file() -> None:
    r = run_khparse("schema")
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout == COMMITTED.read_bytes()
    json.loads(r.stdout)


def test_cli_schema_to_file(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    r = run_khparse("schema", "-o", out)
    assert r.returncode == 0 and r.stdout == b""
    assert out.read_bytes() == COMMITTED.read_bytes()
