"""Take-aways: what the room leaves with — report data, the PDF, the slide deck, charts, chart
images and CSV/XLSX exports.

May import every part below it (`workshop`, `intake`, `assessment`, the base); never `cli`.
"""
