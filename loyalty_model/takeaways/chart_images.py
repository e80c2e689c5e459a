"""Altair charts as images, rendered by vl-convert: PNG for the PDF report and the slide deck,
SVG for the app's pages.

The reports must show exactly the charts the app shows, so they go through the same Vega-Lite
spec instead of a screenshot. vl-convert runs Vega in-process (no browser, no network: external
data URLs are refused). Rendering is the slow part of a report, so identical specs are rendered
once per process: a consultant who downloads the PDF and then the deck pays for the charts once.
"""

from __future__ import annotations

import html
import json
import re
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


# The page's look for charts drawn as SVG: its font (the browser draws the text), quiet axes,
# and no background of their own.
SVG_CONFIG = {
    "background": "transparent",
    "font": '"Source Sans", "Source Sans Pro", sans-serif',
    "axis": {"labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": 600,
             "labelColor": "#55575d", "titleColor": "#31333f", "gridColor": "#e6e9ef",
             "domainColor": "#c7cad1", "tickColor": "#c7cad1"},
    "legend": {"labelFontSize": 12, "titleFontSize": 13, "labelColor": "#31333f"},
    "title": {"fontSize": 15, "fontWeight": 600, "color": "#31333f", "anchor": "start"},
    "view": {"stroke": None},
}
# A mark Vega describes for screen readers ("Layer: Product; Score: 59") is closed in place
# (<path .../>): it gets the same words as a <title>, which the browser shows on hover.
_MARK = re.compile(r'<(path|rect|circle|line|text|image)\b([^>]*?\baria-label="([^"]*)"[^>]*?)/>')
_SIZE = re.compile(r'<svg\b([^>]*?) width="([\d.]+)" height="([\d.]+)"')


def chart_svg(chart: alt.TopLevelMixin | dict, lang: str = "en") -> str:
    """`chart` as an inline SVG that fills its container up to its own width (down to three
    quarters of it) and shows each mark's values on hover; numbers in the chart's language."""
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    own = spec.get("config", {})
    config = {**SVG_CONFIG, **own}  # the chart's own settings win, one level deep
    config.update({key: {**value, **own[key]} for key, value in SVG_CONFIG.items()
                   if isinstance(value, dict) and isinstance(own.get(key), dict)})
    spec = {**spec, "config": config}
    return _render_svg(json.dumps(spec, sort_keys=True, ensure_ascii=False),
                       LOCALES.get(lang, "en-US"))


@lru_cache(maxsize=128)
def _render_svg(spec_json: str, locale: str) -> str:
    import vl_convert

    try:
        svg = vl_convert.vegalite_to_svg(spec_json, format_locale=locale, allowed_base_urls=[])
    except Exception as error:  # vl-convert raises plain ValueError/RuntimeError
        raise ChartRenderError(f"could not render a chart: {error}") from error
    # the label is an attribute's text: decoded, then escaped again as an element's text, so a
    # workshop or team name in a chart stays text (an attribute may hold a bare "<")
    svg = _MARK.sub(lambda m: f"<{m[1]}{m[2]}><title>{html.escape(html.unescape(m[3]))}"
                              f"</title></{m[1]}>", svg)
    size = _SIZE.search(svg)
    if size:  # the drawn size becomes a ceiling; the width follows the container
        width = float(size[2])
        # at most its own width; on a phone at least three quarters of it, scrolled sideways
        # by its container, so its text stays readable
        svg = _SIZE.sub(f'<svg\\1 width="100%" style="max-width:{width:.0f}px;'
                        f'min-width:{width * 0.75:.0f}px;height:auto" data-width="{size[2]}" '
                        f'data-height="{size[3]}"', svg, count=1)
    return svg


def svg_text(svg: str) -> list[str]:
    """The texts an SVG chart shows (axis labels, titles, legends), for tests and checks."""
    return [html.unescape(text) for text in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]
