"""Tests of tools/student.py: the student edition holds no solution and runs up to its first stub.

Fast tests make the edition of every chapter (no kernel) and look for any
solution text with an independent search of the book's raw JSON. Slower
tests start kernels: a small notebook that must pass, the same notebook
broken in each way the verifier must catch (a solution left in, a cell that
fails before the first stub, another error after it), one real chapter, and
grading of a submitted notebook.
"""
import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

spec = importlib.util.spec_from_file_location("student", ROOT / "tools" / "student.py")
student = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student)


def tiny_book():
    """A chapter in miniature: imports, an exercise with a stub and a solution, an exercise without."""
    cells = [
        new_markdown_cell("# Tiny\n\n**You will learn** x. **You need** y."),
        new_code_cell("import numpy as np\nfrom lossbook import exercises"),
        new_markdown_cell("```{exercise}\n:label: ex-huber-scratch\n\nWrite `huber(r, delta)`.\n\n"
                          "Self-check: `exercises.check_ex_2_1(huber)`.\n```"),
        new_code_cell("def huber(r, delta):\n    raise NotImplementedError  # replace this line\n\n\n"
                      "exercises.check_ex_2_1(huber)"),
        new_markdown_cell("```{solution-start} ex-huber-scratch\n:class: dropdown\n```\n"
                          "Use np.where on the SECRET-TEXT threshold."),
        new_code_cell("def huber(r, delta):\n    a = np.abs(r)  # SECRET-CODE\n"
                      "    return np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta))\n\n"
                      "exercises.check_ex_2_1(huber)"),
        new_markdown_cell("```{solution-end}\n```\nText after the solution, kept."),
        new_markdown_cell("```{exercise}\n:label: ex-other\n\nExplain.\n```"),
        new_markdown_cell(":::{solution} ex-other\n:class: dropdown\nONE-CELL-SOLUTION\n:::\nKept too."),
        new_code_cell("print('the end')"),
    ]
    cells[3].metadata["tags"] = ["remove-cell", "student-stub"]
    cells[5].outputs = [nbformat.v4.new_output("stream", text="✓ passed")]
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})


def sources(nb):
    return "\n".join(c.source for c in nb.cells)


def test_student_edition_removes_solutions_and_keeps_stubs():
    book = tiny_book()
    before = json.dumps(book)
    nb = student.student_edition(book, chapter=2)
    text = sources(nb)
    assert json.dumps(book) == before  # the book is not changed
    for secret in ("SECRET-TEXT", "SECRET-CODE", "ONE-CELL-SOLUTION", "{solution", "0.5 * r**2"):
        assert secret not in text, secret
    for kept in ("Text after the solution, kept.", "Kept too.", "print('the end')", ":label: ex-other",
                 "raise NotImplementedError", "exercises.check_ex_2_1(huber)"):
        assert kept in text, kept
    stub = next(c for c in nb.cells if "student-stub" in c.metadata.get("tags", []))
    assert stub.metadata["tags"] == ["student-stub"]  # no remove-cell: a notebook user must see it
    assert "# Exercise 2.2: your answer here." in text  # a cell for the exercise without a stub
    assert "Student edition" in nb.cells[1].source and nb.metadata["lossbook"]["edition"] == "student"
    assert all(c.outputs == [] and c.execution_count is None for c in nb.cells if c.cell_type == "code")
    assert student.leaks(nb, book) == []


def test_leaks_finds_a_solution_left_in():
    book = tiny_book()
    nb = student.student_edition(book)
    nb.cells.append(nbformat.from_dict(json.loads(json.dumps(book.cells[5]))))  # the solution's code cell
    found = student.leaks(nb, book)
    assert any("a line of a solution: 'a = np.abs(r)  # SECRET-CODE'" in f for f in found), found
    nb.cells.append(new_markdown_cell("```{solution-end}\n```"))
    assert any("the marker {solution-end}" in f for f in student.leaks(nb, book))


@pytest.mark.parametrize("bad,words", [
    (lambda nb: nb.cells.__setitem__(6, new_markdown_cell("no end")), "has no {solution-end}"),
    (lambda nb: nb.cells[4].__setitem__("source", "```{solution-start} x\n:class: dropdown"), "unclosed"),
    (lambda nb: nb.cells.insert(5, nbformat.from_dict(json.loads(json.dumps(nb.cells[3])))), "inside a solution"),
])
def test_student_edition_refuses_broken_markup(bad, words):
    book = tiny_book()
    bad(book)
    with pytest.raises(student.StudentEditionError, match=re.escape(words)):
        student.student_edition(book)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_chapter_leaks_a_solution(path):
    book = nbformat.read(path, as_version=4)
    nb = student.student_edition(book, chapter=int(path.name[:2]))
    assert student.leaks(nb, book) == []
    # An independent search of the raw JSON: every code line inside a solution block that
    # appears nowhere else in the book must be absent from the student edition.
    raw = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = ["".join(c["source"]) for c in raw]
    inside, secret, public = False, set(), set()
    for cell, src in zip(raw, text):
        if "{solution-start}" in src:
            inside = True
        lines = {line.strip() for line in src.splitlines() if line.strip()}
        (secret if inside and cell["cell_type"] == "code" else public).update(lines)
        if "{solution-end}" in src:
            inside = False
    leaked = (secret - public) & {line.strip() for line in sources(nb).splitlines()}
    assert secret and not leaked, leaked
    assert "{solution" not in sources(nb)
    book_stubs = [c.source for c in book.cells if "student-stub" in c.metadata.get("tags", [])]
    edition_stubs = [c.source for c in nb.cells if "student-stub" in c.metadata.get("tags", [])]
    assert edition_stubs == book_stubs


def test_the_command_fails_loudly_on_a_leak(tmp_path, monkeypatch, capsys):
    path = tmp_path / "02_tiny.ipynb"
    nbformat.write(tiny_book(), path)
    assert student.main([str(path), "--out", str(tmp_path / "out"), "--no-run"]) == 0
    assert nbformat.read(tmp_path / "out" / "02_tiny.ipynb", as_version=4).metadata["lossbook"]
    keep_all = lambda nb, chapter=None: nbformat.from_dict(json.loads(json.dumps(nb)))  # noqa: E731
    monkeypatch.setattr(student, "student_edition", keep_all)
    assert student.main([str(path), "--out", str(tmp_path / "out"), "--no-run"]) == 1
    assert "FAILED: 02_tiny.ipynb: solutions left in the student edition" in capsys.readouterr().err


# --------------------------------------------------------------------------- running (kernels)


def runnable():
    """The tiny book's student edition, plus a later cell that calls the unfilled stub."""
    nb = student.student_edition(tiny_book(), chapter=2)
    nb.cells.append(new_code_cell("huber(np.ones(2), 1.0)  # needs the student's code"))
    nb.cells.append(new_code_cell("print('never reached')"))
    return nb


def test_a_student_notebook_runs_to_its_first_unfilled_stub():
    run, stubs, stopped = student.run_to_first_stub(runnable(), ROOT)
    assert stubs == 1 and stopped == len(runnable().cells) - 2 and run == 5


def test_the_run_fails_on_an_error_before_the_first_stub():
    nb = runnable()
    nb.cells.insert(2, new_code_cell("np.log(undefined_name)"))
    with pytest.raises(student.StudentEditionError, match=r"cell 2 \(before the first stub\) raised NameError"):
        student.run_to_first_stub(nb, ROOT)


def test_the_run_fails_when_a_stub_holds_a_solution():
    nb = runnable()
    stub = next(c for c in nb.cells if "student-stub" in c.metadata.get("tags", []))
    stub.source = tiny_book().cells[5].source  # the solution, left where the stub should be
    with pytest.raises(student.StudentEditionError, match="did not report 'not written yet'.*passed all"):
        student.run_to_first_stub(nb, ROOT)


def test_the_run_fails_on_another_error_after_the_stub():
    nb = runnable()
    nb.cells[-2] = new_code_cell("solution_only_name + 1")
    with pytest.raises(student.StudentEditionError, match=r"after the first stub, not from a stub\) raised NameError"):
        student.run_to_first_stub(nb, ROOT)


def test_a_real_chapter_runs_in_the_student_edition(tmp_path):
    path = ROOT / "chapters" / "04_loss_catalog.ipynb"
    lines = []
    student.make([path], tmp_path, log=lines.append)
    assert re.fullmatch(r".*04_loss_catalog\.ipynb: ok, \d+ code cells ran to the end, 1 stub\(s\) say "
                        r"'not written yet' \(\d+\.\d s\)", lines[0]), lines


def test_grading_a_submission(tmp_path):
    nb = runnable()
    nb.cells = nb.cells[:-2]
    stub = next(c for c in nb.cells if "student-stub" in c.metadata.get("tags", []))
    stub.source = tiny_book().cells[5].source  # a correct answer
    nb.cells.append(new_code_cell("def huber_grad(r, delta):\n    return r  # forgot the clip"))
    path = tmp_path / "02_alice.ipynb"
    nbformat.write(nb, path)
    broken = tmp_path / "02_bob.ipynb"
    broken.write_text("not a notebook")
    lines = []
    rows = student.grade([path, broken], tmp_path / "grades.csv", log=lines.append)
    assert rows == [(str(path), "2.1", "passed"), (str(path), "2.2", "failed"), (str(broken), "", "not graded")]
    assert lines[0] == f"{path}: 1/2 passed (2.1 passed, 2.2 failed)"
    assert lines[1].startswith(f"{broken}: not graded: ")
    assert (tmp_path / "grades.csv").read_text().splitlines()[1] == f"{path},2.1,passed"


# --------------------------------------------------------------------------- the site without solutions

PAGE = """# Page

```{exercise}
:label: ex-a

Write SOMETHING.
```

```{solution-start} ex-a
:class: dropdown
```
GATED-SOLUTION-TEXT

```python
print("GATED-SOLUTION-CODE")
```

```{solution-end}
```

After the gated solution.

:::{solution} ex-a
ONE-BLOCK-SOLUTION
:::

The end.
"""


def sphinx_build(tmp_path, extensions):
    import subprocess
    import sys

    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "index.md").write_text(PAGE, encoding="utf-8")
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'tools')!r})\n"
        f"extensions = {extensions!r}\nmyst_enable_extensions = ['colon_fence']\nhide_solutions = True\n",
        encoding="utf-8")
    out = tmp_path / f"html-{len(extensions)}"
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)],
                          capture_output=True, text=True)
    return done, out / "index.html"


def test_hide_solutions_with_the_extension_removes_gated_and_one_block_solutions(tmp_path):
    done, page = sphinx_build(tmp_path, ["myst_parser", "sphinx_exercise", "student"])
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert "Write SOMETHING." in html and "After the gated solution." in html and "The end." in html
    for secret in ("GATED-SOLUTION-TEXT", "GATED-SOLUTION-CODE", "ONE-BLOCK-SOLUTION", "solution-content"):
        assert secret not in html, secret
    # without it, sphinx-exercise 1.2.1 fails on the end marker its hidden start leaves behind
    done, _ = sphinx_build(tmp_path, ["myst_parser", "sphinx_exercise"])
    assert done.returncode != 0 and "solution_end_node" in done.stderr + done.stdout


def test_the_site_configuration_sets_hide_solutions(tmp_path):
    import yaml

    config = yaml.safe_load(student.site_config(tmp_path).read_text(encoding="utf-8"))
    assert config["sphinx"]["config"]["hide_solutions"] is True
    extensions = config["sphinx"]["local_extensions"]
    assert extensions["student"] == str(ROOT / "tools")
    assert all(Path(path).is_absolute() and Path(path).is_dir() for path in extensions.values()), extensions
    assert config["repository"] == yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
