"""Plain-language reading of an assessment, shared by the results page, the reports and the CLI.

Charts show the numbers; these sentences say what they mean for the team, in its language, the
way a coach would: what the status means (and what the numbers cannot show), the evidence behind
it (the KPI that drives the layer, how it moved, the statement the team rated about the same
thing), and the one question to put to the room next. No sentence only repeats a score.
"""

from __future__ import annotations

from loyalty_model.assessment.kpi_scoring import KpiResult
from loyalty_model.assessment.scoring import Assessment, LayerResult, StatementResult
from loyalty_model.i18n import DEFAULT_CURRENCY, fmt_kpi_value, fmt_number, t
from loyalty_model.model import Model

WIDE_SPREAD = 30.0  # KPI scores this far apart in one layer are worth naming separately


def status_key(assessment: Assessment, layer_id: str) -> str:
    """The status text to show: "aligned" on a weak layer must not read as good news."""
    status = assessment.layer(layer_id).status
    if status == "aligned" and assessment.is_weak(layer_id):
        return "aligned_weak"
    return status


def layer_reading(assessment: Assessment, layer_id: str, model: Model, lang: str,
                  currency: str = DEFAULT_CURRENCY) -> str:
    """The status in the model's words, the figures behind it, then the evidence that drives it."""
    result = assessment.layer(layer_id)
    layer = model.layer(layer_id)
    status_text = model.status.get(status_key(assessment, layer_id))
    sentences = [status_text(lang).format(layer=layer.name(lang)) if status_text else "",
                 _figures(result, lang), *evidence(assessment, layer_id, model, lang, currency),
                 next_question(assessment, layer_id, model, lang)]
    return " ".join(s for s in sentences if s).strip()


def next_question(assessment: Assessment, layer_id: str, model: Model, lang: str) -> str:
    """The one question to put to the room next, for this team's result on this layer.

    A gap is the sharpest question: a blind spot asks why the team rates the statement the
    evidence names so high against the KPI; a hidden strength asks what keeps the KPI good. Else a
    statement the team disagrees on comes first, then the question the status raises.
    """
    result, layer = assessment.layer(layer_id), model.layer(layer_id)
    key = status_key(assessment, layer_id)
    kpi = driving_kpi(assessment, layer_id)
    kpi_name = model.kpis[kpi.kpi].name(lang) if kpi is not None else ""
    if key == "blind_spot" and kpi is not None:
        rated = _linked_statement(assessment, kpi.kpi, layer_id, model)
        if rated is None:
            return t("reading.ask_blind_spot_kpi", lang, kpi=kpi_name)
        return t("reading.ask_blind_spot", lang, kpi=kpi_name)  # the evidence names the rating
    if key == "hidden_strength" and kpi is not None:
        return t("reading.ask_hidden_strength", lang, kpi=kpi_name)
    split = [s for s in assessment.discussion_points() if s.layer == layer_id]
    if split:
        return t("reading.ask_discussion", lang, spread=fmt_number(split[0].spread, lang, 1),
                 statement=model.statement(split[0].statement_id).text(lang).rstrip("."))
    if result.self_score is None and not result.kpis_loaded:
        return ""  # nothing rated, nothing loaded: the status text already says what to bring
    if key == "unscored":  # KPIs are loaded, none scored: ask about the first one
        first = next(k for k in assessment.kpis if k.layer == layer_id)
        kpi_name = model.kpis[first.kpi].name(lang)
    return t(f"reading.ask_{key}", lang, kpi=kpi_name, layer=layer.name(lang))


def brief_reading(assessment: Assessment, layer_id: str, model: Model, lang: str,
                  currency: str = DEFAULT_CURRENCY) -> str:
    """One sentence for a slide or a summary line: the evidence that drives the layer, or the
    figures when there is none."""
    lines = evidence(assessment, layer_id, model, lang, currency)
    return lines[0] if lines else _figures(assessment.layer(layer_id), lang)


def _figures(result: LayerResult, lang: str) -> str:
    if result.self_score is None and result.kpi_score is None:
        return t("reading.nothing", lang) if not result.kpis_loaded else ""
    if result.kpi_score is None:
        return t("reading.self_only", lang, self=fmt_number(result.self_score, lang))
    if result.self_score is None:
        return t("reading.kpi_only", lang, kpi=fmt_number(result.kpi_score, lang))
    return t("reading.both", lang, self=fmt_number(result.self_score, lang),
             kpi=fmt_number(result.kpi_score, lang), gap=fmt_number(result.gap, lang))


def driving_kpi(assessment: Assessment, layer_id: str) -> KpiResult | None:
    """The KPI the reading is about: what holds up a hidden strength, else what pulls down."""
    result = assessment.layer(layer_id)
    if not result.drivers:
        return None
    pick = result.drivers[-1] if result.status == "hidden_strength" else result.drivers[0]
    return assessment.kpi(pick)


def evidence(assessment: Assessment, layer_id: str, model: Model, lang: str,
             currency: str = DEFAULT_CURRENCY) -> list[str]:
    """Sentences that name the numbers behind a layer's status, most telling first."""
    result = assessment.layer(layer_id)
    if result.status == "unscored":
        names = [model.kpis[k.kpi].name(lang) for k in assessment.kpis if k.layer == layer_id]
        return [t("reading.unscored_kpis", lang, kpis=", ".join(names))]
    kpi = driving_kpi(assessment, layer_id)
    if kpi is None:
        return []
    lines = [_kpi_sentence(kpi, assessment, model, lang, currency)]
    scores = [assessment.kpi(k).score for k in result.drivers]
    if len(scores) >= 2 and max(scores) - min(scores) >= WIDE_SPREAD:
        low, high = assessment.kpi(result.drivers[0]), assessment.kpi(result.drivers[-1])
        lines.append(t("reading.pulls", lang, low=model.kpis[low.kpi].name(lang),
                       low_score=fmt_number(low.score, lang),
                       high=model.kpis[high.kpi].name(lang),
                       high_score=fmt_number(high.score, lang)))
    if result.status == "hidden_strength":
        weakest = _weakest_statement(assessment, layer_id)
        if weakest is not None:
            lines.append(t("reading.weakest_statement", lang,
                           statement=model.statement(weakest.statement_id).text(lang).rstrip("."),
                           rating=fmt_number(weakest.mean, lang, 1)))
    return lines


def _kpi_sentence(kpi: KpiResult, assessment: Assessment, model: Model, lang: str,
                  currency: str) -> str:
    """"On-time delivery fell from 87.7 % to 77.9 % over 4 quarters, while the team rated …"."""
    spec = model.kpis[kpi.kpi]
    name = spec.name(lang)
    trend = kpi.trend
    if trend is not None and trend.moves != "flat" and trend.periods >= 2:
        unit = period_word(trend.first_period, kpi.period, lang)
        text = t(f"reading.kpi_{trend.moves}", lang, kpi=name,
                 first=fmt_kpi_value(trend.first_value, spec.unit, lang, currency),
                 latest=fmt_kpi_value(kpi.value, spec.unit, lang, currency), n=trend.periods,
                 unit=unit)
        if trend.run == trend.periods - 1 and trend.run >= 2:
            text += t(f"reading.every_{trend.moves}", lang)
        elif trend.run >= 2:
            text += t(f"reading.run_{trend.moves}", lang, run=trend.run, unit=unit)
    else:
        text = t("reading.kpi_value", lang, kpi=name,
                 value=fmt_kpi_value(kpi.value, spec.unit, lang, currency), period=kpi.period)
    if kpi.target is not None:
        text += t(f"reading.against_{kpi.basis}", lang,
                  target=fmt_kpi_value(kpi.target, spec.unit, lang, currency))
    statement = _linked_statement(assessment, kpi.kpi, kpi.layer, model)
    if statement is not None and assessment.layer(kpi.layer).status != "hidden_strength":
        text += t("reading.while_rated", lang,
                  statement=model.statement(statement.statement_id).text(lang).rstrip("."),
                  rating=fmt_number(statement.mean, lang, 1))
    return text + "."


def period_word(first: str, latest: str, lang: str) -> str:
    """quarters, months or years, as the periods are written; "periods" when they mix."""
    kinds = {"quarters" if "Q" in p else "months" if len(p) == 7 else "years" if len(p) == 4
             else "periods" for p in (first, latest)}
    return t(f"reading.unit_{kinds.pop() if len(kinds) == 1 else 'periods'}", lang)


def _linked_statement(assessment: Assessment, kpi_id: str, layer_id: str, model: Model
                      ) -> StatementResult | None:
    """The rated statement about the same thing as the KPI: the one the team rated highest."""
    rated = [assessment.statement(s.id) for s in model.layer(layer_id).statements
             if kpi_id in s.kpis]
    rated = [s for s in rated if s.mean is not None]
    return max(rated, key=lambda s: s.mean) if rated else None


def _weakest_statement(assessment: Assessment, layer_id: str) -> StatementResult | None:
    rated = [s for s in assessment.statements if s.layer == layer_id and s.mean is not None]
    return min(rated, key=lambda s: s.mean) if rated else None


def priority_reason(result: LayerResult, model: Model, assessment: Assessment, lang: str) -> str:
    """Why this layer sits where it does in the priority order, and what that means for the team.

    "Basics first" is part of the priorities, not something the team rates: while a basic is
    weak, WOW says it waits and names the basics it waits for.
    """
    layer = model.layer(result.layer)
    score = result.evidence_score
    weak_line = assessment.settings.weak_layer_below
    if score is None:
        return t("reading.reason_unknown", lang)
    if layer.basic and score < weak_line:
        # 59.9 must not read as "60" beside "weak below 60"
        decimals = 1 if round(score) >= weak_line else 0
        return t("reading.reason_weak_basic", lang, score=fmt_number(score, lang, decimals),
                 weak=fmt_number(weak_line, lang))
    if not layer.basic:
        weak = [other.name(lang) for other in model.layers
                if other.basic and assessment.is_weak(other.id)]
        if weak:
            return t("reading.reason_wow_waits", lang, score=fmt_number(score, lang),
                     layers=", ".join(weak))
        return t("reading.reason_wow", lang, score=fmt_number(score, lang))
    return t("reading.reason_score", lang, score=fmt_number(score, lang))


def summary(assessment: Assessment, model: Model, lang: str, top: int = 3) -> list[str]:
    """The top priorities as sentences, most urgent first."""
    lines = []
    for rank, layer_id in enumerate(assessment.priorities[:top], start=1):
        result = assessment.layer(layer_id)
        name = model.layer(layer_id).name(lang)
        lines.append(t("reading.priority_line", lang, rank=rank, name=name,
                       status=t(f"status.{status_key(assessment, layer_id)}", lang),
                       reason=priority_reason(result, model, assessment, lang)))
    return lines
