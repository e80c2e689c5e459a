"""Join links phones can open: the public address from the request, and loopback detection."""

from __future__ import annotations

import pytest

from loyalty_model.workshop import links


def test_the_address_the_facilitators_browser_used() -> None:
    headers = {"Host": "192.168.1.20:8501", "Accept": "*/*"}
    assert links.public_base_url(headers, "http://192.168.1.20:8501/facilitate") == \
        "http://192.168.1.20:8501"
    assert links.join_link("http://192.168.1.20:8501", "ABC234") == \
        "http://192.168.1.20:8501/?join=ABC234"


def test_a_reverse_proxy_and_the_configured_address() -> None:
    proxied = {"host": "127.0.0.1:8501", "X-Forwarded-Host": "skab.example.com, inner",
               "X-Forwarded-Proto": "https"}
    assert links.public_base_url(proxied, "http://127.0.0.1:8501/") == "https://skab.example.com"
    assert links.public_base_url(proxied, None, base_path="/skab/") == \
        "https://skab.example.com/skab"
    assert links.public_base_url(proxied, None, configured="https://room.example.org/") == \
        "https://room.example.org"  # SKAB_PUBLIC_URL wins


def test_headers_that_are_not_a_host_are_ignored() -> None:
    forged = {"Host": "evil.example.com/<script>", "X-Forwarded-Proto": "javascript"}
    assert links.public_base_url(forged, "http://10.0.0.5:8501/") == "http://10.0.0.5:8501"
    assert links.public_base_url({}, None) == links.FALLBACK


@pytest.mark.parametrize(("url", "loopback"), [
    ("http://localhost:8501", True), ("http://127.0.0.1:8501", True),
    ("http://127.1.2.3", True), ("http://[::1]:8501", True), ("http://0.0.0.0:8501", True),
    ("http://app.localhost", True), ("http://192.168.1.20:8501", False),
    ("https://skab.example.com", False), ("http://[fe80::1]:8501", False),
])
def test_loopback_addresses_are_recognised(url: str, loopback: bool) -> None:
    assert links.is_loopback(url) is loopback
