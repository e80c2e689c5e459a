"""The core's parts import downwards only, and never Streamlit.

takeaways → workshop → intake → assessment → messages → i18n → model; `cli` may use them all.
Every import counts: top-level, inside functions and under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent / "loyalty_model"

# Lower rank = lower in the stack. A module may import its own part or any part ranked lower.
RANK = {"model": 0, "i18n": 1, "messages": 2, "assessment": 3, "intake": 4, "workshop": 5,
        "takeaways": 6, "cli": 7, "__main__": 8, "__init__": 0}


def part_of(dotted: str) -> str:
    """`loyalty_model.intake.readers` → `intake`; `loyalty_model.model` → `model`."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imported_modules(source: str, module: str, is_package: bool = False) -> list[str]:
    """Every module name an import statement in `source` reaches, resolved to absolute names."""
    package = module if is_package else module.rsplit(".", 1)[0]
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.append(base)
            # `from loyalty_model import storage` names a module, not an attribute
            names += [f"{base}.{alias.name}" for alias in node.names
                      if base in ("loyalty_model", *(f"loyalty_model.{p}" for p in RANK))]
    return names


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    own = RANK[part_of(module)]
    found = []
    for name in imported_modules(source, module, is_package):
        if name.split(".")[0] == "streamlit":
            found.append(f"{module} imports {name}: the core never imports Streamlit")
        elif (name.startswith("loyalty_model.") and part_of(name) in RANK
              and RANK[part_of(name)] > own):
            found.append(f"{module} imports {name}: {part_of(name)} sits above "
                         f"{part_of(module)}")
    return found


def core_modules() -> list[tuple[str, Path]]:
    modules = []
    for path in sorted(CORE.rglob("*.py")):
        relative = path.relative_to(CORE.parent).with_suffix("")
        dotted = ".".join(relative.parts)
        modules.append((dotted.removesuffix(".__init__") or "loyalty_model", path))
    return modules


def test_every_module_belongs_to_a_known_part() -> None:
    unknown = [m for m, _ in core_modules() if part_of(m) not in RANK]
    assert not unknown, f"place these in a part (and in RANK): {unknown}"


@pytest.mark.parametrize(("module", "path"), core_modules(), ids=lambda v: str(v))
def test_imports_point_down(module: str, path: Path) -> None:
    problems = violations(path.read_text(encoding="utf-8"), module,
                          is_package=path.name == "__init__.py")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("module", "source"), [
    ("loyalty_model.assessment.scoring", "from loyalty_model.intake.readers import read_table"),
    ("loyalty_model.assessment.reading", "def f():\n    from loyalty_model.workshop import live"),
    ("loyalty_model.intake.kpi_file", "from loyalty_model import takeaways"),
    ("loyalty_model.workshop.live", "from ..takeaways import charts"),
    ("loyalty_model.model", "import loyalty_model.i18n"),
    ("loyalty_model.takeaways.charts", "import streamlit as st"),
    ("loyalty_model.workshop.storage.schema", "from loyalty_model.cli import main"),
])
def test_an_import_pointing_up_is_caught(module: str, source: str) -> None:
    assert violations(source, module)


@pytest.mark.parametrize(("module", "source"), [
    ("loyalty_model.takeaways.report_data", "from loyalty_model.workshop import storage"),
    ("loyalty_model.intake.kpi_file", "from loyalty_model.assessment.periods import x"),
    ("loyalty_model.cli.report", "from loyalty_model.takeaways.report_pdf import render_pdf"),
    ("loyalty_model.messages", "from loyalty_model.i18n import t"),
])
def test_an_import_pointing_down_is_allowed(module: str, source: str) -> None:
    assert not violations(source, module)
