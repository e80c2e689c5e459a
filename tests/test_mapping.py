"""Header synonyms, the kind specs from PRODUCT.md, applying a mapping and remembering it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from loyalty_model.intake.mapping import (
    KINDS,
    SYNONYMS_FILE,
    adapt_mapping,
    apply_mapping,
    guess_kind,
    mapping_signature,
    normalise_header,
    suggest_mapping,
)
from loyalty_model.intake.readers import read_table
from loyalty_model.intake.table import ReadError

TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "templates"


def test_kinds_match_product_brief() -> None:
    assert {name: (spec.required, spec.optional) for name, spec in KINDS.items()} == {
        "kpis": (("kpi", "value", "period"), ("target",)),
        "surveys": (("customer_id", "responded_at", "score"), ("comment", "touchpoint")),
        "orders": (
            ("order_id", "customer_id", "ordered_at", "amount"),
            ("promised_at", "delivered_at"),
        ),
        "tickets": (
            ("ticket_id", "customer_id", "opened_at"),
            ("resolved_at", "contacts", "transfers", "reopened", "is_complaint"),
        ),
        "customers": (
            ("customer_id",),
            ("tenure_months", "is_churned", "monthly_revenue", "contract", "segment"),
        ),
    }


@pytest.mark.parametrize(
    ("kind", "header", "column"),
    [
        ("orders", "Kunde-ID", "customer_id"),
        ("orders", "kundenr", "customer_id"),
        ("orders", "Customer ID", "customer_id"),
        ("orders", "CUSTOMER_ID", "customer_id"),
        ("orders", "Ordredato", "ordered_at"),
        ("orders", "Beløb", "amount"),
        ("orders", "Beløb (DKK)", "amount"),
        ("orders", "Lovet leveringsdato", "promised_at"),
        ("orders", "Leveret", "delivered_at"),
        ("tickets", "Oprettet", "opened_at"),
        ("tickets", "Løst", "resolved_at"),
        ("tickets", "Antal kontakter", "contacts"),
        ("tickets", "Viderestillinger", "transfers"),
        ("tickets", "Omstillinger", "transfers"),
        ("tickets", "Genåbnet", "reopened"),
        ("tickets", "Klage", "is_complaint"),
        ("surveys", "Score", "score"),
        ("surveys", "Anbefalingsscore", "score"),
        ("surveys", "Kommentar", "comment"),
        ("surveys", "Dato", "responded_at"),
        ("customers", "Anciennitet (måneder)", "tenure_months"),
        ("customers", "Opsagt", "is_churned"),
        ("customers", "Månedlig omsætning", "monthly_revenue"),
        ("customers", "Kontrakt", "contract"),
        ("customers", "Segment", "segment"),
        ("kpis", "KPI", "kpi"),
        ("kpis", "Nøgletal", "kpi"),
        ("kpis", "Værdi", "value"),
        ("kpis", "Periode", "period"),
        ("kpis", "Mål", "target"),
    ],
)
def test_synonyms(kind: str, header: str, column: str) -> None:
    assert suggest_mapping(kind, [header]) == {header: column}


def test_same_word_means_different_columns_per_kind() -> None:
    assert suggest_mapping("orders", ["Dato"]) == {"Dato": "ordered_at"}
    assert suggest_mapping("tickets", ["Dato"]) == {"Dato": "opened_at"}
    assert suggest_mapping("surveys", ["Dato"]) == {"Dato": "responded_at"}


def test_normalise_header() -> None:
    assert normalise_header(" Kunde-ID ") == normalise_header("kunde id") == "kundeid"
    assert normalise_header("Beløb") == "beloeb"
    assert normalise_header("Anciennitet (måneder)") == "anciennitetmaaneder"
    assert normalise_header("\ufeffÅr") == "aar"


def test_each_canonical_column_used_once_and_names_not_guessed() -> None:
    mapping = suggest_mapping("orders", ["Kunde-ID", "Kundenr", "Kundenavn", "Ordredato"])
    assert mapping == {"Kunde-ID": "customer_id", "Ordredato": "ordered_at"}


def test_synonyms_file_has_no_conflicts_within_a_kind() -> None:
    raw = tomllib.loads(SYNONYMS_FILE.read_text(encoding="utf-8"))
    for kind, spec in KINDS.items():
        seen: dict[str, str] = {}
        for section in ("shared", kind):
            for column, names in raw.get(section, {}).items():
                assert column in {c for s in KINDS.values() for c in s.columns}, column
                if column not in spec.columns:
                    continue
                for name in [column, *names]:
                    norm = normalise_header(name)
                    assert seen.get(norm, column) == column, (kind, name, seen.get(norm))
                    seen[norm] = column


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_templates_map_completely(kind: str) -> None:
    path = TEMPLATES / f"{kind}.csv"
    table = read_table(path.read_bytes(), path.name)
    headers = list(table.frame.columns)
    assert headers == list(KINDS[kind].columns)
    assert suggest_mapping(kind, headers) == {h: h for h in headers}
    assert guess_kind(headers) == kind
    assert 2 <= len(table.frame) <= 3


def test_guess_kind_from_danish_headers() -> None:
    assert guess_kind(["Ordrenr", "Kunde-ID", "Ordredato", "Beløb"]) == "orders"
    assert guess_kind(["Sagsnr", "Kundenr", "Oprettet", "Løst"]) == "tickets"
    assert guess_kind(["Foo", "Bar"]) is None


def _table(text: str, name: str = "orders.csv"):
    return read_table(text.encode(), name)


def test_apply_mapping_renames_orders_and_keeps_strings() -> None:
    table = _table("Beløb;Kunde-ID;Ordrenr;Ordredato;Ekstra\n1,5;007;A1;22-11-2026;x\n")
    frame = apply_mapping(table, "orders", suggest_mapping("orders", list(table.frame.columns)))
    assert list(frame.columns) == ["order_id", "customer_id", "ordered_at", "amount"]
    assert frame.iloc[0].tolist() == ["A1", "007", "22-11-2026", "1,5"]


def test_apply_mapping_suggests_when_not_given() -> None:
    table = _table("Kunde-ID\n007\n", "kunder.csv")
    assert apply_mapping(table, "customers").columns.tolist() == ["customer_id"]


def test_apply_mapping_names_missing_required_columns() -> None:
    table = _table("Kunde-ID;Beløb\n007;1\n")
    with pytest.raises(ReadError) as caught:
        apply_mapping(table, "orders", {"Kunde-ID": "customer_id", "Beløb": "amount"})
    assert str(caught.value) == (
        "orders.csv has no column for order_id, ordered_at, which orders files need; "
        "map it to one of the file's columns or add it."
    )
    assert caught.value.column == "order_id"


def test_apply_mapping_rejects_bad_mappings() -> None:
    table = _table("a,b,c,d\n1,2,3,4\n")
    full = {"a": "order_id", "b": "customer_id", "c": "ordered_at", "d": "amount"}
    with pytest.raises(ReadError, match="more than one column is mapped to amount"):
        apply_mapping(table, "orders", {**full, "c": "amount"})
    with pytest.raises(ReadError, match="has no column named 'zzz'"):
        apply_mapping(table, "orders", {**full, "zzz": "promised_at"})
    with pytest.raises(ReadError, match="score is not a column of orders files"):
        apply_mapping(table, "orders", {**full, "d": "score"})
    ignored = apply_mapping(table, "orders", {**full, "e": ""})
    assert ignored.columns.tolist() == ["order_id", "customer_id", "ordered_at", "amount"]


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        suggest_mapping("invoices", ["x"])


def test_signature_is_stable_across_order_and_case() -> None:
    one = mapping_signature("orders", ["Kunde-ID", "Beløb", "Ordredato"])
    assert one == mapping_signature("orders", ["ordredato", "KUNDE ID", "beløb"])
    assert one.startswith("orders:")
    assert one != mapping_signature("tickets", ["Kunde-ID", "Beløb", "Ordredato"])
    assert one != mapping_signature("orders", ["Kunde-ID", "Beløb", "Ordredato", "Leveret"])
    assert len(one.split(":")[1]) == 16  # short enough to store, long enough not to collide


def test_adapt_mapping_rekeys_remembered_mapping() -> None:
    remembered = {"Kunde-ID": "customer_id", "Beløb": "amount", "Gone": "ordered_at"}
    assert adapt_mapping(remembered, ["kunde id", "BELØB", "Other"]) == {
        "kunde id": "customer_id",
        "BELØB": "amount",
    }


def test_hand_mapping_wins_over_the_suggestion() -> None:
    from loyalty_model.intake.mapping import suggest_with_overrides

    headers = ["Ordrenr", "Kunde-ID", "Ordredato", "Beløb", "Pris inkl. moms"]
    mapping = suggest_with_overrides("orders", headers, {"Pris inkl. moms": "amount"})
    assert mapping["Pris inkl. moms"] == "amount"
    assert "Beløb" not in mapping  # amount is not mapped twice
    assert mapping["Kunde-ID"] == "customer_id"


def test_every_field_has_a_human_label_and_help_in_both_languages() -> None:
    from loyalty_model.intake.mapping import KINDS, field_help, field_label

    for kind, spec in KINDS.items():
        for column in spec.columns:
            for lang, required in (("en", "(required)"), ("da", "(skal udfyldes)")):
                label = field_label(kind, column, lang)
                assert label[0].isupper() and "_" not in label, (kind, column, label)
                assert label.endswith(required) == (column in spec.required), label
                assert field_help(column, lang) != f"field_help.{column}"
    assert field_label("customers", "is_churned", "da") == "Opsagt (tabt kunde)?"
    assert field_label("surveys", "responded_at", "en") == "Answered on (required)"
