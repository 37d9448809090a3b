r"""The book's figure style and a few plots that several chapters share.

Nothing changes at import: a notebook calls :func:`use_book_style` once, in
its imports cell. The style draws dark text on an opaque white figure, so a
figure stays readable when the website is switched to dark mode.
"""
import matplotlib as mpl
import numpy as np

#: Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}

#: rcParams of the book's figures (white background, readable sizes, no top/right spines).
BOOK_STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "figure.edgecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "axes.facecolor": "white",
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#222222",
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.grid": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=list(COLORS.values())),
    "grid.color": "#dddddd",
    "grid.linewidth": 0.8,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "text.color": "#222222",
    "legend.frameon": False,
    "lines.linewidth": 2.0,
}


def use_book_style():
    r"""Apply :data:`BOOK_STYLE` to matplotlib's global settings.

    Call it once at the top of a notebook; the package never calls it itself.

    Examples:
        >>> import matplotlib as mpl
        >>> with mpl.rc_context():
        ...     use_book_style()
        ...     mpl.rcParams["figure.facecolor"]
        'white'
    """
    mpl.rcParams.update(BOOK_STYLE)


def plot_lines(ax, x, y, lines, *, is_outlier=None, xlabel=None, ylabel=None):
    r"""Scatter data and draw straight lines ``y = w x + b`` over it.

    Args:
        ax: a matplotlib ``Axes``.
        x, y: the data, 1-d arrays of the same length.
        lines: a mapping ``label -> (w, b)``; each is drawn across the range of ``x``.
        is_outlier: optional boolean mask; those points are drawn as open circles.

    Each line gets its own colour and dash pattern, so coinciding fits stay
    distinguishable (and readable without colour).
        xlabel, ylabel: axis labels.

    Returns:
        ``ax``, for chaining.
    """
    x, y = np.asarray(x), np.asarray(y)
    mask = np.zeros(x.shape, dtype=bool) if is_outlier is None else np.asarray(is_outlier, dtype=bool)
    ax.scatter(x[~mask], y[~mask], s=22, color="#555555", label="data", zorder=3)
    if mask.any():
        ax.scatter(x[mask], y[mask], s=40, facecolors="none", edgecolors="#222222",
                   linewidths=1.2, label="outliers", zorder=3)
    grid = np.linspace(x.min(), x.max(), 2)
    # a dash pattern per line too, so that lines lying on top of each other stay visible
    dashes = ["-", "--", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1))]
    for k, (label, (w, b)) in enumerate(lines.items()):
        ax.plot(grid, w * grid + b, linestyle=dashes[k % len(dashes)], label=label)
    ax.set_xlabel(xlabel or "x")
    ax.set_ylabel(ylabel or "y")
    ax.legend()
    return ax


#: The stations of the training loop, in order, as drawn by :func:`draw_training_loop`.
TRAINING_LOOP = (
    "input $x$",
    "model $f_\\theta$\n(forward pass)",
    "prediction $\\hat y$",
    "loss $\\ell(\\hat y, y)$\nagainst target $y$",
    "backpropagation\n$\\nabla_\\theta \\ell$",
    "optimizer step\n$\\theta \\leftarrow \\theta - \\eta\\nabla_\\theta \\ell$",
)


def draw_training_loop(ax, stations=TRAINING_LOOP):
    r"""Draw the training loop as boxes on a circle joined by arrows.

    Args:
        ax: a matplotlib ``Axes``; its frame and ticks are switched off.
        stations: the labels, drawn clockwise from the top left; the last
            arrow closes the loop (repeat).

    Returns:
        ``ax``, for chaining.
    """
    n = len(stations)
    angles = np.pi / 2 + np.pi / n - 2 * np.pi * np.arange(n) / n
    xy = np.column_stack([1.45 * np.cos(angles), np.sin(angles)])
    box = dict(boxstyle="round,pad=0.45", facecolor="#eaf2fa", edgecolor=COLORS["blue"], linewidth=1.2)
    for (px, py), label in zip(xy, stations):
        ax.text(px, py, label, ha="center", va="center", fontsize=10, bbox=box, zorder=3)
    for k in range(n):
        start, end = xy[k], xy[(k + 1) % n]
        ax.annotate("", xy=start + 0.62 * (end - start), xytext=start + 0.38 * (end - start),
                    arrowprops=dict(arrowstyle="-|>", color="#444444", lw=1.5))
    ax.text(0, 0, "repeat", ha="center", va="center", fontsize=11, style="italic", color="#444444")
    ax.set_xlim(-2.1, 2.1)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_chain(ax, labels, values, grads):
    r"""Draw a chain-shaped computational graph with forward values and gradients.

    Each node is a box with its label; its value (forward pass) is written
    above it and :math:`\partial L / \partial(\text{node})` (backward pass)
    below it. Arrows run left to right.

    Args:
        ax: a matplotlib ``Axes``; frame and ticks are switched off.
        labels: node names, e.g. ``["x", "z = w x + b", "h = σ(z)", "L"]``.
        values, grads: one number per node.

    Returns:
        ``ax``, for chaining.
    """
    if not len(labels) == len(values) == len(grads):
        raise ValueError(f"labels, values and grads must have the same length; "
                         f"got {len(labels)}, {len(values)} and {len(grads)}.")
    box = dict(boxstyle="round,pad=0.4", facecolor="#eaf2fa", edgecolor=COLORS["blue"], linewidth=1.2)
    for k, (label, value, grad) in enumerate(zip(labels, values, grads)):
        ax.text(k, 0, label, ha="center", va="center", fontsize=10, bbox=box)
        ax.text(k, 0.42, f"{value:.4g}", ha="center", va="bottom", color=COLORS["blue"], fontsize=10)
        ax.text(k, -0.42, f"{grad:.4g}", ha="center", va="top", color=COLORS["vermillion"], fontsize=10)
        if k:
            ax.annotate("", xy=(k - 0.42, 0), xytext=(k - 0.58, 0),
                        arrowprops=dict(arrowstyle="-|>", color="#444444", lw=1.4))
    ax.text(-0.75, 0.42, "forward\nvalue", ha="right", va="bottom", color=COLORS["blue"], fontsize=9)
    ax.text(-0.75, -0.42, "gradient\n∂L/∂·", ha="right", va="top", color=COLORS["vermillion"], fontsize=9)
    ax.set_xlim(-1.6, len(labels) - 0.4)
    ax.set_ylim(-1, 1)
    ax.axis("off")
    return ax
