"""Every way khparse can refuse an input, each with its own documented exit code.

The CLI turns a ``KhparseError`` into one line on stderr and ``exit(code)``; nothing else may
escape to the user as a traceback. Keep this table in sync with the README's exit-code table.
"""

from __future__ import annotations


class KhparseError(Exception):
    code = 12
    kind = "internal"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def one_line(self) -> str:
        return " ".join(self.message.split())


class InputNotFound(KhparseError):
    code, kind = 3, "not-found"


class UnsupportedFormat(KhparseError):
    code, kind = 4, "unsupported-format"


class EmptyInput(KhparseError):
    code, kind = 5, "empty"


class EncryptedPdf(KhparseError):
    code, kind = 6, "encrypted"


class CorruptInput(KhparseError):
    code, kind = 7, "corrupt"


class NoTextLayer(KhparseError):
    code, kind = 8, "no-text"


class LimitExceeded(KhparseError):
    code, kind = 9, "limit"


class MissingTool(KhparseError):
    code, kind = 10, "missing-tool"


class DecodeFailure(KhparseError):
    code, kind = 11, "decode"


class OutputError(KhparseError):
    code, kind = 13, "output"


EXIT_CODES: dict[int, str] = {
    0: "success",
    1: "validation failed (validate) / some inputs failed (batch)",
    2: "usage error (bad option or argument)",
    3: "input file not found or not readable",
    4: "unsupported or unrecognised format (binary data, not a document)",
    5: "empty input (no bytes or no text)",
    6: "encrypted / password-protected document (PDF, Word)",
    7: "corrupt or truncated file (PDF, DOCX, ZIP, JSON)",
    8: "no usable text layer (scanned) and OCR disabled or impossible",
    9: "a limit was exceeded (--max-bytes, --max-pages, --timeout)",
    10: "a required external tool is missing (message says what to install)",
    11: "text could not be decoded in any supported encoding",
    12: "internal error (a bug: please report it with the input)",
    13: "output could not be written",
}
