"""The built HTML, read as files: no broken internal link, alt text on every image."""
import importlib.util
from html.parser import HTMLParser

from .conftest import PAGES, ROOT, page_html

_spec = importlib.util.spec_from_file_location("check_links", ROOT / "tools" / "check_links.py")
check_links = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_links)


def test_no_internal_link_is_broken(site):
    checked, problems = check_links.check_site(site)
    assert problems == [], "broken internal links:\n" + "\n".join(problems)
    assert checked >= 30 * len(PAGES), checked  # the check saw the site's links (817 for 9 pages)


def test_the_link_check_reads_every_page_of_the_toc(site):
    seen = set(check_links.pages(site))
    assert [p for p in PAGES if page_html(p).resolve() not in seen] == []


def test_the_link_check_finds_each_kind_of_broken_link(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "img.png").write_bytes(b"")
    (tmp_path / "index.html").write_text(
        '<p id="top"><a href="#top">ok</a><a href="sub/page.html#here">ok</a><a href="#">ok</a>'
        '<a href="https://example.org/x#y">external</a><img src="img.png" alt="x">'
        '<a href="missing.html">1</a><a href="sub/page.html#nowhere">2</a><a href="#gone">3</a>'
        '<img src="nope.png" alt="4"><a href="../outside.html">5</a><a href="img.png#a">6</a></p>')
    (tmp_path / "sub" / "page.html").write_text('<h1 id="here">x</h1><a href="../index.html#top">ok</a>')
    checked, problems = check_links.check_site(tmp_path)
    assert checked == 11
    assert [p.split(": ", 1)[1] for p in problems] == [
        "no such file", "no element with id 'nowhere' in sub/page.html", "no element with id 'gone' in index.html",
        "no such file", "points outside the site", "#anchor on a file that is not a page"]


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.without_alt = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and not (attrs.get("alt") or "").strip():
            self.without_alt.append((self.getpos()[0], attrs.get("src")))


def test_every_image_of_every_page_has_alt_text(site):
    missing = {}
    for page in check_links.pages(site):
        parser = _Images()
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.without_alt:
            missing[str(page.relative_to(site))] = parser.without_alt
    assert missing == {}
