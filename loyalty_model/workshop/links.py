"""Where participants reach the app: the address in join links, QR codes and facilitator links.

A join link is only worth projecting if a phone in the room can open it. The address the
facilitator's browser used (its Host header) is the best guess, a reverse proxy's
X-Forwarded-Host/-Proto say what the public side looks like, and SKAB_PUBLIC_URL overrides
both. A loopback address (localhost, 127.x, ::1) only ever works on the computer itself, so the
facilitate page warns about it instead of projecting a link nobody can open.

No Streamlit here: the page passes in the headers and the browser's URL, the tests pass dicts.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

PUBLIC_URL_ENV = "SKAB_PUBLIC_URL"
FALLBACK = "http://localhost:8501"
# a host (name, IPv4 or [IPv6]) with an optional port; anything else in a header is ignored
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$")
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def _first(value: str | None) -> str:
    """The first entry of a header a chain of proxies may have appended to ("a, b")."""
    return (value or "").split(",")[0].strip()


def public_base_url(headers: Mapping[str, str], browser_url: str | None = None,
                    configured: str | None = None, base_path: str = "") -> str:
    """The app's address as participants should open it, without a trailing slash.

    :param headers: the request headers of the facilitator's session (any capitalisation).
    :param browser_url: the URL the facilitator's browser shows, used for the scheme and as a
        fallback host.
    :param configured: SKAB_PUBLIC_URL, which wins when set.
    :param base_path: Streamlit's server.baseUrlPath, when the app is served below a path.
    """
    if configured and configured.strip():
        return configured.strip().rstrip("/")
    lower = {key.lower(): value for key, value in headers.items()}
    browser = urlsplit(browser_url or "")
    host = next((h for h in (_first(lower.get("x-forwarded-host")), lower.get("host", "").strip(),
                             browser.netloc) if h and _HOST.match(h)), None)
    if host is None:
        return FALLBACK
    scheme = _first(lower.get("x-forwarded-proto")).lower() or browser.scheme or "http"
    if scheme not in ("http", "https"):
        scheme = "http"
    path = base_path.strip("/")
    return f"{scheme}://{host}" + (f"/{path}" if path else "")


def is_loopback(url: str) -> bool:
    """True when `url` can only be opened on the computer the app runs on."""
    host = (urlsplit(url).hostname or "").lower()
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def join_link(base_url: str, code: str) -> str:
    return f"{base_url}/?join={code}"


def facilitator_link(base_url: str, code: str, key: str) -> str:
    return f"{base_url}/facilitate?w={code}&k={key}"


CLIENT_PAGE = "client"


def client_link(base_url: str, client_id: int, key: str) -> str:
    """The client view's link: its key opens that client and nothing else."""
    return f"{base_url}/{CLIENT_PAGE}?client={client_id}&ck={key}"


def parse_client_link(text: str | None) -> tuple[str, str] | None:
    """(client id, key) from a pasted client link, or None when it is not one."""
    query = parse_qs(urlsplit((text or "").strip()).query)
    client, key = query.get("client", [""])[0], query.get("ck", [""])[0]
    if not client.isdigit() or not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", key):
        return None
    return client, key
