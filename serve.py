"""What `streamlit run serve.py` starts: app.py, served so that a deep link opens at once.

Streamlit's frontend does not know where the server lives when a page is opened at a path such
as /results: the app might be served under a prefix. So it first asks /results/_stcore/health,
gets a 404, waits 100 ms and asks again one level up. Every facilitator link (/facilitate?w=…),
every reload of a page and every page in a new tab pays that wait before anything is drawn
(measured: a trivial page's reload took 426 ms at /page against 322 ms at /).

The frontend skips the probe when the page sets `window.__streamlit.BACKEND_BASE_URL`. This
middleware puts that line into the HTML page Streamlit sends, for paths that end in one of
the app's own pages (views/_navigation.py): the server is at that path minus the page, so a
prefix added by a reverse proxy is kept. Any other path gets the page unchanged and the probe
as before. Nothing else is touched: scripts, the WebSocket and the static files pass through.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from views._navigation import PAGE_PATHS

# The server's address is the page's own, minus a trailing page path. Runs before Streamlit's
# scripts (they are modules, which wait for the document); any other path keeps the probe.
HINT = (
    "<script>(function(){var pages=PAGES,parts=location.pathname.replace(/\\/+$/,'').split('/');"
    "if(pages.indexOf(parts.pop())<0)return;window.__streamlit=Object.assign({},"
    "window.__streamlit,{BACKEND_BASE_URL:location.origin+parts.join('/')+'/'});})();</script>"
).replace("PAGES", json.dumps(PAGE_PATHS)).encode()


class BackendBaseUrlHint:
    """ASGI middleware adding HINT to the HTML page served at an app page's path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "").rstrip("/")
        if (scope["type"] != "http" or scope["method"] != "GET"
                or path.rsplit("/", 1)[-1] not in PAGE_PATHS):
            await self.app(scope, receive, send)
            return
        # The page is ~8 kB: asked for uncompressed, so the hint can go in as text.
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]
        scope = {**scope, "headers": headers}
        start: Message | None = None
        body: list[bytes] = []

        async def add_hint(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if message["status"] == 200 and content_type.startswith(b"text/html"):
                    start = message  # held back until the body is complete
                    return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            page = b"".join(body).replace(b"<head>", b"<head>" + HINT, 1)
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(page)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, add_hint)


app = st.App(Path(__file__).with_name("app.py"), middleware=[Middleware(BackendBaseUrlHint)])
