"""The reference pages: glossary, loss and optimizer guides, common mistakes.

Checked against the chapters (every link target exists, every Korean term a
chapter introduces is in the glossary and its first use links to it, every
section of every chapter has a label), against PyTorch (every class the guides
name exists and takes the keywords it is given, every number the optimizer
guide quotes is one a chapter printed) and by running every code block of the
common-mistakes page.
"""
import contextlib
import importlib
import inspect
import io
import json
import math
import re
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

import lossbook

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "reference"
GLOSSARY = REFERENCE / "glossary.md"
LOSS_GUIDE = REFERENCE / "loss_guide.md"
MISTAKES = REFERENCE / "common_mistakes.md"
OPTIMIZER_GUIDE = REFERENCE / "optimizer_guide.md"
PAGES = [GLOSSARY, LOSS_GUIDE, OPTIMIZER_GUIDE, MISTAKES]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))

HANGUL = re.compile(r"[\uac00-\ud7a3]")
#: A Korean term: Hangul syllables, spaces and hyphens only ("쿨백-라이블러 발산").
KOREAN_TERM = re.compile(r"^[\uac00-\ud7a3][\uac00-\ud7a3 \-]*$")
ROLE = re.compile(r"\{(ref|numref|eq|doc|term|cite:p|cite:t|cite)\}`([^`]+)`")
#: "chapter 9" or "Chapters 9-10" in plain text, where the pages need a link.
PLAIN_CHAPTER = re.compile(r"\b[Cc]hapters? (\d+)(?:-(\d+))?\b")

#: Keras 3 loss classes (keras.io/api/losses, keras.losses module) and the
#: constructor keywords this book's guide uses with them.
KERAS_LOSSES = {
    "BinaryCrossentropy": {"from_logits", "label_smoothing", "axis"},
    "BinaryFocalCrossentropy": {"apply_class_balancing", "alpha", "gamma", "from_logits", "label_smoothing", "axis"},
    "CTC": set(),
    "CategoricalCrossentropy": {"from_logits", "label_smoothing", "axis"},
    "CategoricalFocalCrossentropy": {"alpha", "gamma", "from_logits", "label_smoothing", "axis"},
    "CategoricalHinge": set(),
    "CosineSimilarity": {"axis"},
    "Dice": set(),
    "Hinge": set(),
    "Huber": {"delta"},
    "KLDivergence": set(),
    "LogCosh": set(),
    "MeanAbsoluteError": set(),
    "MeanAbsolutePercentageError": set(),
    "MeanSquaredError": set(),
    "MeanSquaredLogarithmicError": set(),
    "Poisson": set(),
    "SparseCategoricalCrossentropy": {"from_logits", "ignore_class"},
    "SquaredHinge": set(),
    "Tversky": {"alpha", "beta"},
}

#: Keras 3 optimizers (keras.optimizers), schedules (keras.optimizers.schedules)
#: and callbacks (keras.callbacks) with the keywords of their documented
#: signatures (keras.io/api/optimizers, .../learning_rate_schedules, .../callbacks).
KERAS_CLIPPING = {"weight_decay", "clipnorm", "clipvalue", "global_clipnorm"}
KERAS_TRAINING = {
    "SGD": {"learning_rate", "momentum", "nesterov"} | KERAS_CLIPPING,
    "RMSprop": {"learning_rate", "rho", "momentum", "epsilon", "centered"} | KERAS_CLIPPING,
    "Adam": {"learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad"} | KERAS_CLIPPING,
    "AdamW": {"learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad"} | KERAS_CLIPPING,
    "ExponentialDecay": {"initial_learning_rate", "decay_steps", "decay_rate", "staircase"},
    "PiecewiseConstantDecay": {"boundaries", "values"},
    "CosineDecay": {"initial_learning_rate", "decay_steps", "alpha", "warmup_target", "warmup_steps"},
    "CosineDecayRestarts": {"initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha"},
    "ReduceLROnPlateau": {"monitor", "factor", "patience", "verbose", "mode", "min_delta", "cooldown", "min_lr"},
    "LearningRateScheduler": {"schedule", "verbose"},
}
#: Keras defaults the optimizer guide compares with PyTorch's (same documentation).
KERAS_DEFAULTS = {
    ("SGD", "learning_rate"): 0.01, ("RMSprop", "learning_rate"): 0.001, ("RMSprop", "rho"): 0.9,
    ("RMSprop", "epsilon"): 1e-7, ("Adam", "epsilon"): 1e-7, ("AdamW", "weight_decay"): 0.004,
}
#: The optimizer guide's names for a hyperparameter: (PyTorch keyword, Keras keyword).
HYPERPARAMETER_NAMES = {"learning rate": ("lr", "learning_rate"), "decay of the running mean": ("alpha", "rho"),
                        r"$\varepsilon$": ("eps", "epsilon"), r"$\lambda$": ("weight_decay", "weight_decay")}


# --------------------------------------------------------------------------
# Reading the chapters and the pages
# --------------------------------------------------------------------------

def read(path):
    return path.read_text(encoding="utf-8")


def markdown_cells(path):
    cells = json.loads(read(path))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def notebook_labels(nb):
    """(labels {ref} can reach, labels {eq} can reach) of one notebook, as lists."""
    refs, eqs = [], []
    for cell in json.loads(read(nb))["cells"]:
        text = "".join(cell["source"])
        refs += re.findall(r"^\(([\w-]+)\)=\s*$", text, re.M)
        refs += re.findall(r"```\{(?:exercise|figure|table|admonition)\}[^\n]*\n(?::[\w-]+:[^\n]*\n)*?:(?:label|name): ([\w-]+)", text)
        eqs += re.findall(r"```\{math\}\n:label: ([\w-]+)", text)
        eqs += re.findall(r"\$\$\s*\(([\w-]+)\)", text)
        name = cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("name")
        if name:
            refs.append(name)
    return refs, eqs


def page_labels(page):
    return re.findall(r"^\(([\w-]+)\)=\s*$", read(page), re.M)


def chapter_labels():
    """Labels {ref} can reach and labels {eq} can reach, in chapters and pages."""
    refs, eqs = set(), set()
    for nb in NOTEBOOKS:
        nb_refs, nb_eqs = notebook_labels(nb)
        refs |= set(nb_refs)
        eqs |= set(nb_eqs)
    for page in PAGES:
        refs |= set(page_labels(page))
    return refs, eqs


def without_python_blocks(text):
    return re.sub(r"```python\n.*?```", "", text, flags=re.S)


def roles(path):
    """(role, target) for every role in the page, outside code blocks."""
    found = []
    for role, body in ROLE.findall(without_python_blocks(read(path))):
        target = re.search(r"<([^<>]+)>$", body)
        found.append((role, (target.group(1) if target else body).strip()))
    return found


def glossary_entries():
    """(terms, definition lines) for each entry of the glossary directive."""
    block = re.search(r"```\{glossary\}\n(.*?)\n```", read(GLOSSARY), re.S).group(1)
    entries = []
    for chunk in re.split(r"\n\s*\n", block.strip("\n")):
        lines = chunk.split("\n")
        terms = [ln for ln in lines if ln and not ln[0].isspace()]
        definition = [ln.strip() for ln in lines if ln and ln[0].isspace()]
        entries.append((terms, definition))
    return entries


def glossary_terms():
    return {t.lower() for terms, _ in glossary_entries() for t in terms}


def prose(markdown):
    """A markdown cell's running text on one line, without headings and table rows.

    A table row such as the course notes' "in general (일반적인 경우) | Adam"
    quotes a label, it does not introduce a term.
    """
    lines = [ln for ln in markdown.splitlines() if not ln.lstrip().startswith(("#", "|"))]
    return " ".join(" ".join(lines).split())


def korean_introductions(text):
    """(Korean term, the text before it) for every "English (한국어)" in prose."""
    for m in re.finditer(r"([A-Za-z*`])\s*\(([^()]*)\)", text):
        start = m.start(2)
        for part in m.group(2).split(","):
            term = part.strip()
            if KOREAN_TERM.match(term):
                yield term, text[:start + part.index(term)]
            start += len(part) + 1


def chapter_korean_terms():
    """Korean terms the chapters introduce as "English (한국어)": {term: chapter}."""
    found = {}
    for nb in NOTEBOOKS:
        for text in markdown_cells(nb):
            for term, _ in korean_introductions(prose(text)):
                found.setdefault(term, nb.name)
    return found


TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")


def role_target(body):
    target = re.search(r"<([^<>]+)>$", body)
    return (target.group(1) if target else body).strip()


def glossary_entry_of():
    """{lower-cased term: its entry's first, English, term}."""
    return {t.lower(): terms[0] for terms, _ in glossary_entries() for t in terms}


def unlinked_introductions(cells):
    """(entry, Korean term) for each glossary entry whose first "English (한국어)"
    in the cells does not make the English term a {term} link to the entry."""
    entry_of = glossary_entry_of()
    seen, unlinked = set(), []
    for cell in cells:
        for term, before in korean_introductions(prose(cell)):
            entry = entry_of.get(term.lower())
            if entry is None or entry in seen:
                continue
            seen.add(entry)
            links = TERM_ROLE.findall(before[-160:])
            if not links or entry_of.get(role_target(links[-1]).lower()) != entry:
                unlinked.append((entry, term))
    return unlinked


def term_links(nb):
    """(cell index, line, target) of every {term} role in a notebook's markdown."""
    found = []
    for i, text in enumerate(markdown_cells(nb)):
        for line in without_python_blocks(text).splitlines():
            found += [(i, line, role_target(body)) for body in TERM_ROLE.findall(line)]
    return found


def chapters_linked_by(text):
    """Chapter numbers a glossary definition links to, through {ref}, {eq} or {doc}."""
    chapters = set()
    for role, body in ROLE.findall(text):
        target = role_target(body)
        if role == "doc":
            m = re.search(r"chapters/(\d\d)_", target)
            chapters |= {int(m.group(1))} if m else set()
        elif role in ("ref", "numref", "eq"):
            chapters |= {n for n, labels in LABELS_BY_CHAPTER.items() if target in labels}
    return chapters


LABELS_BY_CHAPTER = {int(nb.name[:2]): set(sum(notebook_labels(nb), [])) for nb in NOTEBOOKS}


def loss_guide_tables():
    """Each table of the loss guide whose header starts with "problem", as a list of row dicts."""
    tables = []
    lines = read(LOSS_GUIDE).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("| problem |"):
            header = [c.strip() for c in line.strip("|").split("|")]
            tables.append([])
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                cells = [c.strip() for c in row.strip("|").split(" | ")]
                assert len(cells) == len(header), f"loss guide: row has {len(cells)} cells: {row}"
                tables[-1].append(dict(zip(header, cells)))
    return tables


def guide_rows():
    """Rows of the loss guide as dicts keyed by the headers of both its tables.

    Each "why" table (problem, loss, last layer outputs, why) is followed by a
    code table (problem, PyTorch, Keras) with the same problems in the same order.
    """
    tables = loss_guide_tables()
    assert len(tables) % 2 == 0, "loss guide: a table without its code table"
    rows = []
    for why, in_code in zip(tables[::2], tables[1::2]):
        assert "why" in why[0] and "PyTorch" in in_code[0], "loss guide: a why table, then its code table"
        assert [r["problem"] for r in why] == [r["problem"] for r in in_code], \
            "loss guide: the code table's problems differ from the table above it"
        rows += [{**a, **b} for a, b in zip(why, in_code)]
    return rows


def code_spans(cell):
    return re.findall(r"`([^`]+)`", cell)


def resolve(dotted):
    """The object a name of the guide's PyTorch column refers to."""
    roots = {"nn": torch.nn, "F": F, "torch": torch, "lossbook": lossbook}
    head, *rest = dotted.split(".")
    obj = roots[head]
    for part in rest:
        obj = getattr(obj, part)
    return obj


def python_blocks(path):
    return re.findall(r"```python\n(.*?)```", read(path), re.S)


def mistake_sections():
    return re.split(r"\n(?=### )", read(MISTAKES))[1:]


# --------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_target_exists(page):
    refs, eqs = chapter_labels()
    terms = glossary_terms()
    bib = read(ROOT / "references.bib")
    for role, target in roles(page):
        if role in ("ref", "numref"):
            assert target in refs, f"{page.name}: {{{role}}} target {target!r} is not a label of the book"
        elif role == "eq":
            assert target in eqs, f"{page.name}: {{eq}} target {target!r} is not an equation label"
        elif role == "doc":
            base = ROOT / target.lstrip("/") if target.startswith("/") else page.parent / target
            assert any(base.with_suffix(s).exists() for s in (".md", ".ipynb")), \
                f"{page.name}: {{doc}} target {target!r} does not exist"
        elif role == "term":
            assert target.lower() in terms, f"{page.name}: {{term}} {target!r} is not in the glossary"
        else:
            for key in target.split(","):
                assert re.search(rf"@\w+\{{{re.escape(key.strip())},", bib), \
                    f"{page.name}: citation {key!r} is not in references.bib"


def test_link_check_fails_on_a_missing_label():
    refs, eqs = chapter_labels()
    assert "fig-outlier-fits" in refs and "ex-sum-vs-mean" in refs and "sec-loss-cost-objective" in refs
    assert "sec-batchnorm-residual" in refs and "sec-adamw" in refs and "optimizer-guide" in refs
    assert "eq-huber" in eqs and "eq-huber" not in refs
    assert "fig-no-such-figure" not in refs


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_name_chapters_only_in_links(page):
    """Every chapter is written: a plain "chapter 9" should be a link to it."""
    plain = [m.group(0) for m in PLAIN_CHAPTER.finditer(re.sub(ROLE, "", without_python_blocks(read(page))))]
    assert plain == [], f"{page.name}: {plain} in plain text: link the chapters' sections"


def test_plain_chapter_mentions_are_found():
    found = [m.group(0) for m in PLAIN_CHAPTER.finditer("Chapter 9. See chapters 9-10, not {ref}`chapter 2 <x>`.")]
    assert found == ["Chapter 9", "chapters 9-10", "chapter 2"]
    assert not PLAIN_CHAPTER.search(re.sub(ROLE, "", "{ref}`chapter 2 <sec-outliers>` and {doc}`chapter 7 <x>`"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_link_a_chapters_section_not_the_whole_chapter(page):
    """{doc} to a chapter is for the chapter as a whole; a section gets {ref}."""
    text = " ".join(read(page).split())
    assert not re.search(r"\{doc\}`[^`]*</chapters/[^`]*>`, \"", text), \
        f"{page.name}: a {{doc}} link followed by a quoted section title: use {{ref}} and the section's label"
    for body in re.findall(r"\{doc\}`([^`]*</chapters/[^`]*>)`", text):
        shown = body.split("<")[0].strip()
        assert re.fullmatch(r"chapter \d+", shown, re.I), \
            f"{page.name}: {{doc}}`{body}` names a section: use {{ref}} and its sec- label"


def test_reference_pages_are_in_the_toc():
    toc = read(ROOT / "_toc.yml")
    for page in PAGES:
        assert f"file: reference/{page.stem}\n" in toc, f"{page.name} is not in _toc.yml"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_code_lines_fit_the_page(page):
    for block in python_blocks(page):
        for line in block.splitlines():
            assert len(line) <= 80, f"{page.name}: code line longer than 80: {line!r}"


# --------------------------------------------------------------------------
# Chapters: section labels and links to the glossary
# --------------------------------------------------------------------------

@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_every_section_has_a_label(nb):
    for text in markdown_cells(nb):
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("## "):
                assert i > 0 and re.fullmatch(r"\(sec-[a-z0-9-]+\)=", lines[i - 1]), \
                    f"{nb.name}: {line!r} needs a (sec-...)= label on the line before it"


def test_section_labels_are_unique_across_the_book():
    seen = {}
    for path in NOTEBOOKS + PAGES:
        labels = notebook_labels(path)[0] if path.suffix == ".ipynb" else page_labels(path)
        for label in labels:
            assert label not in seen, f"label {label!r} of {path.name} is also in {seen[label]}"
            seen[label] = path.name
    assert sum(label.startswith("sec-") for label in seen) >= 85


def test_chapter_term_links_are_glossary_terms():
    terms = glossary_terms()
    for nb in NOTEBOOKS:
        for cell, _, target in term_links(nb):
            assert target.lower() in terms, f"{nb.name}, markdown cell {cell}: {{term}} {target!r} is not in the glossary"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_korean_introductions_link_the_english_term(nb):
    """ "model (모델)" at its first use in a chapter is "{term}`model` (모델)"."""
    assert unlinked_introductions(markdown_cells(nb)) == [], \
        f"{nb.name}: make the English term of these first uses a {{term}} link"


def test_the_introduction_check_finds_an_unlinked_term():
    cells = ["A **model** (모델) gets an {term}`input` (입력값).", "The **model** (모델) again."]
    assert unlinked_introductions(cells) == [("model", "모델")]
    cells = ["The {term}`loss function` (손실함수), the **loss function** (손실함수).",
             "Zero (the gradient **{term}`vanishes <vanishing gradient>`**, 기울기 소실)."]
    assert unlinked_introductions(cells) == []
    assert unlinked_introductions(["{term}`input` and the **model** (모델)"]) == [("model", "모델")]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_a_term_is_linked_once_per_chapter_and_not_in_titles(nb):
    entry_of = glossary_entry_of()
    seen = {}
    for cell, line, target in term_links(nb):
        assert not line.lstrip().startswith(("#", ":::{admonition}", "```{")), \
            f"{nb.name}, markdown cell {cell}: no {{term}} links in headings or titles: {line!r}"
        entry = entry_of.get(target.lower(), target)
        assert entry not in seen, f"{nb.name}: {entry!r} is linked in markdown cells {seen[entry]} and {cell}"
        seen[entry] = cell


#: Glossary entries defined by a chapter that no chapter links, and why.
NOT_LINKED_FROM_A_CHAPTER = {}


def test_glossary_terms_of_the_chapters_are_linked_from_a_chapter():
    entry_of = glossary_entry_of()
    linked = {entry_of.get(target.lower()) for nb in NOTEBOOKS for _, _, target in term_links(nb)}
    defined = [terms[0] for terms, definition in glossary_entries() if chapters_linked_by(definition[0])]
    assert len(defined) >= 130, "the glossary's links to the chapters were not found"
    for n in range(1, 11):
        assert any(n in chapters_linked_by(d[0]) for _, d in glossary_entries()), f"no glossary entry links chapter {n}"
    missing = [t for t in defined if t not in linked and t not in NOT_LINKED_FROM_A_CHAPTER]
    assert missing == [], f"glossary terms that no chapter links with {{term}}: {missing}"


# --------------------------------------------------------------------------
# Glossary
# --------------------------------------------------------------------------

def test_glossary_has_entries():
    assert len(glossary_entries()) >= 100


def test_every_glossary_entry_has_english_then_korean_terms():
    for terms, _ in glossary_entries():
        assert not HANGUL.search(terms[0]), f"glossary: the first term of {terms} must be English"
        assert any(HANGUL.search(t) for t in terms[1:]), \
            f"glossary: {terms[0]!r} has no Korean term"
        korean = [i for i, t in enumerate(terms) if HANGUL.search(t)]
        assert korean == list(range(korean[0], len(terms))), f"glossary: {terms}: Korean terms come last"


def test_glossary_is_sorted_by_english_term():
    firsts = [terms[0].lower() for terms, _ in glossary_entries()]
    for a, b in zip(firsts, firsts[1:]):
        assert a < b, f"glossary: {b!r} comes after {a!r}"


def test_glossary_terms_are_unique():
    seen = {}
    for terms, _ in glossary_entries():
        for t in terms:
            assert t.lower() not in seen, f"glossary: {t!r} is a term of {seen[t.lower()]!r} already"
            seen[t.lower()] = terms[0]


def test_every_glossary_definition_is_one_line_that_links_to_its_section():
    for terms, definition in glossary_entries():
        assert len(definition) == 1, f"glossary: {terms[0]!r} needs a one-line definition"
        text = definition[0]
        assert re.search(r"\{(ref|eq|doc)\}`", text), f"glossary: {terms[0]!r} links to no section"


def test_chapters_korean_terms_are_in_the_glossary():
    found = chapter_korean_terms()
    assert {"손실함수", "평균절대오차", "기울기 소실", "쿨백-라이블러 발산"} <= set(found), "term extraction broke"
    terms = glossary_terms()
    missing = {t: nb for t, nb in found.items() if t.lower() not in terms}
    assert not missing, f"Korean terms the chapters introduce but the glossary lacks: {missing}"


def test_korean_term_extraction_skips_units_and_korean_tables():
    """만원 (a unit) and a table's "연속형 (수치형)" are not terms."""
    found = chapter_korean_terms()
    assert not any("만원" in t for t in found)
    assert "수치형" in found and found["수치형"].startswith("01_")


def test_glossary_has_the_issue_terms():
    issue_terms = ["손실함수", "비용함수", "목적함수", "순전파", "역전파", "옵티마이저", "평균절대오차",
                   "평균제곱오차", "교차 엔트로피", "학습률", "기울기 소실", "기울기 폭발", "모멘텀",
                   "가중치 감쇠", "학습률 스케줄링", "워밍업", "강건 손실", "이상치", "레이블 잡음",
                   "손실함수 탐색"]
    terms = glossary_terms()
    assert [t for t in issue_terms if t not in terms] == []
    for english in ["loss function", "cost function", "objective function", "forward pass", "backpropagation",
                    "optimizer", "mean absolute error", "mae", "mse", "learning rate", "robust loss",
                    "outlier", "label noise", "loss function search"]:
        assert english in terms, f"glossary lacks {english!r}"


def test_glossary_has_the_terms_of_chapters_9_and_10():
    terms = glossary_terms()
    pairs = {"scale": "척도", "weight": "가중치", "search space": "탐색 공간", "cosine classifier": "코사인 분류기",
             "policy": "정책", "reward": "보상", "validation set": "검증 집합", "early stopping": "조기 종료",
             "ablation": "어블레이션", "rejection sampling": "기각 표집"}
    entry_of = glossary_entry_of()
    for english, korean in pairs.items():
        assert english in terms and korean in terms, f"glossary lacks {english!r} ({korean})"
        assert entry_of[english] == entry_of[korean], f"glossary: {english!r} and {korean!r} are different entries"


# --------------------------------------------------------------------------
# Loss-selection guide
# --------------------------------------------------------------------------

def test_loss_guide_has_rows():
    assert len(guide_rows()) >= 20


def test_loss_guide_pytorch_names_exist_and_take_their_keywords():
    for row in guide_rows():
        for span in code_spans(row["PyTorch"]):
            name = re.match(r"[\w.]+", span).group(0)
            obj = resolve(name)
            keywords = re.findall(r"(\w+)=", span)
            if keywords:
                params = inspect.signature(obj).parameters
                for kw in keywords:
                    assert kw in params, f"loss guide: {name} has no keyword {kw!r}"


def test_every_loss_guide_row_names_a_torch_nn_loss_or_says_there_is_none():
    for row in guide_rows():
        classes = [re.match(r"nn\.(\w+)", s).group(1) for s in code_spans(row["PyTorch"]) if s.startswith("nn.")]
        real = [c for c in classes if hasattr(torch.nn, c) and issubclass(getattr(torch.nn, c), torch.nn.Module)]
        assert real or "no `torch.nn` class" in row["PyTorch"], f"loss guide: {row['problem']!r} names no torch.nn loss"
        assert real == classes


def test_loss_guide_keras_names_are_keras_losses():
    for row in guide_rows():
        for span in code_spans(row["Keras"]):
            name = re.match(r"\w+", span).group(0)
            assert name in KERAS_LOSSES, f"loss guide: {name!r} is not a keras.losses class"
            for kw in re.findall(r"(\w+)=", span):
                assert kw in KERAS_LOSSES[name], f"loss guide: keras.losses.{name} has no keyword {kw!r}"


def test_every_loss_guide_row_links_to_why():
    for row in guide_rows():
        assert re.search(r"\{(ref|eq|doc)\}`", row["why"]), f"loss guide: {row['problem']!r} has no link"


def test_loss_guide_tables_fit_the_page():
    """The guide's tables have at most four columns: the names in code get a table of their own."""
    for table in loss_guide_tables():
        assert len(table[0]) <= 4, f"loss guide: a table with {len(table[0])} columns: {list(table[0])}"
    assert len(guide_rows()) == sum(map(len, loss_guide_tables())) // 2


def test_loss_guide_numbers_are_the_chapters_numbers():
    """Every number of a "why" cell was printed or written by a chapter."""
    plain = chapter_text(range(1, 11)).replace(",", "")
    numbers = [n for row in guide_rows() for n in quoted_numbers(row["why"])]
    assert len(numbers) >= 3
    for n in numbers:
        assert re.search(rf"(?<![\d.]){re.escape(n)}(?!\d)", plain), f"loss guide: {n} is in no chapter"


def test_losses_that_take_logits_are_fed_logits():
    """The correction to the course's table: no sigmoid or softmax before these."""
    takes_logits = {"BCEWithLogitsLoss", "CrossEntropyLoss", "MultiLabelSoftMarginLoss"}
    rows = [r for r in guide_rows() if takes_logits & set(re.findall(r"nn\.(\w+)", r["PyTorch"]))]
    assert len(rows) >= 6
    for row in rows:
        out = row["last layer outputs"]
        assert "logit" in out and not re.search(r"sigmoid|softmax", out, re.I), \
            f"loss guide: {row['problem']!r} must output logits, not {out!r}"


def test_loss_guide_numbers_are_pytorchs():
    text = " ".join(read(LOSS_GUIDE).split())
    probs = torch.tensor([[0.1, 0.3, 0.4, 0.2]], dtype=torch.float64)
    label = torch.tensor([1])
    as_logits = F.cross_entropy(probs, label).item()
    right = -math.log(0.3)
    floor = F.cross_entropy(torch.tensor([[0.0, 1.0, 0.0, 0.0]], dtype=torch.float64), label).item()
    assert f"{as_logits:.4f} instead of {right:.4f}" in text
    assert f"below {floor:.4f} for four classes" in text
    z, y = torch.tensor([-1000.0], dtype=torch.float64), torch.tensor([1.0], dtype=torch.float64)
    clamped = F.binary_cross_entropy(torch.sigmoid(z), y).item()
    exact = F.binary_cross_entropy_with_logits(z, y).item()
    assert f"reports {clamped:.0f}" in text and f"true loss is {exact:.0f}" in text
    assert f"{-math.log10(0.3):.4f}" in text


# --------------------------------------------------------------------------
# Common mistakes
# --------------------------------------------------------------------------

def titled_blocks():
    """(slug of the section title, code) for every python block of the page."""
    found = []
    for section in mistake_sections():
        slug = re.sub(r"[^a-z0-9]+", "-", section.splitlines()[0][4:].lower()).strip("-")
        found += [(slug, block) for block in re.findall(r"```python\n(.*?)```", section, re.S)]
    return found


BLOCKS = [block for _, block in titled_blocks()]


def test_common_mistakes_has_code():
    assert len(BLOCKS) >= 25 and len(BLOCKS) == len(python_blocks(MISTAKES))


@pytest.mark.parametrize("block", BLOCKS, ids=[slug for slug, _ in titled_blocks()])
def test_common_mistakes_code_runs(block):
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(block, str(MISTAKES), "exec"), {"__name__": "common_mistakes"})


def test_a_failing_block_would_be_caught():
    broken = BLOCKS[0].replace("== 12.0", "== 4.0")
    assert broken != BLOCKS[0]
    with pytest.raises(AssertionError), contextlib.redirect_stdout(io.StringIO()):
        exec(compile(broken, "broken", "exec"), {})


def test_every_mistake_says_wrong_and_right_and_links_to_a_chapter():
    sections = mistake_sections()
    assert len(sections) >= 30
    for section in sections:
        title = section.splitlines()[0]
        assert "**Wrong" in section and "**Right" in section, f"common mistakes: {title} lacks wrong/right"
        assert re.search(r"\{(ref|eq|doc)\}`", section), f"common mistakes: {title} links to no chapter"


def test_course_errata_are_all_listed():
    """Each erratum of the course material (the seeds' README) has an entry."""
    titles = "\n".join(s.splitlines()[0] for s in mistake_sections())
    for needle in [r"\log_{10}", "nn.CrossEntropyLoss", "minus sign", "Plain-Python", "MultiLabelSoftMarginLoss",
                   "division by $C$", "SoftMarginLoss", "TripletMarginLoss", "kl_div", "PoissonNLLLoss",
                   "GaussianNLLLoss", "HingeEmbeddingLoss", "Huber", "21 losses", "MAPE", "(y_true, y_pred)",
                   "nn.BCELoss", "Tanh", "RMSE",
                   # and what chapters 7 and 8 found in the notes' optimizer advice
                   "CosineAnnealingLR", "default learning rates", "clipnorm"]:
        assert needle in titles, f"common mistakes: no entry for {needle!r}"


# --------------------------------------------------------------------------
# Optimizer and scheduler guide
# --------------------------------------------------------------------------

def page_table(page, first_column):
    """Rows of every table of the page whose header starts with first_column, as dicts."""
    rows, lines = [], read(page).splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"| {first_column} |"):
            header = [c.strip() for c in line.strip("|").split("|")]
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                cells = [c.strip() for c in row.strip("|").split(" | ")]
                assert len(cells) == len(header), f"{page.name}: row has {len(cells)} cells: {row}"
                rows.append(dict(zip(header, cells)))
    return rows


SITUATIONS = [row for row in page_table(OPTIMIZER_GUIDE, "situation") if "why (measured)" in row]
SITUATIONS_IN_CODE = [row for row in page_table(OPTIMIZER_GUIDE, "situation") if "PyTorch" in row]
NOTES = page_table(OPTIMIZER_GUIDE, "the notes say")
OPTIMIZERS = page_table(OPTIMIZER_GUIDE, "optimizer")
SCHEDULES = page_table(OPTIMIZER_GUIDE, "schedule")
VERDICTS = ("supported", "partly supported", "not supported", "not tested", "wrong", "depends")


def resolve_training(dotted):
    """The object a name of the optimizer guide's PyTorch or lossbook column refers to."""
    roots = {"optim": torch.optim, "lr_scheduler": torch.optim.lr_scheduler, "torch": torch, "lossbook": lossbook}
    head, *rest = dotted.split(".")
    obj = roots[head]
    for part in rest:
        try:
            obj = getattr(obj, part)
        except AttributeError:  # a submodule that its package does not import
            obj = importlib.import_module(f"{obj.__name__}.{part}")
    return obj


def torch_spans():
    return [span for rows, column in [(SITUATIONS_IN_CODE, "PyTorch"), (OPTIMIZERS, "PyTorch"), (SCHEDULES, "PyTorch"),
                                      (OPTIMIZERS, "lossbook"), (SCHEDULES, "lossbook")]
            for row in rows for span in code_spans(row[column])]


def test_optimizer_guide_has_rows():
    assert [row["situation"] for row in SITUATIONS] == [row["situation"] for row in SITUATIONS_IN_CODE]
    assert len(SITUATIONS) >= 10 and len(NOTES) >= 15 and len(OPTIMIZERS) == 4 and len(SCHEDULES) >= 9


def test_optimizer_guide_pytorch_and_lossbook_names_exist_and_take_their_keywords():
    spans = torch_spans()
    assert len(spans) >= 40
    for span in spans:
        name = re.match(r"[\w.]+", span).group(0)
        assert re.match(r"(optim|lr_scheduler|torch|lossbook)\.", name), f"optimizer guide: {span!r} is not a name"
        obj = resolve_training(name)
        params = inspect.signature(obj).parameters
        for kw in re.findall(r"(\w+)=", span):
            assert kw in params, f"optimizer guide: {name} has no keyword {kw!r}"


def test_every_situation_names_a_torch_optimizer_scheduler_or_clipping():
    for row in SITUATIONS_IN_CODE:
        objects = [resolve_training(re.match(r"[\w.]+", s).group(0)) for s in code_spans(row["PyTorch"])]
        assert any(obj is torch.nn.utils.clip_grad_norm_
                   or isinstance(obj, type) and issubclass(obj, (torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler,
                                                                torch.optim.lr_scheduler.ReduceLROnPlateau))
                   for obj in objects), f"optimizer guide: {row['situation']!r} names no torch optimizer or scheduler"


def test_optimizer_and_schedule_rows_name_their_torch_class():
    for row in OPTIMIZERS:
        name = re.match(r"optim\.(\w+)", code_spans(row["PyTorch"])[0]).group(1)
        assert issubclass(getattr(torch.optim, name), torch.optim.Optimizer)
    for row in SCHEDULES:
        name = re.match(r"lr_scheduler\.(\w+)", code_spans(row["PyTorch"])[0]).group(1)
        cls = getattr(torch.optim.lr_scheduler, name)
        assert issubclass(cls, (torch.optim.lr_scheduler.LRScheduler, torch.optim.lr_scheduler.ReduceLROnPlateau))


def test_optimizer_guide_keras_names_are_keras_classes():
    spans = [s for rows in (SITUATIONS_IN_CODE, OPTIMIZERS, SCHEDULES) for row in rows for s in code_spans(row["Keras"])]
    assert len(spans) >= 25
    for span in spans:
        name = re.match(r"\w+", span).group(0)
        assert name in KERAS_TRAINING, f"optimizer guide: {name!r} is not a Keras optimizer, schedule or callback"
        for kw in re.findall(r"(\w+)=", span):
            assert kw in KERAS_TRAINING[name], f"optimizer guide: keras {name} has no keyword {kw!r}"


def test_every_optimizer_guide_row_links_to_its_measurement():
    for row in SITUATIONS:
        assert re.search(r"\{(ref|eq|doc)\}`", row["why (measured)"]), f"optimizer guide: {row['situation']!r}"
    for row in NOTES:
        assert re.search(r"\{(ref|eq|doc)\}`", row["what the book measured"]), f"optimizer guide: {row['the notes say']!r}"


def test_course_notes_verdicts_are_plain():
    """Each piece of the notes' advice is marked supported, contradicted or untested."""
    for row in NOTES:
        assert row["verdict"].startswith(VERDICTS), f"optimizer guide: verdict {row['verdict']!r}"
    verdict = {row["the notes say"].split(":")[0].split(" (")[0]: row["verdict"] for row in NOTES}
    for situation in ("RNN, LSTM", "Transformer", "large datasets"):
        assert verdict[situation] == "not tested", f"optimizer guide: nothing in the book tests {situation!r}"
    assert sum(v.startswith(("not tested", "not supported", "wrong")) for v in verdict.values()) >= 6


def chapter_text(numbers):
    """Markdown and stored outputs of the given chapters, as one string."""
    parts = []
    for nb in NOTEBOOKS:
        if int(nb.name[:2]) in numbers:
            for cell in json.loads(read(nb))["cells"]:
                parts.append("".join(cell["source"]))
                for out in cell.get("outputs", []):
                    parts.append("".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def quoted_numbers(cell):
    """Decimals, and whole numbers from 100 up, of a table cell outside math and links."""
    text = re.sub(r"\$[^$]*\$|\{\w+(:\w+)?\}`[^`]*`|`[^`]*`", " ", cell)
    decimals = re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])", text)
    wholes = [n.replace(",", "") for n in re.findall(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\w.])|(?<![\w.,])\d{3,}(?![\w.,])", text)]
    return decimals + wholes


def test_optimizer_guide_numbers_are_the_chapters_numbers():
    """Every number the guide quotes was printed or written by chapter 6, 7 or 8."""
    corpus = chapter_text({6, 7, 8})
    plain = corpus.replace(",", "")
    cells = [row["why (measured)"] for row in SITUATIONS] + [row["what the book measured"] for row in NOTES]
    numbers = [n for cell in cells for n in quoted_numbers(cell)]
    assert len(numbers) >= 40
    for n in numbers:
        assert re.search(rf"(?<![\d.]){re.escape(n)}(?!\d)", plain), f"optimizer guide: {n} is in no chapter"


def test_quoted_numbers_skip_math_and_links():
    assert quoted_numbers("0.981 at $10^{-2}$, 1,341 steps, {ref}`ex-1.5`, `lr=0.25`") == ["0.981", "1341"]


def test_optimizer_defaults_the_guide_compares_are_the_libraries():
    pairs = 0
    for row in OPTIMIZERS:
        cls = re.match(r"optim\.(\w+)", code_spans(row["PyTorch"])[0]).group(1)
        for name, ours, theirs in re.findall(r"([^;:]+): PyTorch ([\d.e-]+), Keras ([\d.e-]+)", row["defaults that differ"]):
            torch_kw, keras_kw = HYPERPARAMETER_NAMES[name.strip()]
            default = inspect.signature(getattr(torch.optim, cls)).parameters[torch_kw].default
            assert float(ours) == default, f"optimizer guide: torch.optim.{cls}'s {torch_kw} defaults to {default}"
            assert float(theirs) == KERAS_DEFAULTS[cls, keras_kw]
            assert default != KERAS_DEFAULTS[cls, keras_kw]
            pairs += 1
    assert pairs == 6


def test_adam_with_decoupled_weight_decay_is_adamw():
    """The guide's alternative spelling of AdamW in PyTorch 2.13."""
    grads = torch.randn(20, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    params = [torch.ones(3, dtype=torch.float64, requires_grad=True) for _ in range(3)]
    opts = [torch.optim.AdamW([params[0]], lr=0.1, weight_decay=0.5),
            torch.optim.Adam([params[1]], lr=0.1, weight_decay=0.5, decoupled_weight_decay=True),
            torch.optim.Adam([params[2]], lr=0.1, weight_decay=0.5)]
    for g in grads:
        for p, opt in zip(params, opts):
            p.grad = g.clone()
            opt.step()
    assert torch.allclose(params[1], params[0], rtol=1e-14, atol=0)
    assert not torch.allclose(params[2], params[0], rtol=1e-3)         # Adam + L2 differs


def test_cosine_annealing_lr_climbs_back_after_t_max():
    """The guide: CosineAnnealingLR is back at the initial rate at 2 * T_max."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=50)
    rates = []
    for _ in range(101):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    assert rates[50] < 1e-12 and math.isclose(rates[100], 0.1, rel_tol=1e-9)
