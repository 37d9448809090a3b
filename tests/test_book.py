"""The book's conventions, checked on every chapter notebook.

These are the rules a new chapter must follow (see the README's "Writing a
chapter"); each test names the notebook and cell that breaks one.
"""
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))

#: The first code cell of every chapter; the repository URL comes from _config.yml.
SETUP_CELL = '''\
# Colab only (does nothing locally or in Binder): install lossbook.
# Colab's own torch, NumPy and matplotlib satisfy its requirements.
import sys

if "google.colab" in sys.modules:
    import subprocess

    url = "{url}"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    f"lossbook @ git+{{url}}@{branch}"], check=True)'''

#: Widest code line that fits the website's code blocks without a scroll bar.
MAX_LINE = 80


def toc_files(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("file", "root"):
                yield value
            else:
                yield from toc_files(value)
    elif isinstance(node, list):
        for item in node:
            yield from toc_files(item)


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell):
    return "".join(cell["source"])


def test_there_are_chapters():
    assert NOTEBOOKS, "no notebooks in chapters/"


def test_toc_and_chapters_agree():
    files = set(toc_files(TOC))
    for f in files:
        assert any((ROOT / f).with_suffix(s).exists() for s in (".md", ".ipynb")), f"_toc.yml names missing {f}"
    for nb in NOTEBOOKS:
        assert str(nb.relative_to(ROOT).with_suffix("")) in files, f"{nb.name} is not in _toc.yml"


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def nb(request):
    return request.param, load(request.param)


def test_first_cell_says_what_the_reader_learns_and_needs(nb):
    path, book = nb
    first = book["cells"][0]
    assert first["cell_type"] == "markdown" and source(first).startswith("# "), f"{path.name}: no title cell"
    text = source(first)
    assert "You will learn" in text and "You need" in text, f"{path.name}: first cell lacks learn/need"


def test_setup_imports_seeds_order(nb):
    path, book = nb
    cells = code_cells(book)
    expected = SETUP_CELL.format(url=CONFIG["repository"]["url"], branch=CONFIG["repository"]["branch"])
    assert source(cells[0]) == expected, f"{path.name}: first code cell must be the Colab set-up cell"
    assert re.search(r"^import |^from ", source(cells[1]), re.M), f"{path.name}: second code cell must be imports"
    assert "np.random.default_rng(" in source(cells[2]) and "torch.manual_seed(" in source(cells[2]), \
        f"{path.name}: third code cell must seed rng and torch"


def test_no_global_numpy_random_state(nb):
    path, book = nb
    for i, cell in enumerate(code_cells(book)):
        assert not re.search(r"np\.random\.(seed|rand|randn|normal|uniform|choice|randint)\(", source(cell)), \
            f"{path.name}, code cell {i}: pass an rng instead of using NumPy's global random state"


def test_every_figure_has_caption_and_alt_text(nb):
    path, book = nb
    for i, cell in enumerate(code_cells(book)):
        if any("image/png" in o.get("data", {}) or "image/svg+xml" in o.get("data", {}) for o in cell["outputs"]):
            meta = cell["metadata"].get("mystnb", {})
            caption = meta.get("figure", {}).get("caption")
            alt = meta.get("image", {}).get("alt")
            assert caption and alt and meta["figure"].get("name"), \
                f"{path.name}, code cell {i}: figure needs mystnb.figure.caption/name and mystnb.image.alt"


def test_executed_cleanly_with_outputs_stored(nb):
    path, book = nb
    for i, cell in enumerate(code_cells(book)):
        assert cell["execution_count"] is not None, f"{path.name}, code cell {i}: not executed (run make outputs)"
        assert not any(o["output_type"] == "error" for o in cell["outputs"]), f"{path.name}, code cell {i}: error"
    counts = [c["execution_count"] for c in code_cells(book)]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: run top to bottom once (make outputs)"


def test_key_numbers_are_compared_by_nbval(nb):
    path, book = nb
    checked = [c for c in code_cells(book) if "nbval-check-output" in c["metadata"].get("tags", [])]
    assert len(checked) >= 3, f"{path.name}: tag the cells that print the chapter's key numbers"
    for cell in checked:
        assert any(o["output_type"] == "stream" or "text/plain" in o.get("data", {}) for o in cell["outputs"]), \
            f"{path.name}: a cell tagged nbval-check-output prints nothing"


def test_code_lines_fit_the_page(nb):
    path, book = nb
    for i, cell in enumerate(code_cells(book)):
        for line in source(cell).splitlines():
            assert len(line) <= MAX_LINE, f"{path.name}, code cell {i}: line longer than {MAX_LINE}: {line!r}"


def test_exercises_have_hidden_solutions_that_run(nb):
    path, book = nb
    cells = book["cells"]
    text = [source(c) for c in cells]
    exercises = [m.group(1) for t in text for m in re.finditer(r"```\{exercise\}\n:label: ([\w-]+)", t)]
    assert len(exercises) >= 4, f"{path.name}: at least four exercises"
    for label in exercises:
        starts = [i for i, t in enumerate(text) if re.search(rf"```\{{solution-start\}} {label}\n:class: dropdown", t)]
        assert len(starts) == 1, f"{path.name}: exercise {label} needs one dropdown solution-start"
        end = next(i for i in range(starts[0], len(text)) if "```{solution-end}" in text[i])
        assert any(cells[i]["cell_type"] == "code" for i in range(starts[0], end)), \
            f"{path.name}: the solution of {label} has no code cell to execute"


def test_binder_pins_agree_with_requirements():
    def pins(path):
        out = {}
        for line in (ROOT / path).read_text().splitlines():
            m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s+]+)", line)
            if m:
                out[m.group(1).lower()] = m.group(2)
        return out
    ours, binder = pins("requirements.txt"), pins("binder/requirements.txt")
    assert binder and all(ours[name] == version for name, version in binder.items()), (ours, binder)
    assert ours["torch"] == "2.13.0"


# --- self-checks (lossbook.exercises) and their stubs --------------------------------------
# These rules apply to notebooks that have self-check stubs; see tools/student.py for the
# markup and lossbook/exercises/__init__.py for adding a check.

STUB_TAG = "student-stub"
CHECK_CALL = re.compile(r"\bexercises\.check_ex_(\d+)_(\d+)\(")


def exercise_positions(cells):
    """(cell index, label) of every {exercise}, in order: the website numbers them 1, 2, ..."""
    return [(i, m.group(1)) for i, c in enumerate(cells) if c["cell_type"] == "markdown"
            for m in re.finditer(r"```\{exercise\}\n:label: ([\w-]+)", source(c))]


def solution_span(cells, label):
    start = next(i for i, c in enumerate(cells) if re.search(rf"\{{solution-start\}} {label}\n", source(c)))
    end = next(i for i in range(start, len(cells)) if "```{solution-end}" in source(cells[i]))
    return start, end


def stream_text(cell):
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", []) if o["output_type"] == "stream")


def test_self_check_stubs_sit_between_exercise_and_solution(nb):
    path, book = nb
    from lossbook import exercises

    cells = book["cells"]
    stubs = [i for i, c in enumerate(cells) if STUB_TAG in c["metadata"].get("tags", [])]
    positions = exercise_positions(cells)
    chapter = int(path.name[:2]) if stubs else None  # the website numbers exercises <chapter>.<position>
    for i in stubs:
        where = f"{path.name}, cell {i}"
        tags, text = cells[i]["metadata"]["tags"], source(cells[i])
        assert cells[i]["cell_type"] == "code" and "remove-cell" in tags, f"{where}: a stub is a code cell tagged remove-cell"
        assert "raise NotImplementedError" in text, f"{where}: the stub must raise NotImplementedError"
        calls = CHECK_CALL.findall(text)
        assert len(calls) == 1, f"{where}: the stub must call exactly one exercises.check_ex_N_M"
        number = [k for k, (at, _) in enumerate(positions) if at < i][-1] + 1
        exercise_cell, label = positions[number - 1]
        assert calls[0] == (str(chapter), str(number)), \
            f"{where}: the stub follows Exercise {chapter}.{number} ({label}) but calls check_ex_{'_'.join(calls[0])}"
        name = f"check_ex_{chapter}_{number}"
        assert getattr(exercises, name).__name__ == name and \
            exercises._core.EXERCISES[f"{chapter}.{number}"].label == label, f"{where}: {name} checks another label"
        start, end = solution_span(cells, label)
        assert all(c["cell_type"] == "markdown" for c in cells[exercise_cell + 1:i]) and i < start, \
            f"{where}: the stub must be the first code cell after its exercise, before the solution"
        assert f"exercises.{name}(" in source(cells[exercise_cell]), f"{where}: the exercise text must name {name}"
        printed = " ".join(stream_text(cells[i]).split())  # a self-check wraps its long lines
        assert "not written yet" in printed, f"{where}: the stored stub output must say 'not written yet'"
        solved = [c for c in cells[start:end] if c["cell_type"] == "code" and f"exercises.{name}(" in source(c)]
        assert solved, f"{where}: the solution of {label} must call exercises.{name}"
        assert f"Exercise {chapter}.{number} ({label}):" in stream_text(solved[-1]) and \
            "passed all" in stream_text(solved[-1]), f"{where}: the solution's self-check must pass"
    if stubs:
        assert re.search(r"^from lossbook import[^\n]*\bexercises\b|^from lossbook import \([^)]*\bexercises\b",
                         source(code_cells(book)[1]), re.M), f"{path.name}: import exercises in the imports cell"


def test_every_self_check_has_its_stub_in_its_chapter():
    from lossbook import exercises

    for number, exercise in exercises._core.EXERCISES.items():
        chapter = [p for p in NOTEBOOKS if p.name.startswith(f"{exercise.chapter:02d}_")]
        assert len(chapter) == 1, f"Exercise {number}: no chapter {exercise.chapter:02d}_*.ipynb"
        cells = load(chapter[0])["cells"]
        stubs = [c for c in cells if STUB_TAG in c["metadata"].get("tags", [])
                 and f"exercises.{exercise.check.__name__}(" in source(c)]
        assert len(stubs) == 1, f"{chapter[0].name}: Exercise {number} needs one stub calling {exercise.call}"
