"""Fixtures of the browser tests: the built site on localhost, headless Chromium.

The tests read the site that ``make book`` wrote to ``_build/html`` (or the
folder in the environment variable ``LOSSBOOK_SITE``), serve it from a
thread on 127.0.0.1, and drive Debian's Chromium (``/usr/bin/chromium``, or
``CHROMIUM``) with Playwright. Playwright never downloads a browser here: it
is only given ``executable_path``.

No request may leave localhost: every other request is aborted by a route
and recorded (``Visit.external``), so a page that needs the network to work
(e.g. MathJax from a CDN) is caught, and the console error Chromium logs for
an aborted request is told apart from errors of the book's own code.
"""
import functools
import http.server
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("LOSSBOOK_SITE", ROOT / "_build" / "html")).resolve()
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The flags that let Chromium start cleanly on a machine with no network and
# no GPU: without the background-networking ones it keeps trying to reach
# Google's services. Playwright gives each launch a fresh, empty profile
# (--user-data-dir in a new temporary folder) itself.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def toc_files(node):
    """Every page named in ``_toc.yml`` (``root`` first), as paths without suffix."""
    if isinstance(node, dict):
        if "glob" in node:
            raise AssertionError("_toc.yml: the site tests do not expand glob entries; name each file")
        for key in ("root", "file"):
            if key in node:
                yield node[key]
        for value in node.values():
            if isinstance(value, (list, dict)):
                yield from toc_files(value)
    elif isinstance(node, list):
        for item in node:
            yield from toc_files(item)


PAGES = list(dict.fromkeys(toc_files(TOC)))
CHAPTERS = [page for page in PAGES if (ROOT / page).with_suffix(".ipynb").is_file()]


def page_html(page):
    """The built HTML file of a toc entry (``chapters/01_x`` -> ``chapters/01_x.html``)."""
    return SITE / f"{page}.html"


@pytest.fixture(scope="session")
def site():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"the built site must be in {SITE} (run `make book` first); got no index.html there")
    return SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output for failures
        pass


@pytest.fixture(scope="session")
def base_url(site):
    """``http://127.0.0.1:PORT/``, serving the built site until the session ends."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium must be installed at {CHROMIUM} (apt-get install -y chromium); got no file there")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Visit:
    """One browser tab and what happened in it."""

    page: object
    external: list = field(default_factory=list)   # aborted requests to other hosts
    errors: list = field(default_factory=list)     # console errors, uncaught exceptions, HTTP errors

    def own_errors(self):
        """Errors of the site itself: everything but Chromium's report of an aborted external request."""
        return [e for e in self.errors if not (e[0] == "console" and e[2] in self.external)]


def _watch(page):
    visit = Visit(page)

    def route(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            visit.external.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and visit.errors.append(
        ("console", m.text, m.location.get("url", ""))))
    page.on("pageerror", lambda exc: visit.errors.append(("exception", str(exc), "")))
    page.on("response", lambda r: r.status >= 400 and visit.errors.append(
        ("http", f"HTTP {r.status}", r.url)))
    return visit


def _open(browser, url, dark=False):
    """A fresh browser context and tab showing ``url``, loaded and typeset."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme="dark" if dark else "light")
    if dark:  # the theme's own light/dark switch stores the choice here
        context.add_init_script("localStorage.setItem('mode', 'dark');"
                                "localStorage.setItem('theme', 'dark');")
    page = context.new_page()
    page.set_default_timeout(30_000)  # generous: CI shares two cores
    visit = _watch(page)
    page.goto(url, wait_until="load")
    wait_for_math(page)
    return context, visit


@pytest.fixture()
def open_page(browser, base_url):
    """``open_page(path, dark=False)``: a fresh tab showing ``path`` of the site, for tests that click."""
    contexts = []

    def open_(path, dark=False):
        context, visit = _open(browser, base_url + path, dark)
        contexts.append(context)
        return visit

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def loaded(browser, base_url):
    """``loaded(path)``: the tab of ``path`` as first loaded, shared by the tests that only read it."""
    visits, contexts = {}, []

    def get(path):
        if path not in visits:
            context, visits[path] = _open(browser, base_url + path)
            contexts.append(context)
        return visits[path]

    yield get
    for context in contexts:
        context.close()


def wait_for_math(page):
    """Wait until MathJax (when the page loaded it) has typeset the page."""
    page.evaluate("""async () => {
        if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
            await MathJax.startup.promise;
        }
    }""")
