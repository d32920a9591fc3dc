"""What every activation record shares: input checking, the record classes, small helpers.

The activations themselves live in one module per family (``sigmoid_family``,
``relu_family``, ``elu_family``, ``gated_family``, ``softmax_family``, ``linear``); each
builds its records with :class:`Activation` and :meth:`Properties.of`, keyword by keyword.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

# exp(-BIG) underflows to 0 in float64, so arguments of exp/expit/erfc beyond this are
# clipped: the clipped value gives the same float64 result and cannot overflow.
BIG = 800.0
INF = math.inf


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


def give_back(out: np.ndarray, dtype: np.dtype, is_scalar: bool) -> Any:
    """Cast a float64 result back to the input's dtype (a NumPy scalar for scalar input)."""
    if out.dtype != dtype:
        # Casting down only overflows where the exact result lies beyond the target dtype's
        # range; +-inf is then the correctly rounded answer, so the flag carries no news.
        with np.errstate(over="ignore"):
            out = out.astype(dtype)
    return out[()] if is_scalar else out


def real_param(name: str, value: Any) -> float:
    """Check a parameter is a finite real number (not a bool) and return it as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a real number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value}")
    return value


def positive_param(name: str, value: Any) -> float:
    """Check a parameter is a finite real number > 0 and return it as a float."""
    value = real_param(name, value)
    if value <= 0:
        raise ValueError(f"{name}: expected a number > 0, got {value}")
    return value


# ---------------------------------------------------------------------------------------
# helpers the formulas share (float64 arrays in, float64 arrays out)
# ---------------------------------------------------------------------------------------


def nan_where(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Let NaN in ``x`` propagate into ``out`` (comparisons map NaN to False)."""
    np.copyto(out, x, where=np.isnan(x))
    return out


def scaled(x: np.ndarray, factor: float) -> np.ndarray:
    """``factor * x``, silent where the exact product exceeds the float range.

    The rounded result +-inf is then the correct answer, so the overflow flag carries no news.
    """
    with np.errstate(over="ignore"):
        return factor * x


def gated(x: np.ndarray, gate: np.ndarray) -> np.ndarray:
    """``x * gate`` where a gate of exactly 0 gives 0 even for x = +-inf."""
    return np.where(gate == 0.0, 0.0, x) * gate


def sym_number(sp: Any, value: Any) -> Any:
    """A parameter as a SymPy number: 0.01 -> 1/100, 1.0 -> 1; SymPy objects pass through."""
    if isinstance(value, sp.Basic):
        return value
    return sp.Rational(repr(float(value)))


def sym_sigmoid(sp: Any, z: Any) -> Any:
    """The logistic function of the SymPy expression ``z``: ``1 / (1 + exp(-z))``."""
    return 1 / (1 + sp.exp(-z))


# ---------------------------------------------------------------------------------------
# the record classes
# ---------------------------------------------------------------------------------------


class Properties(dict):
    """A read-only ``dict`` of an activation's properties (``output_range``, ``monotonic``, ...).

    A real ``dict`` (so ``key in props``, ``props[key]`` and ``dict(props)`` all work) that
    refuses changes, because the registry is shared by every lesson and grader. Build one
    with :meth:`of`, which names every property.

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

    @classmethod
    def of(
        cls,
        *,
        output_range: tuple[float, float],
        zero_centred: bool,
        monotonic: bool,
        smooth: bool,
        saturates_left: bool,
        saturates_right: bool,
        cost: str,
        typical_use: str,
    ) -> Properties:
        """The property table of one activation at its default parameters.

        Parameters
        ----------
        output_range : (float, float)
            ``(lo, hi)``, possibly ``+-inf``; ``bounded_below`` is derived from ``lo``.
        zero_centred : bool
            Mean output within 0.05 of 0 for standard-normal input (odd functions and SELU).
        monotonic : bool
            Non-decreasing (for softmin: monotonic in its own logit).
        smooth : bool
            C^1 everywhere.
        saturates_left, saturates_right : bool
            ``f' -> 0`` as ``x -> -inf`` / ``+inf``.
        cost : str
            What one evaluation needs: ``"comparison"``, ``"exp"``, ``"erf"``, ...
        typical_use : str
            One line.

        Examples
        --------
        >>> props = Properties.of(output_range=(0, 1), zero_centred=False, monotonic=True,
        ...                       smooth=True, saturates_left=True, saturates_right=True,
        ...                       cost="exp", typical_use="gates")
        >>> props["output_range"], props["bounded_below"]
        ((0.0, 1.0), True)
        """
        lo, hi = output_range
        return cls(
            output_range=(float(lo), float(hi)),
            zero_centred=zero_centred,
            monotonic=monotonic,
            smooth=smooth,
            saturates_left=saturates_left,
            saturates_right=saturates_right,
            bounded_below=bool(lo > -INF),
            cost=cost,
            typical_use=typical_use,
        )


def _no_kinks(**_: Any) -> tuple[float, ...]:
    return ()


class Activation:
    """One elementwise activation: value, derivative, SymPy form and properties together.

    Every argument is keyword-only, so a record reads as a table.

    Parameters
    ----------
    name : str
        Registry name (PyTorch's functional name in snake case).
    value : callable
        ``value(x, **params)`` on a float64 array of at least one dimension, returning a
        float64 array of the same shape.
    grad : callable
        ``grad(x, **params)``: the elementwise derivative, same conventions.
    sympy : callable
        ``sympy(sp, x, **params)``: the SymPy expression in the symbol ``x`` (``sp`` is the
        sympy module, passed in so that importing the registry does not import SymPy).
    latex : str
        The defining formula in LaTeX, e.g. ``r"\\sigma(x) = \\frac{1}{1 + e^{-x}}"``.
    properties : Properties
        For the default parameters (see :meth:`Properties.of`).
    params : dict
        Parameter names and their defaults.
    checks : dict
        Parameter name -> validator ``(name, value) -> value`` raising TypeError/ValueError.
    kinks : tuple of float or callable
        Points where the function is not differentiable, or ``kinks(**params)`` giving them.
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
        *,
        name: str,
        value: Callable[..., np.ndarray],
        grad: Callable[..., np.ndarray],
        sympy: Callable[..., Any],
        latex: str,
        properties: Mapping[str, Any],
        params: dict[str, Any] | None = None,
        checks: dict[str, Callable[[str, Any], Any]] | None = None,
        kinks: tuple[float, ...] | Callable[..., tuple[float, ...]] = (),
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
        if callable(kinks):
            self._kinks = kinks
        else:
            fixed = tuple(kinks)
            self._kinks = (lambda **_: fixed) if fixed else _no_kinks
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
        return give_back(self._apply(self._value, arr, p), dtype, is_scalar)

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
        return give_back(self._apply(self._grad, arr, p), dtype, is_scalar)

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
