"""The student edition of the book: every chapter without its solutions, with stubs to fill in.

Usage::

    python tools/student.py [--out student/] [--no-run] [NOTEBOOK ...]
    python tools/student.py --grade SUBMISSION [SUBMISSION ...] [--csv grades.csv]
    python tools/student.py --site [--out _build/nosolutions]

The first form writes ``student/NN_name.ipynb`` for every chapter (or the
notebooks named) and then verifies each one, failing loudly (exit status 1,
a message naming the notebook and cell) unless

* no solution is left: no ``{solution}``, ``{solution-start}`` or
  ``{solution-end}`` marker, and no line that appears only inside the book's
  solutions (code or text);
* the notebook runs top to bottom in a fresh kernel up to the first
  unfilled stub: every cell before it runs without error; every stub cell
  reached prints its self-check's "not written yet"; and the only error
  allowed after the first stub is a ``NotImplementedError`` raised by a stub
  (where the run stops, since the rest needs the student's code).

``--no-run`` skips the run (the solution check still happens).

The second form grades submitted notebooks: it runs each one in a fresh
kernel (errors allowed, as a student's notebook may have some), then calls
:func:`lossbook.exercises.grade` in that kernel on the notebook's own names,
and prints one line per notebook with the status of every self-check of its
chapter (``passed``, ``failed``, ``error``, ``not written``, ``missing``);
``--csv`` also writes them as rows. Run it only on notebooks you are willing
to execute (in a container or a throw-away account, as with any student
code). The self-checks give feedback; a determined student can fool them,
so read the code before a grade counts for much.

The third form builds the website without solutions into
``_build/nosolutions/_build/html``: ``jupyter-book build`` with a copy of
``_config.yml`` that sets sphinx-exercise's ``hide_solutions: true`` and adds
this file as a Sphinx extension. The extension is needed because
sphinx-exercise 1.2.1 hides only one-cell ``{solution}`` directives: with a
gated ``{solution-start}``/``{solution-end}`` pair it drops the start, keeps
everything between, and the build fails on the leftover end marker
("unknown node type: solution_end_node"). The extension (``setup`` below)
marks where each gated solution starts and removes everything up to its end.

How a chapter marks up its exercises (``tests/test_book.py`` enforces it):

* the exercise: a ``{exercise}`` directive with a ``:label:``, kept;
* its solution: everything from the ``{solution-start} <label>`` directive
  to the ``{solution-end}`` directive, markdown and code cells alike (a
  one-cell ``{solution}`` directive works too), removed here;
* the stub, for an exercise that asks for code: a code cell tagged
  ``student-stub`` and ``remove-cell`` (so the website does not show it),
  between the exercise and its solution, with the function's signature, a
  docstring, ``raise NotImplementedError`` and the self-check call, e.g.
  ``exercises.check_ex_2_1(huber)``. The student edition keeps it and drops
  the ``remove-cell`` tag. The solution's code cell ends with the same call.

Outputs are cleared; a short note after the title says it is the student
edition.
"""
import argparse
import csv
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient

from lossbook.exercises._core import NOT_WRITTEN  # what a self-check prints for an unfilled stub

ROOT = Path(__file__).resolve().parents[1]
STUB_TAG = "student-stub"
HIDE_TAG = "remove-cell"
#: An opening or closing line of a solution directive, with backticks or colons.
DIRECTIVE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>solution(?:-start|-end)?)\}")
MARKERS = ("{solution}", "{solution-start}", "{solution-end}")
EXERCISE = re.compile(r"^(?:`{3,}|:{3,})\{exercise(?:-start)?\}", re.M)
NOTE = (
    "```{note}\n"
    "Student edition: the solutions are removed. Where an exercise asks you to\n"
    "write code, a cell below it holds a stub that raises `NotImplementedError`\n"
    "and a self-check call: replace the stub with your code and run the cell.\n"
    "```"
)
GRADE_CELL = """\
import json as _json
from lossbook import exercises as _exercises
_grades = _exercises.grade(globals(), chapter={chapter})
print("LOSSBOOK-GRADE " + _json.dumps({{n: r.status for n, r in _grades.items()}}))
"""


class StudentEditionError(Exception):
    """A student notebook that leaks a solution or does not run as it should."""


# --------------------------------------------------------------------------- making


def _strip_solutions(text, inside):
    """The lines of one markdown cell outside solutions, and whether a solution is still open."""
    kept, lines, k = [], text.split("\n"), 0
    while k < len(lines):
        m = DIRECTIVE.match(lines[k])
        if m:  # skip the directive's own block, up to its closing fence
            close = next((j for j in range(k + 1, len(lines)) if lines[j].strip() == m["fence"]), None)
            if close is None:
                raise StudentEditionError(f"unclosed {{{m['name']}}} directive: {lines[k]!r}")
            k = close + 1
            inside = {"solution-start": True, "solution-end": False}.get(m["name"], inside)
            continue
        if not inside:
            kept.append(lines[k])
        k += 1
    return "\n".join(kept).strip("\n"), inside


def student_edition(book, chapter=None):
    """The student edition of a chapter notebook (a new notebook; ``book`` is not changed).

    After an exercise with no stub, an empty code cell awaits the answer
    ("# Exercise 2.3: your answer here.", numbered when ``chapter`` is given).
    """
    nb = nbformat.from_dict(json.loads(json.dumps(book)))
    cells, inside, count = [], False, 0
    for index, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            cell.source, inside = _strip_solutions(cell.source, inside)
            if cell.source.strip():
                cells.append(cell)
            for _ in EXERCISE.finditer(cell.source):
                count += 1
                if not _stub_follows(nb.cells, index):
                    name = f"Exercise {chapter}.{count}" if chapter else "The exercise above"
                    cells.append(nbformat.v4.new_code_cell(f"# {name}: your answer here."))
            continue
        if STUB_TAG in tags and inside:
            raise StudentEditionError(f"cell {index}: a {STUB_TAG} cell inside a solution")
        if inside:
            continue
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
            if STUB_TAG in tags:
                cell.metadata["tags"] = [t for t in tags if t != HIDE_TAG]
        cells.append(cell)
    if inside:
        raise StudentEditionError("a {solution-start} has no {solution-end}")
    cells.insert(1, nbformat.v4.new_markdown_cell(NOTE))
    nb.cells = cells
    nb.metadata["lossbook"] = {"edition": "student"}
    return nb


def _stub_follows(cells, index):
    """Whether the first code cell after ``index`` is a stub (the exercise's own)."""
    following = next((c for c in cells[index + 1:] if c.cell_type == "code"), None)
    return following is not None and STUB_TAG in following.metadata.get("tags", [])


def solution_only_lines(book):
    """Lines (stripped) that occur inside the book's solutions and nowhere else in it."""
    inside_lines, outside_lines, inside = set(), set(), False
    for cell in book.cells:
        if cell.cell_type == "markdown":
            kept, inside_after = _strip_solutions(cell.source, inside)
            everything = set(_lines(cell.source))
            outside_lines |= set(_lines(kept))
            inside_lines |= everything - set(_lines(kept))
            inside = inside_after
        elif inside:
            inside_lines |= set(_lines(cell.source))
        else:
            outside_lines |= set(_lines(cell.source))
    return {line for line in inside_lines - outside_lines if not DIRECTIVE.match(line)}


def _lines(text):
    return [line.strip() for line in text.split("\n") if line.strip()]


def leaks(student, book):
    """Where ``student`` still holds solution text: a list of messages (empty if none)."""
    found = []
    secret = solution_only_lines(book)
    for index, cell in enumerate(student.cells):
        for marker in MARKERS:
            if marker in cell.source:
                found.append(f"cell {index}: the marker {marker}")
        for line in _lines(cell.source):
            if line in secret:
                found.append(f"cell {index}: a line of a solution: {line!r}")
    return found


# --------------------------------------------------------------------------- running


def _client(nb, path, timeout):
    return NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                          interrupt_on_timeout=True, record_timing=False,
                          resources={"metadata": {"path": str(path)}})


def _error(cell):
    return next((o for o in cell.outputs if o.output_type == "error"), None)


def _text(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def run_to_first_stub(student, path=ROOT, timeout=300):
    """Run ``student`` in a fresh kernel; raise :class:`StudentEditionError` unless it behaves.

    Returns ``(cells_run, stubs_reached, stopped_at)``, where ``stopped_at`` is
    the index of the cell whose stub ``NotImplementedError`` ended the run, or None.
    """
    nb = nbformat.from_dict(json.loads(json.dumps(student)))
    client = _client(nb, path, timeout)
    run = stubs = 0
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, index)
            run += 1
            error, is_stub = _error(cell), STUB_TAG in cell.metadata.get("tags", [])
            if is_stub:
                if error:
                    raise StudentEditionError(f"stub cell {index} raised {error.ename}: {error.evalue} "
                                              "(its self-check should report, not raise)")
                if NOT_WRITTEN not in " ".join(_text(cell).split()):  # a self-check wraps long lines
                    raise StudentEditionError(f"stub cell {index} did not report '{NOT_WRITTEN}'; it "
                                              f"printed: {_text(cell)[:300]!r}. Is a solution left in it?")
                stubs += 1
            elif error:
                if stubs and error.ename == "NotImplementedError":
                    return run, stubs, index
                where = "after the first stub, not from a stub" if stubs else "before the first stub"
                raise StudentEditionError(f"cell {index} ({where}) raised {error.ename}: {error.evalue}\n"
                                          f"{cell.source[:400]}")
    return run, stubs, None


def make(paths, out, *, execute=True, log=print):
    """Write and verify the student edition of ``paths`` into ``out``; raise on the first problem."""
    out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        book = nbformat.read(path, as_version=4)
        student = student_edition(book, chapter=_chapter_prefix(path))
        found = leaks(student, book)
        if found:
            raise StudentEditionError(f"{path.name}: solutions left in the student edition:\n  "
                                      + "\n  ".join(found[:10]))
        target = out / path.name
        nbformat.write(student, target)
        if not execute:
            log(f"{target}: written ({sum(c.cell_type == 'code' for c in student.cells)} code cells)")
            continue
        start = time.perf_counter()
        try:
            run, stubs, stopped = run_to_first_stub(student, out)
        except StudentEditionError as exc:
            raise StudentEditionError(f"{target}: {exc}") from None
        how = f"stopped at cell {stopped} (an unfilled stub)" if stopped is not None else "ran to the end"
        log(f"{target}: ok, {run} code cells {how}, {stubs} stub(s) say '{NOT_WRITTEN}' "
            f"({time.perf_counter() - start:.1f} s)")


# --------------------------------------------------------------------------- grading


def _chapter_prefix(path):
    m = re.match(r"(\d+)_", Path(path).name)
    return int(m.group(1)) if m else None


def chapter_of(path, nb):
    """The chapter number of a notebook: from its self-check calls, else its file name."""
    for cell in nb.cells:
        m = re.search(r"check_ex_(\d+)_\d+\(", cell.source)
        if m:
            return int(m.group(1))
    return _chapter_prefix(path)


def grade_notebook(path, timeout=300):
    """``{exercise number: status}`` for one submitted notebook, after running it."""
    nb = nbformat.read(path, as_version=4)
    probe = nbformat.v4.new_code_cell(GRADE_CELL.format(chapter=chapter_of(path, nb)))
    nb.cells.append(probe)
    client = _client(nb, Path(path).resolve().parent, timeout)
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
    line = next((x for x in _text(probe).splitlines() if x.startswith("LOSSBOOK-GRADE ")), None)
    if line is None:
        error = _error(probe)
        raise StudentEditionError(f"{path}: grading failed: "
                                  f"{error.ename + ': ' + error.evalue if error else _text(probe)[:300]}")
    return json.loads(line.split(" ", 1)[1])


def grade(paths, csv_path=None, log=print):
    """Grade every notebook in ``paths``; one that cannot be run or read is reported and skipped."""
    rows = []
    for path in paths:
        try:
            grades = grade_notebook(path)
        except Exception as exc:  # noqa: BLE001 - one broken submission must not stop the others
            log(f"{path}: not graded: {type(exc).__name__}: {exc}")
            rows.append((str(path), "", "not graded"))
            continue
        passed = sum(status == "passed" for status in grades.values())
        summary = ", ".join(f"{n} {s}" for n, s in grades.items())
        log(f"{path}: {passed}/{len(grades)} passed ({summary})")
        rows += [(str(path), number, status) for number, status in grades.items()]
    if csv_path:
        with open(csv_path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([("notebook", "exercise", "status"), *rows])
    return rows


# --------------------------------------------------------------------------- the site without solutions


def site_config(out):
    """Write the no-solutions configuration into ``out`` and return its path."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config.setdefault("sphinx", {})
    sphinx.setdefault("config", {})["hide_solutions"] = True
    # jupyter-book resolves local extensions against the config file's folder: make them absolute
    extensions = {name: str((ROOT / path).resolve()) for name, path in (sphinx.get("local_extensions") or {}).items()}
    sphinx["local_extensions"] = {**extensions, "student": str(Path(__file__).resolve().parent)}
    config["title"] = f"{config.get('title', '')} (without solutions)".strip()
    out.mkdir(parents=True, exist_ok=True)
    path = out / "_config_nosolutions.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def build_site(out):
    """Build the website without solutions (strict, like ``make book``); raise if the build fails."""
    command = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(ROOT),
               "--config", str(site_config(out)), "--path-output", str(out),
               "--warningiserror", "--nitpick", "--keep-going"]
    if subprocess.run(command).returncode:
        raise StudentEditionError("the website without solutions did not build (see above)")
    html = out / "_build" / "html"
    print(f"website without solutions: {html / 'index.html'}")
    return html


def setup(app):
    """Sphinx extension: with ``hide_solutions``, remove gated solutions too (see the module docstring)."""
    from sphinx.transforms import SphinxTransform
    from sphinx_exercise.directive import SolutionStartDirective
    from sphinx_exercise.nodes import solution_end_node, solution_start_node

    class MarkedSolutionStart(SolutionStartDirective):
        def run(self):
            nodes = super().run()  # registers the gate; returns [] when hiding
            if self.env.app.config.hide_solutions:
                return [solution_start_node(label=self.arguments[0], hidden_start=True)]
            return nodes

    class RemoveGatedSolutions(SphinxTransform):
        default_priority = 5  # before sphinx-exercise merges start and end (priority 10)

        def apply(self):
            for start in list(self.document.findall(solution_start_node)):
                if not start.get("hidden_start"):
                    continue
                siblings = start.parent.children
                first = siblings.index(start)
                last = next(i for i in range(first, len(siblings)) if isinstance(siblings[i], solution_end_node))
                for node in siblings[first:last + 1]:
                    start.parent.remove(node)

    app.add_directive("solution-start", MarkedSolutionStart, override=True)
    app.add_transform(RemoveGatedSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --------------------------------------------------------------------------- command line


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="chapter notebooks (default: chapters/*.ipynb), or submissions with --grade")
    parser.add_argument("--out", type=Path, help="output folder (default: student/, or _build/nosolutions "
                                                  "with --site)")
    parser.add_argument("--no-run", action="store_true", help="do not run the student notebooks")
    parser.add_argument("--grade", action="store_true", help="grade submitted notebooks instead")
    parser.add_argument("--csv", type=Path, help="with --grade: also write the grades to this CSV file")
    parser.add_argument("--site", action="store_true", help="build the website without solutions instead")
    args = parser.parse_args(argv)
    try:
        if args.site:
            build_site(args.out or ROOT / "_build" / "nosolutions")
        elif args.grade:
            if not args.notebooks:
                parser.error("--grade needs the submitted notebooks")
            grade(args.notebooks, args.csv)
        else:
            paths = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
            make(paths, args.out or ROOT / "student", execute=not args.no_run)
    except StudentEditionError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
