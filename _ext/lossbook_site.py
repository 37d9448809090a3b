"""Small Sphinx additions for the lossbook website (``local_extensions`` in ``_config.yml``).

Each fix names the upstream bug it works around; the browser tests in
``tests_site/`` fail when the bug is back.
"""
from pathlib import Path

from sphinx.errors import ConfigError


def _script_key(script):
    """What makes two ``<script>`` tags the same: source (None and "" alike) and attributes."""
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {})
    return str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items()))


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    """Emit each ``<script>`` once.

    Sphinx 7.4 adds an inline script registered with ``app.add_js_file(None,
    body=...)`` after the builder started twice (``None`` and ``""`` compare
    unequal; fixed upstream in sphinx-doc/sphinx#13402, Sphinx 8.2). sphinx-thebe
    registers its configuration that way, so every page declared
    ``const THEBE_JS_URL`` twice: a SyntaxError in the browser's console.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def require_bundled_mathjax(app):
    """Stop the build when the MathJax that the site serves is missing.

    ``mathjax_path`` points into ``_vendor/mathjax/`` (copied to the site by
    ``html_extra_path``), which ``tools/fetch_mathjax.py`` fills; without it
    every formula of the website would stay raw TeX.
    """
    if app.builder.format != "html" or "://" in app.config.mathjax_path:
        return
    path = Path(app.config.mathjax_path)  # relative to the site's _static/
    if path.parts[:1] == ("..",):
        candidates = [Path(app.srcdir, folder, *path.parts[1:]) for folder in app.config.html_extra_path]
    else:
        candidates = [Path(app.srcdir, folder, path) for folder in app.config.html_static_path]
    if not any(candidate.is_file() for candidate in candidates):
        raise ConfigError(f"mathjax_path {app.config.mathjax_path!r} must name a file that the site ships; "
                          f"got none of {[str(c) for c in candidates]}: run `python tools/fetch_mathjax.py` "
                          f"(`make book` does).")


def setup(app):
    app.connect("builder-inited", require_bundled_mathjax)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
