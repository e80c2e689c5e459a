"""Comments per layer and anonymity levels in storage, on SQLite and PostgreSQL, also in a
database an older main made; and comments on their way out: PDF, deck, CSV and XLSX."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pptx import Presentation
from sqlalchemy import Engine

from loyalty_model.assessment.anonymity import AGGREGATES_ONLY, NAMES_HIDDEN, NAMES_SHOWN
from loyalty_model.model import Model
from loyalty_model.takeaways.exports import comments_csv, results_xlsx
from loyalty_model.takeaways.report_data import from_workshop
from loyalty_model.takeaways.report_pdf import render_pdf
from loyalty_model.takeaways.report_pptx import render_pptx
from loyalty_model.workshop import storage
from tests.pdf_text import pdf_text
from tests.postgres import fresh_schema_url
from tests.test_storage import build_old_database

V5_DUMP = Path(__file__).parent / "databases" / "main_v5.sql"
NEED = "product.primary_need"


def check_comments_and_anonymity(engine: Engine, model: Model) -> None:
    """What every database must do: the checks shared by the fresh and the upgraded ones."""
    shown, _ = storage.create_workshop(engine, "Q1", "Sales", anonymity=NAMES_SHOWN)
    anna = storage.join_workshop(engine, shown.id, "Anna")
    bo = storage.join_workshop(engine, shown.id, None)
    assert storage.save_comment(engine, anna, "product", "  They love the <b>app</b>  ") \
        == "They love the <b>app</b>"
    storage.save_comment(engine, bo, "product", "Too slow")
    storage.save_comment(engine, anna, "delivery", "x" * 900)  # cut, never refused
    assert storage.participant_comments(engine, anna.id) == {
        "product": "They love the <b>app</b>", "delivery": "x" * storage.COMMENT_CHARS}
    first = storage.workshop_comments(engine, shown.id)[0]
    storage.set_marked(engine, shown.id, first.id, True)
    storage.save_comment(engine, anna, "product", "They love the app")  # edited: mark kept
    found = {c.text: c for c in storage.shown_comments(engine, shown, model)}
    assert found["They love the app"].marked and found["They love the app"].author == "Anna"
    assert found["Too slow"].author is None  # no name given
    storage.save_comment(engine, anna, "delivery", "   ")  # emptied: removed
    assert storage.participant_comments(engine, anna.id) == {"product": "They love the app"}
    other, _ = storage.create_workshop(engine, "Other", "Client B")
    storage.set_marked(engine, other.id, first.id, False)  # another workshop cannot unmark it
    assert storage.workshop_comments(engine, shown.id)[0].marked

    hidden, _ = storage.create_workshop(engine, "Q1", "Sales")  # the default
    assert (hidden.anonymity, hidden.smallest_group) == (NAMES_HIDDEN, 3)
    kim = storage.join_workshop(engine, hidden.id, "Kim")
    storage.save_comment(engine, kim, "wow", "Surprise us")
    assert [c.author for c in storage.shown_comments(engine, hidden, model)] == [None]
    assert storage.list_participants(engine, hidden.id)[0].name == "Kim"

    agg, _ = storage.create_workshop(engine, "Q1", "Sales", anonymity=AGGREGATES_ONLY,
                                     smallest_group=2)
    people = [storage.join_workshop(engine, agg.id, "Secret") for _ in range(2)]
    assert all(p.name is None for p in storage.list_participants(engine, agg.id))
    storage.save_comment(engine, people[0], "product", "Quiet")
    storage.save_rating(engine, people[0], NEED, 3)
    assert storage.shown_comments(engine, agg, model) == []  # one rating: layer not shown
    storage.save_rating(engine, people[1], NEED, 4)
    assert [c.text for c in storage.shown_comments(engine, agg, model)] == ["Quiet"]
    follow_up, _ = storage.create_follow_up(engine, agg, "Q2")  # the promise carries over
    assert (follow_up.anonymity, follow_up.smallest_group) == (AGGREGATES_ONLY, 2)


def test_comments_and_anonymity_in_storage(any_engine: Engine, model: Model) -> None:
    check_comments_and_anonymity(any_engine, model)


def test_one_comment_per_person_and_layer_and_gone_with_the_person(any_engine: Engine) -> None:
    workshop, _ = storage.create_workshop(any_engine, "W", "T")
    me = storage.join_workshop(any_engine, workshop.id, "Me")
    for text in ("first", "second", "third"):
        storage.save_comment(any_engine, me, "product", text)
    assert [c.text for c in storage.workshop_comments(any_engine, workshop.id)] == ["third"]
    with storage.writing(any_engine) as conn:
        conn.execute(storage.participants.delete().where(storage.participants.c.id == me.id))
    assert storage.workshop_comments(any_engine, workshop.id) == []


def test_a_database_made_by_main_before_v6_opens_and_takes_comments(tmp_path: Path,
                                                                     model: Model) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(V5_DUMP.read_text())
    engine = storage.make_engine(f"sqlite:///{path}")
    try:
        assert storage.schema_version(engine) == storage.SCHEMA_VERSION
        old = storage.workshop_by_code(engine, "KYCAKZ")
        assert (old.anonymity, old.smallest_group) == (NAMES_HIDDEN, 3)
        assert storage.is_facilitator(engine, old, "jzqWEbqkKW6kbABX1se1ajQd")
        anna = storage.participant_by_token(engine, old.id, "aBwLert0Tpe7h2isNn5JQMIt")
        assert anna.name == "Anna"
        assert storage.participant_answers(engine, anna.id) == {
            NEED: 4, "delivery.on_time": None}
        assert sorted(storage.shown_ratings(engine, old)["rating"].dropna()) == [2.0, 4.0]
        storage.save_comment(engine, anna, "product", "Old room, new words")
        assert [(c.text, c.author) for c in storage.shown_comments(engine, old, model)] == [
            ("Old room, new words", None)]
        check_comments_and_anonymity(engine, model)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_an_older_postgres_database_takes_comments_and_anonymity(model: Model) -> None:
    with fresh_schema_url() as url:
        build_old_database(url, with_meta=True, version=2)
        engine = storage.make_engine(url)
        try:
            old = storage.workshop_by_code(engine, "ABCDEF")
            assert old.anonymity == NAMES_HIDDEN
            anna = storage.participant_by_token(engine, old.id, "tok-anna")
            storage.save_comment(engine, anna, "product", "Upgraded")
            assert [c.author for c in storage.shown_comments(engine, old, model)] == [None]
            check_comments_and_anonymity(engine, model)
        finally:
            engine.dispose()


# --- on the way out ----------------------------------------------------------------------------

HOSTILE = "=HYPERLINK(\"http://evil.example\",\"x\") **bold** <script>alert(1)</script>"


@pytest.fixture
def commented(engine: Engine) -> storage.Workshop:
    workshop, _ = storage.create_workshop(engine, "Q1", "Support", anonymity=NAMES_SHOWN)
    anna = storage.join_workshop(engine, workshop.id, "Anna Æblegård")
    bo = storage.join_workshop(engine, workshop.id, None)
    for person, rating in ((anna, 4), (bo, 2)):
        storage.save_rating(engine, person, NEED, rating)
    storage.save_comment(engine, anna, "product", "They say we answer fast, but late")
    storage.save_comment(engine, bo, "product", HOSTILE)
    marked = storage.workshop_comments(engine, workshop.id)[1]
    storage.set_marked(engine, workshop.id, marked.id, True)
    return workshop


def test_comments_go_under_their_layer_in_the_pdf(engine: Engine, model: Model,
                                                  commented: storage.Workshop) -> None:
    text = pdf_text(render_pdf(from_workshop(engine, commented, model, "en")), layout=True)
    flat = " ".join(text.split())
    assert "What a customer would say, in the team's words" in flat
    assert "They say we answer fast, but late" in flat and "Anna Æblegård" in flat
    assert "<script>alert(1)</script>" in flat and "**bold**" in flat  # as typed, as text
    assert "Marked for discussion" in flat
    product = flat.index("Layer 1 of 5")
    assert product < flat.index("They say we answer fast") < flat.index("Layer 2 of 5")
    assert flat.index(HOSTILE[:20]) < flat.index("They say we answer fast")  # marked first
    da = " ".join(pdf_text(render_pdf(from_workshop(engine, commented, model, "da")),
                           layout=True).split())
    assert "Hvad en kunde ville sige, med teamets ord" in da and "Anonymitet: navne vises" in da


def test_names_hidden_pdf_has_the_words_but_not_the_names(engine: Engine, model: Model
                                                          ) -> None:
    workshop, _ = storage.create_workshop(engine, "Q1", "Support")
    anna = storage.join_workshop(engine, workshop.id, "Anna Æblegård")
    storage.save_rating(engine, anna, NEED, 4)
    storage.save_comment(engine, anna, "product", "Fast but late")
    flat = " ".join(pdf_text(render_pdf(from_workshop(engine, workshop, model, "en")),
                             layout=True).split())
    assert "Fast but late" in flat and "Æblegård" not in flat


def test_comments_are_on_slides_as_plain_text(engine: Engine, model: Model,
                                              commented: storage.Workshop) -> None:
    deck = Presentation(io.BytesIO(render_pptx(from_workshop(engine, commented, model, "en"))))
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes
             if shape.has_text_frame]
    assert any("1. Product: what a customer would say" in t for t in texts)
    assert any(HOSTILE in t for t in texts) and any("Anna Æblegård" in t for t in texts)


def test_comments_are_neutralised_in_csv_and_xlsx(engine: Engine, model: Model,
                                                  commented: storage.Workshop) -> None:
    data = from_workshop(engine, commented, model, "da")
    csv = comments_csv(data.comments, model, "da").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "\n=HYPERLINK" not in csv and ";=HYPERLINK" not in csv
    assert "Anna Æblegård" in csv  # names shown: the author column is there
    book = load_workbook(io.BytesIO(results_xlsx(data.assessment, model, "da", data.actions,
                                                 data.currency, data.comments)))
    sheet = book["Kommentarer"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value]
    hostile = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert hostile.value.startswith("'=") and hostile.data_type == "s"


def test_marked_comments_get_slides_that_fit_the_projector() -> None:
    from loyalty_model.takeaways.presenter_slides import (
        LINE_CHARS,
        SLIDE_LINES,
        comment_slides,
    )
    from loyalty_model.takeaways.report_parts import ReportComment

    long = [ReportComment("delivery", f"{n} " + "x" * 497, marked=True) for n in range(5)]
    short = ReportComment("delivery", "Fast", "Ann", marked=True)
    groups = comment_slides([*long, short])
    assert [c for group in groups for c in group] == [*long, short]  # all, in order, once
    for group in groups:  # what a slide holds fits its lines; 500 characters take 8
        assert sum(-(-len(c.text) // LINE_CHARS) + bool(c.author) for c in group) <= SLIDE_LINES
    assert [len(group) for group in groups] == [1, 1, 1, 1, 2]
    assert comment_slides([]) == []
