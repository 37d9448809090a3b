"""fit_classifier: equal to the same training run written in torch, counts, divergence, errors.

Oracle: a torch MLP with the same initial weights and the same batches
(rebuilt from the same seed), trained by torch.optim with F.cross_entropy.
"""
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import assert_close
from lossbook import optim
from lossbook.backprop import MLP
from lossbook.data import Digits
from lossbook.descent import fit_classifier


def small_data(seed=0, n=(60, 20, 20), features=5, classes=3):
    """Random points whose class is the argmax of a fixed linear map (learnable)."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(features, classes))
    parts = []
    for size in n:
        x = rng.normal(size=(size, features))
        parts += [x, np.argmax(x @ A, axis=1).astype(np.int64)]
    return Digits(*parts)


def torch_run(data, torch_opt_cls, options, *, hidden, batch_size, epochs, seed):
    """The same run in torch: weights and batches drawn from the same seed in the same order."""
    rng = np.random.default_rng(seed)
    sizes = [data.x_train.shape[1], *hidden, int(data.y_train.max()) + 1]
    params = [torch.tensor(p, requires_grad=True) for p in MLP(sizes, rng=rng).params()]
    opt = torch_opt_cls(params, foreach=False, **options)
    x, y = torch.tensor(data.x_train), torch.tensor(data.y_train)

    def forward(inputs):
        h = inputs
        for k in range(0, len(params), 2):
            h = F.linear(h, params[k], params[k + 1])
            h = torch.relu(h) if k + 2 < len(params) else h
        return h

    losses = [F.cross_entropy(forward(x), y).item()]
    for _ in range(epochs):
        for idx in optim.minibatches(len(y), batch_size, rng=rng):
            opt.zero_grad()
            F.cross_entropy(forward(x[idx]), y[idx]).backward()
            opt.step()
        with torch.no_grad():
            losses.append(F.cross_entropy(forward(x), y).item())
    return np.array(losses), [p.detach().numpy() for p in params]


@pytest.mark.parametrize(
    "ours, theirs, options, batch_size",
    [
        (optim.sgd(0.1, momentum=0.9), torch.optim.SGD, dict(lr=0.1, momentum=0.9), 7),
        (optim.adam(0.01, amsgrad=True), torch.optim.Adam, dict(lr=0.01, amsgrad=True), 16),
        (optim.adamw(0.01, weight_decay=0.1), torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1), 60),
        (optim.rmsprop(0.01, centered=True), torch.optim.RMSprop, dict(lr=0.01, centered=True), 1),
    ],
    ids=["sgd-momentum", "adam-amsgrad", "adamw-full-batch", "rmsprop-batch-1"],
)
def test_fit_classifier_equals_the_same_run_in_torch(ours, theirs, options, batch_size):
    data = small_data()
    history = fit_classifier(ours, data, hidden=(8,), batch_size=batch_size, epochs=4, rng=np.random.default_rng(3))
    losses, params = torch_run(data, theirs, options, hidden=(8,), batch_size=batch_size, epochs=4, seed=3)
    assert_close(history.train_loss, losses, scale=losses[0])
    for mine, expected in zip(history.params, params, strict=True):
        assert_close(mine, expected, scale=np.max(np.abs(expected)))
    assert history.train_loss[-1] < history.train_loss[0]


def test_counts_of_updates_and_examples():
    data = small_data()  # 60 training examples
    for batch_size, per_epoch in [(1, 60), (7, 9), (60, 1), (100, 1)]:
        h = fit_classifier(optim.sgd(0.01), data, batch_size=batch_size, epochs=3, rng=np.random.default_rng(0))
        assert h.updates.tolist() == [0, per_epoch, 2 * per_epoch, 3 * per_epoch]
        assert h.examples.tolist() == [0, 60, 120, 180]
        assert np.all(np.diff(h.seconds) >= 0) and h.seconds[0] == 0


def test_accuracies_are_those_of_the_returned_weights():
    data = small_data()
    h = fit_classifier(optim.adam(0.05), data, hidden=(), batch_size=10, epochs=5, rng=np.random.default_rng(1))
    W, b = h.params
    predicted = np.argmax(data.x_test @ W.T + b, axis=1)
    assert h.test_accuracy == np.mean(predicted == data.y_test)
    val = np.mean(np.argmax(data.x_val @ W.T + b, axis=1) == data.y_val)
    assert h.val_accuracy[-1] == val and h.test_accuracy > 0.6  # learnable: well above chance (1/3)


def test_lr_at_zero_leaves_the_network_as_initialised():
    h = fit_classifier(optim.sgd(1.0), small_data(), batch_size=5, epochs=2, rng=np.random.default_rng(0),
                       lr_at=lambda t: 0.0)
    assert h.train_loss[0] == h.train_loss[1] == h.train_loss[2]


def test_a_diverging_run_is_recorded_as_nan_without_warnings():
    # lr 1e6 on standardised inputs: the weights overflow within a few epochs (warnings are errors here).
    h = fit_classifier(optim.sgd(1e6, momentum=0.99), small_data(), batch_size=5, epochs=30,
                       rng=np.random.default_rng(0))
    stop = int(np.argmax(np.isnan(h.train_loss)))
    assert 0 < stop and np.all(np.isnan(h.train_loss[stop:])) and np.all(np.isnan(h.updates[stop + 1:]))
    assert np.all(np.isfinite(h.train_loss[:stop]))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(opt=optim.sgd), TypeError, "opt must be an Optimizer such as optim.sgd(0.1); got function."),
        (dict(batch_size=0), ValueError, "batch_size must be an integer >= 1; got 0."),
        (dict(epochs=-1), ValueError, "epochs must be an integer >= 0; got -1."),
        (dict(rng=1), TypeError, "rng must be a numpy.random.Generator; got 1"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, error, message):
    args = dict(opt=optim.sgd(0.1), data=small_data(), batch_size=4, epochs=1, rng=np.random.default_rng(0))
    args.update(kwargs)
    with pytest.raises(error, match="^" + re.escape(message)):
        fit_classifier(args.pop("opt"), args.pop("data"), **args)


def _linear_problem(seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(50, 4, generator=g, dtype=torch.float64)
    y = torch.argmax(x @ torch.randn(4, 3, generator=g, dtype=torch.float64), dim=1)
    model = torch.nn.Linear(4, 3).double()
    return model, x, y


def test_train_torch_equals_a_loop_driven_by_torchs_lambdalr():
    # Oracle: torch's own LambdaLR sets the rate, and the same batches are drawn.
    from lossbook.descent import train_torch

    lr_at = lambda step: 0.5 * 0.9 ** step  # noqa: E731
    model, x, y = _linear_problem()
    oracle = torch.nn.Linear(4, 3).double()
    oracle.load_state_dict(model.state_dict())
    opt = torch.optim.SGD(oracle.parameters(), lr=1.0, momentum=0.9)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)  # lr = 1.0 * lr_at(epoch)
    g = torch.Generator().manual_seed(3)
    expected = []
    for _ in range(20):
        idx = torch.randint(len(y), (8,), generator=g)
        loss = F.cross_entropy(oracle(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        expected.append(loss.item())
    got = train_torch(model, torch.optim.SGD(model.parameters(), lr=123.0, momentum=0.9), lr_at, 20,
                      torch.Generator().manual_seed(3), x=x, y=y, batch_size=8)
    assert_close(got, expected)
    assert_close(model.weight.detach().numpy(), oracle.weight.detach().numpy())


def test_train_torch_stops_at_a_blow_up_and_evaluate_torch_counts():
    from lossbook.descent import evaluate_torch, train_torch

    model, x, y = _linear_problem()
    with torch.no_grad():
        model.weight.fill_(float("inf"))  # logits inf - inf: the loss is NaN at once
    calls = []
    losses = train_torch(model, torch.optim.SGD(model.parameters()), lambda s: calls.append(s) or 0.1, 5,
                         torch.Generator().manual_seed(0), x=x, y=y)
    assert not np.isfinite(losses[0]) and np.isnan(losses[1:]).all()
    assert calls == [0]  # stopped after the first step
    model, x, y = _linear_problem()
    loss, acc = evaluate_torch(model, x=x, y=y)
    assert loss == pytest.approx(F.cross_entropy(model(x), y).item(), rel=1e-12)
    assert acc == pytest.approx(float(np.mean(model(x).argmax(1).numpy() == y.numpy())), rel=1e-12)


@pytest.mark.parametrize("kw, error, message", [
    (dict(steps=-1), ValueError, "steps must be an integer >= 0; got -1."),
    (dict(batch_size=0), ValueError, "batch_size must be an integer >= 1; got 0."),
    (dict(generator=np.random.default_rng(0)), TypeError, "generator must be a torch.Generator; got Generator."),
])
def test_train_torch_bad_arguments(kw, error, message):
    from lossbook.descent import train_torch

    model, x, y = _linear_problem()
    args = dict(steps=2, generator=torch.Generator().manual_seed(0), batch_size=4) | kw
    with pytest.raises(error, match=re.escape(message)):
        train_torch(model, torch.optim.SGD(model.parameters()), lambda s: 0.1, args.pop("steps"),
                    args.pop("generator"), x=x, y=y, **args)
