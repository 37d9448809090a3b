"""The figure style: explicit, dark-mode safe, and the shared line plot."""
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lossbook import plotting  # noqa: E402


def test_importing_lossbook_changes_no_rcparams():
    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); import lossbook; "
            "changed = [k for k in before if mpl.rcParams[k] != before[k]]; print(changed)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_style_draws_on_opaque_white():
    with mpl.rc_context():
        plotting.use_book_style()
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1])
        fig.canvas.draw()
        pixels = np.asarray(fig.canvas.buffer_rgba())
        plt.close(fig)
    assert pixels[0, 0].tolist() == [255, 255, 255, 255]  # a corner: white, fully opaque


def test_plot_lines_draws_each_line_and_marks_outliers():
    fig, ax = plt.subplots()
    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([1.0, 3.0, 5.0, 20.0])
    plotting.plot_lines(ax, x, y, {"a": (2.0, 1.0), "b": (0.0, 0.0)},
                        is_outlier=[False, False, False, True], xlabel="performance", ylabel="price")
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 7.0])  # y = 2x + 1 at x = 0 and 3
    assert len(ax.collections) == 2  # data and outliers
    assert ax.lines[0].get_linestyle() != ax.lines[1].get_linestyle()
    assert ax.get_xlabel() == "performance" and ax.get_ylabel() == "price"
    plt.close(fig)


def test_palette_is_colour_blind_safe_okabe_ito():
    assert plotting.COLORS["blue"] == "#0072B2" and plotting.COLORS["orange"] == "#E69F00"


def test_draw_training_loop_has_every_station_and_closes_the_loop():
    fig, ax = plt.subplots()
    plotting.draw_training_loop(ax)
    texts = [t.get_text() for t in ax.texts]
    assert set(plotting.TRAINING_LOOP) <= set(texts) and "repeat" in texts
    arrows = [c for c in ax.get_children() if type(c).__name__ == "Annotation" and c.get_text() == ""]
    assert len(arrows) == len(plotting.TRAINING_LOOP)  # n stations, n arrows: a closed loop
    assert not ax.axison
    plt.close(fig)


def test_draw_chain_writes_each_value_and_gradient():
    fig, ax = plt.subplots()
    plotting.draw_chain(ax, ["x", "z", "L"], [1.0, 0.5, 0.25], [0.1, -2.0, 1.0])
    texts = [t.get_text() for t in ax.texts]
    assert {"x", "z", "L", "1", "0.5", "0.25", "0.1", "-2", "1"} <= set(texts)
    arrows = [c for c in ax.get_children() if type(c).__name__ == "Annotation" and c.get_text() == ""]
    assert len(arrows) == 2  # n nodes, n - 1 arrows
    plt.close(fig)


def test_draw_chain_needs_one_value_and_gradient_per_node():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"^labels, values and grads must have the same length; got 2, 1 and 2\.$"):
        plotting.draw_chain(ax, ["x", "L"], [1.0], [0.0, 1.0])
    plt.close(fig)
