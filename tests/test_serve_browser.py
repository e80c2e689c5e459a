"""serve.py: a deep link to one of the app's pages connects without Streamlit's base-path probe.

The probe asks <page>/_stcore/health, gets a 404 and waits 100 ms before asking at the root;
the hint in the HTML page tells the frontend where the server is. These tests look at what the
server sends and at the requests a real browser makes.
"""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request

import pytest

from loyalty_model.workshop import storage
from tests.conftest import AppServer, assert_no_exception

TIMEOUT = 30_000


def fetch(url: str, **headers: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
            if response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            return response.status, body
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_the_page_html_carries_the_hint_only_at_the_apps_own_page_paths(
        app_server: AppServer) -> None:
    for path in ("/results", "/facilitate/", "/business-case"):
        status, body = fetch(app_server.url + path, **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert body.count(b"BACKEND_BASE_URL") == 1, path
        assert body.index(b"BACKEND_BASE_URL") < body.index(b'type="module"'), path
    for path in ("/", "/no-such-page"):
        status, body = fetch(app_server.url + path)
        assert status == 200
        assert b"BACKEND_BASE_URL" not in body, path
    # The probe's own address stays a 404, and scripts and health pass through unchanged.
    assert fetch(app_server.url + "/results/_stcore/health")[0] == 404
    assert fetch(app_server.url + "/_stcore/health") == (200, b"ok")


@pytest.mark.parametrize("path", ["results", "facilitate"])
def test_a_deep_link_opens_without_the_probe(app_server: AppServer, browser, path: str  # noqa: ANN001
                                             ) -> None:
    engine = storage.make_engine(f"sqlite:///{app_server.db_path}")
    workshop, key = storage.create_workshop(engine, "Hint", "Team")
    engine.dispose()
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(TIMEOUT)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.on("websocket", lambda socket: asked.append(socket.url))
    for visit in (lambda: page.goto(f"{app_server.url}/{path}?w={workshop.code}&k={key}"),
                  page.reload):  # a first visit, then a reload
        asked.clear()
        visit()
        page.locator("[data-testid='stMainBlockContainer'] h1").first.wait_for()
        assert_no_exception(page)
        assert any(url.endswith("/_stcore/stream") for url in asked), asked
        assert not [url for url in asked if f"/{path}/_stcore/" in url]
        assert f"w={workshop.code}" in page.url
    # A path that is not a page keeps the probe, and still reaches the app.
    asked.clear()
    page.goto(f"{app_server.url}/no-such-page")
    page.locator("[data-testid='stMainBlockContainer'] h1").first.wait_for()
    assert any("/no-such-page/_stcore/health" in url for url in asked)
    page.close()
