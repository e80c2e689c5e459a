"""Skab promoters: the customer-loyalty model, KPI computation, scoring, storage and reports.

This package never imports Streamlit, so everything here runs under plain pytest and from the
`python -m loyalty_model` command line.
"""
