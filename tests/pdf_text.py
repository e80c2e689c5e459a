"""The text of a PDF as a reader would copy it, through poppler's pdftotext.

scripts/run-tests.sh installs poppler-utils, so a missing pdftotext fails the test with the way
to install it, rather than skipping what a report test is there to check.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def pdf_text(pdf: bytes | str | Path, *, layout: bool = False) -> str:
    """The text of `pdf` (its bytes, or a file); `layout` keeps columns side by side."""
    if not shutil.which("pdftotext"):
        raise RuntimeError("pdftotext is missing: apt-get install poppler-utils "
                           "(scripts/run-tests.sh does)")
    with tempfile.TemporaryDirectory() as folder:
        if isinstance(pdf, bytes):
            path = Path(folder) / "report.pdf"
            path.write_bytes(pdf)
        else:
            path = Path(pdf)
        command = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout
