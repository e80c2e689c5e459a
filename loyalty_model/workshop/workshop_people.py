"""Who was in the room and what they said, as a workshop file carries it, checked before import.

At names shown or names hidden the file holds numbered participants (a name where one was
given), their ratings and their comments by participant number, as the database holds them.

An aggregates-only workshop's file holds no per-person data at all: no participants, no
ratings by person, no comment tied to anyone. It carries what the workshop shows, and only
that (`aggregates`):

    "aggregates": {"joined": 7, "answered": 6,
                   "statements": {"product.primary_need": {"1": 0, "2": 1, "3": 2, "4": 1,
                                                           "5": 0, "dont_know": 1}, ...}}
    "comments": [{"layer": "product", "text": "...", "marked": false}, ...]

`statements` has the counts of every statement shown (at least `smallest_group` people rated
it); a statement held back is not in the file. Importing recreates `joined` anonymous
participants and lays each statement's answers out over the first `answered` of them, so every
statement's mean, spread, answers and "don't know", every layer's self-score and the count of
participants in the report come out as they were; the spread *between participants* within a
layer cannot (nobody's answers are kept together), and no screen shows it.
"""

from __future__ import annotations

from typing import Any

from loyalty_model.assessment.anonymity import (
    AGGREGATES_ONLY,
    DEFAULT_LEVEL,
    DEFAULT_SMALLEST_GROUP,
    check_level,
    check_smallest_group,
)
from loyalty_model.model import Model
from loyalty_model.workshop.file_checks import (
    WorkshopFileError,
    _id,
    _list,
    _show,
    _text,
    _whole_number,
)
from loyalty_model.workshop.storage import COMMENT_CHARS

MAX_PARTICIPANTS = 1000
ANSWER_KEYS = ("1", "2", "3", "4", "5", "dont_know")


def check_anonymity(raw: dict) -> tuple[str, int]:
    """The workshop's level and smallest group; a file from before levels is names hidden."""
    try:
        level = check_level(raw.get("anonymity", DEFAULT_LEVEL))
    except ValueError as error:
        raise WorkshopFileError(f"workshop.anonymity: {error}") from error
    try:
        smallest = check_smallest_group(raw.get("smallest_group", DEFAULT_SMALLEST_GROUP))
    except ValueError as error:
        raise WorkshopFileError(f"workshop.smallest_group: {error}") from error
    return level, smallest


def check_people(raw: dict, level: str, smallest: int, model: Model) -> dict[str, Any]:
    """participants, ratings and comments as import_workshop writes them, per the level."""
    if level == AGGREGATES_ONLY:
        if raw.get("participants") or raw.get("ratings"):
            raise WorkshopFileError("an aggregates-only workshop file must not hold "
                                    "participants or ratings by person")
        return _check_aggregates(raw.get("aggregates"), raw.get("comments", []), smallest,
                                 model)
    found = check_people_and_ratings(raw.get("participants"), raw.get("ratings"), model)
    found["comments"] = _check_comments(raw.get("comments", []), model, found["participants"])
    found["aggregates"] = None
    return found


def check_people_and_ratings(people_raw: object, ratings_raw: object, model: Model
                             ) -> dict[str, Any]:
    people: dict[int, str | None] = {}
    for index, person in enumerate(_list(people_raw or [], "participants"), start=1):
        where = f"participants[{index}]"
        if not isinstance(person, dict):
            raise WorkshopFileError(f"{where} must be an object")
        number = _whole_number(person.get("number"), f"{where}.number")
        if number in people:
            raise WorkshopFileError(f"{where}: participant number {number} twice")
        people[number] = _text(person.get("name"), f"{where}.name", 120)
    if len(people) > MAX_PARTICIPANTS:
        raise WorkshopFileError(f"more than {MAX_PARTICIPANTS} participants")
    known = {s.id for s in model.statements} | set(model.retired)  # retired: kept, unscored
    ratings, seen = [], set()
    for index, row in enumerate(_list(ratings_raw or [], "ratings"), start=1):
        where = f"ratings[{index}]"
        if not isinstance(row, dict):
            raise WorkshopFileError(f"{where} must be an object")
        participant = _whole_number(row.get("participant"), f"{where}.participant")
        statement = _id(row.get("statement_id"), f"{where}.statement_id")
        rating = row.get("rating")
        if participant not in people:
            raise WorkshopFileError(f"{where}: unknown participant {participant!r}")
        if statement not in known:
            raise WorkshopFileError(f"{where}: unknown statement_id {statement!r}")
        if rating is not None and (not isinstance(rating, int) or isinstance(rating, bool)
                                   or rating not in (1, 2, 3, 4, 5)):
            raise WorkshopFileError(f"{where}.rating: {_show(rating)} must be 1-5 or null")
        if (participant, statement) in seen:
            raise WorkshopFileError(f"{where}: participant {participant} rated {statement} twice")
        seen.add((participant, statement))
        ratings.append({"participant": participant, "statement_id": statement,
                        "rating": None if rating is None else int(rating)})
    return {"participants": people, "ratings": ratings}


def _check_comments(raw: object, model: Model, people: dict[int, str | None] | None
                    ) -> list[dict[str, Any]]:
    """Comments on known layers, each at most COMMENT_CHARS; with a participant number (one
    comment per person and layer) unless the workshop is aggregates only (`people` None)."""
    layers = {layer.id for layer in model.layers}
    out, seen = [], set()
    for index, row in enumerate(_list(raw or [], "comments"), start=1):
        where = f"comments[{index}]"
        if not isinstance(row, dict):
            raise WorkshopFileError(f"{where} must be an object")
        layer = _id(row.get("layer"), f"{where}.layer")
        if layer not in layers:
            raise WorkshopFileError(f"{where}: unknown layer {_show(layer)}")
        text = _text(row.get("text"), f"{where}.text", COMMENT_CHARS, required=True)
        marked = row.get("marked", False)
        if not isinstance(marked, bool):
            raise WorkshopFileError(f"{where}.marked must be true or false")
        comment: dict[str, Any] = {"layer": layer, "text": text, "marked": marked}
        if people is None:
            if "participant" in row:
                raise WorkshopFileError(f"{where}: an aggregates-only comment names nobody")
        else:
            number = _whole_number(row.get("participant"), f"{where}.participant")
            if number not in people:
                raise WorkshopFileError(f"{where}: unknown participant {number!r}")
            if (number, layer) in seen:
                raise WorkshopFileError(f"{where}: participant {number} commented on {layer} "
                                        "twice")
            seen.add((number, layer))
            comment["participant"] = number
        out.append(comment)
    return out


def _check_aggregates(raw: object, comments_raw: object, smallest: int, model: Model
                      ) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise WorkshopFileError("'aggregates' is missing: an aggregates-only file needs it")
    joined = _whole_number(raw.get("joined"), "aggregates.joined")
    answered = _whole_number(raw.get("answered"), "aggregates.answered")
    if not 0 <= answered <= joined <= MAX_PARTICIPANTS:
        raise WorkshopFileError("aggregates: 'answered' must be between 0 and 'joined' "
                                f"(at most {MAX_PARTICIPANTS})")
    statements = raw.get("statements", {})
    if not isinstance(statements, dict):
        raise WorkshopFileError("aggregates.statements must be an object")
    known = {s.id for s in model.statements}
    counts: dict[str, dict[str, int]] = {}
    for statement, given in statements.items():
        where = f"aggregates.statements.{statement}"
        if statement not in known:
            raise WorkshopFileError(f"{where}: unknown statement")
        if not isinstance(given, dict) or set(given) - set(ANSWER_KEYS):
            raise WorkshopFileError(f"{where} must count answers 1-5 and dont_know")
        row = {key: _whole_number(given.get(key, 0), f"{where}.{key}") for key in ANSWER_KEYS}
        rated = sum(row[key] for key in ANSWER_KEYS[:5])
        if min(row.values()) < 0 or rated + row["dont_know"] > answered:
            raise WorkshopFileError(f"{where}: more answers than people who answered")
        if rated < smallest:
            raise WorkshopFileError(f"{where}: fewer than {smallest} ratings cannot be shown "
                                    "in an aggregates-only workshop")
        counts[statement] = row
    if sum(sum(r.values()) for r in counts.values()) < answered:
        raise WorkshopFileError("aggregates: fewer answers than people who answered")
    comments = _check_comments(comments_raw, model, None)
    per_layer: dict[str, int] = {}
    for comment in comments:
        per_layer[comment["layer"]] = per_layer.get(comment["layer"], 0) + 1
    if any(n > joined for n in per_layer.values()):
        raise WorkshopFileError("comments: more comments on a layer than people who joined")
    return {"participants": {}, "ratings": [], "comments": comments,
            "aggregates": {"joined": joined, "answered": answered, "statements": counts}}


def spread_answers(aggregates: dict[str, Any]) -> list[tuple[int, str, int | None]]:
    """(person 1..answered, statement, rating) rows that give back the aggregates: the answers
    laid out one after another over the people, so nobody answers a statement twice and
    everyone who answered has at least one answer."""
    rows, position, answered = [], 0, aggregates["answered"]
    for statement, counts in aggregates["statements"].items():
        for key in ANSWER_KEYS:
            for _ in range(counts[key]):
                rating = None if key == "dont_know" else int(key)
                rows.append((position % answered + 1, statement, rating))
                position += 1
    return rows
