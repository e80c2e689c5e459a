"""The small pieces a report is made of, shared by report_data.py and report_business.py."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt


@dataclass(frozen=True)
class ReportChart:
    """One chart as the app shows it, with the sentence that tells the room how to read it."""

    key: str
    title: str
    chart: alt.TopLevelMixin
    caption: str


Row = tuple[str, str, str]  # label, value, source or how it is calculated


@dataclass(frozen=True)
class ReportComment:
    """A participant's comment as the report prints it: plain text, the author only when the
    workshop shows names (storage.shown_comments decides)."""

    layer: str
    text: str
    author: str | None = None
    marked: bool = False  # picked by the facilitator for discussion: printed first
