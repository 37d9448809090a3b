"""Check every internal link of the built website: files exist, #anchors exist.

Reads every HTML page under the site folder (default ``_build/html``; the
theme's Jinja templates that ship as static files, ``_static/**.html``, are
not pages and are skipped) and checks each ``href`` and ``src`` (and
``srcset``) that does not name another site:

* a path must name a file inside the site (``dir/`` means ``dir/index.html``);
* a ``#fragment`` must be the ``id`` (or ``<a name>``) of an element of the
  page it points to (the same page for ``#fragment`` alone).

Links with a scheme (``https:``, ``mailto:``, ``data:``, ...) or a host are
external and not checked here (there is no network). Empty fragments (``#``)
are the usual "no target" of buttons and are allowed.

Usage: python tools/check_links.py [SITE_DIR]    (prints each broken link; exit 1 if any)
"""
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = ("href", "src")
EXTERNAL = "external"  # _check's answer for a link to another site


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors = set()
        self.links = []  # (line, tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.anchors.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.anchors.add(attrs["name"])
        line = self.getpos()[0]
        for name in LINK_ATTRIBUTES:
            if attrs.get(name) is not None:
                self.links.append((line, tag, name, attrs[name]))
        for candidate in (attrs.get("srcset") or "").split(","):
            if candidate.strip():
                self.links.append((line, tag, "srcset", candidate.split()[0]))


def parse(path):
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser


def pages(site):
    """The site's HTML pages (not the theme's template files under ``_static/``)."""
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)


def check_site(site):
    """Check every internal link of the site.

    Returns:
        ``(checked, problems)``: how many internal links were checked, and each
        broken one as a ``"page:line <tag attr='value'>: why"`` string.
    """
    site = Path(site).resolve()
    parsed = {}

    def parsed_page(path):
        if path not in parsed:
            parsed[path] = parse(path)
        return parsed[path]

    checked, problems = 0, []
    for page in pages(site):
        for line, tag, attribute, value in parsed_page(page).links:
            why = _check(site, page, value, lambda target: parsed_page(target).anchors)
            if why == EXTERNAL:
                continue
            checked += 1
            if why:
                problems.append(f"{page.relative_to(site)}:{line} <{tag} {attribute}={value!r}>: {why}")
    return checked, problems


def _check(site, page, value, anchors_of):
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("//"):
        return EXTERNAL
    if not parts.path and not parts.fragment:
        return None if value in ("", "#") or value.startswith("?") else "empty link"
    target = page
    if parts.path:
        path = unquote(parts.path)
        target = (site / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
        if path.endswith("/") or target.is_dir():
            target = target / "index.html"
        target = target.resolve()
        if site not in target.parents:
            return "points outside the site"
        if not target.is_file():
            return "no such file"
    fragment = unquote(parts.fragment)
    if fragment:
        if target.suffix != ".html":
            return "#anchor on a file that is not a page"
        if fragment not in anchors_of(target):
            return f"no element with id {fragment!r} in {target.relative_to(site)}"
    return None


def main(argv):
    site = Path(argv[0] if argv else "_build/html")
    if not (site / "index.html").is_file():
        sys.exit(f"check_links: the site folder must hold index.html; got none in {site}")
    checked, problems = check_site(site)
    for problem in problems:
        print(problem)
    print(f"check_links: {len(pages(site.resolve()))} pages, {checked} internal links, {len(problems)} broken")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
