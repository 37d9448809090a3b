"""The run-times page: each chapter's execution time, measured when the book was built."""
from datetime import datetime

import nbformat
import pytest
from jupyter_cache import get_cache

from .conftest import CHAPTERS, CONFIG, PAGES, ROOT

PAGE = "run_times"

ROWS_JS = """() => [...document.querySelectorAll("article table tbody tr")].map(tr => ({
    href: tr.querySelector("a") && tr.querySelector("a").getAttribute("href"),
    cells: [...tr.cells].map(td => td.innerText.trim()),
}))"""


@pytest.fixture(scope="module")
def rows(loaded):
    assert PAGE in PAGES, f"{PAGE}.md must be in _toc.yml (the instructor and landing pages link to it)"
    visit = loaded(f"{PAGE}.html")
    header = visit.page.evaluate("""() => [...document.querySelectorAll("article table thead th")]
        .map(th => th.innerText.trim())""")
    assert header == ["Document", "Modified", "Method", "Run Time (s)", "Status"], header
    return {row["href"].removesuffix(".html"): row["cells"] for row in visit.page.evaluate(ROWS_JS)}


def test_every_chapter_has_a_run_time(rows):
    assert sorted(rows) == sorted(CHAPTERS)
    for page, (_, modified, method, seconds, status) in rows.items():
        assert status == "✅", (page, status)
        assert 0 < float(seconds) < CONFIG["execute"]["timeout"], (page, seconds)


def test_run_times_are_those_measured_when_the_notebooks_ran(rows):
    # With execute_notebooks: cache, the build runs a changed notebook and stores
    # it in the execution cache with the time the run took; an unchanged one is
    # not run again, and the page shows the time of the run that is cached.
    assert CONFIG["execute"]["execute_notebooks"] == "cache"
    cache = get_cache(ROOT / CONFIG["execute"]["cache"])
    for page in CHAPTERS:
        record = cache.match_cache_notebook(nbformat.read(ROOT / f"{page}.ipynb", as_version=4))
        measured = record.data["execution_seconds"]
        _, modified, method, seconds, _ = rows[page]
        assert method == "cache"
        assert seconds == str(round(measured, 2)), (page, seconds, measured)
        # when that run was (myst-nb's format: local time of the cache record)
        when = datetime.fromtimestamp(record.created.timestamp()).strftime("%Y-%m-%d %H:%M")
        assert modified == when, (page, modified, record.created)
