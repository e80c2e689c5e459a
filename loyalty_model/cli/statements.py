"""`statements`: the statements a team rates, as text or JSON."""

from __future__ import annotations

import argparse
import json

from loyalty_model.model import Model


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "statements", help="list the statements a team rates",
        description="List the model's statements. Example: python -m loyalty_model statements "
                    "--json")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--lang", choices=["en", "da"], default="en")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, model: Model) -> int:
    """Print the statements; JSON carries each one's KPIs and source (seed article and idea), so
    a consultant can show where a statement comes from."""
    rows = [{"id": s.id, "layer": s.layer, "text": {"en": s.text.en, "da": s.text.da},
             "kpis": list(s.kpis),
             "source": None if s.source is None else {
                 "seed": s.source.seed, "file": model.seeds.get(s.source.seed),
                 "idea": s.source.idea}}
            for s in model.statements]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print(f"{row['id']:40} {row['text'][args.lang]}")
    return 0
