"""Tests of course_utils.plotting: palette, style, activation plots, PNG export."""

from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_utils import plotting
from course_utils.activations import ACTIVATIONS, relu


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_palette_is_eight_distinct_okabe_ito_hex_colours():
    """Is the palette the 8 Okabe–Ito colours as hex strings?"""
    assert len(plotting.PALETTE) == 8 == len(set(plotting.PALETTE))
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in plotting.PALETTE)
    assert {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"} == set(
        plotting.PALETTE
    )
    assert plotting.COLORS["vermillion"] == "#D55E00"


def test_use_style_is_projector_readable():
    """Are fonts >= 13 pt, lines 2.5 pt, grid on, constrained layout and the palette cycle set?"""
    plotting.use_style()
    rc = matplotlib.rcParams
    for key in ("font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize", "ytick.labelsize",
                "legend.fontsize"):
        assert float(rc[key]) >= 13, key
    assert rc["lines.linewidth"] == 2.5
    assert rc["axes.grid"] and rc["figure.constrained_layout.use"]
    assert [c.upper() for c in rc["axes.prop_cycle"].by_key()["color"]] == list(plotting.PALETTE)


def test_plot_activation_draws_values_with_labelled_axes():
    """Does plot_activation draw f (solid) or f' (dashed) on labelled axes and return them?"""
    ax = plotting.plot_activation("relu")
    assert isinstance(ax, Axes)
    line = ax.get_lines()[0]
    x, y = line.get_data()
    assert np.allclose(y, np.maximum(x, 0))
    assert ax.get_xlabel() == "$x$" and ax.get_ylabel() == "$f(x)$"
    ax2 = plotting.plot_activation(relu, derivative=True, x=np.linspace(-1, 1, 5))
    assert ax2.get_lines()[0].get_linestyle() == "--"
    assert ax2.get_lines()[0].get_ydata().tolist() == [0, 0, 0, 1, 1]


def test_plot_activation_on_a_given_axes_with_params_and_label():
    """Are parameters passed on, the label used and the given Axes reused?"""
    _, ax = plt.subplots()
    out = plotting.plot_activation("leaky_relu", ax=ax, x=[-2.0, 2.0], label="slope 0.3", negative_slope=0.3)
    assert out is ax
    assert ax.get_lines()[0].get_ydata().tolist() == pytest.approx([-0.6, 2.0])
    assert ax.get_lines()[0].get_label() == "slope 0.3"


def test_plot_with_derivative_puts_f_left_and_derivative_right():
    """Is the function on the left, its derivative on the right, with titles from the registry?"""
    ax_f, ax_df = plotting.plot_with_derivative("sigmoid")
    assert ax_f.get_position().x0 < ax_df.get_position().x0
    assert "sigmoid" in ax_f.get_title() and "$" in ax_f.get_title()
    assert ax_df.get_title() == "sigmoid′(x)"
    x, dy = ax_df.get_lines()[0].get_data()
    assert np.allclose(dy, ACTIVATIONS["sigmoid"].grad(x))
    assert ax_df.get_ylabel() == "$f'(x)$"
    plotting.figure_to_png(ax_f.figure)  # every title must typeset


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_every_activation_title_typesets(name):
    """Does every registry activation plot and render (its LaTeX title included)?"""
    ax_f, _ = plotting.plot_with_derivative(name)
    assert plotting.figure_to_png(ax_f.figure, dpi=30).startswith(b"\x89PNG")


def test_gallery_shows_every_activation_with_its_derivative():
    """Does the gallery have one panel per activation, each with f and a dashed f'?"""
    fig = plotting.activation_gallery()
    assert isinstance(fig, Figure)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(ACTIVATIONS)
    assert {ax.get_title() for ax in visible} == set(ACTIVATIONS)
    for ax in visible:
        styles = [line.get_linestyle() for line in ax.get_lines()]
        assert "-" in styles and "--" in styles


def test_compare_overlays_with_a_legend():
    """Does compare draw one coloured line per activation and a legend?"""
    ax = plotting.compare(["relu", "gelu", ("swish", {"beta": 2.0})], derivative=True)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["relu", "gelu", "swish (beta=2)"]
    colours = {line.get_color() for line in ax.get_lines() if line.get_label() in labels}
    assert len(colours) == 3


def test_figure_to_png_and_new_figure_do_not_touch_pyplot():
    """Is new_figure outside pyplot, and does figure_to_png honour dpi?"""
    before = plt.get_fignums()
    fig = plotting.new_figure(figsize=(2, 1), dpi=50)
    fig.add_subplot().plot([0, 1])
    assert plt.get_fignums() == before
    small = plotting.figure_to_png(fig, dpi=50)
    big = plotting.figure_to_png(fig, dpi=100)
    assert small.startswith(b"\x89PNG") and len(big) > len(small)
    assert fig.dpi == 50


def test_bad_input_raises():
    """Are unknown names, bad x and bad axes refused naming the argument?"""
    with pytest.raises(ValueError, match="name"):
        plotting.plot_activation("relux")
    with pytest.raises(ValueError, match="x"):
        plotting.plot_activation("relu", x=[[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="x"):
        plotting.plot_activation("relu", x=[0.0, np.nan])
    with pytest.raises(TypeError, match="ax"):
        plotting.plot_activation("relu", ax="left")
    with pytest.raises(ValueError, match="axes"):
        plotting.plot_with_derivative("relu", axes=[plt.subplots()[1]])
    with pytest.raises(ValueError, match="ncols"):
        plotting.activation_gallery(["relu"], ncols=0)
    with pytest.raises(TypeError, match="fig"):
        plotting.figure_to_png("figure")


def test_softmax_family_is_refused():
    """Is a vector function (softmax) refused instead of drawn as if it were elementwise?"""
    with pytest.raises(ValueError, match="elementwise"):
        plotting.plot_activation("softmax")
