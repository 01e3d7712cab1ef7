"""Word 97 .doc: converted by LibreOffice headless and read as DOCX; a clear error without it."""

from __future__ import annotations

import json
import shutil

import pytest

from khparse.errors import MissingTool
from khparse.readers import doc as docmod
from khparse_helpers import SHARED, run_khparse

DOC = SHARED / "corpus" / "lamdong-kh-ubnd-tongket-pcmt-2025.doc"


def _need_doc() -> None:
    if not DOC.exists():
        pytest.skip("../shared/corpus is absent")


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("antiword") is None,
                    reason="no .doc converter installed")
def test_cli_doc(tmp_path) -> None:
    _need_doc()
    proc = run_khparse("extract", DOC, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    plan = json.loads(proc.stdout)
    assert plan["source"]["format"] == "doc"
    assert plan["metadata"]["doc_type_code"] == "KH"
    tops = [s["number"] for s in plan["sections"]]
    assert tops[:2] == ["I", "II"], tops  # I. MỤC ĐÍCH..., II. NỘI DUNG TỔNG KẾT
    origins = {s["provenance"]["origin"] for s in plan["sections"]}
    assert origins == {"docx"}


def test_missing_converter_names_what_to_install(monkeypatch) -> None:
    _need_doc()
    monkeypatch.setattr(docmod.shutil, "which", lambda name: None)
    with pytest.raises(MissingTool) as exc:
        docmod.read_doc("x.doc", DOC.read_bytes())
    assert "libreoffice-writer-nogui" in exc.value.message and "antiword" in exc.value.message


def test_other_ole_file_is_refused(tmp_path) -> None:
    blob = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "Workbook".encode("utf-16-le")
    src = tmp_path / "sheet.xls"
    src.write_bytes(blob)
    proc = run_khparse("extract", src)
    assert proc.returncode == 4, proc.stderr.decode()
