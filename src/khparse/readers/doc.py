"""Word 97-2003 ``.doc`` (OLE2): converted to DOCX by LibreOffice headless, then read as DOCX.

Why a converter and not a parser: the binary format's text lives in pieces across the
WordDocument stream with per-piece code pages, and fields, tables and revisions on top; the
corpus .doc files (lamdong-kh-ubnd-kmt-2026-v1.doc) carry tables and mixed NFC/NFD text that
LibreOffice reproduces faithfully. ``antiword`` is the fallback (plain text, no tables).

LibreOffice runs with a private profile (``-env:UserInstallation``) so parallel runs and a
user's open LibreOffice do not collide, under a timeout, in a temporary directory removed after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import CorruptInput, LimitExceeded, MissingTool
from ..source import SourceDoc

MISSING = (
    "legacy Word .doc needs a converter: install LibreOffice Writer "
    "(apt-get install libreoffice-writer-nogui) or antiword (apt-get install antiword)"
)
TIMEOUT = 120.0  # seconds; a 150 KB .doc converts in 2-4 s (LibreOffice start-up included)


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def antiword_path() -> str | None:
    return shutil.which("antiword")


def read_doc(name: str, data: bytes, *, timeout: float = TIMEOUT) -> SourceDoc:
    """Read a .doc: LibreOffice -> DOCX -> the DOCX reader; else antiword -> text reader."""
    soffice = soffice_path()
    if soffice:
        docx_bytes = convert_to_docx(data, soffice, timeout=timeout)
        from .docx import read_docx

        doc = read_docx(name, docx_bytes)
        doc.format = "doc"
        return doc
    antiword = antiword_path()
    if antiword:
        return _read_antiword(name, data, antiword, timeout=timeout)
    raise MissingTool(MISSING)


def convert_to_docx(data: bytes, soffice: str, *, timeout: float = TIMEOUT) -> bytes:
    """The DOCX that ``soffice --headless --convert-to docx`` makes of ``data``."""
    with tempfile.TemporaryDirectory(prefix="khparse-doc-") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / "input.doc"
        src.write_bytes(data)
        outdir = tmpdir / "out"
        profile = (tmpdir / "profile").as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(src)]
        env = dict(os.environ, HOME=str(tmpdir), SAL_USE_VCLPLUGIN="svp")
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                    start_new_session=True)
        except OSError as exc:
            raise MissingTool(MISSING) from exc
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise LimitExceeded(f".doc conversion took longer than {timeout:.0f} s") from None
        result = outdir / "input.docx"
        if proc.returncode != 0 or not result.exists():
            detail = err.decode("utf-8", "replace").strip().splitlines()
            raise CorruptInput("legacy Word .doc could not be converted (corrupt or not a Word file"
                               + (f": {detail[-1]}" if detail else "") + ")")
        return result.read_bytes()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """End the converter and anything it started (soffice forks oosplash/soffice.bin)."""
    try:
        os.killpg(proc.pid, 9)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


def _read_antiword(name: str, data: bytes, antiword: str, *, timeout: float) -> SourceDoc:
    from .text import split_lines

    with tempfile.NamedTemporaryFile(suffix=".doc") as fh:
        fh.write(data)
        fh.flush()
        try:
            proc = subprocess.run([antiword, "-w", "0", "-m", "UTF-8.txt", fh.name], capture_output=True,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise LimitExceeded(f".doc conversion took longer than {timeout:.0f} s") from None
    if proc.returncode != 0:
        raise CorruptInput("legacy Word .doc could not be converted by antiword")
    text = proc.stdout.decode("utf-8", "replace")
    lines = split_lines(text)
    return SourceDoc(path=name, sha256="", format="doc", lines=lines, layout="wrapped")
