"""Regenerate the sample company's raw exports in data/sample/exports/ (seeded, reproducible).

Fjordcykler's exports are shaped to tell the same story as its summary KPIs (data/sample/kpis.csv):
deliveries slipping quarter by quarter, fault correction improving to world class, NPS creeping
up. Survey answers carry a touchpoint: the workshop (Værksted) and customer service count for
fault correction, the webshop and the shop are channels and count for no layer. Each file uses a
different real-world dialect, so the raw path is exercised end to end: orders in Danish Excel CSV
(semicolon, decimal comma, cp1252, dd-mm-yyyy), survey answers as UTF-8 with BOM, tickets as
XLSX, customers as a plain English CSV.

Run: .venv/bin/python scripts/make_sample_exports.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "data" / "sample" / "exports"
QUARTERS = pd.PeriodIndex(["2025Q4", "2026Q1", "2026Q2", "2026Q3"], freq="Q")
PROMOTERS = [0.41, 0.43, 0.44, 0.45]
DETRACTORS = [0.23, 0.22, 0.22, 0.21]
ON_TIME = [0.86, 0.83, 0.80, 0.78]
FIRST_CONTACT = [0.74, 0.77, 0.80, 0.82]
RESOLUTION_HOURS = [31, 29, 27, 26]
MULTI_TRANSFER = [0.07, 0.06, 0.05, 0.04]
N_CUSTOMERS = 1800


def quarter_times(rng: np.random.Generator, quarter: pd.Period, n: int) -> pd.Series:
    start = quarter.start_time
    seconds = (quarter.end_time - start).total_seconds()
    offsets = rng.uniform(0, seconds, n)
    return pd.Series(start + pd.to_timedelta(offsets, unit="s")).dt.floor("min")


def customers(rng: np.random.Generator) -> pd.DataFrame:
    ids = [f"{i:06d}" for i in rng.choice(np.arange(1, 60000), N_CUSTOMERS, replace=False)]
    business = rng.random(N_CUSTOMERS) < 0.15
    return pd.DataFrame({
        "customer_id": ids,
        "segment": np.where(business, "Business", "Private"),
        "contract": np.where(rng.random(N_CUSTOMERS) < 0.35, "Service plan", "No plan"),
        "tenure_months": rng.integers(1, 96, N_CUSTOMERS),
        "monthly_revenue": np.round(rng.gamma(2.0, 220, N_CUSTOMERS), 2),
        "is_churned": np.where(rng.random(N_CUSTOMERS) < 0.12, "yes", "no"),
    })


def orders(rng: np.random.Generator, ids: list[str]) -> pd.DataFrame:
    frames = []
    loyal = rng.choice(ids, int(len(ids) * 0.38), replace=False)
    for q, quarter in enumerate(QUARTERS):
        n = 520
        buyers = np.concatenate([rng.choice(loyal, n // 2), rng.choice(ids, n - n // 2)])
        ordered = quarter_times(rng, quarter, n)
        promised = (ordered + pd.to_timedelta(rng.integers(3, 8, n), unit="D")).dt.normalize()
        late = rng.random(n) >= ON_TIME[q]
        delay = np.where(late, rng.integers(1, 7, n), -rng.integers(0, 2, n))
        delivered = promised + pd.to_timedelta(delay, unit="D")
        bike = rng.random(n) < 0.3
        amount = np.where(bike, rng.uniform(11999, 27999, n), rng.uniform(149, 2499, n))
        frames.append(pd.DataFrame({
            "customer_id": buyers, "ordered_at": ordered, "amount": np.round(amount, 2),
            "promised_at": promised, "delivered_at": delivered,
        }))
    frame = pd.concat(frames, ignore_index=True).sort_values("ordered_at", ignore_index=True)
    frame.insert(0, "order_id", np.arange(210001, 210001 + len(frame)))
    return frame


def surveys(rng: np.random.Generator, buyers: np.ndarray) -> pd.DataFrame:
    frames = []
    for q, quarter in enumerate(QUARTERS):
        n = 300
        kind = rng.random(n)
        promoter = kind < PROMOTERS[q]
        detractor = kind > 1 - DETRACTORS[q]
        score = np.where(promoter, rng.choice([9, 10], n),
                         np.where(detractor, rng.choice([2, 4, 5, 6, 6], n),
                                  rng.choice([7, 8], n)))
        touchpoint = rng.choice(["Webshop", "Butik", "Værksted", "Kundeservice"], n)
        frames.append(pd.DataFrame({
            "customer_id": rng.choice(buyers, n), "responded_at": quarter_times(rng, quarter, n),
            "score": score, "touchpoint": touchpoint,
        }))
    frame = pd.concat(frames, ignore_index=True).sort_values("responded_at", ignore_index=True)
    comments = {10: "Super service, cyklen kørte fra dag ét", 4: "Cyklen kom en uge for sent",
                6: "Svært at få fat i jer på telefonen", 9: "God rådgivning i butikken"}
    frame["comment"] = frame["score"].map(comments).fillna("")
    return frame


def tickets(rng: np.random.Generator, buyers: np.ndarray) -> pd.DataFrame:
    frames = []
    for q, quarter in enumerate(QUARTERS):
        n = 260
        solved_first = rng.random(n) < FIRST_CONTACT[q] + 0.02
        contacts = np.where(solved_first, 1, rng.integers(2, 5, n))
        reopened = solved_first & (rng.random(n) < 0.025)
        transfers = np.where(rng.random(n) < MULTI_TRANSFER[q], rng.integers(3, 6, n),
                             rng.choice([0, 0, 0, 1, 2], n))
        opened = quarter_times(rng, quarter, n)
        hours = rng.lognormal(np.log(RESOLUTION_HOURS[q]), 0.8, n)
        resolved = opened + pd.to_timedelta(np.round(hours * 60), unit="min")
        open_now = rng.random(n) < 0.03
        frames.append(pd.DataFrame({
            "customer_id": rng.choice(buyers, n), "opened_at": opened,
            "resolved_at": resolved.where(~open_now), "contacts": contacts,
            "transfers": transfers, "reopened": np.where(reopened, "ja", "nej"),
            "is_complaint": np.where(rng.random(n) < 0.025, "ja", "nej"),
        }))
    frame = pd.concat(frames, ignore_index=True).sort_values("opened_at", ignore_index=True)
    frame.insert(0, "ticket_id", [f"SAG-{n:05d}" for n in range(1, len(frame) + 1)])
    return frame


def danish_number(value: float) -> str:
    return f"{value:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


# KPIs the exports cannot give, typed in by the team, and the team's targets.
TYPED_IN = {
    "referral_share": [0.10, 0.11, 0.11, 0.12],
    "return_rate": [0.058, 0.056, 0.054, 0.052],
    "communication_score": [7.1, 7.2, 7.4, 7.4],
    "email_response_hours": [26, 24, 22, 20],
    "phone_answer_rate": [0.85, 0.83, 0.82, 0.81],
}
# The team typed targets only where no starting target exists (data/kpis.toml): the rest is
# scored on the catalogue's starting targets, the benchmark or the trend, as a real team's
# numbers would be.
TARGETS = {
    "nps": 30, "repeat_purchase_rate": 0.52, "complaints_per_1000_customers": 15,
    "churn_rate_customers": 0.11, "arpc_monthly": 450,
}


def write_summary_kpis() -> None:
    """data/sample/kpis.csv: what the exports give per quarter, plus the typed-in KPIs."""
    import sys

    sys.path.insert(0, str(OUT.parent.parent.parent))
    from loyalty_model.intake.loading import load_kind
    from loyalty_model.intake.raw_intake import kpi_rows
    from loyalty_model.intake.readers import read_table

    files = {"orders": "ordrer.csv", "surveys": "kundemaaling.csv", "tickets": "sager.xlsx",
             "customers": "customers.csv"}
    loaded = {kind: load_kind(read_table((OUT / name).read_bytes(), name), kind)
              for kind, name in files.items()}
    rows = kpi_rows(loaded, "quarter")
    rows = rows[~rows["kpi"].isin(["arpc_annual", "churn_rate_orders"])]  # no target, no story
    typed = pd.DataFrame([{"kpi": kpi, "value": value, "period": f"{q.year}-Q{q.quarter}"}
                          for kpi, values in TYPED_IN.items()
                          for q, value in zip(QUARTERS, values, strict=True)])
    frame = pd.concat([rows[["kpi", "value", "period"]], typed], ignore_index=True)
    frame["value"] = frame["value"].astype(float).round(4)
    frame["target"] = frame["kpi"].map(TARGETS)
    frame.to_csv(OUT.parent / "kpis.csv", index=False)


def main() -> None:
    rng = np.random.default_rng(2026)
    OUT.mkdir(parents=True, exist_ok=True)
    crm = customers(rng)
    order_frame = orders(rng, list(crm["customer_id"]))
    buyers = order_frame["customer_id"].unique()
    survey_frame = surveys(rng, buyers)
    ticket_frame = tickets(rng, buyers)

    danish_orders = pd.DataFrame({
        "Ordrenr": order_frame["order_id"], "Kunde-ID": order_frame["customer_id"],
        "Ordredato": order_frame["ordered_at"].dt.strftime("%d-%m-%Y %H:%M"),
        "Beløb": order_frame["amount"].map(danish_number),
        "Lovet leveringsdato": order_frame["promised_at"].dt.strftime("%d-%m-%Y"),
        "Leveret": order_frame["delivered_at"].dt.strftime("%d-%m-%Y"),
    })
    danish_orders.to_csv(OUT / "ordrer.csv", sep=";", index=False, encoding="cp1252",
                         lineterminator="\r\n")

    pd.DataFrame({
        "Kunde-ID": survey_frame["customer_id"],
        "Besvaret": survey_frame["responded_at"].dt.strftime("%Y-%m-%d %H:%M"),
        "Anbefalingsscore": survey_frame["score"], "Kontaktpunkt": survey_frame["touchpoint"],
        "Kommentar": survey_frame["comment"],
    }).to_csv(OUT / "kundemaaling.csv", sep=";", index=False, encoding="utf-8-sig")

    pd.DataFrame({
        "Sagsnr": ticket_frame["ticket_id"], "Kunde-ID": ticket_frame["customer_id"],
        "Oprettet": ticket_frame["opened_at"], "Løst": ticket_frame["resolved_at"],
        "Antal kontakter": ticket_frame["contacts"], "Viderestillinger": ticket_frame["transfers"],
        "Genåbnet": ticket_frame["reopened"], "Klage": ticket_frame["is_complaint"],
    }).to_excel(OUT / "sager.xlsx", index=False, sheet_name="Sager")

    crm.to_csv(OUT / "customers.csv", index=False, encoding="utf-8")
    write_summary_kpis()
    print(f"wrote {len(order_frame)} orders, {len(survey_frame)} survey answers, "
          f"{len(ticket_frame)} tickets, {len(crm)} customers to {OUT}")


if __name__ == "__main__":
    main()
