"""How the live views show people and disagreement: "Participant 3", and one 1-5 scale."""

from __future__ import annotations

import pandas as pd
import pytest

from loyalty_model.assessment.scoring import assess
from loyalty_model.model import Model
from loyalty_model.workshop import live


def test_participants_are_named_by_their_place_in_the_room_never_by_id() -> None:
    assert live.participant_labels([None, "Anna", None, "Anna", "Bo"], "en") == [
        "Participant 1", "Anna (2)", "Participant 3", "Anna (4)", "Bo"]
    assert live.participant_labels([None], "da") == ["Deltager 1"]


def test_disagreement_has_one_scale_and_one_format(model: Model) -> None:
    ratings = pd.DataFrame({"participant": ["a", "b", "a", "b", "c"],
                            "statement_id": ["product.primary_need"] * 2
                            + ["product.does_the_job"] * 2 + ["wow.know_the_customer"],
                            "rating": [2.0, 4.0, 3.0, 3.0, 5.0]})
    assessment = assess(ratings, None, model)
    assert live.layer_disagreement(assessment, "product") == pytest.approx((1.0 + 0.0) / 2)
    assert live.layer_disagreement(assessment, "wow") is None  # a single rating is no spread
    assert live.fmt_disagreement(1.44, "en") == "1.4"
    assert live.fmt_disagreement(1.44, "da") == "1,4"
    assert live.fmt_disagreement(None, "en") == "–"
