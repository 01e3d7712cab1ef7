"""Helpers for the CLI, writer and validate tests.

``run_khparse`` runs the real CLI in a subprocess (exit codes and stdout/stderr exactly as a user
sees them). ``good_plan_data`` is a small, internally consistent ``Plan`` built by hand (wording
from Kế hoạch 30/KH-UBND, Bắc Giang): tests break one field at a time, so they do not depend on
the extraction pipeline. It is plain data (what a JSON file holds), fresh on each call.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"


def run_khparse(*args: str | os.PathLike[str], stdin: bytes | None = None, cwd: Path | None = None,
                timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    """``python -m khparse ARGS`` with a neutral environment (no colour, fixed width, UTF-8)."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"}
    env.pop("KHPARSE_TRACEBACK", None)
    return subprocess.run(
        [sys.executable, "-m", "khparse", *map(str, args)],
        input=stdin if stdin is not None else b"", capture_output=True, cwd=cwd, env=env, timeout=timeout,
    )


def prov(line: int, page: int | None = None) -> dict[str, Any]:
    return {"page": page, "line": line, "line_end": None, "origin": "text"}


def good_plan_data() -> dict[str, Any]:
    return {
        "schema_version": "1.0",
        "generator": "khparse 0.1.0",
        "source": {"path": "kh-30-bacgiang.txt", "sha256": "0" * 64, "format": "text", "encoding": "utf-8"},
        "confidence": 0.9,
        "metadata": {
            "doc_type": "Kế hoạch",
            "doc_type_code": "KH",
            "number": "30/KH-UBND",
            "issuer": "Ủy ban nhân dân tỉnh Bắc Giang",
            "province": "Bắc Giang",
            "place": "Bắc Giang",
            "issued_date": "2024-04-30",
            "title": "Thực hiện Nghị quyết số 42-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng khóa XIII",
            "signer": {"name": "Mai Sơn", "position": "Phó Chủ tịch", "on_behalf_of": "TM. Ủy ban nhân dân",
                       "delegation": "KT. Chủ tịch"},
            "recipients": ["Bộ Lao động - TB&XH", "Lưu: VT, KGVX.Trang"],
        },
        "references": [
            {"number": "42-NQ/TW", "type": "Nghị quyết", "date": "2023-11-24", "issuer": "Ban Chấp hành Trung ương Đảng",
             "short_name": None, "mentions": [{"raw": "Nghị quyết số 42-NQ/TW", "provenance": prov(20)}]},
            {"number": None, "type": "Chiến lược", "date": "2021", "issuer": None, "short_name": None, "mentions": []},
        ],
        "sections": [
            {"id": "II", "level": 1, "number": "II", "heading": "MỤC TIÊU", "text": "", "provenance": prov(40),
             "children": [
                 {"id": "II.2", "level": 2, "number": "2", "heading": "Mục tiêu cụ thể đến năm 2030", "text": "",
                  "provenance": prov(50), "children": []},
             ]},
            {"id": "III", "level": 1, "number": "III", "heading": "NHIỆM VỤ, GIẢI PHÁP", "text": "", "provenance": prov(90),
             "children": [
                 {"id": "III.1", "level": 2, "number": "1", "heading": "Về chính sách người có công", "text": "",
                  "provenance": prov(91), "children": [
                      {"id": "III.1.1", "level": 3, "number": "1.1", "heading": "Tiếp tục rà soát", "text": "",
                       "provenance": prov(92), "children": []},
                  ]},
                 {"id": "III.4", "level": 2, "number": "4", "heading": "Về nhà ở xã hội", "text": "",
                  "provenance": prov(200), "children": []},
             ]},
        ],
        "tasks": [
            {"id": "III.1.1", "section": "III.1.1", "description": "Tiếp tục rà soát chính sách người có công",
             "lead": ["Sở Lao động - Thương binh và Xã hội"],
             "partners": ["các sở, ban, ngành có liên quan", "UBND các huyện, thị xã, thành phố"],
             "timeline": "Thường xuyên", "product": None, "source": "label", "provenance": prov(95)},
            {"id": "III.4", "section": "III.4", "description": "Phát triển nhà ở xã hội",
             "lead": ["Sở Xây dựng"], "partners": [], "timeline": "hoàn thành tháng 6/2024", "product": None,
             "source": "prose", "provenance": prov(201)},
        ],
        "agencies": [
            {"name": "Sở Lao động - Thương binh và Xã hội", "aliases": [], "kind": "department",
             "lead_of": ["III.1.1"], "partner_of": []},
            {"name": "Sở Xây dựng", "aliases": [], "kind": "department", "lead_of": ["III.4"], "partner_of": []},
            {"name": "các sở, ban, ngành có liên quan", "aliases": [], "kind": "collective", "lead_of": [],
             "partner_of": ["III.1.1"]},
            {"name": "Ủy ban nhân dân các huyện, thị xã, thành phố", "aliases": ["UBND các huyện, thị xã, thành phố"],
             "kind": "district_level", "lead_of": [], "partner_of": ["III.1.1"]},
        ],
        "targets": [
            {"id": "T1", "section": "II.2", "indicator": "Tỉ lệ thất nghiệp khu vực thành thị", "comparator": "<",
             "value": 2.35, "value_text": "2,35", "value_max": None, "unit": "%", "year": 2030,
             "raw": "Tỉ lệ thất nghiệp khu vực thành thị dưới 2,35%", "provenance": prov(55)},
            {"id": "T2", "section": "II.2", "indicator": "Tỉ lệ lao động qua đào tạo có bằng cấp, chứng chỉ",
             "comparator": "range", "value": 40, "value_text": "40", "value_max": 45, "unit": "%", "year": 2030,
             "raw": "Tỉ lệ lao động qua đào tạo có bằng cấp, chứng chỉ đạt 40-45%", "provenance": prov(56)},
            {"id": "T3", "section": "II.2", "indicator": "Tuổi thọ trung bình của người dân", "comparator": "~",
             "value": 75, "value_text": "75", "value_max": None, "unit": "tuổi", "year": 2030,
             "raw": "tuổi thọ trung bình của người dân khoảng 75 tuổi", "provenance": prov(57)},
        ],
        "deadlines": [
            {"section": "III.4", "raw": "hoàn thành tháng 6/2024", "kind": "once", "date": "2024-06", "month_day": None,
             "provenance": prov(202)},
            {"section": "III.1.1", "raw": "trước ngày 10/12 hằng năm", "kind": "annual", "date": None, "month_day": "12-10",
             "provenance": prov(96)},
        ],
        "warnings": [],
    }


def shared(rel: str) -> Path:
    """A file of ../shared, or skip the test when CI's copy of it is absent."""
    import pytest

    p = SHARED / rel
    if not p.exists():
        pytest.skip(f"{p} is absent")
    return p


@functools.cache
def plan(rel: str) -> Any:
    """The parsed plan of a ../shared file (parsed once per test session)."""
    from khparse.pipeline import extract

    return extract(shared(rel), ocr="never")


@functools.cache
def gold() -> dict[str, Any]:
    import yaml

    data: dict[str, Any] = yaml.safe_load(shared("gold/kh-30-bacgiang.gold.yaml").read_text(encoding="utf-8"))
    return data
