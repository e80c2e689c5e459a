"""Time the PDF report and the slide deck for the sample company (the target is under 5 s).

Three figures per format, each the median of several runs:
- first: the first report in a fresh process (scoring, charts, layout, plus vl-convert's start-up
  of its JavaScript engine), imports excluded: what a user waits for after clicking download
  on a freshly started server;
- again: later reports in the same process with the chart-image cache emptied: every later click;
- cli: wall time of `python -m loyalty_model report ...` in a new process, imports included.

Usage:
    python -m benchmarks.report_timing [--runs 5] [--lang da]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
FORMATS = ("pdf", "pptx")


def child(fmt: str, lang: str, repeats: int) -> dict[str, list[float] | float]:
    """Runs inside a fresh interpreter: one first report, then `repeats` more."""
    from datetime import date

    from loyalty_model.model import load_model
    from loyalty_model.takeaways.chart_images import clear_cache
    from loyalty_model.takeaways.report_data import build_report_data
    from loyalty_model.takeaways.report_pdf import render_pdf
    from loyalty_model.takeaways.report_pptx import render_pptx
    from loyalty_model.workshop import sample

    model = load_model()
    info = sample.company()
    render = render_pdf if fmt == "pdf" else render_pptx

    def once() -> float:
        start = time.perf_counter()
        data = build_report_data(sample.sample_ratings(), sample.sample_kpis(model).frame,
                                 model, lang, title=info.workshop_name(lang), team=info.team,
                                 on=date(2026, 11, 22))
        content = render(data)
        elapsed = time.perf_counter() - start
        assert len(content) > 10_000
        return elapsed

    first = once()
    again = []
    for _ in range(repeats):
        clear_cache()
        again.append(once())
    return {"first": first, "again": again}


def cli_once(fmt: str, lang: str, out_dir: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "loyalty_model", "report", "--ratings", str(SAMPLE / "ratings.csv"),
         "--kpis", str(SAMPLE / "kpis.csv"), "--format", fmt, "--lang", lang,
         "--out", str(out_dir / f"report.{fmt}")],
        cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lang", choices=["en", "da"], default="da")
    parser.add_argument("--child", choices=FORMATS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.lang, args.runs)))
        return
    print(f"sample company, lang={args.lang}, median of {args.runs} runs (seconds)")
    print(f"{'format':8}{'first':>8}{'again':>8}{'cli':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in FORMATS:
            firsts, agains = [], []
            for _ in range(args.runs):
                result = subprocess.run(
                    [sys.executable, "-m", "benchmarks.report_timing", "--child", fmt,
                     "--lang", args.lang, "--runs", "1"],
                    cwd=ROOT, check=True, capture_output=True, text=True)
                measured = json.loads(result.stdout.strip().splitlines()[-1])
                firsts.append(measured["first"])
                agains.extend(measured["again"])
            clis = [cli_once(fmt, args.lang, Path(tmp)) for _ in range(args.runs)]
            print(f"{fmt:8}{statistics.median(firsts):8.2f}{statistics.median(agains):8.2f}"
                  f"{statistics.median(clis):8.2f}")


if __name__ == "__main__":
    main()
