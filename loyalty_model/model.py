"""The "Skab promoters" model and KPI catalogue, loaded from data/ and checked on load.

The model is content, not code: facilitators and translators edit `data/model.toml` and
`data/kpis.toml`. Loading validates everything up front so a typo in the data fails loudly at
start-up instead of as a half-rendered page in front of a client.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LANGUAGES = ("en", "da")
LAYER_IDS = ("product", "communication", "delivery", "fault_correction", "wow")


class ModelError(ValueError):
    """The shipped model data is inconsistent."""


@dataclass(frozen=True)
class Text:
    """A piece of product text in every supported language."""

    en: str
    da: str

    def __call__(self, lang: str) -> str:
        return self.da if lang == "da" else self.en

    @classmethod
    def parse(cls, raw: object, where: str) -> Text:
        if not isinstance(raw, dict):
            raise ModelError(f"{where}: expected {{en, da}}, got {raw!r}")
        missing = [lang for lang in LANGUAGES if not str(raw.get(lang, "")).strip()]
        if missing:
            raise ModelError(f"{where}: text missing in {', '.join(missing)}")
        return cls(en=str(raw["en"]).strip(), da=str(raw["da"]).strip())


@dataclass(frozen=True)
class Source:
    """Where a statement comes from, the seed article ([seeds]) and its idea: a consultant must
    be able to show a client where a statement stands in the sources."""

    seed: str
    idea: str


@dataclass(frozen=True)
class Statement:
    id: str
    layer: str
    text: Text
    kpis: tuple[str, ...] = ()  # KPIs that speak to this statement, for the readings
    source: Source | None = None


@dataclass(frozen=True)
class Layer:
    id: str
    order: int
    basic: bool
    name: Text
    tagline: Text
    meaning: Text
    example: Text
    statements: tuple[Statement, ...]
    coaching: tuple[Text, ...]
    actions: tuple[Text, ...]


@dataclass(frozen=True)
class KpiSpec:
    """How one KPI is read, which layer it is evidence for and how it is scored."""

    id: str
    layer: str
    weight: float
    unit: str
    direction: str  # "higher" or "lower" is better
    basis: str  # "benchmark" (public bands) or "target" (team target, default target or trend)
    source: Text
    name: Text
    definition: Text
    compare: str = "relative"  # "points": differences in points (NPS); shares always compare in pp
    family: str | None = None  # KPIs answering one question count once in a layer's score
    default_target: float | None = None  # a starting target, not a benchmark
    default_target_note: Text | None = None  # why that target, or why there is none
    min: float | None = None
    max: float | None = None
    floor: float | None = None  # benchmark anchors: floor -> 0, good -> 60, world_class -> 85,
    good: float | None = None  # ceiling -> 100
    world_class: float | None = None
    ceiling: float | None = None
    year: int | None = None


@dataclass(frozen=True)
class ScoringSettings:
    target_points_per_pct: float = 2.0
    trend_min_periods: int = 3
    trend_periods: int = 5
    gap_threshold: float = 15.0
    weak_layer_below: float = 60.0
    discussion_spread: float = 1.0


@dataclass(frozen=True)
class Assumption:
    id: str
    value: float
    unit: str
    label: Text
    source: Text
    low: float | None = None  # the range the article gives, when it gives one
    high: float | None = None
    caveat: Text | None = None  # what a client should know before trusting the figure


@dataclass(frozen=True)
class Model:
    layers: tuple[Layer, ...]
    kpis: dict[str, KpiSpec]
    scoring: ScoringSettings
    matrix: dict[str, dict[str, Text]] = field(default_factory=dict)
    status: dict[str, Text] = field(default_factory=dict)
    assumptions: tuple[Assumption, ...] = ()
    status_actions: dict[str, Text] = field(default_factory=dict)
    seeds: dict[str, str] = field(default_factory=dict)  # seed id -> file name in seeds/
    # ids of statements taken out of the model -> why; stored ratings of them are kept, unscored
    retired: dict[str, str] = field(default_factory=dict)

    def layer(self, layer_id: str) -> Layer:
        for layer in self.layers:
            if layer.id == layer_id:
                return layer
        raise KeyError(layer_id)

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for layer in self.layers for s in layer.statements)

    def statement(self, statement_id: str) -> Statement:
        for statement in self.statements:
            if statement.id == statement_id:
                return statement
        raise KeyError(statement_id)


def _statement_source(raw: object, where: str, seeds: dict[str, str]) -> Source:
    """Every statement names the seed article and the idea it comes from."""
    if not isinstance(raw, dict) or not str(raw.get("idea", "")).strip():
        raise ModelError(f"{where}: needs source = {{ seed = ..., idea = ... }}")
    if str(raw.get("seed")) not in seeds:
        raise ModelError(f"{where}: source seed {raw.get('seed')!r} is not one of "
                         f"{', '.join(seeds)}")
    return Source(seed=str(raw["seed"]), idea=str(raw["idea"]).strip())


def _parse_layer(raw: dict, index: int, seeds: dict[str, str]) -> Layer:
    layer_id = raw.get("id")
    where = f"model.toml layer {index + 1} ({layer_id})"
    if layer_id not in LAYER_IDS:
        raise ModelError(f"{where}: id must be one of {', '.join(LAYER_IDS)}")
    statements = tuple(
        Statement(id=s["id"], layer=layer_id, text=Text.parse(s.get("text"), f"{where} {s['id']}"),
                  kpis=tuple(s.get("kpis", ())),
                  source=_statement_source(s.get("source"), f"{where} {s['id']}", seeds))
        for s in raw.get("statements", [])
    )
    if not 4 <= len(statements) <= 6:
        raise ModelError(f"{where}: needs 4-6 statements, has {len(statements)}")
    for statement in statements:
        if not statement.id.startswith(f"{layer_id}."):
            raise ModelError(f"{where}: statement id {statement.id} must start with '{layer_id}.'")
    return Layer(
        id=layer_id,
        order=int(raw["order"]),
        basic=bool(raw["basic"]),
        name=Text.parse(raw.get("name"), f"{where} name"),
        tagline=Text.parse(raw.get("tagline"), f"{where} tagline"),
        meaning=Text.parse(raw.get("meaning"), f"{where} meaning"),
        example=Text.parse(raw.get("example"), f"{where} example"),
        statements=statements,
        coaching=tuple(Text.parse(c, f"{where} coaching") for c in raw.get("coaching", [])),
        actions=tuple(Text.parse(a, f"{where} action") for a in raw.get("actions", [])),
    )


def _source(raw: object, where: str) -> Text:
    """A source is a proper name ("SQM Group") or, when it describes the work, {en, da}."""
    if isinstance(raw, dict):
        return Text.parse(raw, f"{where} source")
    return Text(en=str(raw or "").strip(), da=str(raw or "").strip())


def _parse_kpi(kpi_id: str, raw: dict) -> KpiSpec:
    where = f"kpis.toml {kpi_id}"
    if raw.get("layer") not in LAYER_IDS:
        raise ModelError(f"{where}: layer must be one of {', '.join(LAYER_IDS)}")
    if raw.get("direction") not in ("higher", "lower"):
        raise ModelError(f"{where}: direction must be 'higher' or 'lower'")
    if raw.get("basis") not in ("benchmark", "target"):
        raise ModelError(f"{where}: basis must be 'benchmark' or 'target'")
    if raw.get("compare", "relative") not in ("relative", "points"):
        raise ModelError(f"{where}: compare must be 'relative' or 'points'")
    note = raw.get("default_target_note")
    spec = KpiSpec(
        id=kpi_id, layer=raw["layer"], weight=float(raw.get("weight", 1.0)),
        unit=str(raw.get("unit", "")), direction=raw["direction"], basis=raw["basis"],
        source=_source(raw.get("source"), where),
        name=Text.parse(raw.get("name"), f"{where} name"),
        definition=Text.parse(raw.get("definition"), f"{where} definition"),
        **{key: raw.get(key) for key in ("min", "max", "floor", "good", "world_class",
                                         "ceiling", "year", "family")},
        compare=raw.get("compare", "relative"),
        default_target=None if raw.get("default_target") is None
        else float(raw["default_target"]),
        default_target_note=None if note is None else Text.parse(note, f"{where} note"),
    )
    if spec.basis == "target" and spec.default_target_note is None:
        raise ModelError(f"{where}: say why the starting target is what it is, or why there "
                         "is none (default_target_note)")
    if spec.basis == "benchmark":
        anchors = [spec.floor, spec.good, spec.world_class, spec.ceiling]
        if any(a is None for a in anchors) or spec.year is None:
            raise ModelError(f"{where}: a benchmark needs floor, good, world_class, ceiling, year")
        ordered = anchors if spec.direction == "higher" else anchors[::-1]
        if ordered != sorted(ordered):  # type: ignore[type-var]
            raise ModelError(f"{where}: anchors must run from floor to ceiling")
    if not spec.source.en:
        raise ModelError(f"{where}: every KPI states its source (or that none exists)")
    return spec


def parse_model(model_raw: dict, kpis_raw: dict) -> Model:
    """Build and validate the model from already-parsed TOML documents."""
    seeds = {str(k): str(v.get("file", "")) for k, v in model_raw.get("seeds", {}).items()}
    layers = tuple(_parse_layer(raw, i, seeds)
                   for i, raw in enumerate(model_raw.get("layers", [])))
    if tuple(layer.id for layer in layers) != LAYER_IDS:
        raise ModelError(f"model.toml: layers must be exactly {', '.join(LAYER_IDS)}, in order")
    statement_ids = [s.id for layer in layers for s in layer.statements]
    duplicates = {s for s in statement_ids if statement_ids.count(s) > 1}
    retired = {str(k): str(v) for k, v in model_raw.get("retired", {}).items()}
    if duplicates or set(retired) & set(statement_ids):
        raise ModelError("model.toml: duplicate or reused statement ids "
                         f"{sorted(duplicates | (set(retired) & set(statement_ids)))}")
    kpis = {kpi_id: _parse_kpi(kpi_id, raw) for kpi_id, raw in kpis_raw.get("kpis", {}).items()}
    for layer in layers:
        for statement in layer.statements:
            unknown = [k for k in statement.kpis if k not in kpis]
            if unknown:
                raise ModelError(f"model.toml {statement.id}: unknown KPIs {unknown}")
    matrix = {
        quadrant: {key: Text.parse(value, f"matrix.{quadrant}.{key}") for key, value in q.items()}
        for quadrant, q in model_raw.get("matrix", {}).items()
    }
    status = {k: Text.parse(v, f"status.{k}") for k, v in model_raw.get("status", {}).items()}
    status_actions = {k: Text.parse(v, f"status_actions.{k}")
                      for k, v in model_raw.get("status_actions", {}).items()}
    assumptions = tuple(_parse_assumption(a) for a in model_raw.get("assumptions", []))
    return Model(
        layers=layers,
        kpis=kpis,
        scoring=ScoringSettings(**kpis_raw.get("scoring", {})),
        matrix=matrix,
        status=status,
        assumptions=assumptions,
        status_actions=status_actions,
        seeds=seeds,
        retired=retired,
    )


def _parse_assumption(raw: dict) -> Assumption:
    """A figure the seed articles cite; its range, where the article gives one, must hold it."""
    where = f"assumption {raw.get('id')}"
    low, high = raw.get("low"), raw.get("high")
    assumption = Assumption(
        id=raw["id"], value=float(raw["value"]), unit=str(raw.get("unit", "")),
        label=Text.parse(raw.get("label"), where), source=_source(raw.get("source"), where),
        low=None if low is None else float(low), high=None if high is None else float(high),
        caveat=None if raw.get("caveat") is None else Text.parse(raw["caveat"], where))
    if (low is None) != (high is None) or (
            low is not None and not assumption.low <= assumption.value <= assumption.high):
        raise ModelError(f"{where}: a range needs low <= value <= high")
    if not assumption.source.en:
        raise ModelError(f"{where}: every assumption names its source")
    return assumption


@cache
def load_model(data_dir: Path = DATA_DIR) -> Model:
    """Load the shipped model once per process; it never changes while the app runs."""
    with open(data_dir / "model.toml", "rb") as f:
        model_raw = tomllib.load(f)
    with open(data_dir / "kpis.toml", "rb") as f:
        kpis_raw = tomllib.load(f)
    return parse_model(model_raw, kpis_raw)
