r"""The machinery behind every self-check: run, compare, diagnose, report.

A self-check is declared once, with :func:`self_check`, as a function of an
``rng`` that returns a :class:`Spec`: the test inputs (:class:`Case`), the
reference, the typical mistakes (:class:`Mistake`) with their hints, and a
general hint. The decorator turns it into the public check the notebook
calls, ``check_ex_2_1(huber)``, which

1. draws fresh inputs (``seed=None``) or reproducible ones (``seed=0``);
2. calls the student's answer on a *copy* of each input, catching every
   exception, recording NumPy's warnings, and noticing changed inputs;
3. compares with the reference (shape, non-finite values, then values with
   a tolerance set by the input's dtype);
4. on the first difference, looks for a known mistake (the answer equals a
   :class:`Mistake`'s output; when several fit that input, the other inputs
   decide), then for a simple relation (opposite sign, a constant factor, a
   constant shift), else uses the general hint;
5. prints one message and returns a :class:`CheckResult` (truthy when passed).

A check never raises on a wrong answer, never prints code: messages hold
inputs, expected and obtained values, and hints written in words.
"""
import copy
import dataclasses
import inspect
import math
import os
import textwrap
import traceback
import warnings
from typing import Callable, NamedTuple

import numpy as np

from .._checks import first_index

#: Phrases the tools and tests look for in a check's message.
PASSED = "passed"
NOT_WRITTEN = "not written yet"

#: The statuses of a :class:`CheckResult`.
STATUSES = ("passed", "failed", "error", "not written", "missing")

#: (rtol, atol) by input dtype: loose enough for another correct formula's
#: rounding, tight enough that every real mistake is far outside.
TOLERANCE = {np.dtype(np.float64): (1e-9, 1e-12), np.dtype(np.float32): (2e-5, 1e-6)}

_SYMBOL = {"passed": "✓", "failed": "✗", "error": "✗", "not written": "…", "missing": "…"}
_HERE = os.path.dirname(os.path.abspath(__file__))
#: Frames from these folders (NumPy, the standard library) are not the student's code.
_LIBRARY_DIRS = tuple(os.path.dirname(os.path.abspath(m.__file__)) for m in (np, os))

#: Every registered self-check, by exercise number ("2.1"), in registration order.
EXERCISES = {}


class Case(NamedTuple):
    r"""One test input: named arguments (passed positionally, in order) and a note."""

    args: dict
    note: str = ""
    scale: float | None = None  # size of the terms an output is a difference of (atol = rtol * scale)


class Mistake(NamedTuple):
    r"""A typical wrong answer: ``fn(*args)`` computes it, ``hint`` says what to fix."""

    hint: str
    fn: Callable


class Spec(NamedTuple):
    r"""Everything one check needs, built by the decorated function from an ``rng``."""

    cases: list
    reference: Callable                  # (*args) -> the expected output
    hint: str                            # said when no specific mistake is recognised
    about: str                           # what the cases cover, for the success line
    mistakes: tuple = ()
    call: Callable | None = None         # (answers, *args) -> output; default answers[0](*args)
    outputs: tuple | None = None         # names of the outputs when there are several
    nonfinite_hint: str = ""             # said when the answer gives inf/nan where the truth is finite


class AnswerProblem(Exception):
    r"""Raised by a ``Spec.call`` adapter when the answer has the wrong form (not an error in it)."""

    def __init__(self, text, hint=""):
        super().__init__(text)
        self.text, self.hint = text, hint


@dataclasses.dataclass(frozen=True)
class Exercise:
    r"""A registered self-check: its number as the website shows it, its label, its answers."""

    number: str
    label: str
    answers: tuple
    check: Callable = dataclasses.field(repr=False, compare=False)

    @property
    def chapter(self):
        return int(self.number.split(".")[0])

    @property
    def call(self):
        r"""The call a notebook writes, e.g. ``exercises.check_ex_2_1(huber)``."""
        return f"exercises.{self.check.__name__}({', '.join(self.answers)})"


@dataclasses.dataclass(frozen=True)
class CheckResult:
    r"""What a self-check found. ``bool(result)`` is ``result.passed``.

    Attributes:
        exercise: the exercise number, e.g. ``"2.1"``.
        label: the exercise's label in the chapter, e.g. ``"ex-huber-scratch"``.
        status: one of ``"passed"``, ``"failed"``, ``"error"`` (the answer
            raised), ``"not written"`` (it raised ``NotImplementedError``) or
            ``"missing"`` (not defined, from :func:`grade`).
        cases: how many inputs were checked before the result was known.
        message: the message that was (or, with ``quiet=True``, would be) printed.
    """

    exercise: str
    label: str
    status: str
    cases: int
    message: str = dataclasses.field(repr=False)

    @property
    def passed(self):
        return self.status == "passed"

    def __bool__(self):
        return self.passed

    def __str__(self):
        return self.message

    def _ipython_display_(self):
        # The message is printed when the check runs; showing the returned
        # object again as the cell's value would only repeat it.
        pass


# --------------------------------------------------------------------------- registration


def self_check(number, label, answers):
    r"""Register ``spec(rng) -> Spec`` as the self-check of exercise ``number``.

    Returns the public check ``check(*answers, seed=None, quiet=False)``; its
    name must be ``check_ex_<chapter>_<n>`` (as in ``number``).

    Args:
        number: the exercise's number on the website, e.g. ``"2.1"``.
        label: the ``:label:`` of its ``{exercise}`` directive.
        answers: the names the student defines, space-separated
            (``"huber"``, or ``"sse sse_grad"`` for an exercise with two).
    """
    names = tuple(answers.split())

    def decorate(spec):
        def check(*given, seed=None, quiet=False):
            exercise = EXERCISES[number]
            problem = _bad_call(exercise, given)
            if problem:
                return _report(exercise, "error", 0, problem, quiet)
            return _run(exercise, spec(np.random.default_rng(seed)), given, quiet)

        check.__name__ = check.__qualname__ = spec.__name__
        check.__module__ = spec.__module__
        check.__doc__ = spec.__doc__
        params = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_ONLY) for n in names]
        params += [inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=v)
                   for k, v in (("seed", None), ("quiet", False))]
        check.__signature__ = inspect.Signature(params)
        expected_name = "check_ex_" + number.replace(".", "_")
        if spec.__name__ != expected_name:
            raise ValueError(f"the check of exercise {number} must be named {expected_name}; got {spec.__name__}.")
        if number in EXERCISES:
            raise ValueError(f"exercise {number} has two self-checks: {EXERCISES[number].label} and {label}.")
        EXERCISES[number] = Exercise(number, label, names, check)
        return check

    return decorate


def _bad_call(exercise, given):
    name = exercise.check.__name__
    usage = f"{name}({', '.join(exercise.answers)})"
    if len(given) != len(exercise.answers):
        return [f"{name} takes {len(exercise.answers)} answer(s); got {len(given)}.",
                ("hint", f"Call it like this: {usage}.")]
    for answer_name, answer in zip(exercise.answers, given):
        if not callable(answer) and type(answer).__name__ == answer_name:
            return [f"{name} needs the class {answer_name} itself; got a {answer_name} object.",
                    ("hint", f"Call it like this: {usage}, with no parentheses after "
                             f"{answer_name}: the check builds its own objects.")]
        if not callable(answer):
            return [f"{name} needs your {answer_name} itself; got {_kind(answer)}.",
                    ("hint", f"Call it like this: {usage}, with no parentheses after "
                             f"{answer_name}: the check calls it on its own inputs.")]
    return None


def _call_by_name(fn, usage, args, options):
    r"""``fn(*args, **options)``, after checking that the call fits the exercise's signature.

    The exercises of chapters 7, 8 and 10 pass their options by keyword
    (``lr=0.1``): a function written with other names fails here, with a
    message, rather than with a TypeError from deep inside the check.
    """
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # some callables (builtins) have none: just call
        signature = None
    if signature is not None:
        try:
            signature.bind(*args, **options)
        except TypeError as exc:
            raise AnswerProblem(
                f"It cannot be called as the exercise says, {usage}: {exc}.",
                f"Keep the exercise's signature, {usage}: the check passes "
                f"{', '.join(options)} by name.") from None
    return fn(*args, **options)


# --------------------------------------------------------------------------- running


def _run(exercise, spec, answers, quiet):
    r"""Each case in turn; the first that fails decides the report."""
    call = spec.call or (lambda given, *args: given[0](*args))
    who = " and ".join(exercise.answers)
    for done, case in enumerate(spec.cases):
        expected = spec.reference(*copy.deepcopy(list(case.args.values())))
        given = copy.deepcopy(case.args)
        try:
            with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
                warnings.simplefilter("always")
                got = call(answers, *given.values())
        except NotImplementedError as exc:
            name = _raised_in(exc) or who
            if done == 0:
                lines = [f"{name} is {NOT_WRITTEN} (it raises NotImplementedError).",
                         ("next", "Replace `raise NotImplementedError` with your code and run "
                                  "the cell again.")]
                return _report(exercise, "not written", done, lines, quiet)
            lines = [f"{name} raised NotImplementedError, after working on {done} other input(s).",
                     _inputs(case), ("hint", "Remove the `raise NotImplementedError` line.")]
            return _report(exercise, "error", done, lines, quiet)
        except AnswerProblem as problem:
            lines = [f"{who} {_is(exercise)} not right yet. {problem.text}", ("hint", problem.hint)]
            return _report(exercise, "failed", done, lines, quiet)
        except Exception as exc:  # the student's bug: reported, never re-raised
            return _report(exercise, "error", done, _error_lines(who, case, exc, spec), quiet)
        changed = [k for k in case.args if not _same(case.args[k], given[k])]
        if changed:
            lines = [f"{who} {_is(exercise)} not right yet: it changed its input "
                     f"{', '.join(changed)} in place.", _inputs(case),
                     ("hint", "Work on a copy, or build a new array (r = r ** 2 rather than "
                              "r **= 2): whoever calls your function still needs the original.")]
            return _report(exercise, "failed", done, lines, quiet)
        mismatch = compare(got, expected, _tolerance(case), spec.outputs)
        if mismatch:
            lines = [f"{who} {_is(exercise)} not right yet."]
            rerun = _rerun(call, answers)
            lines += _failure_lines(case, got, expected, mismatch, spec, caught, rerun)
            return _report(exercise, "failed", done, lines, quiet)
    lines = [f"{who} {PASSED} all {len(spec.cases)} tests ({spec.about}). Well done!"]
    return _report(exercise, "passed", len(spec.cases), lines, quiet)


def _is(exercise):
    return "is" if len(exercise.answers) == 1 else "are"


def _report(exercise, status, cases, lines, quiet):
    r"""Print (unless quiet) and return the result; ``lines`` are text or (label, text) pairs."""
    head = f"{_SYMBOL[status]} Exercise {exercise.number} ({exercise.label}): {lines[0]}"
    out = [textwrap.fill(head, 78, subsequent_indent="  ")]
    for line in lines[1:]:
        if isinstance(line, tuple):
            label, text = line
            if text:
                out.append(_fill(text if isinstance(text, list) else [text], f"  {label + ':':<10}"))
        elif line:
            out.append(textwrap.fill(line, 78, initial_indent="  ", subsequent_indent="    ",
                                     break_on_hyphens=False))
    message = "\n".join(out)
    if not quiet:
        print(message)
    return CheckResult(exercise.number, exercise.label, status, cases, message)


def _fill(parts, first, width=78):
    r"""Join ``parts`` with ", ", breaking lines between parts (inside one only if it is too long)."""
    indent = " " * len(first)
    lines, line, empty = [], first, True
    for k, part in enumerate(parts):
        piece = part + ("," if k < len(parts) - 1 else "")
        if not empty and len(line) + 1 + len(piece) > width:
            lines.append(line)
            line, empty = indent, True
        line += ("" if empty else " ") + piece
        empty = False
    lines.append(line)
    return "\n".join(textwrap.fill(x, width, subsequent_indent=indent, break_on_hyphens=False)
                     if len(x) > width else x for x in lines)


def _raised_in(exc):
    r"""The qualified name of the function that raised ``exc`` (the innermost frame)."""
    tb = exc.__traceback__
    while tb and tb.tb_next:
        tb = tb.tb_next
    return tb.tb_frame.f_code.co_qualname.split("<locals>.")[-1] if tb else ""


def _student_line(exc):
    r"""The last line of the traceback that is neither ours nor a library's: the student's."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = os.path.abspath(frame.filename) if os.path.exists(frame.filename) else frame.filename
        if path.startswith(_HERE) or "site-packages" in path or path.startswith(_LIBRARY_DIRS):
            continue
        if frame.line:
            return f"line {frame.lineno}: {frame.line.strip()}"
    return ""


_ERROR_HINTS = {
    "NameError": "A name is not defined: run the cells above first (Run All), and check the spelling.",
    "TypeError": "Check the number and order of the arguments, and that every value is an array "
                 "or a number (not None).",
    "IndexError": "Check the shapes: print the shape of each array in your function.",
}


def _error_lines(who, case, exc, spec):
    return [f"{who} raised {type(exc).__name__}.",
            ("error", f"{type(exc).__name__}: {exc}"),
            _inputs(case),
            ("in", _student_line(exc)),
            ("hint", _ERROR_HINTS.get(type(exc).__name__, spec.hint))]


# --------------------------------------------------------------------------- comparing


class Mismatch(NamedTuple):
    r"""The first difference found by :func:`compare`."""

    kind: str                  # "none", "type", "length", "shape", "nonfinite", "value"
    text: str                  # what differs, in words
    output: int | None = None  # which output (when there are several)
    index: tuple | None = None  # where, for arrays


def to_numpy(value):
    r"""A NumPy array from an answer's output (arrays, numbers, torch tensors); ``None`` if impossible."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value)
    except Exception:  # ragged lists, odd objects
        return None
    return arr if arr.dtype.kind in "biuf" else None


def compare(got, expected, tol, names=None):
    r"""The first way ``got`` differs from ``expected`` (a :class:`Mismatch`), or ``None``.

    ``expected`` is an array or number, or a tuple of them (several outputs,
    named by ``names``). ``tol`` is ``(rtol, atol)``; NaN equals NaN and
    infinities must match exactly.
    """
    if got is None:
        return Mismatch("none", "your function returned None.")
    if isinstance(expected, tuple):
        if isinstance(got, (str, bytes)) or not hasattr(got, "__len__") or len(got) != len(expected):
            size = f"{len(got)} values" if hasattr(got, "__len__") else _kind(got)
            return Mismatch("length", f"expected {len(expected)} values ({', '.join(names)}), got {size}.")
        for k, (g, e) in enumerate(zip(got, expected)):
            m = compare(g, e, tol)
            if m:
                return m._replace(output=k)
        return None
    arr, exp = to_numpy(got), np.asarray(expected)
    if arr is None:
        return Mismatch("type", f"expected numbers, got {_kind(got)}.")
    if arr.shape != exp.shape:
        return Mismatch("shape", f"the shapes differ: expected {exp.shape}, got {arr.shape}.")
    arr64, exp64 = arr.astype(np.float64), exp.astype(np.float64)
    rtol, atol = tol
    bad = ~np.isfinite(arr64) & np.isfinite(exp64)
    if bad.any():
        index = first_index(bad)
        return Mismatch("nonfinite", f"got {arr64[index]} where {exp64[index]:.10g} is right.", index=index)
    with np.errstate(invalid="ignore"):
        close = np.abs(arr64 - exp64) <= atol + rtol * np.abs(exp64)
        ok = np.where(np.isfinite(exp64), close, arr64 == exp64)  # an infinity must match exactly
        ok |= np.isnan(arr64) & np.isnan(exp64)
    if not ok.all():
        index = first_index(~ok)
        return Mismatch("value", f"expected {exp64[index]:.10g}, got {arr64[index]:.10g}.", index=index)
    return None


def _kind(value):
    return "None" if value is None else f"a {type(value).__name__}"


def _same(a, b):
    if hasattr(a, "detach"):
        a, b = a.detach().cpu().numpy(), b.detach().cpu().numpy()
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return True  # numbers and strings cannot be changed in place


def _tolerance(case):
    r"""(rtol, atol) of the case's dtype; ``case.scale`` widens atol where terms cancel."""
    float32 = any(getattr(v, "dtype", None) == np.float32 for v in case.args.values())
    rtol, atol = TOLERANCE[np.dtype(np.float32 if float32 else np.float64)]
    return rtol, max(atol, rtol * (case.scale or 0.0))


# --------------------------------------------------------------------------- diagnosing


def _rerun(call, answers):
    r"""The answer's output on another case, or None if it raises (used only to tell mistakes apart)."""
    def run(case):
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                return call(answers, *copy.deepcopy(case.args).values())
        except Exception:  # noqa: BLE001 - any failure just means "no evidence"
            return None
    return run


def _failure_lines(case, got, expected, mismatch, spec, caught, rerun):
    lines = [_inputs(case)]
    if mismatch.kind in ("none", "length", "type"):
        lines.append(mismatch.text)
    else:
        lines += [("expected", _show(expected, spec.outputs)), ("got", _show(got, spec.outputs)),
                  _where(case, mismatch, spec.outputs)]
    return lines + [("hint", _diagnose(case, got, expected, mismatch, spec, caught, rerun))]


def _where(case, mismatch, outputs):
    if mismatch.kind == "shape":
        return mismatch.text[0].upper() + mismatch.text[1:]
    if not mismatch.index and mismatch.output is None:
        return ""  # a single number: the expected and got lines say it all
    text = "First difference"
    if mismatch.output is not None:
        text += f" in {outputs[mismatch.output]}"
    index = mismatch.index
    if index:
        at = [f"{name} = {np.asarray(v)[index]:.6g}" for name, v in case.args.items()
              if np.ndim(v) == len(index) and np.asarray(v).dtype.kind in "fi"
              and all(i < s for i, s in zip(index, np.shape(v)))]
        text += f" at index {index[0] if len(index) == 1 else index}" + (f" ({', '.join(at)})" if at else "")
    return f"{text}: {mismatch.text}"


def _diagnose(case, got, expected, mismatch, spec, caught, rerun):
    if mismatch.kind == "none":
        return "Did you forget `return`? A function that only prints (or assigns) returns None."
    if mismatch.kind == "length":
        return f"Return all of them, in this order: return {', '.join(spec.outputs)}."
    if mismatch.kind == "type":
        return "Return a NumPy array or a number."
    if mismatch.kind == "nonfinite":
        said = sorted({str(w.message) for w in caught})
        warned = f" NumPy warned: {'; '.join(said)}." if said else ""
        return (f"Your result is inf or nan where the true value is finite.{warned} "
                + (spec.nonfinite_hint or "An exponential of a large number overflows, and the log "
                   "of 0 is -inf: use the chapter's stable form, which never exponentiates a large "
                   "positive number."))
    suspects = [m for m in spec.mistakes if _matches(m, case, got, spec)]
    for other in spec.cases:  # two mistakes can agree on one input: let the other inputs decide
        if len(suspects) < 2:
            break
        if other is not case:
            answer = rerun(other)
            narrowed = [m for m in suspects if _matches(m, other, answer, spec)]
            suspects = narrowed or suspects
    if suspects:
        return suspects[0].hint
    if mismatch.kind == "shape":
        return _shape_hint(got, expected, mismatch.output)
    return _relation(got, expected, mismatch.output) or spec.hint


def _matches(mistake, case, got, spec):
    r"""Whether the answer's output ``got`` on ``case`` is what ``mistake`` gives."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            wrong = mistake.fn(*copy.deepcopy(case.args).values())
    except Exception:  # noqa: BLE001 - a mistake that cannot be computed here is not the one made
        return False
    return got is not None and compare(got, wrong, _tolerance(case), spec.outputs) is None


def _shape_hint(got, expected, k):
    g = np.shape(to_numpy(got if k is None else got[k]))
    e = np.shape(expected if k is None else expected[k])
    if e == ():
        return "Return a single number (reduce the values to one), not an array."
    if math.prod(g) <= 1 < math.prod(e):
        return "Keep one value per element: no sum or mean at the end."
    if tuple(d for d in g if d != 1) == tuple(d for d in e if d != 1):
        return ("Your result has an extra or a missing axis of length 1: keep the shape of the "
                "input (no keepdims, no reshape to a column).")
    return "Compare the shapes above: is an axis summed over, transposed or missing?"


def _relation(got, expected, k):
    r"""'opposite sign', 'a constant factor' or 'a constant shift', if one explains the difference."""
    g = to_numpy(got if k is None else got[k])
    e = np.asarray(expected if k is None else expected[k], np.float64)
    if g is None or g.shape != e.shape or not np.all(np.isfinite(g)):
        return ""
    g, e = g.astype(np.float64).ravel(), e.ravel()
    scale = max(np.max(np.abs(e), initial=0.0), 1e-300)
    values = "Your values are" if g.size > 1 else "Your value is"
    if np.allclose(g, -e, rtol=1e-7, atol=1e-9 * scale):
        return (f"{values} the expected ones with the opposite sign: check the order of a "
                "subtraction (prediction minus target, or the other way round).")
    big = np.abs(e) > 1e-6 * scale
    if big.any() and np.allclose(g[~big], 0, atol=1e-6 * scale):
        ratio = g[big] / e[big]
        if np.ptp(ratio) <= 1e-7 * abs(ratio[0]) and not math.isclose(ratio[0], 1.0, rel_tol=1e-7):
            return (f"{values} {ratio[0]:.6g} times the expected: look for a missing or extra "
                    "constant factor (a 2, a 1/2, or dividing by the number of elements).")
    shift = g - e
    if g.size > 1 and np.ptp(shift) <= 1e-7 * scale and abs(shift[0]) > 1e-7 * scale:
        return (f"{values} all off by the same amount, {shift[0]:.6g}: look for a constant you "
                "add or subtract (or forget to).")
    return ""


# --------------------------------------------------------------------------- showing


def _show(value, names=None):
    if isinstance(value, tuple) and names:
        return [f"{n} = {_show(v)}" for n, v in zip(names, value)]
    arr = to_numpy(value)
    if arr is None:
        return _kind(value)
    if arr.ndim == 0:
        return f"{arr.item():.10g}"
    with np.printoptions(threshold=12, edgeitems=3, linewidth=10_000,
                         formatter={"float_kind": lambda v: f"{v:.6g}"}):
        text = " ".join(np.array2string(arr, separator=", ").split())
    notes = [f"shape {arr.shape}"] if arr.ndim > 1 or arr.size > 12 else []
    notes += [str(arr.dtype)] if arr.dtype not in (np.float64, np.int64) else []
    return text + (f" ({', '.join(notes)})" if notes else "")


def _inputs(case):
    shown = [f"{name} = {value!r}" if isinstance(value, str) else f"{name} = {_show(value)}"
             for name, value in case.args.items()]
    return ("input", shown + ([f"[{case.note}]"] if case.note else []))


# --------------------------------------------------------------------------- grading


def grade(namespace, *, chapter=None, seed=None):
    r"""Run, quietly, every self-check whose answers are defined in ``namespace``.

    For grading a notebook: run it, then call ``grade(globals(), chapter=2)``
    in its kernel (``tools/student.py --grade`` does exactly that).

    Args:
        namespace: a mapping of names, usually ``globals()`` of a notebook.
        chapter: only the exercises of this chapter (an int); all if None.
        seed: passed to every check (None: fresh inputs).

    Returns:
        ``{number: CheckResult}`` in exercise order; an exercise whose
        answer is not defined gets status ``"missing"``.
    """
    results = {}
    for number, exercise in EXERCISES.items():
        if chapter is not None and exercise.chapter != chapter:
            continue
        absent = [name for name in exercise.answers if name not in namespace]
        if absent:
            lines = [f"{' and '.join(absent)} {'is' if len(absent) == 1 else 'are'} not defined "
                     "in the notebook."]
            results[number] = _report(exercise, "missing", 0, lines, True)
        else:
            answers = [namespace[name] for name in exercise.answers]
            results[number] = exercise.check(*answers, seed=seed, quiet=True)
    return results


def listing():
    r"""The registered self-checks as ``(number, label, call)`` rows, in order."""
    return [(e.number, e.label, e.call) for e in EXERCISES.values()]


__all__ = ["CheckResult", "Case", "Mistake", "Spec", "AnswerProblem", "self_check", "grade", "compare",
           "listing", "EXERCISES", "PASSED", "NOT_WRITTEN", "STATUSES", "TOLERANCE"]
