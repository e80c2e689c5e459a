"""Map a file's own headers ("Kunde-ID", "Beløb") onto the canonical columns the KPIs use.

The user confirms the mapping once per file layout; `mapping_signature` gives that layout a
stable name so the confirmed mapping can be stored and offered again on the next upload of the
same export, even if the columns come in a different order or with different capitalisation.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache

import pandas as pd

from loyalty_model.i18n import t
from loyalty_model.intake.table import ReadError, Table
from loyalty_model.messages import Message
from loyalty_model.model import DATA_DIR

SYNONYMS_FILE = DATA_DIR / "synonyms.toml"


@dataclass(frozen=True)
class KindSpec:
    """The canonical columns of one kind of upload (PRODUCT.md, "Data the user brings")."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


KINDS: dict[str, KindSpec] = {
    spec.name: spec
    for spec in (
        KindSpec("kpis", ("kpi", "value", "period"), ("target",)),
        KindSpec("surveys", ("customer_id", "responded_at", "score"), ("comment", "touchpoint")),
        KindSpec(
            "orders",
            ("order_id", "customer_id", "ordered_at", "amount"),
            ("promised_at", "delivered_at"),
        ),
        KindSpec(
            "tickets",
            ("ticket_id", "customer_id", "opened_at"),
            ("resolved_at", "contacts", "transfers", "reopened", "is_complaint"),
        ),
        KindSpec(
            "customers",
            ("customer_id",),
            ("tenure_months", "is_churned", "monthly_revenue", "contract", "segment"),
        ),
    )
}

_SPELLED_OUT = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue"})
_MIN_PARTIAL = 6  # shorter synonyms ("kunde", "dato") only match a whole header
# A header about a customer's name or address merely *mentions* the customer; never guess it.
_NOT_PARTIAL = re.compile(r"name|navn|mail|phone|telefon|adress|address|by$|city|zip|postnr")


def normalise_header(header: str) -> str:
    """Reduce a header to lower-case ASCII letters and digits, so spellings compare equal."""
    text = str(header).replace("\ufeff", "").lower().translate(_SPELLED_OUT)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", text)


@cache
def synonyms(kind: str) -> dict[str, str]:
    """Normalised synonym → canonical column for one kind; per-kind names win over shared ones."""
    spec = _spec(kind)
    raw = tomllib.loads(SYNONYMS_FILE.read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for section in ("shared", kind):
        for column, names in raw.get(section, {}).items():
            if column not in spec.columns:
                continue
            for name in [column, *names]:
                table[normalise_header(name)] = column
    return table


def suggest_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """Suggest {source header: canonical column}, each canonical column used at most once.

    Whole-header matches are taken first; then a header that merely contains a long synonym
    ("Kunde-ID (CRM)") is offered for columns still unmatched.
    """
    table = synonyms(kind)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    normalised = [(header, normalise_header(header)) for header in headers]
    for header, norm in normalised:
        column = table.get(norm)
        if column is not None and column not in taken and header not in mapping:
            mapping[header] = column
            taken.add(column)
    by_length = sorted(table.items(), key=lambda item: -len(item[0]))
    for header, norm in normalised:
        if header in mapping or not norm or _NOT_PARTIAL.search(norm):
            continue
        for synonym, column in by_length:
            if column not in taken and len(synonym) >= _MIN_PARTIAL and synonym in norm:
                mapping[header] = column
                taken.add(column)
                break
    return mapping


def suggest_with_overrides(kind: str, headers: list[str], overrides: dict[str, str]
                           ) -> dict[str, str]:
    """The suggested mapping, with the user's own {source: column} choices taking precedence.

    A canonical column the user mapped by hand is dropped from the suggestion, so it is never
    mapped twice.
    """
    suggested = suggest_mapping(kind, headers)
    chosen = {source: column for source, column in suggested.items()
              if column not in overrides.values()}
    chosen.update(overrides)
    return chosen


def guess_kind(headers: list[str]) -> str | None:
    """The kind whose required columns the headers cover best, or None when none is complete."""
    best: tuple[float, int, str] | None = None
    for name, spec in KINDS.items():
        mapped = set(suggest_mapping(name, headers).values())
        covered = len(mapped & set(spec.required)) / len(spec.required)
        key = (covered, len(mapped), name)
        if covered == 1.0 and (best is None or key[:2] > best[:2]):
            best = key
    return best[2] if best else None


def apply_mapping(table: Table, kind: str, mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """Return the table's mapped columns under canonical names (still strings, index kept).

    :raise ReadError: when a required column is not mapped, or the mapping does not fit the file.
    """
    spec = _spec(kind)
    if mapping is None:
        mapping = suggest_mapping(kind, list(table.frame.columns))
    chosen = {source: column for source, column in mapping.items() if column}
    unknown = sorted(set(chosen.values()) - set(spec.columns))
    if unknown:
        message = Message("map.unknown_column", file=table.file, columns=", ".join(unknown),
                          kind=Message(f"kind.{kind}"), expected=", ".join(spec.columns))
        raise ReadError(message, file=table.file)
    absent = [source for source in chosen if source not in table.frame.columns]
    if absent:
        names = ", ".join(repr(a) for a in absent)
        message = Message("map.no_such_column", file=table.file, names=names)
        raise ReadError(message, file=table.file, column=absent[0])
    counts = pd.Series(list(chosen.values())).value_counts()
    doubled = sorted(counts[counts > 1].index)
    if doubled:
        message = Message("map.doubled", file=table.file, columns=", ".join(doubled))
        raise ReadError(message, file=table.file)
    missing = [column for column in spec.required if column not in chosen.values()]
    if missing:
        message = Message("map.missing_required", file=table.file, columns=", ".join(missing),
                          kind=Message(f"kind.{kind}"))
        raise ReadError(message, file=table.file, column=missing[0])
    by_canonical = {column: source for source, column in chosen.items()}
    ordered = [column for column in spec.columns if column in by_canonical]
    frame = table.frame[[by_canonical[column] for column in ordered]]
    return frame.set_axis(ordered, axis=1)


def mapping_signature(kind: str, headers: list[str]) -> str:
    """A stable name for a file layout: same kind and same headers (any order, any case)."""
    names = sorted(normalise_header(header) for header in headers)
    digest = hashlib.sha256("\n".join([kind, *names]).encode("utf-8")).hexdigest()
    return f"{kind}:{digest[:16]}"


def adapt_mapping(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """Re-key a remembered mapping onto this upload's headers, which may differ in case."""
    by_norm = {normalise_header(header): header for header in headers}
    adapted: dict[str, str] = {}
    for source, column in mapping.items():
        header = source if source in headers else by_norm.get(normalise_header(source))
        if header is not None:
            adapted[header] = column
    return adapted


def is_required(kind: str, column: str) -> bool:
    return column in _spec(kind).required


def field_label(kind: str, column: str, lang: str = "en") -> str:
    """What a user calls the column ("Customer ID (required)"), never its id ("customer_id"):
    the mapping step is read by people who know their exports, not our schema."""
    label = t(f"field.{column}", lang)
    return t("field.required", lang, label=label) if is_required(kind, column) else label


def field_help(column: str, lang: str = "en") -> str:
    """What the column should hold, in a sentence (the selectbox's help)."""
    return t(f"field_help.{column}", lang)


def _spec(kind: str) -> KindSpec:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}") from None
