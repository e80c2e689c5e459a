"""Finding every number a surface shows, and the ones a Danish reader would misread.

Shared by tests/test_danish_numbers.py: one scanner for the pages (AppTest element trees), the PDF
(pdftotext) and the deck (every text box and table cell). A Danish number writes its decimals
after a comma and may group thousands with dots (1.234,5); a dot followed by anything but
groups of three digits is a decimal point, and that is what the test must never find. Dates
written as 30.12.2026 are dates, not numbers.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pandas as pd

from loyalty_model.takeaways.chart_images import svg_text

NUMBER = re.compile(r"(?<![\w.,\d])\d[\d.,]*\d(?![\w\d])|(?<![\w.,\d])\d(?![\w\d.,])")
DATE = re.compile(r"(?<!\d)\d{1,2}\.\d{1,2}\.\d{4}(?!\d)")
DANISH = re.compile(r"\d{1,3}(\.\d{3})*(,\d+)?|\d+(,\d+)?")
STYLE = re.compile(r"<(style|script)\b.*?</\1>", re.S)  # the app's CSS, not shown as text
INTEGER_FORMATS = re.compile(r"%(\d*\.0f|\d*d|i|u)$")


URL = re.compile(r"\w+://\S+|(?<![\d.])\d{1,3}(\.\d{1,3}){3}(?![\d.])")  # links, IP addresses


def misread(text: str) -> list[str]:
    """The numbers in `text` that carry a decimal point (12.5, 1,234.5): wrong in Danish."""
    text = DATE.sub(" ", URL.sub(" ", text.replace("\u00a0", " ")))
    return [token for token in NUMBER.findall(text)
            if "." in token and not DANISH.fullmatch(token)]


def frame_texts(frame: pd.DataFrame, integer_columns: set[str] = frozenset()) -> Iterator[str]:
    """What a table shows: its headers and cells. A float cell is shown by the browser with a
    decimal point, so it counts as "1.5" unless whole or in a column formatted as an integer."""
    yield from (str(c) for c in frame.columns)
    for column in frame.columns:
        for value in frame[column]:
            if isinstance(value, list | tuple) or hasattr(value, "shape"):
                continue  # a sparkline's points are drawn, not written
            if isinstance(value, float) and not pd.isna(value):
                if not value.is_integer() and str(column) not in integer_columns:
                    yield f"{value}"
            elif value is not None and not (isinstance(value, float) and pd.isna(value)):
                yield str(value)


def _integer_columns(node: object) -> set[str]:
    """Columns whose configured number format shows no decimals (a ProgressColumn's %d)."""
    raw = getattr(getattr(node, "proto", None), "columns", "") or "{}"
    try:
        config = json.loads(raw)
    except (TypeError, ValueError):
        return set()
    return {name for name, column in config.items() if isinstance(column, dict)
            and INTEGER_FORMATS.search(str(column.get("type_config", {}).get("format", "")))}


def _walk(node: object) -> Iterator[object]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


class _Tables(HTMLParser):
    """The rows of every <table> in an HTML text, each a list of its cells' text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ARG002
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(at: object) -> list[list[list[str]]]:
    """The tables an AppTest run drew with st.html (views/_table.py): rows of cell texts, the
    heading row first, as a reader sees them (entities decoded)."""
    found: list[list[list[str]]] = []
    for node in _walk(at._tree):  # noqa: SLF001
        if getattr(node, "type", "") == "html":
            parser = _Tables()
            parser.feed(str(getattr(getattr(node, "proto", None), "body", "")))
            found += parser.tables
    return found


def page_texts(at: object) -> Iterator[str]:
    """Every text and number an AppTest run shows: text elements, labels, options, values and
    table cells; a float widget value counts with its decimal point unless shown as a whole."""
    for node in _walk(at._tree):  # noqa: SLF001 (AppTest has no public walk over all elements)
        kind = getattr(node, "type", "")
        if kind == "html":  # style sheets and scripts are not shown; a table's cells are
            parser = _Tables()
            parser.feed(str(getattr(getattr(node, "proto", None), "body", "")))
            yield from (cell for table in parser.tables for row in table for cell in row)
            continue
        for name in ("value", "label", "body", "help", "placeholder", "delta", "caption"):
            value = getattr(node, name, None) if kind not in ("dataframe", "arrow_data_frame",
                                                                "data_editor") else None
            if isinstance(value, str) and 'class="skab-chart"' in value:
                yield from svg_text(value)  # a chart: the texts it shows, not its markup
            elif isinstance(value, str):
                yield STYLE.sub(" ", value)
            elif isinstance(value, float) and name == "value":
                yield from _number_widget(node, value)
        for option in getattr(node, "options", None) or []:
            yield str(option)
        frame = getattr(node, "value", None)
        if isinstance(frame, pd.DataFrame):
            yield from frame_texts(frame, _integer_columns(node))


def _number_widget(node: object, value: float) -> Iterator[str]:
    """A number field shows its value through its printf format ("%0.2f" unless told)."""
    if getattr(node, "options", None):  # a select slider shows its formatted options
        return
    fmt = str(getattr(getattr(node, "proto", None), "format", "") or "%0.2f")
    try:
        yield fmt % value
    except (TypeError, ValueError):
        yield str(value)


def chart_locales(at: object) -> list[dict]:
    """The number locale in every Vega chart's spec (the client page draws Vega charts)."""
    return [json.loads(node.proto.spec).get("config", {}).get("locale", {})
            for node in _walk(at._tree)  # noqa: SLF001
            if getattr(node, "type", "") in ("vega_lite_chart", "arrow_vega_lite_chart")]


def svg_charts(at: object) -> list[str]:
    """The charts a run drew as SVG (views/_cached.show_chart): their markup."""
    return [str(node.value) for node in _walk(at._tree)  # noqa: SLF001
            if getattr(node, "type", "") == "markdown"
            and 'class="skab-chart"' in str(getattr(node, "value", ""))]


def deck_texts(content: bytes) -> Iterator[str]:
    from pptx import Presentation

    for slide in Presentation(io.BytesIO(content)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                yield shape.text_frame.text
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        yield cell.text
