"""The app's pages in one list, for app.py (navigation) and serve.py (which paths are pages).

Plain data without Streamlit, so serve.py can read the page paths before any script runs.
"""

# (file, title key, icon, url path); the first is the default page
PAGES: list[tuple[str, str, str, str | None]] = [
    ("views/start.py", "nav.start", ":material/home:", None),
    ("views/assess.py", "nav.assess", ":material/edit_note:", "assess"),
    ("views/kpis.py", "nav.kpis", ":material/monitoring:", "kpis"),
    ("views/results.py", "nav.results", ":material/target:", "results"),
    ("views/actions.py", "nav.actions", ":material/task_alt:", "actions"),
    ("views/business_case.py", "business.nav", ":material/savings:", "business-case"),
    ("views/presenter.py", "presenter.nav", ":material/slideshow:", "present"),
    ("views/facilitate.py", "facilitate.nav", ":material/co_present:", "facilitate"),
    ("views/client.py", "client.nav", ":material/groups:", "client"),
    ("views/join.py", "join.nav", ":material/how_to_reg:", "join"),
]

PAGE_PATHS: list[str] = [url for _, _, _, url in PAGES if url]
