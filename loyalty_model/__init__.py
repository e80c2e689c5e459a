"""Skab promoters: the customer-loyalty model, KPI computation, scoring, storage and reports.

The base (`model`, `i18n`, `messages`) sits under four parts that import only downwards:
takeaways → workshop → intake → assessment → base; `cli` sits on top of them all. Nothing here
imports Streamlit, so everything runs under plain pytest and from `python -m loyalty_model`.
"""
