"""khparse: Vietnamese government plans (Kế hoạch) to validated structured data.

Some modules may be installed compiled by mypyc as well as in source (``setup.py``). The compiled
form is used only while ``_compiled.json`` (written by the build) holds the hash of every compiled
module's source as it is now, and ``KHPARSE_PURE_PYTHON`` is unset; otherwise every module is
imported from its source, so that an edited module never runs as its stale compiled form.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

__version__ = "0.1.0"

_HERE = Path(__file__).resolve().parent


def _compiled_modules() -> tuple[str, ...]:
    """The modules (``targets``, ``readers/text``) whose compiled form is current, or () if any is not."""
    if os.environ.get("KHPARSE_PURE_PYTHON"):
        return ()
    try:
        stamp = json.loads((_HERE / "_compiled.json").read_text(encoding="utf-8"))
        for rel, digest in stamp.items():
            if hashlib.sha256((_HERE / f"{rel}.py").read_bytes()).hexdigest() != digest:
                return ()
    except (OSError, ValueError, AttributeError):
        return ()
    return tuple(sorted(stamp))


class _SourceOnly(importlib.abc.MetaPathFinder):
    """Finds khparse's modules in their ``.py`` files only, passing over any extension beside them."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(__name__ + ".") or path is None:
            return None
        leaf = fullname.rpartition(".")[2]
        for d in path:
            package = os.path.join(d, leaf, "__init__.py")
            if os.path.isfile(package):
                return importlib.util.spec_from_file_location(fullname, package,
                                                              submodule_search_locations=[os.path.join(d, leaf)])
            module = os.path.join(d, leaf + ".py")
            if os.path.isfile(module):
                return importlib.util.spec_from_file_location(fullname, module)
        return None


COMPILED = _compiled_modules()
if not COMPILED and not any(isinstance(f, _SourceOnly) for f in sys.meta_path):
    sys.meta_path.insert(0, _SourceOnly())
