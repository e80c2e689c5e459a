"""The client page and the facilitator page's client section render in English and Danish,
and the client page shows nothing of a client without its key."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loyalty_model.i18n import t
from loyalty_model.model import load_model
from loyalty_model.workshop import storage
from tests.test_clients import rate

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def client(app_db: Path) -> tuple[storage.Client, str, storage.Workshop, str]:
    engine = storage.make_engine(f"sqlite:///{app_db}")
    model = load_model()
    found, key = storage.create_client(engine, "Page client")
    workshop, workshop_key = storage.create_workshop(engine, "Spring", "Page team")
    rate(engine, workshop, model, 3, {"product": 4})
    storage.attach_workshop(engine, workshop, workshop_key, found.id, key)
    engine.dispose()
    return found, key, workshop, workshop_key


def page(lang: str, **state: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    for name, value in state.items():
        at.session_state[name] = value
    at.run()
    return at


def shown(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.error,
                                            *at.subheader, *at.title])


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_client_page_with_its_key(client: tuple, lang: str) -> None:
    found, key, _, _ = client
    at = page(lang, client_id=str(found.id), client_key=key)
    at.switch_page("views/client.py").run()
    assert not at.exception, at.exception[0].value
    assert "Page client" in shown(at)
    assert t("client.heatmap_heading", lang) in shown(at)


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_client_page_without_a_key_shows_no_client(client: tuple, lang: str) -> None:
    found, _, _, workshop_key = client
    for state in ({}, {"client_id": str(found.id), "client_key": workshop_key}):
        at = page(lang, **state)
        at.switch_page("views/client.py").run()
        assert not at.exception, at.exception[0].value
        assert "Page client" not in shown(at) and "Page team" not in shown(at)
        assert at.info or at.error


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_facilitator_page_names_the_teams_client(client: tuple, lang: str) -> None:
    _, _, workshop, workshop_key = client
    at = page(lang, workshop_code=workshop.code, facilitator_key=workshop_key)
    at.switch_page("views/facilitate.py").run()
    assert not at.exception, at.exception[0].value
    assert t("client.part_of", lang, name="Page client") in shown(at)
