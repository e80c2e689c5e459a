"""Assessment: ratings and KPIs become scores, gaps, priorities, plain-language readings and the
business case. Pure functions of their inputs, so the app, the CLI and the reports agree.

May import `messages`, `i18n` and `model` only.
"""
