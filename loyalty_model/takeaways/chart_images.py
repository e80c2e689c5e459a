"""Altair charts as PNG images for the PDF report and the slide deck, rendered by vl-convert.

The reports must show exactly the charts the app shows, so they go through the same Vega-Lite
spec instead of a screenshot. vl-convert runs Vega in-process (no browser, no network: external
data URLs are refused). Rendering is the slow part of a report, so identical specs are rendered
once per process: a consultant who downloads the PDF and then the deck pays for the charts once.
"""

from __future__ import annotations

import json
import struct
from functools import lru_cache

import altair as alt

DEFAULT_SCALE = 2.0  # 2× the chart's CSS pixels: sharp on paper and on a projector
LOCALES = {"en": "en-US", "da": "da-DK"}


class ChartRenderError(RuntimeError):
    """vl-convert could not turn a spec into an image."""


def chart_png(chart: alt.TopLevelMixin | dict, lang: str = "en",
              scale: float = DEFAULT_SCALE) -> bytes:
    """PNG bytes of `chart`, with numbers on its axes in the language's format (1.234,5 in da)."""
    # the app validates these specs on screen and the tests check them; skip it here for speed
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    return _render(json.dumps(spec, sort_keys=True, ensure_ascii=False),
                   LOCALES.get(lang, "en-US"), float(scale))


@lru_cache(maxsize=64)
def _render(spec_json: str, locale: str, scale: float) -> bytes:
    import vl_convert

    try:
        return vl_convert.vegalite_to_png(spec_json, scale=scale, format_locale=locale,
                                          allowed_base_urls=[])
    except Exception as error:  # vl-convert raises plain ValueError/RuntimeError
        raise ChartRenderError(f"could not render a chart: {error}") from error


def clear_cache() -> None:
    """Forget rendered images (the benchmark measures cold renders)."""
    _render.cache_clear()


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels, read from the PNG header, to keep the aspect ratio on a page."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return width, height
