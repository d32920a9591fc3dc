"""The activation-function registry: one record per activation.

Each record keeps side by side what a lesson needs about one activation: the NumPy value,
its derivative, its SymPy expression, its parameters (PyTorch's names and defaults) and a
table of properties. Records are callable objects::

    >>> from course_utils.activations import ACTIVATIONS, sigmoid, relu, softmax
    >>> float(sigmoid(0.0))
    0.5
    >>> relu([-1.0, 0.0, 2.0]).tolist()
    [0.0, 0.0, 2.0]
    >>> float(sigmoid.grad(0.0))
    0.25
    >>> sigmoid.sympy()
    1/(1 + exp(-x))
    >>> softmax([0.0, 0.0]).tolist()
    [0.5, 0.5]

Two registries hold the records: ``ACTIVATIONS`` (elementwise functions, with ``.grad``)
and ``SOFTMAX_FAMILY`` (``softmax``, ``log_softmax``, ``softmin``, which act on a whole
axis and have ``.jacobian``). :func:`get` looks a record up by name.

Conventions
-----------
* Input: a number, a (nested) list or tuple, or a NumPy array of any shape. ``float32``
  stays ``float32`` (any floating dtype keeps its dtype); integers and booleans become
  ``float64``; a scalar gives a NumPy scalar. Work is done in ``float64`` and the result is
  cast back, so float32 results are correctly rounded.
* Stability: no overflow or invalid-value warning and no NaN for any finite input; ``±inf``
  give the limits (``sigmoid(-inf) == 0``); NaN propagates. Every formula branches on the
  sign of ``x`` *before* evaluating anything that could overflow, because ``np.where``
  evaluates both of its branches.
* Derivatives at kinks follow PyTorch's autograd: ``relu'(0) = 0``,
  ``leaky_relu'(0) = negative_slope``, ``relu6' = 0`` at 0 and 6, ``hard_tanh' = 0`` at its
  limits, ``hard_sigmoid' = 0`` at ±3, ``hard_swish'(-3) = 0`` and ``hard_swish'(3) = 1``
  (the outer pieces' slopes, as PyTorch 2.13's autograd gives in float32 and float64),
  ``elu'(0) = alpha``; ``step(0) = 1`` and ``step' = 0``.
* Importing this module imports NumPy and ``scipy.special`` only; SymPy is imported inside
  ``.sympy()``.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from scipy import special as _sc

__all__ = [
    "ACTIVATIONS",
    "SOFTMAX_FAMILY",
    "SELU_ALPHA",
    "SELU_SCALE",
    "Activation",
    "SoftmaxFunction",
    "as_real_array",
    "get",
    # the records
    "identity",
    "step",
    "sigmoid",
    "log_sigmoid",
    "tanh",
    "relu",
    "relu6",
    "selu",
    "silu",
    "mish",
    "softsign",
    "tanhshrink",
    "hard_sigmoid",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "elu",
    "celu",
    "gelu",
    "swish",
    "softplus",
    "softmax",
    "log_softmax",
    "softmin",
]

#: SELU's alpha (Klambauer et al., 2017), the fixed point that keeps mean 0 and variance 1.
SELU_ALPHA = 1.6732632423543772848170429916717
#: SELU's scale lambda (Klambauer et al., 2017).
SELU_SCALE = 1.0507009873554804934193349852946
_SELU_ALPHA_STR = "1.6732632423543772848170429916717"
_SELU_SCALE_STR = "1.0507009873554804934193349852946"

_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_TANH_COEF = 0.044715
_GELU_SIGMOID_COEF = 1.702
# exp(-_BIG) underflows to 0 in float64, so arguments of exp/expit/erfc beyond this are
# clipped: the clipped value gives the same float64 result and cannot overflow.
_BIG = 800.0


# ---------------------------------------------------------------------------------------
# input and parameter checking
# ---------------------------------------------------------------------------------------


def as_real_array(x: Any, name: str = "x") -> tuple[np.ndarray, np.dtype, bool]:
    """Convert ``x`` to a float64 array, remembering the dtype and shape to give back.

    Parameters
    ----------
    x : number, sequence or numpy.ndarray
        Real numbers of any shape.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    values : numpy.ndarray
        ``x`` as float64 (not copied when it already is float64).
    out_dtype : numpy.dtype
        The dtype of the result: floating dtypes are kept, integers and bools give float64.
    is_scalar : bool
        Whether ``x`` was a scalar (the result is then returned as a NumPy scalar).

    Raises
    ------
    TypeError
        For strings, None, complex numbers, object arrays and other non-real input.

    Examples
    --------
    >>> values, dtype, is_scalar = as_real_array([1, 2])
    >>> values.dtype, dtype, is_scalar
    (dtype('float64'), dtype('float64'), False)
    >>> as_real_array("1.0")
    Traceback (most recent call last):
    ...
    TypeError: x: expected real numbers (a number, a list or a numpy array), got str
    """
    expected = "expected real numbers (a number, a list or a numpy array)"
    if x is None or isinstance(x, (str, bytes, complex)):
        raise TypeError(f"{name}: {expected}, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise ValueError(f"{name}: {expected} of a regular shape, got {type(x).__name__} ({exc})") from None
    kind = arr.dtype.kind
    if kind == "f":
        out_dtype = arr.dtype
    elif kind in "biu":
        out_dtype = np.dtype(np.float64)
    else:
        kinds = {"c": "complex numbers", "O": "objects", "U": "strings", "S": "bytes"}
        what = kinds.get(kind, str(arr.dtype))
        raise TypeError(f"{name}: {expected}, got {type(x).__name__} of {what}")
    values = arr if arr.dtype == np.float64 else arr.astype(np.float64)
    return values, out_dtype, arr.ndim == 0


def _give_back(out: np.ndarray, dtype: np.dtype, is_scalar: bool) -> Any:
    if out.dtype != dtype:
        # Casting down only overflows where the exact result lies beyond the target dtype's
        # range; +-inf is then the correctly rounded answer, so the flag carries no news.
        with np.errstate(over="ignore"):
            out = out.astype(dtype)
    return out[()] if is_scalar else out


def _real_param(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a real number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value}")
    return value


def _positive_param(name: str, value: Any) -> float:
    value = _real_param(name, value)
    if value <= 0:
        raise ValueError(f"{name}: expected a number > 0, got {value}")
    return value


_GELU_FORMS = ("none", "tanh", "sigmoid")


def _gelu_form(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected one of {_GELU_FORMS}, got {type(value).__name__}")
    if value not in _GELU_FORMS:
        raise ValueError(f"{name}: expected one of {_GELU_FORMS}, got {value!r}")
    return value


def _nan_where(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Let NaN in ``x`` propagate into ``out`` (comparisons map NaN to False)."""
    np.copyto(out, x, where=np.isnan(x))
    return out


def _sym_number(sp: Any, value: Any) -> Any:
    """A parameter as a SymPy number: 0.01 -> 1/100, 1.0 -> 1; SymPy objects pass through."""
    if isinstance(value, sp.Basic):
        return value
    return sp.Rational(repr(float(value)))


# ---------------------------------------------------------------------------------------
# the record classes
# ---------------------------------------------------------------------------------------


class Properties(dict):
    """A read-only ``dict`` of an activation's properties (``output_range``, ``monotonic``, ...).

    A real ``dict`` (so ``key in props``, ``props[key]`` and ``dict(props)`` all work) that
    refuses changes, because the registry is shared by every lesson and grader.

    Examples
    --------
    >>> props = Properties({"monotonic": True})
    >>> props["monotonic"]
    True
    >>> props["monotonic"] = False
    Traceback (most recent call last):
    ...
    TypeError: activation properties are read-only
    """

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("activation properties are read-only")

    __setitem__ = __delitem__ = _refuse  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = __ior__ = _refuse  # type: ignore[assignment]


class Activation:
    """One elementwise activation: value, derivative, SymPy form and properties together.

    Parameters
    ----------
    name : str
        Registry name (PyTorch's functional name in snake case).
    value : callable
        ``value(x, **params)`` on a float64 array, returning a float64 array.
    grad : callable
        ``grad(x, **params)``: the elementwise derivative, same conventions.
    sympy : callable
        ``sympy(sp, x, **params)``: the SymPy expression in the symbol ``x``.
    latex : str
        The defining formula in LaTeX, e.g. ``r"\\sigma(x) = \\frac{1}{1 + e^{-x}}"``.
    properties : dict
        For the default parameters: ``output_range`` (lo, hi) as floats, possibly +-inf;
        ``zero_centred`` (mean output within 0.05 of 0 for standard-normal input: odd
        functions and SELU); ``monotonic`` (non-decreasing); ``smooth`` (C^1 everywhere);
        ``saturates_left`` / ``saturates_right`` (f' -> 0 as x -> -inf / +inf);
        ``bounded_below``; ``cost`` (what one evaluation needs); ``typical_use`` (one line).
    params : dict
        Parameter names and their defaults.
    checks : dict
        Parameter name -> validator ``(name, value) -> value`` raising TypeError/ValueError.
    kinks : callable
        ``kinks(**params)``: points where the function is not differentiable.
    description : str
        One paragraph for displays and the course's tables.
    constraint : callable, optional
        ``constraint(params)`` raising ValueError for invalid combinations of parameters.

    Examples
    --------
    >>> from course_utils.activations import leaky_relu
    >>> leaky_relu.params
    {'negative_slope': 0.01}
    >>> leaky_relu([-2.0, 3.0], negative_slope=0.5).tolist()
    [-1.0, 3.0]
    >>> leaky_relu.grad(0.0).item()
    0.01
    >>> leaky_relu.properties["output_range"]
    (-inf, inf)
    """

    def __init__(
        self,
        name: str,
        value: Callable[..., np.ndarray],
        grad: Callable[..., np.ndarray],
        sympy: Callable[..., Any],
        latex: str,
        properties: dict[str, Any],
        params: dict[str, Any] | None = None,
        checks: dict[str, Callable[[str, Any], Any]] | None = None,
        kinks: Callable[..., tuple[float, ...]] | None = None,
        description: str = "",
        constraint: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.name = name
        self._value = value
        self._grad = grad
        self._sympy = sympy
        self.latex = latex
        self.properties: Mapping[str, Any] = Properties(properties)
        self._params = dict(params or {})
        self._checks = dict(checks or {})
        self._kinks = kinks or (lambda **_: ())
        self.description = description
        self._constraint = constraint

    @property
    def params(self) -> dict[str, Any]:
        """The parameters and their defaults (a fresh dict)."""
        return dict(self._params)

    def _resolve(self, given: dict[str, Any], *, symbolic: bool = False) -> dict[str, Any]:
        unknown = sorted(set(given) - set(self._params))
        if unknown:
            allowed = ", ".join(self._params) or "none"
            raise TypeError(
                f"{unknown[0]}: unexpected parameter for {self.name} (its parameters: {allowed})"
            )
        resolved = dict(self._params)
        for key, value in given.items():
            if symbolic and not isinstance(value, (str, numbers.Number)):
                import sympy as sp

                if isinstance(value, sp.Basic):
                    resolved[key] = value
                    continue
            resolved[key] = self._checks[key](key, value)
        if self._constraint is not None:
            self._constraint(resolved)
        return resolved

    def __call__(self, x: Any, **params: Any) -> Any:
        """Evaluate the activation elementwise.

        Parameters
        ----------
        x : number, sequence or numpy.ndarray, shape (...)
            Real inputs.
        **params
            The activation's parameters (see ``.params``).

        Returns
        -------
        numpy.ndarray or numpy scalar, shape (...)
            Same shape as ``x``; float32 stays float32, integers give float64.
        """
        p = self._resolve(params)
        arr, dtype, is_scalar = as_real_array(x)
        return _give_back(self._apply(self._value, arr, p), dtype, is_scalar)

    def grad(self, x: Any, **params: Any) -> Any:
        """The derivative ``f'(x)`` elementwise (PyTorch's values at kinks).

        Parameters
        ----------
        x : number, sequence or numpy.ndarray, shape (...)
            Real inputs.
        **params
            The activation's parameters (see ``.params``).

        Returns
        -------
        numpy.ndarray or numpy scalar, shape (...)
        """
        p = self._resolve(params)
        arr, dtype, is_scalar = as_real_array(x)
        return _give_back(self._apply(self._grad, arr, p), dtype, is_scalar)

    @staticmethod
    def _apply(fn: Callable[..., np.ndarray], arr: np.ndarray, p: dict[str, Any]) -> np.ndarray:
        # the formulas work on arrays of at least one dimension (0-d ones turn into scalars)
        work = arr.reshape(1) if arr.ndim == 0 else arr
        return np.asarray(fn(work, **p)).reshape(arr.shape)

    def sympy(self, **params: Any) -> Any:
        """The SymPy expression in ``sympy.Symbol("x", real=True)``.

        Numeric parameters become exact rationals (0.01 -> 1/100); SymPy symbols are kept,
        so ``elu.sympy(alpha=sympy.Symbol("alpha"))`` is the general formula.
        """
        import sympy as sp

        p = self._resolve(params, symbolic=True)
        return self._sympy(sp, sp.Symbol("x", real=True), **p)

    def kinks(self, **params: Any) -> tuple[float, ...]:
        """Points where the activation is not differentiable (or not continuous).

        Examples
        --------
        >>> from course_utils.activations import hard_tanh
        >>> hard_tanh.kinks(min_val=-2.0)
        (-2.0, 1.0)
        """
        return tuple(float(k) for k in self._kinks(**self._resolve(params)))

    def __repr__(self) -> str:
        return f"Activation({self.name!r}, params={self._params})"

    def _repr_latex_(self) -> str:
        return f"${self.latex}$"


class SoftmaxFunction:
    """A member of the softmax family: acts along one axis and has a Jacobian.

    ``temperature`` divides the logits: ``softmax(x, temperature=T) == softmax(x / T)``.

    Parameters
    ----------
    name : str
        ``"softmax"``, ``"log_softmax"`` or ``"softmin"``.
    latex : str
        The defining formula in LaTeX.
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

    def __init__(self, name: str, latex: str, properties: dict[str, Any], description: str = "") -> None:
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
        temperature = _real_param("temperature", temperature)
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
        return _give_back(log_p if self.name == "log_softmax" else p, dtype, False)

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
        return _give_back(jac, dtype, False)

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
            temperature = _sym_number(sp, self._check_temperature(temperature))
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


# ---------------------------------------------------------------------------------------
# the formulas (float64 arrays in, float64 arrays out)
# ---------------------------------------------------------------------------------------


def _identity(x: np.ndarray) -> np.ndarray:
    return x.copy()


def _identity_grad(x: np.ndarray) -> np.ndarray:
    return _nan_where(x, np.ones_like(x))


def _step(x: np.ndarray) -> np.ndarray:
    return np.heaviside(x, 1.0)


def _step_grad(x: np.ndarray) -> np.ndarray:
    return _nan_where(x, np.zeros_like(x))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return _sc.expit(x)


def _sigmoid_grad(x: np.ndarray) -> np.ndarray:
    """sigma(x) sigma(-x) = e / (1 + e)^2 with e = e^{-|x|} <= 1: one exp, no overflow.

    Backprop usually evaluates sigma (1 - sigma) from the stored forward output, which is
    cheap, but 1 - sigma cancels to 0 for x > 37; this form keeps the relative accuracy.

    >>> float(_sigmoid_grad(np.array([40.0]))[0])  # sigma(1 - sigma) would give 0
    4.248354255291589e-18
    """
    e = np.exp(-np.abs(x))
    d = 1.0 + e
    return e / (d * d)


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    return _sc.log_expit(x)


def _log_sigmoid_grad(x: np.ndarray) -> np.ndarray:
    return _sc.expit(-x)


def _tanh(x: np.ndarray) -> np.ndarray:
    return np.tanh(x)


def _tanh_grad(x: np.ndarray) -> np.ndarray:
    """sech^2 x = 4 e^{-2|x|} / (1 + e^{-2|x|})^2, which keeps its relative accuracy where
    1 - tanh^2 rounds to 0 (|x| > 19); backprop usually reuses the forward output instead."""
    e = np.exp(-2.0 * np.minimum(np.abs(x), 0.5 * _BIG))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _relu_grad(x: np.ndarray) -> np.ndarray:
    return np.heaviside(x, 0.0)


def _relu6(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0.0, 6.0)


def _relu6_grad(x: np.ndarray) -> np.ndarray:
    return _nan_where(x, ((x > 0.0) & (x < 6.0)).astype(np.float64))


def _elu_core(x: np.ndarray, alpha: float, scale: float = 1.0, inv: float = 1.0) -> np.ndarray:
    # x <= 0 branch on min(x, 0): expm1 keeps the relative accuracy near 0 and cannot overflow
    neg = alpha * np.expm1(np.clip(x, -_BIG / inv, 0.0) * inv)
    pos = x if scale == 1.0 else _scaled(x, scale)
    return np.where(x > 0.0, pos, scale * neg)


def _elu_core_grad(x: np.ndarray, alpha: float, scale: float = 1.0, inv: float = 1.0) -> np.ndarray:
    neg = alpha * inv * np.exp(np.clip(x, -_BIG / inv, 0.0) * inv)
    return np.where(x > 0.0, scale, scale * neg)


def _scaled(x: np.ndarray, factor: float) -> np.ndarray:
    # factor * x overflows only where the exact product exceeds the float range; the
    # rounded result +-inf is then correct.
    with np.errstate(over="ignore"):
        return factor * x


def _elu(x: np.ndarray, alpha: float) -> np.ndarray:
    return _elu_core(x, alpha)


def _elu_grad(x: np.ndarray, alpha: float) -> np.ndarray:
    return _elu_core_grad(x, alpha)


def _celu(x: np.ndarray, alpha: float) -> np.ndarray:
    return _elu_core(x, alpha, inv=1.0 / alpha)


def _celu_grad(x: np.ndarray, alpha: float) -> np.ndarray:
    return _elu_core_grad(x, alpha, inv=1.0 / alpha)


def _selu(x: np.ndarray) -> np.ndarray:
    return _elu_core(x, SELU_ALPHA, scale=SELU_SCALE)


def _selu_grad(x: np.ndarray) -> np.ndarray:
    return _elu_core_grad(x, SELU_ALPHA, scale=SELU_SCALE)


def _gated(x: np.ndarray, gate: np.ndarray) -> np.ndarray:
    """``x * gate`` where a gate of exactly 0 gives 0 even for x = +-inf."""
    return np.where(gate == 0.0, 0.0, x) * gate


def _swish(x: np.ndarray, beta: float) -> np.ndarray:
    if beta == 0.0:
        return 0.5 * x
    lim = _BIG / abs(beta)
    return _gated(x, _sc.expit(beta * np.clip(x, -lim, lim)))


def _swish_grad(x: np.ndarray, beta: float) -> np.ndarray:
    """sigma(bx) + bx sigma(bx) sigma(-bx) (for beta = 1: f + sigma(1 - f))."""
    if beta == 0.0:
        return _nan_where(x, np.full_like(x, 0.5))
    lim = _BIG / abs(beta)
    z = beta * np.clip(x, -lim, lim)
    s = _sc.expit(z)
    return s + z * s * _sc.expit(-z)


def _silu(x: np.ndarray) -> np.ndarray:
    return _swish(x, 1.0)


def _silu_grad(x: np.ndarray) -> np.ndarray:
    return _swish_grad(x, 1.0)


def _softplus(x: np.ndarray, beta: float) -> np.ndarray:
    """max(x, 0) + log1p(e^{-beta |x|}) / beta: no branch can overflow."""
    lim = _BIG / beta
    return np.maximum(x, 0.0) + np.log1p(np.exp(-beta * np.abs(np.clip(x, -lim, lim)))) / beta


def _softplus_grad(x: np.ndarray, beta: float) -> np.ndarray:
    lim = _BIG / beta
    return _sc.expit(beta * np.clip(x, -lim, lim))


def _mish_parts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """t = tanh(softplus(x)) and 1 - t, from w = e^{-|x|} (one exp, w <= 1).

    With s = 1 + e^x, tanh(log s) = (s^2 - 1) / (s^2 + 1), which is
    w(w + 2) / (w(w + 2) + 2) for x <= 0 (w = e^x) and (1 + 2w) / (1 + 2w + 2w^2) for
    x > 0 (w = e^{-x}): every term is positive, so there is no cancellation.
    """
    w = np.exp(-np.abs(x))
    pos = x > 0.0
    w2 = w * w
    # numerator and denominator of t, and of 1 - t, for both signs at once
    num = np.where(pos, 1.0 + 2.0 * w, w2 + 2.0 * w)
    den = num + np.where(pos, 2.0 * w2, 2.0)
    t = num / den
    one_minus_t = np.where(pos, 2.0 * w2, 2.0) / den
    return t, one_minus_t


def _mish(x: np.ndarray) -> np.ndarray:
    t, _ = _mish_parts(x)
    return _gated(x, t)


def _mish_grad(x: np.ndarray) -> np.ndarray:
    """tanh(sp) + x sech^2(sp) sigma(x), with sech^2 = (1 - t)(1 + t) computed without cancellation."""
    t, omt = _mish_parts(x)
    return t + _gated(x, omt * (1.0 + t) * _sc.expit(x))


def _softsign(x: np.ndarray) -> np.ndarray:
    xc = np.clip(x, -1e300, 1e300)  # x / (1 + |x|) is +-1 in float64 long before this
    return xc / (1.0 + np.abs(xc))


def _softsign_grad(x: np.ndarray) -> np.ndarray:
    r = 1.0 / (1.0 + np.abs(x))
    return r * r


# Taylor series of x - tanh x = x^3/3 - 2x^5/15 + 17x^7/315 - ...; used for |x| < 0.1,
# where x - tanh(x) would cancel.
_TANHSHRINK_SERIES = (
    1.0 / 3.0,
    -2.0 / 15.0,
    17.0 / 315.0,
    -62.0 / 2835.0,
    1382.0 / 155925.0,
    -21844.0 / 6081075.0,
    929569.0 / 638512875.0,
)


def _tanhshrink(x: np.ndarray) -> np.ndarray:
    out = x - np.tanh(x)
    small = np.abs(x) < 0.1
    if small.any():
        xs = x[small]
        x2 = xs * xs
        poly = np.zeros_like(xs)
        for c in reversed(_TANHSHRINK_SERIES):
            poly = poly * x2 + c
        out[small] = xs * x2 * poly
    return out


def _tanhshrink_grad(x: np.ndarray) -> np.ndarray:
    t = np.tanh(x)
    return t * t


def _hard_sigmoid(x: np.ndarray) -> np.ndarray:
    return np.clip(x / 6.0 + 0.5, 0.0, 1.0)


def _hard_sigmoid_grad(x: np.ndarray) -> np.ndarray:
    return _nan_where(x, np.where((x > -3.0) & (x < 3.0), 1.0 / 6.0, 0.0))


def _hard_swish(x: np.ndarray) -> np.ndarray:
    return _gated(x, np.clip(x + 3.0, 0.0, 6.0) / 6.0)


def _hard_swish_grad(x: np.ndarray) -> np.ndarray:
    """0 for x <= -3, x/3 + 1/2 for -3 < x < 3, 1 for x >= 3.

    At the kinks ±3 this takes the outer pieces' slopes (0 and 1), as PyTorch's autograd does
    (``torch.nn.functional.hardswish``, torch 2.13, float32 and float64).
    """
    mid = np.clip(x, -3.0, 3.0) / 3.0 + 0.5
    return _nan_where(x, np.where(x <= -3.0, 0.0, np.where(x < 3.0, mid, 1.0)))


def _hard_tanh(x: np.ndarray, min_val: float, max_val: float) -> np.ndarray:
    return np.clip(x, min_val, max_val)


def _hard_tanh_grad(x: np.ndarray, min_val: float, max_val: float) -> np.ndarray:
    return _nan_where(x, ((x > min_val) & (x < max_val)).astype(np.float64))


def _leaky_relu(x: np.ndarray, negative_slope: float) -> np.ndarray:
    if negative_slope == 0.0:  # 0 * (-inf) would be NaN
        return np.maximum(x, 0.0)
    return np.where(x > 0.0, x, _scaled(np.minimum(x, 0.0), negative_slope))


def _leaky_relu_grad(x: np.ndarray, negative_slope: float) -> np.ndarray:
    return _nan_where(x, np.where(x > 0.0, 1.0, negative_slope))


def _gelu(x: np.ndarray, approximate: str) -> np.ndarray:
    if approximate == "sigmoid":
        return _swish(x, _GELU_SIGMOID_COEF)
    if approximate == "tanh":
        # 0.5 x (1 + tanh u) = x sigma(2u): no cancellation for x << 0
        xc = np.clip(x, -50.0, 50.0)
        two_u = 2.0 * _SQRT_2_OVER_PI * xc * (1.0 + _GELU_TANH_COEF * xc * xc)
        return _gated(x, _sc.expit(two_u))
    # x Phi(x) with Phi(x) = erfc(-x / sqrt 2) / 2: erfc keeps the tail for x << 0
    xc = np.maximum(x, -40.0)
    return _gated(x, 0.5 * _sc.erfc(-xc * _SQRT1_2))


def _gelu_grad(x: np.ndarray, approximate: str) -> np.ndarray:
    if approximate == "sigmoid":
        return _swish_grad(x, _GELU_SIGMOID_COEF)
    xc = np.clip(x, -50.0, 50.0)
    if approximate == "tanh":
        xc2 = xc * xc
        two_u = 2.0 * _SQRT_2_OVER_PI * xc * (1.0 + _GELU_TANH_COEF * xc2)
        d_two_u = 2.0 * _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_TANH_COEF * xc2)
        s = _sc.expit(two_u)
        return s + xc * s * _sc.expit(-two_u) * d_two_u
    # Phi(x) + x phi(x)
    return 0.5 * _sc.erfc(-xc * _SQRT1_2) + xc * _INV_SQRT_2PI * np.exp(-0.5 * xc * xc)


# ---------------------------------------------------------------------------------------
# SymPy forms (sp = the sympy module, x = Symbol("x", real=True))
# ---------------------------------------------------------------------------------------


def _sym_sigmoid(sp: Any, z: Any) -> Any:
    return 1 / (1 + sp.exp(-z))


def _sym_gelu(sp: Any, x: Any, approximate: str) -> Any:
    if approximate == "sigmoid":
        return x * _sym_sigmoid(sp, sp.Rational(1702, 1000) * x)
    if approximate == "tanh":
        inner = sp.sqrt(2 / sp.pi) * (x + sp.Rational(44715, 1000000) * x**3)
        return x / 2 * (1 + sp.tanh(inner))
    return x / 2 * (1 + sp.erf(x / sp.sqrt(2)))


def _sym_elu(sp: Any, x: Any, alpha: Any) -> Any:
    return sp.Piecewise((x, x > 0), (alpha * (sp.exp(x) - 1), True))


def _selu_sym(sp: Any, x: Any) -> Any:
    scale = sp.Float(_SELU_SCALE_STR, 34)
    alpha = sp.Float(_SELU_ALPHA_STR, 34)
    return scale * sp.Piecewise((x, x > 0), (alpha * (sp.exp(x) - 1), True))


# ---------------------------------------------------------------------------------------
# the registry
# ---------------------------------------------------------------------------------------

_INF = math.inf
# minima of the non-monotonic ones (checked against a fine grid in the tests)
_SILU_MIN = -0.27846454276107385
_MISH_MIN = -0.3088434130172505
_GELU_MIN = -0.16997120747990366


def _props(
    output_range: tuple[float, float],
    zero_centred: bool,
    monotonic: bool,
    smooth: bool,
    saturates_left: bool,
    saturates_right: bool,
    cost: str,
    typical_use: str,
) -> dict[str, Any]:
    lo, hi = output_range
    return {
        "output_range": (float(lo), float(hi)),
        "zero_centred": zero_centred,
        "monotonic": monotonic,
        "smooth": smooth,
        "saturates_left": saturates_left,
        "saturates_right": saturates_right,
        "bounded_below": bool(lo > -_INF),
        "cost": cost,
        "typical_use": typical_use,
    }


def _check_limits(p: dict[str, Any]) -> None:
    lo, hi = p["min_val"], p["max_val"]
    if isinstance(lo, float) and isinstance(hi, float) and not lo < hi:
        raise ValueError(f"min_val: expected min_val < max_val, got min_val={lo}, max_val={hi}")


def _build() -> dict[str, Activation]:
    real = _real_param
    positive = _positive_param
    records = [
        Activation(
            "identity", lambda x: _identity(x), lambda x: _identity_grad(x), lambda sp, x: x,
            r"f(x) = x",
            _props((-_INF, _INF), True, True, True, False, False, "none",
                   "output layer for regression; the linear baseline that collapses when stacked"),
            description="No nonlinearity: a stack of identity layers is one affine map.",
        ),
        Activation(
            "step", lambda x: _step(x), lambda x: _step_grad(x),
            lambda sp, x: sp.Heaviside(x, 1),
            r"H(x) = \begin{cases} 1 & x \ge 0 \\ 0 & x < 0 \end{cases}",
            _props((0.0, 1.0), False, True, False, True, True, "comparison",
                   "the perceptron's threshold unit; its zero derivative stops gradient descent"),
            kinks=lambda: (0.0,),
            description="Heaviside step with step(0) = 1; derivative 0 everywhere (PyTorch-style).",
        ),
        Activation(
            "sigmoid", lambda x: _sigmoid(x), lambda x: _sigmoid_grad(x),
            lambda sp, x: _sym_sigmoid(sp, x),
            r"\sigma(x) = \frac{1}{1 + e^{-x}}",
            _props((0.0, 1.0), False, True, True, True, True, "exp",
                   "probability output for binary classification; gates in LSTM/GRU cells"),
            description="The logistic function; sigma' = sigma (1 - sigma) <= 1/4 makes deep stacks vanish.",
        ),
        Activation(
            "log_sigmoid", lambda x: _log_sigmoid(x), lambda x: _log_sigmoid_grad(x),
            lambda sp, x: -sp.log(1 + sp.exp(-x)),
            r"\log \sigma(x) = -\log\left(1 + e^{-x}\right)",
            _props((-_INF, 0.0), False, True, True, False, True, "exp, log",
                   "numerically stable log-probabilities in binary cross-entropy losses"),
            description="log(sigmoid(x)) computed without forming sigmoid (scipy.special.log_expit).",
        ),
        Activation(
            "tanh", lambda x: _tanh(x), lambda x: _tanh_grad(x), lambda sp, x: sp.tanh(x),
            r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
            _props((-1.0, 1.0), True, True, True, True, True, "exp",
                   "hidden layers of RNNs and small MLPs; the zero-centred sigmoid"),
            description="tanh(x) = 2 sigma(2x) - 1; tanh' = 1 - tanh^2.",
        ),
        Activation(
            "relu", lambda x: _relu(x), lambda x: _relu_grad(x),
            lambda sp, x: sp.Piecewise((x, x > 0), (0, True)),
            r"\operatorname{ReLU}(x) = \max(0, x)",
            _props((0.0, _INF), False, True, False, True, False, "comparison",
                   "default hidden activation of deep feed-forward and convolutional nets"),
            kinks=lambda: (0.0,),
            description="max(0, x); relu'(0) = 0 as in PyTorch.",
        ),
        Activation(
            "relu6", lambda x: _relu6(x), lambda x: _relu6_grad(x),
            lambda sp, x: sp.Piecewise((0, x <= 0), (6, x >= 6), (x, True)),
            r"\operatorname{ReLU6}(x) = \min(\max(0, x), 6)",
            _props((0.0, 6.0), False, True, False, True, True, "comparison",
                   "mobile networks (MobileNet) with low-precision arithmetic"),
            kinks=lambda: (0.0, 6.0),
            description="ReLU capped at 6; derivative 0 at 0 and at 6.",
        ),
        Activation(
            "selu", lambda x: _selu(x), lambda x: _selu_grad(x), lambda sp, x: _selu_sym(sp, x),
            r"\operatorname{SELU}(x) = \lambda \begin{cases} x & x > 0 \\ "
            r"\alpha (e^{x} - 1) & x \le 0 \end{cases}",
            _props((-SELU_SCALE * SELU_ALPHA, _INF), True, True, False, True, False, "exp",
                   "self-normalising fully connected nets (LeCun-normal init, alpha-dropout)"),
            kinks=lambda: (0.0,),
            description="Scaled ELU whose fixed point keeps activations at mean 0, variance 1.",
        ),
        Activation(
            "silu", lambda x: _silu(x), lambda x: _silu_grad(x),
            lambda sp, x: x * _sym_sigmoid(sp, x),
            r"\operatorname{SiLU}(x) = x \, \sigma(x)",
            _props((_SILU_MIN, _INF), False, False, True, True, False, "exp",
                   "hidden layers of modern CNNs (EfficientNet) and transformers"),
            description="x * sigmoid(x) (Swish with beta = 1).",
        ),
        Activation(
            "mish", lambda x: _mish(x), lambda x: _mish_grad(x),
            lambda sp, x: x * sp.tanh(sp.log(1 + sp.exp(x))),
            r"\operatorname{Mish}(x) = x \tanh\left(\log\left(1 + e^{x}\right)\right)",
            _props((_MISH_MIN, _INF), False, False, True, True, False, "exp, log, tanh",
                   "drop-in smooth ReLU replacement in detection backbones (YOLOv4)"),
            description="x * tanh(softplus(x)).",
        ),
        Activation(
            "softsign", lambda x: _softsign(x), lambda x: _softsign_grad(x),
            lambda sp, x: x / (1 + sp.Abs(x)),
            r"\operatorname{softsign}(x) = \frac{x}{1 + |x|}",
            _props((-1.0, 1.0), True, True, True, True, True, "division",
                   "cheap tanh substitute whose tails saturate polynomially, not exponentially"),
            description="x / (1 + |x|); derivative 1 / (1 + |x|)^2.",
        ),
        Activation(
            "tanhshrink", lambda x: _tanhshrink(x), lambda x: _tanhshrink_grad(x),
            lambda sp, x: x - sp.tanh(x),
            r"\operatorname{tanhshrink}(x) = x - \tanh(x)",
            _props((-_INF, _INF), True, True, True, False, False, "exp",
                   "rarely used; shrinks small values (sparse coding, denoising)"),
            description="x - tanh(x); derivative tanh^2(x).",
        ),
        Activation(
            "hard_sigmoid", lambda x: _hard_sigmoid(x), lambda x: _hard_sigmoid_grad(x),
            lambda sp, x: sp.Piecewise((0, x <= -3), (1, x >= 3), (x / 6 + sp.Rational(1, 2), True)),
            r"\operatorname{hardsigmoid}(x) = "
            r"\min\left(\max\left(\frac{x}{6} + \frac{1}{2}, 0\right), 1\right)",
            _props((0.0, 1.0), False, True, False, True, True, "comparison, multiply-add",
                   "cheap sigmoid for mobile networks (MobileNetV3 squeeze-excite gates)"),
            kinks=lambda: (-3.0, 3.0),
            description="PyTorch's clip(x/6 + 1/2, 0, 1); derivative 0 at +-3.",
        ),
        Activation(
            "hard_swish", lambda x: _hard_swish(x), lambda x: _hard_swish_grad(x),
            lambda sp, x: sp.Piecewise((0, x <= -3), (x, x >= 3), (x * (x + 3) / 6, True)),
            r"\operatorname{hardswish}(x) = x \, \frac{\min(\max(x + 3, 0), 6)}{6}",
            _props((-0.375, _INF), False, False, False, True, False, "comparison, multiply-add",
                   "cheap Swish for mobile networks (MobileNetV3)"),
            kinks=lambda: (-3.0, 3.0),
            description="x * hard_sigmoid(x); derivative 0 at -3 and 1 at 3, as PyTorch's autograd.",
        ),
        Activation(
            "hard_tanh", lambda x, min_val, max_val: _hard_tanh(x, min_val, max_val),
            lambda x, min_val, max_val: _hard_tanh_grad(x, min_val, max_val),
            lambda sp, x, min_val, max_val: sp.Piecewise(
                (_sym_number(sp, min_val), x <= min_val), (_sym_number(sp, max_val), x >= max_val), (x, True)
            ),
            r"\operatorname{hardtanh}(x) = \min(\max(x, a), b)",
            _props((-1.0, 1.0), True, True, False, True, True, "comparison",
                   "cheap bounded activation; clipping in quantised or binarised networks"),
            params={"min_val": -1.0, "max_val": 1.0},
            checks={"min_val": real, "max_val": real},
            constraint=_check_limits,
            kinks=lambda min_val, max_val: (min_val, max_val),
            description="Clip to [min_val, max_val]; derivative 0 at the limits.",
        ),
        Activation(
            "leaky_relu", lambda x, negative_slope: _leaky_relu(x, negative_slope),
            lambda x, negative_slope: _leaky_relu_grad(x, negative_slope),
            lambda sp, x, negative_slope: sp.Piecewise(
                (x, x > 0), (_sym_number(sp, negative_slope) * x, True)
            ),
            r"\operatorname{LeakyReLU}(x) = \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}",
            _props((-_INF, _INF), False, True, False, False, False, "comparison",
                   "ReLU without dead units: GAN discriminators, deep CNNs"),
            params={"negative_slope": 0.01},
            checks={"negative_slope": real},
            kinks=lambda negative_slope: () if negative_slope == 1.0 else (0.0,),
            description="x for x > 0, negative_slope * x otherwise; derivative negative_slope at 0.",
        ),
        Activation(
            "elu", lambda x, alpha: _elu(x, alpha), lambda x, alpha: _elu_grad(x, alpha),
            lambda sp, x, alpha: _sym_elu(sp, x, _sym_number(sp, alpha)),
            r"\operatorname{ELU}(x) = \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}",
            _props((-1.0, _INF), False, True, True, True, False, "exp",
                   "ReLU alternative with negative outputs that pull mean activations towards 0"),
            params={"alpha": 1.0},
            checks={"alpha": real},
            kinks=lambda alpha: () if alpha == 1.0 else (0.0,),
            description="Exponential linear unit; C^1 only for alpha = 1 (elu'(0) = alpha as in PyTorch).",
        ),
        Activation(
            "celu", lambda x, alpha: _celu(x, alpha), lambda x, alpha: _celu_grad(x, alpha),
            lambda sp, x, alpha: sp.Piecewise(
                (x, x > 0), (_sym_number(sp, alpha) * (sp.exp(x / _sym_number(sp, alpha)) - 1), True)
            ),
            r"\operatorname{CELU}(x) = \max(0, x) + \min\left(0, \alpha (e^{x/\alpha} - 1)\right)",
            _props((-1.0, _INF), False, True, True, True, False, "exp",
                   "ELU made C^1 for every alpha > 0"),
            params={"alpha": 1.0},
            checks={"alpha": positive},
            description="Continuously differentiable ELU: slope 1 at 0 for every alpha.",
        ),
        Activation(
            "gelu", lambda x, approximate: _gelu(x, approximate),
            lambda x, approximate: _gelu_grad(x, approximate),
            lambda sp, x, approximate: _sym_gelu(sp, x, approximate),
            r"\operatorname{GELU}(x) = x \, \Phi(x) = \frac{x}{2}\left(1 + "
            r"\operatorname{erf}\left(\frac{x}{\sqrt{2}}\right)\right)",
            _props((_GELU_MIN, _INF), False, False, True, True, False, "erf",
                   "feed-forward blocks of transformers (BERT, GPT)"),
            params={"approximate": "none"},
            checks={"approximate": _gelu_form},
            description=(
                "x * Phi(x); approximate='tanh' is 0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3))), "
                "approximate='sigmoid' is x * sigmoid(1.702 x)."
            ),
        ),
        Activation(
            "swish", lambda x, beta: _swish(x, beta), lambda x, beta: _swish_grad(x, beta),
            lambda sp, x, beta: x * _sym_sigmoid(sp, _sym_number(sp, beta) * x),
            r"\operatorname{swish}(x) = x \, \sigma(\beta x)",
            _props((_SILU_MIN, _INF), False, False, True, True, False, "exp",
                   "searched activation (Ramachandran et al.); beta -> inf tends to ReLU"),
            params={"beta": 1.0},
            checks={"beta": real},
            description="x * sigmoid(beta x); f' = beta f + sigma(beta x)(1 - beta f).",
        ),
        Activation(
            "softplus", lambda x, beta: _softplus(x, beta), lambda x, beta: _softplus_grad(x, beta),
            lambda sp, x, beta: sp.log(1 + sp.exp(_sym_number(sp, beta) * x)) / _sym_number(sp, beta),
            r"\operatorname{softplus}(x) = \frac{1}{\beta} \log\left(1 + e^{\beta x}\right)",
            _props((0.0, _INF), False, True, True, True, False, "exp, log",
                   "smooth ReLU; keeps outputs positive (variances, rates)"),
            params={"beta": 1.0},
            checks={"beta": positive},
            description=(
                "(1/beta) log(1 + e^{beta x}) exactly (no threshold shortcut); derivative sigma(beta x)."
            ),
        ),
    ]
    return {rec.name: rec for rec in records}


#: Elementwise activations, name -> :class:`Activation`.
ACTIVATIONS: dict[str, Activation] = _build()

#: The softmax family, name -> :class:`SoftmaxFunction`. Properties describe output ``i`` as a
#: function of its own logit ``x_i`` (the others fixed): softmax and log-softmax increase with
#: it, softmin decreases (monotonic either way); the derivative of ``s_i`` is ``s_i (1 - s_i)``,
#: which vanishes at both ends, while log-softmax's ``1 - s_i`` tends to 1 as ``x_i -> -inf``.
SOFTMAX_FAMILY: dict[str, SoftmaxFunction] = {
    "softmax": SoftmaxFunction(
        "softmax",
        r"\operatorname{softmax}(x)_i = \frac{e^{x_i / T}}{\sum_j e^{x_j / T}}",
        {"output_range": (0.0, 1.0), "zero_centred": False, "monotonic": True, "smooth": True,
         "saturates_left": True, "saturates_right": True, "bounded_below": True,
         "cost": "exp, sum, division",
         "typical_use": "output layer for multi-class classification; attention weights"},
        "Probabilities from logits; shift-invariant, so the maximum is subtracted first.",
    ),
    "log_softmax": SoftmaxFunction(
        "log_softmax",
        r"\log\operatorname{softmax}(x)_i = \frac{x_i}{T} - \log \sum_j e^{x_j / T}",
        {"output_range": (-_INF, 0.0), "zero_centred": False, "monotonic": True, "smooth": True,
         "saturates_left": False, "saturates_right": True, "bounded_below": False,
         "cost": "exp, sum, log",
         "typical_use": "log-probabilities for the cross-entropy loss (never log(softmax(x)))"},
        "Log-probabilities computed as shifted logits minus log-sum-exp.",
    ),
    "softmin": SoftmaxFunction(
        "softmin",
        r"\operatorname{softmin}(x)_i = \frac{e^{-x_i / T}}{\sum_j e^{-x_j / T}}",
        {"output_range": (0.0, 1.0), "zero_centred": False, "monotonic": True, "smooth": True,
         "saturates_left": True, "saturates_right": True, "bounded_below": True,
         "cost": "exp, sum, division",
         "typical_use": "weights that favour the smallest values (soft nearest neighbour)"},
        "softmin(x) = softmax(-x).",
    ),
}

identity = ACTIVATIONS["identity"]
step = ACTIVATIONS["step"]
sigmoid = ACTIVATIONS["sigmoid"]
log_sigmoid = ACTIVATIONS["log_sigmoid"]
tanh = ACTIVATIONS["tanh"]
relu = ACTIVATIONS["relu"]
relu6 = ACTIVATIONS["relu6"]
selu = ACTIVATIONS["selu"]
silu = ACTIVATIONS["silu"]
mish = ACTIVATIONS["mish"]
softsign = ACTIVATIONS["softsign"]
tanhshrink = ACTIVATIONS["tanhshrink"]
hard_sigmoid = ACTIVATIONS["hard_sigmoid"]
hard_swish = ACTIVATIONS["hard_swish"]
hard_tanh = ACTIVATIONS["hard_tanh"]
leaky_relu = ACTIVATIONS["leaky_relu"]
elu = ACTIVATIONS["elu"]
celu = ACTIVATIONS["celu"]
gelu = ACTIVATIONS["gelu"]
swish = ACTIVATIONS["swish"]
softplus = ACTIVATIONS["softplus"]
softmax = SOFTMAX_FAMILY["softmax"]
log_softmax = SOFTMAX_FAMILY["log_softmax"]
softmin = SOFTMAX_FAMILY["softmin"]

# Other common spellings (PyTorch class names, scikit-learn's "logistic", ...).
_ALIASES = {
    "linear": "identity",
    "none": "identity",
    "heaviside": "step",
    "logistic": "sigmoid",
    "logsigmoid": "log_sigmoid",
    "hardtanh": "hard_tanh",
    "hardsigmoid": "hard_sigmoid",
    "hardswish": "hard_swish",
    "leakyrelu": "leaky_relu",
    "logsoftmax": "log_softmax",
}


def get(name: str | Activation | SoftmaxFunction) -> Activation | SoftmaxFunction:
    """Look up an activation record by name (case-insensitive; PyTorch spellings work too).

    Parameters
    ----------
    name : str or record
        e.g. ``"relu"``, ``"LeakyReLU"``, ``"softmax"``; a record is returned unchanged.

    Returns
    -------
    Activation or SoftmaxFunction

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If there is no such activation; the message suggests close names.

    Examples
    --------
    >>> get("LeakyReLU").name
    'leaky_relu'
    >>> get("rleu")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: name: unknown activation 'rleu'; did you mean 'relu' or 'relu6'? ...
    """
    if isinstance(name, (Activation, SoftmaxFunction)):
        return name
    if not isinstance(name, str):
        raise TypeError(f"name: expected an activation name (str), got {type(name).__name__}")
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    key = _ALIASES.get(key, _ALIASES.get(key.replace("_", ""), key))
    if key in ACTIVATIONS:
        return ACTIVATIONS[key]
    if key in SOFTMAX_FAMILY:
        return SOFTMAX_FAMILY[key]
    known = [*ACTIVATIONS, *SOFTMAX_FAMILY]
    close = difflib.get_close_matches(key, known + list(_ALIASES), n=3, cutoff=0.6)
    close = list(dict.fromkeys(_ALIASES.get(c, c) for c in close))
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    raise ValueError(f"name: unknown activation {name!r}; {hint}known: {', '.join(known)}")

