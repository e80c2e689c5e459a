"""What each kind of Streamlit element costs a page's render in the browser.

A page's render time beyond the trivial page's (benchmarks/page_speed.py) is mostly the browser
drawing Streamlit elements, so this measures them one kind at a time: the trivial page plus five
elements of one kind, each variant its own `streamlit run` server, timed as page_speed times a
second render (a reload in a warm browser context; the same "fully rendered" definition). The
variants are measured in turn, the order alternating between rounds; the table gives each
variant's median and what the five elements added to the trivial page's median.

    .venv/bin/python -m benchmarks.element_costs                 # 7 rounds, every kind
    .venv/bin/python -m benchmarks.element_costs --rounds 3 --kinds markdown,one_markdown

docs/page_speed.md uses these figures to explain which pages cost what.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.page_speed import CHROMIUM, CHROMIUM_ARGS, ROOT, TRIVIAL_PAGE, measure, start_server

# kind -> what the trivial page draws after its chart (five of the kind, unless said otherwise)
KINDS = {
    "trivial": "",
    "markdown": "for i in range(5): st.markdown(f'Some **text** {i} with a [link](https://x.org).')",
    "one_markdown": "st.markdown('\\n\\n'.join(f'Some **text** {i} with a [link](https://x.org).'"
                    " for i in range(5)))  # the same five paragraphs as one element",
    "caption": "for i in range(5): st.caption(f'A caption {i}')",
    "subheader": "for i in range(5): st.subheader(f'Heading {i}')",
    "html": "for i in range(5): st.html(f'<p>Some html {i}</p>')",
    "button": "for i in range(5): st.button(f'Button {i}', key=f'b{i}')",
    "metric": "for i in range(5): st.metric(f'Metric {i}', i)",
    "toggle": "for i in range(5): st.toggle(f'Toggle {i}', key=f't{i}', help='Help')",
    "radio": "for i in range(5): st.radio(f'Radio {i}', ['a', 'b'], horizontal=True, key=f'r{i}')",
    "segmented": "for i in range(5): st.segmented_control(f'Segments {i}', ['a', 'b'],"
                 " key=f'g{i}')",
    "text_input": "for i in range(5): st.text_input(f'Text {i}', key=f'x{i}')",
    "number_input": "for i in range(5): st.number_input(f'Number {i}', 0, 10, 3, key=f'n{i}')",
    "selectbox": "for i in range(5): st.selectbox(f'Select {i}', ['a', 'b', 'c'], key=f's{i}')",
    "columns": "for i in range(5):\n    left, right = st.columns(2)\n    left.write('x')\n"
               "    right.write('y')",
    "hidden_markdown": "with st.expander('Closed'):\n"
                       "    for i in range(5): st.markdown(f'Text {i}')",
    "one_chart": "st.altair_chart(alt.Chart(data).mark_bar().encode(x='layer', y='score'))",
    "expander": "for i in range(5): st.expander(f'Closed {i}')",
    "tabs": "tabs = st.tabs([f'Tab {i}' for i in range(5)])\ntabs[0].write('x')",
    "download_button": "for i in range(5): st.download_button(f'File {i}', b'x', key=f'd{i}')",
    "info": "for i in range(5): st.info(f'Note {i}')",
    "checkbox": "for i in range(5): st.checkbox(f'Box {i}', key=f'c{i}')",
    "one_image": "import io\nfrom PIL import Image\nimage = io.BytesIO()\n"
                 "Image.new('RGB', (300, 300), 'white').save(image, 'PNG')\n"
                 "st.image(image.getvalue(), width=300)",
    "page_link": "for i in range(5): st.page_link('https://x.org', label=f'Link {i}')",
    "progress": "for i in range(5): st.progress(i / 5, text=f'Progress {i}')",
    "one_markdown_table": "st.markdown('| a | b |\\n|---|---|\\n' + '\\n'.join(f'| {i} | {c} |'"
                          " for i, c in enumerate('abcdefgh')))",
    "one_table": "st.table(pd.DataFrame({'a': range(8), 'b': list('abcdefgh')}))",
    "one_dataframe": "st.dataframe(pd.DataFrame({'a': range(8), 'b': list('abcdefgh')}))",
}


def run(rounds: int, kinds: list[str]) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="skab-element-costs."))
    servers = {}
    for kind in kinds:
        directory = work / kind
        directory.mkdir()
        (directory / "app.py").write_text(f"{TRIVIAL_PAGE}\n{KINDS[kind]}\n", encoding="utf-8")
        shutil.copytree(ROOT / ".streamlit", directory / ".streamlit")  # the app's settings
        servers[kind] = start_server(directory / "app.py", work / "unused.db",
                                     work / f"{kind}.log", directory)
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _, url in servers.values():  # warm-up
                measure(browser, url)
            for round_ in range(rounds):
                for kind in kinds if round_ % 2 == 0 else kinds[::-1]:
                    times[kind].append(measure(browser, servers[kind][1])[1])
                print(f"round {round_ + 1}/{rounds} done", file=sys.stderr, flush=True)
            browser.close()
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(10)
    return times


def table(times: dict[str, list[float]]) -> str:
    base = statistics.median(times["trivial"])
    lines = [f"{'kind':<16} {'second ms':>10} {'added ms':>9}  n", "-" * 42]
    for kind, measured in times.items():
        median = statistics.median(measured)
        lines.append(f"{kind:<16} {median:>10.0f} {median - base:>+9.0f}  {len(measured)}")
    lines.append("(added: what the elements added to the trivial page; five of a kind, unless the"
                 " kind is one_...)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"comma-separated, from: {', '.join(KINDS)}")
    args = parser.parse_args()
    kinds = [kind.strip() for kind in args.kinds.split(",") if kind.strip()]
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        parser.error(f"unknown kinds: {', '.join(unknown)}")
    kinds = ["trivial", *(kind for kind in kinds if kind != "trivial")]  # the reference, always
    print(table(run(args.rounds, kinds)))


if __name__ == "__main__":
    main()
