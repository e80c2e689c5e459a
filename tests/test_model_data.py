"""The shipped content as a whole: it parses, both languages are complete, ids are stable."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from loyalty_model.assessment.scoring import STATUSES
from loyalty_model.i18n import LANGUAGES, string_files, strings, t
from loyalty_model.model import DATA_DIR, LAYER_IDS, Model, ModelError, parse_model


def test_layers_in_the_models_order_basics_before_wow(model: Model) -> None:
    assert tuple(layer.id for layer in model.layers) == LAYER_IDS
    assert [layer.basic for layer in model.layers] == [True, True, True, True, False]


def test_every_layer_has_statements_coaching_and_actions(model: Model) -> None:
    for layer in model.layers:
        assert 4 <= len(layer.statements) <= 6
        assert layer.coaching and layer.actions
        for statement in layer.statements:
            assert statement.id.startswith(f"{layer.id}.")
            assert statement.text.en != statement.text.da


def test_every_kpi_maps_to_a_layer_and_names_its_source(model: Model) -> None:
    for spec in model.kpis.values():
        assert spec.layer in LAYER_IDS
        assert spec.source
        if spec.basis == "benchmark":
            assert spec.year is not None


def test_matrix_status_and_assumptions_are_complete(model: Model) -> None:
    assert set(model.matrix) == {"true_loyalty", "latent", "spurious", "none"}
    assert set(model.status) == {*STATUSES, "aligned_weak"}
    assert set(model.status_actions) == set(STATUSES) - {"aligned"}
    assert {a.id for a in model.assumptions} >= {"silent_per_complaint", "sell_existing"}
    assert all(a.source for a in model.assumptions)


def test_a_missing_translation_fails_loading() -> None:
    raw = tomllib.loads((DATA_DIR / "model.toml").read_text(encoding="utf-8"))
    kpis = tomllib.loads((DATA_DIR / "kpis.toml").read_text(encoding="utf-8"))
    raw["layers"][2]["statements"][0]["text"]["da"] = " "
    with pytest.raises(ModelError, match="missing in da"):
        parse_model(raw, kpis)


def test_duplicate_statement_ids_fail_loading() -> None:
    raw = tomllib.loads((DATA_DIR / "model.toml").read_text(encoding="utf-8"))
    kpis = tomllib.loads((DATA_DIR / "kpis.toml").read_text(encoding="utf-8"))
    first = raw["layers"][0]["statements"]
    first[1]["id"] = first[0]["id"]
    with pytest.raises(ModelError, match="duplicate"):
        parse_model(raw, kpis)


def _keys(path: Path) -> set[str]:
    def walk(tree: dict, prefix: str = "") -> set[str]:
        out: set[str] = set()
        for key, value in tree.items():
            out |= walk(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
        return out
    with open(path, "rb") as f:
        return walk(tomllib.load(f))


def test_every_ui_string_exists_in_both_languages() -> None:
    parts = {p.name.split(".")[0] for p in string_files("en")}
    assert "core" in parts
    for part in parts:
        en = _keys(DATA_DIR / "i18n" / f"{part}.en.toml")
        da = _keys(DATA_DIR / "i18n" / f"{part}.da.toml")
        assert en - da == set(), f"{part}: only in English: {sorted(en - da)}"
        assert da - en == set(), f"{part}: only in Danish: {sorted(da - en)}"


def test_no_key_is_defined_by_two_parts() -> None:
    seen: dict[str, str] = {}
    for path in string_files("en"):
        for key in _keys(path):
            assert key not in seen, f"{key} in both {seen[key]} and {path.name}"
            seen[key] = path.name


def test_every_key_used_in_the_code_exists() -> None:
    import re

    root = Path(__file__).resolve().parent.parent
    used: set[str] = set()
    for path in [root / "app.py", *root.glob("views/*.py"), *root.glob("loyalty_model/**/*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", path.read_text()))
    for lang in LANGUAGES:
        known = set(strings(lang))  # a text with plural forms is a table: key.one, key.other
        missing = {key for key in used if key not in known and f"{key}.other" not in known}
        assert not missing, f"{lang}: {sorted(missing)}"


def test_placeholders_are_filled() -> None:
    assert t("assess.progress", "en", done=3, total=25) == "3 of 25 statements answered"
