"""Small downloads are links that carry their file: the bytes a click saves are the page's own."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from loyalty_model.model import DATA_DIR, load_model
from loyalty_model.takeaways.exports import actions_csv
from loyalty_model.workshop import sample, storage
from views._download import SMALL_FILE, download_link_html

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r'<a class="(?P<kind>[^"]+)" href="data:(?P<mime>[^;]+);base64,(?P<data>[^"]+)" '
                  r'download="(?P<name>[^"]+)">(?P<label>[^<]+)</a>')


def links(at: AppTest) -> list[dict[str, str | bytes]]:
    """Every download link on the page: label, file name, kind and the file's bytes."""
    found = [match.groupdict() for m in at.markdown for match in LINK.finditer(m.value)]
    for link in found:
        link["data"] = base64.b64decode(link["data"])
    return found


def opened(page: str, lang: str, app_db: Path) -> AppTest:
    engine = storage.make_engine(f"sqlite:///{app_db}")
    workshop, key = sample.create_sample_workshop(engine, load_model())
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = lang
    at.session_state["workshop_code"] = workshop.code
    at.session_state["facilitator_key"] = key
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception[0].value
    return at


def test_the_action_plan_link_saves_the_plan_shown(app_db: Path) -> None:
    at = opened("views/actions.py", "da", app_db)
    [link] = links(at)
    assert link["label"] == "Download handlingsplanen (CSV)"
    assert re.fullmatch(r"action-plan-[A-Z0-9]{6}\.csv", link["name"])
    assert link["mime"] == "text/csv" and "skab-primary" in link["kind"]
    engine = storage.make_engine(f"sqlite:///{app_db}")
    plan = storage.actions_frame(engine, storage.workshop_by_code(
        engine, link["name"][12:18]).id)
    engine.dispose()
    assert len(plan) >= 3
    assert link["data"] == actions_csv(plan, load_model(), "da")
    assert plan["action"].iloc[0] in link["data"].decode("utf-8-sig")
    assert not at.get("download_button")  # a small plan is no download button


def test_the_kpi_template_link_saves_the_template(app_db: Path) -> None:
    at = opened("views/kpis.py", "en", app_db)
    [link] = links(at)
    assert link["name"] == "kpis_template.csv"
    assert link["data"] == (DATA_DIR / "templates" / "kpis.csv").read_bytes()
    assert "skab-primary" not in link["kind"]


def test_names_are_text_and_large_files_stay_buttons() -> None:
    html = download_link_html('<b>"Plan"</b>', b"a,b\n", 'x".csv', "text/csv")
    assert "<b>" not in html and "&lt;b&gt;&quot;Plan&quot;&lt;/b&gt;" in html
    assert 'download="x&quot;.csv"' in html

    def page() -> None:
        from views._download import SMALL_FILE, download

        download("Small", b"x" * SMALL_FILE, "small.csv", "text/csv", key="small")
        download("Large", b"x" * (SMALL_FILE + 1), "large.csv", "text/csv", key="large")

    at = AppTest.from_function(page).run()
    assert [link["name"] for link in links(at)] == ["small.csv"]
    assert [button.label for button in at.get("download_button")] == ["Large"]
    assert SMALL_FILE >= 64 * 1024  # an action plan of a hundred long actions still fits
