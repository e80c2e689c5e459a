"""How anonymous a workshop is, and what it may show: one rule for every screen, file and export.

The facilitator chooses a level when creating the workshop:

- ``names_shown``: participants may give a name; their comments carry it in the report.
- ``names_hidden`` (the default, as before levels existed): a name is optional and only the
  facilitator sees who joined; results and comments never say who gave them.
- ``aggregates_only``: no name is kept at all (a participant is "Participant 3"), and a
  statement's result is shown only once at least `smallest_group` people *rated* it (1-5).

Why ratings and not answers: with two "don't know" and one 4, the mean is that one person's 4.
Why a layer is scored from its shown statements only: a layer score that still counted a
statement one person rated would give that rating away by subtracting the others. A layer's
comments are shown once its result is, so a comment is never pinned on one of two people.
Every view, report and export masks through `mask_ratings`, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

NAMES_SHOWN, NAMES_HIDDEN, AGGREGATES_ONLY = "names_shown", "names_hidden", "aggregates_only"
LEVELS = (NAMES_SHOWN, NAMES_HIDDEN, AGGREGATES_ONLY)
DEFAULT_LEVEL = NAMES_HIDDEN
DEFAULT_SMALLEST_GROUP = 3
SMALLEST_GROUP_RANGE = (2, 20)  # 1 would show everything; above 20 few rooms would see anything


def check_level(level: object) -> str:
    """A known level, or ValueError (a stored or imported value is never guessed at)."""
    if level not in LEVELS:
        raise ValueError(f"anonymity must be one of {', '.join(LEVELS)}, not {level!r}")
    return str(level)


def check_smallest_group(value: object) -> int:
    low, high = SMALLEST_GROUP_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"the smallest group must be a whole number from {low} to {high}")
    return value


def keeps_names(level: str) -> bool:
    """Whether a participant's name is stored at all (never under aggregates only)."""
    return level != AGGREGATES_ONLY


def shows_authors(level: str) -> bool:
    """Whether a comment is shown with its author's name (only when names are shown)."""
    return level == NAMES_SHOWN


def raters(ratings: pd.DataFrame) -> pd.Series:
    """Per statement id, how many people rated it 1-5 ("don't know" does not count)."""
    given = ratings.dropna(subset=["rating"])
    return given.groupby("statement_id")["participant"].nunique()


def shown_statements(ratings: pd.DataFrame, level: str, smallest_group: int) -> set[str]:
    """The statements whose results may be shown: all that were answered, unless aggregates
    only, where a statement needs at least `smallest_group` people who rated it."""
    answered = set(ratings["statement_id"])
    if level != AGGREGATES_ONLY:
        return answered
    counts = raters(ratings)
    return {s for s in answered if counts.get(s, 0) >= smallest_group}


def mask_ratings(ratings: pd.DataFrame, level: str, smallest_group: int) -> pd.DataFrame:
    """The answers every view, report and export may use: under aggregates only, the rows of a
    statement fewer than `smallest_group` people rated are left out (so it and its share of the
    layer score stay unknown), and participants become anonymous labels in joining order."""
    if level != AGGREGATES_ONLY or ratings.empty:
        return ratings
    shown = shown_statements(ratings, level, smallest_group)
    kept = ratings[ratings["statement_id"].isin(shown)].copy()
    order = {p: i for i, p in enumerate(dict.fromkeys(ratings["participant"]), start=1)}
    kept["participant"] = kept["participant"].map(lambda p: f"P{order[p]}")
    return kept.reset_index(drop=True)


def shown_layers(ratings: pd.DataFrame, layer_of: Mapping[str, str], level: str,
                 smallest_group: int) -> set[str]:
    """Layers with at least one shown statement: their results and comments may be shown."""
    return {layer_of[s] for s in shown_statements(ratings, level, smallest_group)
            if s in layer_of}


def hidden_count(ratings: pd.DataFrame, statement_ids: Iterable[str], level: str,
                 smallest_group: int) -> int:
    """How many of these statements have answers that are held back: the facilitator is told,
    so an empty chart reads as "not enough people yet", not as "nobody answered"."""
    if level != AGGREGATES_ONLY:
        return 0
    shown = shown_statements(ratings, level, smallest_group)
    answered = set(ratings["statement_id"])
    return sum(1 for s in statement_ids if s in answered and s not in shown)
