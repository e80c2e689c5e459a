"""The content a consultant puts in front of a client: traceable statements, one Danish word per
thing (data/glossary.toml), and a business case whose numbers can be recomputed by hand.

The arithmetic of the business case is pinned in test_business_case.py; here the sample
company's figures are worked out again from the stated assumptions, the way a finance director
would check them, and compared with what the page, the PDF and the deck print.
"""

from __future__ import annotations

import io
import re
import tomllib
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation

from loyalty_model.i18n import strings
from loyalty_model.model import DATA_DIR, Model
from loyalty_model.takeaways.report_data import ReportData, build_report_data
from loyalty_model.takeaways.report_pdf import render_pdf
from loyalty_model.takeaways.report_pptx import render_pptx
from loyalty_model.workshop import sample
from tests.pdf_text import pdf_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"  # the articles, next to the project when present
SHARES = {"true_loyalty": 0.31, "latent": 0.12, "spurious": 0.38, "none": 0.19}


# --- statements: observable, one at a time, traceable to a seed -----------------------------


def test_every_statement_names_a_seed_and_an_idea(model: Model) -> None:
    assert set(model.seeds) == {"000", "001", "002", "003"}
    for statement in model.statements:
        assert statement.source is not None, statement.id
        assert statement.source.seed in model.seeds, statement.id
        assert len(statement.source.idea) >= 20, f"{statement.id}: say which idea"
    if SEEDS.is_dir():  # the note points at a real article
        for seed, file in model.seeds.items():
            assert (SEEDS / file).is_file(), f"seed {seed}: {file} not in {SEEDS}"


def test_every_seed_is_used(model: Model) -> None:
    assert {s.source.seed for s in model.statements if s.source} == set(model.seeds)


def test_retired_statements_are_gone_and_their_ids_never_come_back(model: Model) -> None:
    live = {s.id for s in model.statements}
    assert not set(model.retired) & live
    assert {"wow.basics_first", "product.need_before_extras", "delivery.reachable",
            "wow.freedom_to_surprise"} <= set(model.retired)
    for why in model.retired.values():
        assert len(why) > 20  # a reason, not just a date
    rated = set(pd.read_csv(DATA_DIR / "sample" / "ratings.csv")["statement_id"])
    assert rated == live  # the sample rates today's statements, every one of them


def test_a_statement_without_a_source_or_with_a_retired_id_fails_loading() -> None:
    from loyalty_model.model import ModelError, parse_model

    def raw() -> tuple[dict, dict]:
        with open(DATA_DIR / "model.toml", "rb") as f, open(DATA_DIR / "kpis.toml", "rb") as g:
            return tomllib.load(f), tomllib.load(g)

    model_raw, kpis_raw = raw()
    del model_raw["layers"][0]["statements"][0]["source"]
    with pytest.raises(ModelError, match="source"):
        parse_model(model_raw, kpis_raw)
    model_raw, kpis_raw = raw()
    model_raw["layers"][0]["statements"][0]["source"]["seed"] = "004"
    with pytest.raises(ModelError, match="seed"):
        parse_model(model_raw, kpis_raw)
    model_raw, kpis_raw = raw()
    model_raw["layers"][4]["statements"][0]["id"] = "wow.basics_first"
    with pytest.raises(ModelError, match="reused"):
        parse_model(model_raw, kpis_raw)


def test_a_workshop_rated_before_a_statement_retired_still_scores(model: Model) -> None:
    from loyalty_model.assessment.scoring import assess

    ratings = pd.DataFrame({"participant": ["a", "a", "b"],
                            "statement_id": ["wow.basics_first", "wow.advise_beyond",
                                             "wow.advise_beyond"],
                            "rating": [5, 3, 4]})
    result = assess(ratings, None, model)
    assert result.layer("wow").self_score == pytest.approx((50 + 75) / 2)  # basics_first left out


def test_no_statement_asks_two_things_or_leans_on_undefined_words(model: Model) -> None:
    vague = re.compile(r"\b(quickly|soon|real value|before extras)\b", re.IGNORECASE)
    for statement in model.statements:
        assert not vague.search(statement.text.en), statement.id
        assert " and we " not in statement.text.en, f"{statement.id}: two things at once"


# --- Danish terminology ---------------------------------------------------------------------


@cache
def glossary() -> list[dict]:
    with open(DATA_DIR / "glossary.toml", "rb") as f:
        return tomllib.load(f)["terms"]


def _text_pairs(tree: object, where: str) -> Iterator[tuple[str, str, str]]:
    """Every {en, da} pair in a parsed TOML document, with where it is."""
    if isinstance(tree, dict):
        if isinstance(tree.get("en"), str) and isinstance(tree.get("da"), str):
            yield where, tree["en"], tree["da"]
        for key, value in tree.items():
            yield from _text_pairs(value, f"{where}.{key}")
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from _text_pairs(value, f"{where}[{index}]")


def text_pairs() -> list[tuple[str, str, str]]:
    """(where, English, Danish) for every UI string, model text, KPI text and the sample."""
    english, danish = strings("en"), strings("da")
    pairs = [(f"i18n {key}", english[key], danish.get(key, "")) for key in english]
    for name in ("model.toml", "kpis.toml", "sample/company.toml"):
        with open(DATA_DIR / name, "rb") as f:
            pairs += list(_text_pairs(tomllib.load(f), name))
    return pairs


def _pattern(term: str, case_sensitive: bool) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(term)}", 0 if case_sensitive else re.IGNORECASE)


def avoided(text: str) -> list[str]:
    """The glossary's avoided Danish terms that `text` uses."""
    return [word for term in glossary() for word in term.get("avoid", [])
            if _pattern(word, term.get("case_sensitive", False)).search(text)]


def test_the_glossary_knows_the_terms_of_the_issue() -> None:
    avoid = {word for term in glossary() for word in term.get("avoid", [])}
    assert {"blind plet", "samstemt", "KPI-evidens", "lokalet", "KPI"} <= avoid
    preferred = {form for term in glossary() for form in term["da"]}
    assert {"blind vinkel", "samme billede", "ingen nøgletal", "deler vandene",
            "spørgsmål til drøftelse", "nøgletal", "TAK-programmet"} <= preferred
    assert avoided("Blind plet: teamets KPI'er i lokalet") == ["blind plet", "KPI", "lokalet"]
    assert avoided("kolonnen kpi i data/kpis.toml; rummer hele oplevelsen") == []


def test_no_danish_text_uses_an_avoided_term() -> None:
    found = [(where, avoided(da)) for where, _, da in text_pairs() if avoided(da)]
    assert found == []


def test_danish_texts_use_the_glossarys_word() -> None:
    missing = []
    for where, en, da in text_pairs():
        en = re.sub(r"\{[^}]*\}", "", en)  # a placeholder is no word: {statements}
        for term in glossary():
            forms = term["da"]
            if forms and _pattern(term["en"], term.get("case_sensitive", False)).search(en) \
                    and not any(form.lower() in da.lower() for form in forms):
                missing.append(f"{where}: '{term['en']}' but none of {forms}: {da!r}")
    assert missing == []


def sample_report(lang: str) -> ReportData:
    info = sample.company()
    from loyalty_model.model import load_model

    model = load_model()
    return build_report_data(sample.sample_ratings(), sample.sample_kpis(model).frame, model,
                             lang, title=info.workshop_name(lang), team=info.team,
                             on=date(2026, 11, 22), matrix_shares=SHARES)


def flat_pdf_text(content: bytes) -> str:
    return " ".join(pdf_text(content).split())


def deck_text(content: bytes) -> str:
    texts = []
    for slide in Presentation(io.BytesIO(content)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return " ".join(" ".join(texts).split())


@pytest.fixture(scope="module")
def danish_sample() -> ReportData:
    return sample_report("da")


def test_the_danish_pdf_and_deck_of_the_sample_use_the_glossary(danish_sample: ReportData
                                                                 ) -> None:
    pdf = flat_pdf_text(render_pdf(danish_sample))
    deck = deck_text(render_pptx(danish_sample))
    assert avoided(pdf) == [] and avoided(deck) == []
    for text in (pdf, deck):
        assert "Blind vinkel" in text and "nøgletal" in text.lower()
    assert "Spørgsmål til drøftelse" in pdf and "Spørgsmål til drøftelse" in deck
    assert "TAK-programmet hos TDC" in pdf and "TAK-programmet hos TDC" in deck


# --- the business case, recomputed by hand for the sample company ---------------------------


def test_the_sample_business_case_recomputed_by_hand(model: Model, danish_sample: ReportData
                                                     ) -> None:
    """Fjordcykler's figures from its KPIs (kpis.csv, 2026-Q3) and the stated assumptions:
    2,000 customers and a 30 % margin (the page's examples), 10 % discount rate, 5 years."""
    english = sample_report("en").business
    assert english is not None
    figures = {label: (value.replace("\xa0", " "), how.replace("\xa0", " "))
               for label, value, how in english.figures}
    margin = 437.9103 * 12 * 0.30  # arpc_monthly × 12 × margin = DKK 1,576 a year
    # the margin comes at the end of each year the customer is still there, discounted at 10 %
    today = margin * (1 / 1.1 + 0.89 / 1.1**2 + 0.89**2 / 1.1**3 + 0.89**3 / 1.1**4
                      + 0.89**4 / 1.1**5)  # churn 11 %
    better = margin * (1 / 1.1 + 0.91 / 1.1**2 + 0.91**2 / 1.1**3 + 0.91**3 / 1.1**4
                       + 0.91**4 / 1.1**5)  # churn 2 points lower
    plain_today = margin * (1 + 0.89 + 0.89**2 + 0.89**3 + 0.89**4)
    plain_better = margin * (1 + 0.91 + 0.91**2 + 0.91**3 + 0.91**4)
    value, how = figures["Customer lifetime value (5 years, discounted)"]
    assert value == f"DKK {today:,.0f}" == "DKK 4,904"
    assert f"undiscounted: DKK {plain_today:,.0f}" in how and "DKK 6,329" in how
    value, how = figures["Value of the improvement to today's customers (5 years, discounted)"]
    assert value == f"DKK {2000 * (better - today):,.0f}" == "DKK 356,248"
    assert f"undiscounted: DKK {2000 * (plain_better - plain_today):,.0f}" in how
    value, how = figures["Margin lost each year to poor service"]
    assert value == f"DKK {2000 * 0.11 * 0.68 * margin:,.0f}"
    assert "order of magnitude" in how and english.caveats  # the 68 %'s disputed sources
    assert figures["An existing customer is this many times likelier to buy"][0] == \
        f"{0.65 / 0.125:.1f} × ({0.60 / 0.20:.0f}–{0.70 / 0.05:.0f})"

    berg = {label: value for label, value, _ in english.iceberg}
    complaints = round((40.0 + 60.0858 + 25.641 + 8.9286) * 2000 / 1000)  # four quarters
    silent, resolved = complaints * 26, complaints * 0.5  # 50 % resolved: the page's example
    unhappy = silent + complaints - resolved
    assert berg["Complaints you see"] == f"{complaints:,}" == "269"
    assert berg["Unhappy customers who say nothing"] == f"{silent:,}"
    assert berg["People who hear about it"] == (
        f"{unhappy * 12 + resolved * 5:,.0f} "
        f"({unhappy * 9 + resolved * 4:,.0f}–{unhappy * 15 + resolved * 6:,.0f})")

    danish = danish_sample.business
    pdf = flat_pdf_text(render_pdf(danish_sample))
    deck = deck_text(render_pptx(danish_sample))
    for text in (pdf, deck):
        assert "4.904 kr." in text and "356.248 kr." in text
        assert "Diskonteringsrente" in text and "Tal citeret i kildeartiklen" in text
    assert danish.caveats[0][:40] in pdf
