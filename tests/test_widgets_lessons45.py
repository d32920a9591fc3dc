"""Do the sliders of lessons 04 and 05 compute the right things at every end of their ranges?

(The maths they draw is tested with its lesson: ``selu_stats`` in test_normalisation.py.)
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.experiments.lesson04 import selu_stats
from course_utils.experiments.lesson05 import swish_minimum
from course_utils.widgets import BUILDERS
from course_utils.widgets.lesson04 import INIT_STDS
from course_utils.widgets.lesson05 import X_GRID

PNG = b"\x89PNG"


def test_both_sliders_are_registered() -> None:
    """Are the builders in BUILDERS under their documented names?"""
    assert "selu_init_depth" in BUILDERS and "swish_beta" in BUILDERS


@pytest.mark.parametrize(
    "values",
    [{"init_std": 0.5, "depth": 1.0}, {"init_std": 2.0, "depth": 64.0}, {"init_std": 1.4, "depth": 20.0}],
)
def test_selu_slider_renders_at_range_ends(values) -> None:
    """Does every corner of the slider ranges render a PNG (vanishing and exploding variance)?"""
    widget = BUILDERS["selu_init_depth"]()
    assert widget.update(**values)[:4] == PNG
    result = widget.compute(**values)
    assert result["layers"].shape == (int(values["depth"]),)


def test_selu_slider_positions() -> None:
    """Does the init-std slider offer 0.5 to 2.0 in steps of 0.1, all shown from selu_stats?"""
    assert len(INIT_STDS) == 16 and INIT_STDS[0] == 0.5 and INIT_STDS[-1] == 2.0
    widget = BUILDERS["selu_init_depth"]()
    result = widget.compute(init_std=2.0, depth=64.0)
    np.testing.assert_array_equal(result["theory_var"], selu_stats(2.0)["theory_var"])


def test_selu_slider_rejects_out_of_range() -> None:
    """Is a value outside the slider range refused with a ValueError naming the control?"""
    with pytest.raises(ValueError, match="init_std"):
        BUILDERS["selu_init_depth"]().update(init_std=3.0)


@pytest.mark.parametrize("beta", [0.0, 0.1, 1.0, 10.0])
def test_swish_slider(beta) -> None:
    """Does the Swish slider draw x/2 at beta 0, and the right minimum otherwise?"""
    widget = BUILDERS["swish_beta"]()
    assert widget.update(beta=beta)[:4] == PNG
    result = widget.compute(beta=beta)
    if beta == 0:
        np.testing.assert_allclose(result["f"], X_GRID / 2)
        np.testing.assert_allclose(result["df"], 0.5)
        assert result["minimum"] is None
    else:
        x_min, f_min = result["minimum"]
        assert abs(x_min * beta + 1.2784645427610738) < 1e-12
        assert abs(f_min * beta + 0.2784645427610738) < 1e-12


def test_swish_minimum_rejects_bad_beta() -> None:
    """Are beta <= 0, inf and booleans refused?"""
    for bad in (0.0, -1.0, float("inf"), True):
        with pytest.raises(ValueError, match="beta"):
            swish_minimum(bad)
