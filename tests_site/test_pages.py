"""Every page of the table of contents, loaded in Chromium: no errors, math typeset, alt text.

What counts as an error of our own code (``Visit.own_errors``): any uncaught
JavaScript exception, any HTTP error (>= 400) answered by the local server
(a missing script, stylesheet, image or font), and any console error, except
Chromium's "Failed to load resource" line for a request to another host,
which the test aborted on purpose (there is no network). Such requests are
themselves checked: a page must make none at all while loading, so it works
offline.
"""
import pytest

from .conftest import PAGES, page_html

# Raw TeX left in the text a reader sees means MathJax did not typeset it.
# Code (pre, code), MathJax's own output and the page's scripts are skipped.
RAW_TEX_JS = r"""() => {
    const skip = "pre, code, script, style, textarea, mjx-container, .highlight";
    const root = document.querySelector("article.bd-article") || document.body;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const found = [];
    const pattern = /\$\$|\\\(|\\\)|\\\[|\\\]|\\[A-Za-z]+/;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.parentElement.closest(skip)) continue;
        const m = n.textContent.match(pattern);
        if (m) found.push(n.textContent.trim().slice(0, 80));
    }
    return found;
}"""

MATH_JS = r"""() => {
    const math = [...document.querySelectorAll("article.bd-article .math")];
    return {
        math: math.length,
        typeset: math.filter(e => e.querySelector("mjx-container")).length,
        // TeX errors: MathJax shows a bad formula as mjx-merror, and an
        // undefined macro (noundefined extension) as its name in red text
        errors: [...document.querySelectorAll("mjx-merror")].map(e => e.textContent).concat(
            [...document.querySelectorAll("mjx-container")]
                .filter(c => c.querySelector("mjx-mtext mjx-c.mjx-c5C") || /\\[A-Za-z]+/.test(c.textContent))
                .map(c => c.textContent)),
        mathjax_scripts: [...document.querySelectorAll("script[src]")]
            .map(s => s.getAttribute("src")).filter(s => /mathjax/i.test(s)),
        loaded: !!(window.MathJax && MathJax.version),
    };
}"""


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_without_errors_or_network(loaded, page):
    assert page_html(page).is_file(), f"{page} is in _toc.yml but was not built"
    visit = loaded(f"{page}.html")
    assert visit.own_errors() == [], f"{page}: errors while loading"
    assert visit.external == [], f"{page}: requests that need the network (the book must work offline)"


@pytest.mark.parametrize("page", PAGES)
def test_math_is_typeset_by_the_bundled_mathjax(loaded, page):
    visit = loaded(f"{page}.html")
    state = visit.page.evaluate(MATH_JS)
    if state["math"]:
        # exactly one MathJax, ours: relative to the site, not a CDN
        assert len(state["mathjax_scripts"]) == 1, state["mathjax_scripts"]
        assert "://" not in state["mathjax_scripts"][0], state["mathjax_scripts"]
        assert state["loaded"], f"{page}: MathJax did not load"
        assert state["typeset"] == state["math"], f"{page}: {state['math'] - state['typeset']} formulas not typeset"
        assert state["errors"] == [], f"{page}: TeX errors"
    assert visit.page.evaluate(RAW_TEX_JS) == [], f"{page}: raw TeX in the text"


@pytest.mark.parametrize("page", PAGES)
def test_every_image_has_alt_text(loaded, page):
    visit = loaded(f"{page}.html")
    missing = visit.page.evaluate("""() => [...document.querySelectorAll("img")]
        .filter(img => !(img.getAttribute("alt") || "").trim())
        .map(img => img.getAttribute("src"))""")
    assert missing == [], f"{page}: images without alt text"


def test_the_pages_have_math():
    # The math test above is only as good as the pages it sees: the book has formulas.
    with_math = [p for p in PAGES if 'class="math' in page_html(p).read_text(encoding="utf-8")]
    assert len(with_math) >= 3, with_math
