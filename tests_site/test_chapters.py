"""Chapter pages in Chromium: launch links, solution dropdowns, figures in dark mode."""
import io
import posixpath
from urllib.parse import urlsplit

import numpy as np
import pytest
from PIL import Image

from .conftest import CHAPTERS, CONFIG, ROOT, page_html


def test_the_book_has_chapters():
    assert len(CHAPTERS) >= 6, CHAPTERS


BINDER, COLAB = "https://mybinder.org", "https://colab.research.google.com"


def expected_launch_urls(page):
    """Binder and Colab URLs of a chapter's notebook, from ``_config.yml`` alone.

    Binder: ``{binderhub}/v2/gh/{org}/{repo}/{branch}?urlpath=lab/tree/{path}``
    (``tree/`` for the classic interface); Colab:
    ``{colab}/github/{org}/{repo}/blob/{branch}/{path}``, where ``path`` is
    the notebook's path in the repository.
    """
    repository, launch = CONFIG["repository"], CONFIG.get("launch_buttons") or {}
    org, repo = urlsplit(repository["url"]).path.strip("/").split("/")
    branch = repository.get("branch", "main")
    path = posixpath.join(repository.get("path_to_book", "") or "", f"{page}.ipynb").lstrip("/")
    ui = "lab/tree" if launch.get("notebook_interface") == "jupyterlab" else "tree"
    binderhub = (launch.get("binderhub_url") or BINDER).rstrip("/")
    binder = f"{binderhub}/v2/gh/{org}/{repo}/{branch}?urlpath={ui}/{path}"
    colab = f"{(launch.get('colab_url') or COLAB).rstrip('/')}/github/{org}/{repo}/blob/{branch}/{path}"
    return path, binder, colab


@pytest.mark.parametrize("page", CHAPTERS)
def test_launch_links_open_this_chapter_in_binder_and_colab(loaded, page):
    path, binder, colab = expected_launch_urls(page)
    assert (ROOT / path).is_file(), f"the launch links point to {path}, which is not in the repository"
    visit = loaded(f"{page}.html")  # the first test to use this tab: the menu is as loaded
    menu = visit.page.locator(".dropdown-launch-buttons")
    links = menu.locator("a.dropdown-item")
    assert not links.first.is_visible(), "the launch menu should start closed"
    menu.locator("button.dropdown-toggle").click()  # a reader opens the rocket menu
    shown = {links.nth(i).inner_text().strip(): links.nth(i).get_attribute("href")
             for i in range(links.count()) if links.nth(i).is_visible()}
    assert shown.get("Binder") == binder, shown
    assert shown.get("Colab") == colab, shown


SOLUTIONS_JS = """() => [...document.querySelectorAll("article .solution")].map(s => ({
    id: s.id,
    dropdown: s.classList.contains("dropdown"),
    hidden: s.classList.contains("toggle-hidden"),
    content: [...s.children].filter(c => !c.classList.contains("admonition-title"))
        .some(c => c.getClientRects().length > 0 && getComputedStyle(c).visibility !== "hidden"),
}))"""


@pytest.mark.parametrize("page", CHAPTERS)
def test_solution_dropdowns_start_closed_and_open_on_click(open_page, page):
    visit = open_page(f"{page}.html")
    before = visit.page.evaluate(SOLUTIONS_JS)
    assert len(before) >= 4, f"{page}: the book's chapters have at least four solutions; got {len(before)}"
    assert [s["id"] for s in before if not s["dropdown"]] == [], "solutions that are not dropdowns"
    assert [s["id"] for s in before if s["content"] or not s["hidden"]] == [], "solutions shown before a click"
    titles = visit.page.locator("article .solution > .admonition-title")
    for i in range(titles.count()):
        titles.nth(i).click()
    after = visit.page.evaluate(SOLUTIONS_JS)
    assert [s["id"] for s in after if not s["content"] or s["hidden"]] == [], "solutions still closed after a click"
    assert visit.own_errors() == []


def luminance(rgb):
    """WCAG relative luminance of sRGB colours (array ``[..., 3]`` of 0..255)."""
    c = np.asarray(rgb, dtype=float) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast(l1, l2):
    """WCAG contrast ratio of two luminances (1 to 21)."""
    hi, lo = max(l1, l2), min(l1, l2)
    return (hi + 0.05) / (lo + 0.05)


FIGURES = "article.bd-article img"
FRAME_JS = """img => {
    const s = getComputedStyle(img), px = v => parseFloat(s.getPropertyValue(v)) || 0;
    return ["top", "right", "bottom", "left"].map(
        side => px(`padding-${side}`) + px(`border-${side}-width`));
}"""


def test_the_chapters_have_figures():
    # The dark-mode test below is only as good as the figures it sees.
    count = sum(page_html(page).read_text(encoding="utf-8").count('src="../_images/') for page in CHAPTERS)
    assert count >= 10, count


@pytest.mark.parametrize("page", CHAPTERS)
def test_figures_stay_readable_in_dark_mode(open_page, page):
    """In dark mode each figure, as shown, keeps a light background with dark ink on it.

    The figure is photographed as the reader sees it (the theme's CSS filter
    and background included; the frame the theme draws round it cut off): the
    picture's edge (its background) must be light, and its darkest ink must
    contrast with that background at WCAG's 4.5:1.
    """
    visit = open_page(f"{page}.html", dark=True)
    page_ = visit.page
    assert page_.evaluate("document.documentElement.dataset.theme") == "dark"
    body = page_.evaluate("getComputedStyle(document.body).backgroundColor")
    rgb = [float(x) for x in body[body.index("(") + 1:body.index(")")].split(",")[:3]]
    assert luminance(rgb) < 0.1, f"the page is not dark: {body}"  # so the test below means something
    figures = page_.locator(FIGURES)  # none in a chapter without figures (chapter 4)
    bad = []
    for i in range(figures.count()):
        figure = figures.nth(i)
        figure.scroll_into_view_if_needed()
        figure.evaluate("img => img.decode()")
        shot = np.asarray(Image.open(io.BytesIO(figure.screenshot(animations="disabled"))).convert("RGB"))
        # the picture itself, without the frame (padding, border) the theme draws round it
        top, right, bottom, left = (int(np.ceil(x)) + 1 for x in figure.evaluate(FRAME_JS))
        lum = luminance(shot[top:shot.shape[0] - bottom, left:shot.shape[1] - right])
        ring = np.concatenate([lum[:3].ravel(), lum[-3:].ravel(), lum[:, :3].ravel(), lum[:, -3:].ravel()])
        background, ink = np.median(ring), np.percentile(lum, 0.5)
        if background < 0.6 or contrast(background, ink) < 4.5:
            bad.append((figure.get_attribute("src"), round(background, 2), round(contrast(background, ink), 1)))
    assert bad == [], f"{page}: figures unreadable in dark mode (src, background luminance, contrast)"
