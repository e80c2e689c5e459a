"""`score`: a ratings file and a KPI file in, layer scores, gaps and priorities out."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from loyalty_model.assessment.scoring import Assessment, ScoringInputError, assess
from loyalty_model.cli.inputs import InputError, read_kpis, read_ratings
from loyalty_model.intake.kpi_file import empty_kpis
from loyalty_model.model import Model


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "score", help="score ratings against KPIs",
        description="Score a workshop. Example: python -m loyalty_model score "
                    "--ratings ratings.csv --kpis kpis.csv --json")
    parser.add_argument("--ratings", required=True,
                        help="CSV/XLSX with participant,statement_id,rating (empty = don't know)")
    parser.add_argument("--kpis", help="CSV/XLSX with kpi,value,period[,target]")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def score_files(ratings_path: str, kpis_path: str | None, model: Model) -> Assessment:
    ratings = read_ratings(ratings_path)
    kpis = read_kpis(kpis_path, model)
    try:
        return assess(ratings, kpis.frame if kpis else empty_kpis(), model)
    except ScoringInputError as error:
        raise InputError(f"{Path(ratings_path).name}: {error}") from error


def run(args: argparse.Namespace, model: Model) -> int:
    assessment = score_files(args.ratings, args.kpis, model)
    result = assessment.to_dict()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for layer in result["layers"]:
            print(f"{layer['layer']:18} self {layer['self_score']!s:>6}  "
                  f"kpi {layer['kpi_score']!s:>6}  gap {layer['gap']!s:>6}  {layer['status']}")
        print("priorities: " + " > ".join(result["priorities"]))
    return 0
