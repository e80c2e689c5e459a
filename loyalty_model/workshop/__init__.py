"""Workshop: what lives beyond one page view — storage (SQLite or PostgreSQL), join codes and
access limits, the live aggregate, workshop files (JSON) and the bundled sample company.

May import `intake`, `assessment`, `messages`, `i18n` and `model`; never `takeaways` or `cli`.
"""
