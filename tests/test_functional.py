"""lossbook.functional is PyTorch's loss catalog: complete, same names and
defaults, same values.

The detailed parity tests (hypothesis over shapes, gradients, edge cases,
error messages) live with each topic module; this file checks the catalog as
a whole, and fails when PyTorch gains a loss that lossbook lacks.
"""
import inspect
import re
import warnings

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

import lossbook.functional as LF
from conftest import TOL
from lossbook import classification, embedding, likelihood, margin, regression, sequence
from lossbook.catalog import CATALOG, FAMILIES

#: torch.nn classes named *Loss that are not loss functions of (input, target).
NOT_LOSSES = {
    "AdaptiveLogSoftmaxWithLoss": "a layer with its own parameters (a clustered softmax) that returns "
                                  "outputs and a loss; it has no functional form",
}
#: Keyword arguments of torch's functionals that lossbook deliberately lacks.
SKIPPED_KEYWORDS = {
    "size_average": "deprecated in PyTorch since 0.4; use reduction",
    "reduce": "deprecated in PyTorch since 0.4; use reduction",
    "options": "linear_cross_entropy's chunking options change speed and memory, not the value",
}


def torch_loss_functionals():
    """{class name: functional name} for every loss class of torch.nn, read from its forward()."""
    found = {}
    for name, cls in vars(nn).items():
        if inspect.isclass(cls) and name.endswith("Loss") and name not in NOT_LOSSES:
            calls = re.findall(r"\bF\.(\w+)\(", inspect.getsource(cls.forward))
            assert calls, f"cannot find the functional behind torch.nn.{name}"
            found[name] = calls[0]
    return found


TORCH_LOSSES = torch_loss_functionals()


def test_pytorch_2_13_has_22_losses():
    assert len(TORCH_LOSSES) == 22, sorted(TORCH_LOSSES)


@pytest.mark.parametrize("cls_name", sorted(TORCH_LOSSES))
def test_every_torch_loss_class_has_a_functional_twin(cls_name):
    name = TORCH_LOSSES[cls_name]
    assert hasattr(LF, name), f"torch.nn.{cls_name} (F.{name}) has no lossbook.functional.{name}"


def test_functional_exports_exactly_the_catalog():
    assert sorted(LF.__all__) == sorted(TORCH_LOSSES.values())


def test_functional_reexports_the_topic_modules():
    homes = [regression, classification, likelihood, margin, embedding, sequence]
    for name in LF.__all__:
        fn = getattr(LF, name)
        assert any(getattr(module, name, None) is fn for module in homes), name


@pytest.mark.parametrize("name", sorted(TORCH_LOSSES.values()))
def test_keyword_names_and_defaults_match_torch(name):
    ours = inspect.signature(getattr(LF, name)).parameters
    theirs = {k: p for k, p in inspect.signature(getattr(F, name)).parameters.items()
              if k not in SKIPPED_KEYWORDS}
    assert set(ours) == set(theirs), f"{name}: ours {sorted(ours)}, torch {sorted(theirs)}"
    for key, param in theirs.items():
        if param.default is not inspect.Parameter.empty:
            assert ours[key].default == param.default, f"{name}({key}=...): {ours[key].default!r} vs {param.default!r}"
    # the data arguments come first, in torch's order; every option is keyword-only
    data = [k for k, p in ours.items() if p.default is inspect.Parameter.empty and p.kind != p.KEYWORD_ONLY]
    assert data == [k for k, p in theirs.items() if p.default is inspect.Parameter.empty and p.kind != p.KEYWORD_ONLY]
    assert all(p.kind == p.KEYWORD_ONLY for k, p in ours.items() if k not in data)


# ---------------------------------------------------------------- the sweep
# Every catalog entry x its options x every reduction x float64/float32.

REDUCTIONS = {"kl_div": ["mean", "sum", "none", "batchmean"]}


def _sweep():
    for name, make, option_sets in ((e.name, e.example, e.options) for e in CATALOG):
        for k, options in enumerate(option_sets):
            for reduction in REDUCTIONS.get(name, ["mean", "sum", "none"]):
                for dtype in (np.float64, np.float32):
                    yield pytest.param(name, make, options, reduction, dtype,
                                       id=f"{name}-{k}-{reduction}-{np.dtype(dtype).name}")


def _to_torch(value, dtype):
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        return torch.from_numpy(value.astype(np.int64))
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value.astype(dtype))
    return value


def _cast(value, dtype):
    return value.astype(dtype) if isinstance(value, np.ndarray) and value.dtype.kind == "f" else value


def test_catalog_covers_every_loss_once():
    assert sorted(e.name for e in CATALOG) == sorted(LF.__all__)
    assert {e.torch_class: e.name for e in CATALOG} == TORCH_LOSSES
    assert all(e.options[0] == {} and e.family in FAMILIES for e in CATALOG)


@pytest.mark.parametrize("name, make, options, reduction, dtype", list(_sweep()))
def test_catalog_equals_torch(name, make, options, reduction, dtype):
    data = [_cast(a, dtype) for a in make(np.random.default_rng(len(name)))]
    opts = {k: _cast(v, dtype) for k, v in options.items()}
    with warnings.catch_warnings():  # torch 2.13 warns that kl_div's "mean" will change
        warnings.filterwarnings("ignore", message="reduction: 'mean' divides the total loss", category=UserWarning)
        expected = getattr(F, name)(*(_to_torch(a, dtype) for a in data),
                                    **{k: _to_torch(v, dtype) for k, v in opts.items()}, reduction=reduction)
    got = getattr(LF, name)(*data, **opts, reduction=reduction)
    assert got.dtype == dtype, f"{name} returned {got.dtype} for {np.dtype(dtype).name} input"
    assert got.shape == tuple(expected.shape)
    rtol, atol = TOL[np.dtype(dtype).type]  # float64: 1e-12, tighter than the 1e-10 the book promises
    np.testing.assert_allclose(got, expected.numpy(), rtol=rtol, atol=atol)


def test_largest_difference_is_tiny_for_lossbook_and_catches_a_wrong_loss():
    from lossbook.catalog import largest_difference
    entry = next(e for e in CATALOG if e.name == "mse_loss")
    assert largest_difference(entry, rng=np.random.default_rng(0)) < 1e-12

    def off_by_a_bit(input, target, **kw):
        return LF.mse_loss(input, target, **kw) * (1 + 1e-6)
    assert largest_difference(entry, rng=np.random.default_rng(0), ours=off_by_a_bit) > 1e-7
