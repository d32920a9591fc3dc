"""The softmax family (lesson 6): softmax, log_softmax and softmin, which act along an axis.

Each has a temperature ``T`` (the logits are divided by it) and a Jacobian instead of an
elementwise derivative. The row maximum is subtracted first, so no exponent is positive;
log_softmax is shifted logits minus log-sum-exp, never ``log(softmax(x))``.

Properties describe output ``i`` as a function of its own logit ``x_i`` (the others fixed):
softmax and log-softmax increase with it, softmin decreases (monotonic either way); the
derivative of ``s_i`` is ``s_i (1 - s_i)``, which vanishes at both ends, while
log-softmax's ``1 - s_i`` tends to 1 as ``x_i -> -inf``.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._base import INF, Properties, as_real_array, give_back, real_param, sym_number


class SoftmaxFunction:
    """A member of the softmax family: acts along one axis and has a Jacobian.

    ``temperature`` divides the logits: ``softmax(x, temperature=T) == softmax(x / T)``.

    Parameters
    ----------
    name : str
        ``"softmax"``, ``"log_softmax"`` or ``"softmin"``.
    latex : str
        The defining formula in LaTeX.
    properties : Properties
        Output ``i`` as a function of its own logit ``x_i`` (see :meth:`Properties.of`).
    description : str
        One paragraph.

    Examples
    --------
    >>> import numpy as np
    >>> from course_utils.activations import softmax, log_softmax, softmin
    >>> np.round(softmax([1.0, 2.0, 3.0]), 4).tolist()
    [0.09, 0.2447, 0.6652]
    >>> np.round(softmax([1.0, 2.0, 3.0], temperature=100.0), 3).tolist()
    [0.33, 0.333, 0.337]
    >>> float(log_softmax([1000.0, 0.0])[1])
    -1000.0
    >>> softmax.jacobian([0.0, 0.0]).tolist()
    [[0.25, -0.25], [-0.25, 0.25]]
    >>> m = softmin.sympy(n=2)
    >>> m.shape, sorted(str(s) for s in m.free_symbols)
    ((2, 1), ['x0', 'x1'])
    """

    properties: Mapping[str, Any]

    def __init__(
        self, *, name: str, latex: str, properties: Mapping[str, Any], description: str = ""
    ) -> None:
        if name not in ("softmax", "log_softmax", "softmin"):
            raise ValueError(f"name: expected softmax, log_softmax or softmin, got {name!r}")
        self.name = name
        self.latex = latex
        self.properties = Properties(properties)
        self.description = description

    @property
    def params(self) -> dict[str, Any]:
        """The parameters and their defaults: ``{'axis': -1, 'temperature': 1.0}``."""
        return {"axis": -1, "temperature": 1.0}

    @staticmethod
    def _check_temperature(temperature: Any) -> float:
        temperature = real_param("temperature", temperature)
        if temperature <= 0:
            raise ValueError(f"temperature: expected a number > 0, got {temperature}")
        return temperature

    @staticmethod
    def _check_axis(axis: Any, ndim: int) -> int:
        if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
            raise TypeError(f"axis: expected an int, got {type(axis).__name__}")
        if ndim == 0:
            raise ValueError("x: expected at least one dimension (a vector of logits), got a scalar")
        if not -ndim <= axis < ndim:
            raise ValueError(f"axis: {axis} is out of range for x with {ndim} dimension(s)")
        return int(axis) % ndim

    def _probabilities(self, z: np.ndarray, axis: int, temperature: float) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(p, log_p)`` for logits ``z`` (already negated for softmin), float64.

        Subtract the row maximum first, then divide by the temperature, so no exponent is
        positive. Rows whose maximum is infinite give the limit: the mass is split evenly
        among the entries equal to the maximum (all ``-inf`` is a tie, hence uniform, as
        shift invariance demands); rows holding a NaN give NaN.
        """
        m = np.max(z, axis=axis, keepdims=True)
        finite_m = np.isfinite(m)
        m_safe = np.where(finite_m, m, 0.0)
        # z - max <= 0: an overflow can only round a huge negative difference to -inf,
        # which is the correctly rounded result (and its exp is exactly 0).
        with np.errstate(over="ignore"):
            shifted = (z - m_safe) / temperature
        if not finite_m.all():
            shifted = np.where(finite_m, shifted, 0.0)
        e = np.exp(shifted)
        total = np.sum(e, axis=axis, keepdims=True)  # >= 1: the maximum contributes exp(0)
        p = e / total
        log_p = shifted - np.log(total)
        if not finite_m.all():
            # the maximum is +-inf: the mass goes to the entries equal to it (ties share it)
            top = z == m
            count = np.maximum(np.sum(top, axis=axis, keepdims=True), 1)
            p_top = top / count
            log_top = np.where(top, -np.log(count), -np.inf)
            p = np.where(finite_m, p, np.where(np.isnan(m), np.nan, p_top))
            log_p = np.where(finite_m, log_p, np.where(np.isnan(m), np.nan, log_top))
        return p, log_p

    def __call__(self, x: Any, axis: int = -1, temperature: float = 1.0) -> Any:
        """Evaluate along ``axis``.

        Parameters
        ----------
        x : sequence or numpy.ndarray, shape (..., n, ...)
            Logits.
        axis : int
            The axis that sums to one (default: the last).
        temperature : float
            ``T > 0``; the logits are divided by ``T`` (large T: flatter, small T: sharper).

        Returns
        -------
        numpy.ndarray
            Same shape and floating dtype as ``x``.
        """
        temperature = self._check_temperature(temperature)
        arr, dtype, _ = as_real_array(x)
        ax = self._check_axis(axis, arr.ndim)
        if arr.size == 0:
            return arr.astype(dtype)
        z = -arr if self.name == "softmin" else arr
        p, log_p = self._probabilities(z, ax, temperature)
        return give_back(log_p if self.name == "log_softmax" else p, dtype, False)

    def jacobian(self, x: Any, temperature: float = 1.0) -> np.ndarray:
        """The Jacobian over the last axis: ``J[..., i, j] = d out_i / d x_j``.

        Parameters
        ----------
        x : sequence or numpy.ndarray, shape (..., n)
            Logits.
        temperature : float
            ``T > 0``.

        Returns
        -------
        numpy.ndarray, shape (..., n, n)
            softmax: ``(diag(s) - s s^T) / T``; softmin: ``-(diag(s) - s s^T) / T`` with
            ``s = softmin(x)``; log_softmax: ``(I - 1 s^T) / T``, i.e. ``(delta_ij - s_j) / T``.
        """
        temperature = self._check_temperature(temperature)
        arr, dtype, _ = as_real_array(x)
        self._check_axis(-1, arr.ndim)
        n = arr.shape[-1]
        z = -arr if self.name == "softmin" else arr
        s, _ = self._probabilities(z, arr.ndim - 1, temperature) if arr.size else (arr, arr)
        eye = np.eye(n)
        if self.name == "log_softmax":
            jac = (eye - s[..., None, :]) / temperature
        else:
            jac = (s[..., :, None] * eye - s[..., :, None] * s[..., None, :]) / temperature
            if self.name == "softmin":
                jac = -jac
        return give_back(jac, dtype, False)

    def sympy(self, n: int = 3, temperature: Any = 1) -> Any:
        """The ``n`` outputs as a SymPy column Matrix in symbols ``x0 ... x{n-1}`` (real).

        Parameters
        ----------
        n : int
            Number of logits.
        temperature : number or sympy.Expr
            Divides the logits (a SymPy symbol keeps it general).
        """
        import sympy as sp

        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"n: expected an int, got {type(n).__name__}")
        if n < 1:
            raise ValueError(f"n: expected at least 1, got {n}")
        if not isinstance(temperature, sp.Basic):
            temperature = sym_number(sp, self._check_temperature(temperature))
        xs = sp.symbols(f"x0:{n}", real=True)
        sign = -1 if self.name == "softmin" else 1
        z = [sign * xi / temperature for xi in xs]
        total = sum(sp.exp(zi) for zi in z)
        if self.name == "log_softmax":
            return sp.Matrix([zi - sp.log(total) for zi in z])
        return sp.Matrix([sp.exp(zi) / total for zi in z])

    def __repr__(self) -> str:
        return f"SoftmaxFunction({self.name!r}, params={self.params})"

    def _repr_latex_(self) -> str:
        return f"${self.latex}$"


softmax = SoftmaxFunction(
    name="softmax",
    latex=r"\operatorname{softmax}(x)_i = \frac{e^{x_i / T}}{\sum_j e^{x_j / T}}",
    properties=Properties.of(
        output_range=(0.0, 1.0),
        zero_centred=False,
        monotonic=True,
        smooth=True,
        saturates_left=True,
        saturates_right=True,
        cost="exp, sum, division",
        typical_use="output layer for multi-class classification; attention weights",
    ),
    description="Probabilities from logits; shift-invariant, so the maximum is subtracted first.",
)

log_softmax = SoftmaxFunction(
    name="log_softmax",
    latex=r"\log\operatorname{softmax}(x)_i = \frac{x_i}{T} - \log \sum_j e^{x_j / T}",
    properties=Properties.of(
        output_range=(-INF, 0.0),
        zero_centred=False,
        monotonic=True,
        smooth=True,
        saturates_left=False,
        saturates_right=True,
        cost="exp, sum, log",
        typical_use="log-probabilities for the cross-entropy loss (never log(softmax(x)))",
    ),
    description="Log-probabilities computed as shifted logits minus log-sum-exp.",
)

softmin = SoftmaxFunction(
    name="softmin",
    latex=r"\operatorname{softmin}(x)_i = \frac{e^{-x_i / T}}{\sum_j e^{-x_j / T}}",
    properties=Properties.of(
        output_range=(0.0, 1.0),
        zero_centred=False,
        monotonic=True,
        smooth=True,
        saturates_left=True,
        saturates_right=True,
        cost="exp, sum, division",
        typical_use="weights that favour the smallest values (soft nearest neighbour)",
    ),
    description="softmin(x) = softmax(-x).",
)
