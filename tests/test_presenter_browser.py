"""Presenter mode on a 1440×900 projector: every slide fits, its chart fills it, type is large."""

from __future__ import annotations

import re

import pytest

from loyalty_model.model import load_model
from loyalty_model.workshop.sample import sample_comments
from tests.conftest import AppServer, assert_no_exception
from tests.test_journey_browser import TIMEOUT, wait_idle

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 1440, 900
SMALLEST_TYPE = 23.5  # px; "no text under ~24 px"

# Everything visible on the slide: text blocks, buttons, charts. Returns their boxes and the
# computed font size of each text element, including the text inside the charts' SVG.
MEASURE = """
() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const boxes = [...main.querySelectorAll(
      '[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"], h1, h2, '
      + 'button, [data-testid="stPageLink"], .skab-chart svg')]
    .filter(e => e.offsetParent !== null)
    .map(e => { const r = e.getBoundingClientRect();
                return {what: e.tagName + ' ' + (e.dataset.testid || ''), top: r.top,
                        bottom: r.bottom, left: r.left, right: r.right, height: r.height}; });
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const e = node.parentElement;
    if (!node.textContent.trim() || e.closest('style') || !e.getClientRects().length) continue;
    texts.push({text: node.textContent.trim().slice(0, 40),
                size: parseFloat(getComputedStyle(e).fontSize)});
  }
  return {boxes, texts};
}
"""


@pytest.mark.parametrize("lang", ["en", "da"])
def test_every_slide_fits_the_projector(app_server: AppServer, browser, lang: str  # noqa: ANN001
                                        ) -> None:
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.set_default_timeout(TIMEOUT)
    page.goto(app_server.url + f"/?lang={lang}")
    page.locator(".st-key-start_sample button").click()
    page.wait_for_url(re.compile(r"[?&]w=[A-Z0-9]+"))
    wait_idle(page)
    page.goto(page.url.split("?")[0].rsplit("/", 1)[0] + "/present?"
              + page.url.split("?")[1])
    wait_idle(page)
    next_button = page.locator(".st-key-presenter_next button")
    marked = {c.text(lang) for c in sample_comments(load_model()) if c.marked}
    said = {"en": "what the team said", "da": "det sagde teamet"}[lang]
    slides, shown_comments = 0, set()
    while True:
        slides += 1
        comments_slide = said in page.locator("h1, h2").first.inner_text()
        if slides > 1 and not comments_slide:  # charts draw after the run ends
            page.locator(".skab-chart svg").first.wait_for()
        page.wait_for_timeout(300)
        assert_no_exception(page)
        measured = page.evaluate(MEASURE)
        for box in measured["boxes"]:
            assert box["top"] >= 0 and box["bottom"] <= HEIGHT + 1, (slides, box)
            assert box["left"] >= 0 and box["right"] <= WIDTH + 1, (slides, box)
        small = [t for t in measured["texts"] if t["size"] < SMALLEST_TYPE]
        assert not small, (slides, small[:5])
        charts = [b for b in measured["boxes"] if b["what"].startswith("svg")]
        if comments_slide:  # the comments the room marked, as typed, in large type
            assert not charts, slides
            shown_comments |= {text for text in marked if page.get_by_text(text).count()}
        elif slides > 1:  # every other slide after the verdict is a chart filling the slide
            assert len(charts) == 1 and charts[0]["height"] >= 0.6 * HEIGHT, (slides, charts)
        if next_button.is_disabled():
            break
        next_button.click()
        wait_idle(page)
    assert slides >= 10  # verdict, self vs numbers, gaps, five layers' statements, trend, ...
    assert shown_comments == marked and len(marked) == 2  # each marked comment, on its layer's
    page.close()
