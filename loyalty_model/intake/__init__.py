"""Intake: the user's files become typed frames and KPIs (readers, column mapping, loading,
KPI files, KPIs and the loyalty matrix from raw exports).

May import `assessment`, `messages`, `i18n` and `model`; never `workshop`, `takeaways` or `cli`.
"""
