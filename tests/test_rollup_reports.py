"""The client report and deck: cover, heatmap, what teams share, a page per team, the combined
plan, in English and Danish, read back with pdftotext and python-pptx."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation

from loyalty_model.assessment.rollup import Rollup
from loyalty_model.i18n import fmt_number, t
from loyalty_model.model import Model
from loyalty_model.takeaways.rollup_data import build_rollup_report
from loyalty_model.takeaways.rollup_pdf import render_rollup_pdf
from loyalty_model.takeaways.rollup_pptx import render_rollup_pptx
from loyalty_model.workshop import storage
from loyalty_model.workshop.client_rollup import load_client_rollup
from tests.test_clients import rate, three_teams

ACTION = "Ring fem kunder, der købte i maj"


@pytest.fixture(scope="module")
def rollups(tmp_path_factory: pytest.TempPathFactory, model: Model) -> dict[str, Rollup]:
    engine = storage.make_engine(f"sqlite:///{tmp_path_factory.mktemp('rollup') / 'r.db'}")
    client, made = three_teams(engine, model)
    again, _ = storage.create_follow_up(engine, made["Sales"], "Sales autumn")
    rate(engine, again, model, 4, {"product": 4})
    storage.save_actions(engine, again.id, pd.DataFrame([
        {"action": ACTION, "layer": "product", "owner": "Mette", "due_date": "2026-07-01"}]))
    found = {lang: load_client_rollup(engine, client, model, lang) for lang in ("en", "da")}
    engine.dispose()
    return found


def pdf_pages(content: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "client.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_client_pdf_has_a_page_per_team_and_the_combined_plan(
        rollups: dict[str, Rollup], model: Model, lang: str, tmp_path: Path) -> None:
    rollup = rollups[lang]
    content = render_rollup_pdf(build_rollup_report(rollup, model, lang, on=date(2026, 11, 30)))
    assert content.startswith(b"%PDF")
    pages = pdf_pages(content, tmp_path)
    assert "Acme" in pages[0] and t("client.report_kicker", lang) in pages[0]
    assert t("client.heatmap_heading", lang) in pages[1]
    whole = "\n".join(pages)
    for key in ("client.priorities_heading", "client.splits_heading", "client.shared_heading",
                "client.plan_heading"):
        assert t(key, lang) in whole, key
    for team in rollup.teams:
        heading = t("client.team_heading", lang, team=team.name)
        own = [page for page in pages if heading in page]
        assert len(own) == 1, team.name  # a page of its own
        page = own[0]
        for result in team.latest.assessment.layers:  # its table: the team's own figures
            line = next(row for row in page.splitlines()
                        if f" {model.layer(result.layer).name(lang)} " in f" {row} ")
            assert fmt_number(result.self_score, lang) in line
            assert fmt_number(result.kpi_score, lang) in line
    sales = next(page for page in pages if t("client.team_heading", lang, team="Sales") in page)
    assert t("client.trend_heading_team", lang) in sales  # two workshops: a trend
    plan = pages[-2] if not pages[-1].strip() else pages[-1]
    assert t("client.plan_heading", lang) in plan and ACTION in plan and "Mette" in plan
    assert "Support" in plan and "Warehouse" in plan  # every team's actions, with the team


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_client_deck_reopens_with_a_slide_per_team(rollups: dict[str, Rollup], model: Model,
                                                       lang: str) -> None:
    rollup = rollups[lang]
    deck = Presentation(io.BytesIO(render_rollup_pptx(build_rollup_report(rollup, model, lang))))
    titles = [slide.shapes.title.text_frame.text for slide in deck.slides
              if slide.shapes.title is not None]
    assert titles[0] == "Acme"
    assert t("client.heatmap_heading", lang) in titles
    assert t("client.priorities_heading", lang) in titles
    assert t("client.compare_title", lang) in titles
    for team in rollup.teams:
        assert titles.count(t("client.team_heading", lang, team=team.name)) == 1
    heading = t("client.plan_heading", lang)
    plan = [slide for slide in deck.slides if slide.shapes.title is not None
            and slide.shapes.title.text_frame.text.startswith(heading)]
    assert plan and plan[-1] == deck.slides[len(deck.slides) - 1]  # the plan comes last
    cells = [cell.text for slide in plan for shape in slide.shapes if shape.has_table
             for row in shape.table.rows for cell in row.cells]
    assert t("client.col_team", lang) in cells and ACTION in cells
    assert {"Sales", "Support", "Warehouse"} <= set(cells)
    pictures = sum(1 for slide in deck.slides for shape in slide.shapes
                   if shape.shape_type == 13)
    assert pictures >= 2  # the heatmap and the Sales trend


def test_a_big_client_splits_its_heatmap_over_pages_and_slides(model: Model,
                                                               rollups: dict[str, Rollup]) -> None:
    from dataclasses import replace

    from loyalty_model.assessment.rollup import Team

    base = rollups["en"]
    teams = tuple(Team(f"Team {i:02d}", base.teams[i % 3].workshops) for i in range(23))
    big = replace(base, teams=teams)
    deck = Presentation(io.BytesIO(render_rollup_pptx(build_rollup_report(big, model, "en"))))
    titles = [slide.shapes.title.text_frame.text for slide in deck.slides
              if slide.shapes.title is not None]
    assert [t for t in titles if t.startswith("All teams")] == [
        f"All teams, layer by layer ({part} of 3)" for part in (1, 2, 3)]
    assert sum(title.startswith("Team: ") for title in titles) == 23
