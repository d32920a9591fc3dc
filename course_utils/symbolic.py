"""SymPy helpers: derive an activation, compare two formulas, turn a formula into NumPy.

The lessons and the graders share these. Expressions are in the symbol ``X``
(``sympy.Symbol("x", real=True)``); any symbol *named* ``x`` is accepted, whatever its
assumptions, because students write ``sp.Symbol("x")`` or ``sp.symbols("x", positive=True)``.

Examples
--------
>>> import sympy as sp
>>> from course_utils.symbolic import X, derivative, equivalent
>>> s = 1 / (1 + sp.exp(-X))
>>> bool(equivalent(derivative("sigmoid"), s * (1 - s)))
True
>>> result = equivalent(s, s * (1 - s))
>>> result.equal, result.method
(False, 'numeric')
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import sympy as sp
from scipy import special as _sc

from course_utils import activations as _act

__all__ = [
    "X",
    "Equivalence",
    "assert_equal",
    "critical_point",
    "derivative",
    "equivalent",
    "lambdify",
]

#: The course's symbol: ``sympy.Symbol("x", real=True)`` (the one every ``.sympy()`` uses).
X = sp.Symbol("x", real=True)

# Expressions above this many operations are not handed to sp.simplify (it can take
# minutes on large or piecewise expressions); the numeric check decides instead.
_SIMPLIFY_MAX_OPS = 120


def _heaviside_numpy(x: Any, h0: Any = 0.5) -> Any:
    return np.heaviside(x, h0)


def _dirac_numpy(x: Any, *args: Any) -> Any:
    x = np.asarray(x, dtype=float)
    return np.where(x == 0.0, np.inf, 0.0)


#: Names that NumPy lacks, given to ``sympy.lambdify`` (scipy.special keeps erf tails).
NUMPY_MODULES: list[Any] = [
    {
        "erf": _sc.erf,
        "erfc": _sc.erfc,
        "Heaviside": _heaviside_numpy,
        "DiracDelta": _dirac_numpy,
    },
    "numpy",
]


def derivative(name: str, **params: Any) -> Any:
    """The SymPy derivative of a registry activation (unsimplified).

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"sigmoid"``; for the softmax family the Jacobian Matrix.
    **params
        The activation's parameters (numbers or SymPy symbols); for the softmax family
        ``n`` (default 3) and ``temperature``.

    Returns
    -------
    sympy.Expr or sympy.Matrix

    Examples
    --------
    >>> derivative("relu")
    Piecewise((1, x > 0), (0, True))
    >>> derivative("softmax", n=2).shape
    (2, 2)
    """
    record = _act.get(name)
    if isinstance(record, _act.SoftmaxFunction):
        out = record.sympy(**params)
        n = out.shape[0]
        return out.jacobian(sp.symbols(f"x0:{n}", real=True))
    return sp.diff(record.sympy(**params), X)


@dataclass(frozen=True)
class Equivalence:
    """The verdict of :func:`equivalent`; ``bool(result)`` is ``result.equal``.

    Attributes
    ----------
    equal : bool
        Whether the two expressions agree.
    method : {"simplify", "numeric"}
        ``"simplify"``: SymPy proved ``a - b == 0``; ``"numeric"``: decided by evaluation
        at many points with 30-digit arithmetic.
    counterexample : float or None
        A value of x where they differ (None when equal or not comparable).
    detail : str
        A sentence for the learner: what was checked, or where and how they differ.
    """

    equal: bool
    method: Literal["simplify", "numeric"]
    counterexample: float | None
    detail: str

    def __bool__(self) -> bool:
        return self.equal


def _to_expr(value: Any, name: str, symbol: str) -> Any:
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        return value
    if isinstance(value, bool) or value is None:
        raise TypeError(f"{name}: expected a SymPy expression, got {type(value).__name__}")
    if isinstance(value, (int, float)):
        return sp.sympify(value)
    if isinstance(value, str):
        try:
            return sp.parse_expr(value, local_dict={symbol: sp.Symbol(symbol, real=True)})
        except Exception as exc:  # noqa: BLE001 - any parse failure is the caller's typo
            raise ValueError(f"{name}: could not parse {value!r} as a formula ({exc})") from None
    raise TypeError(f"{name}: expected a SymPy expression, got {type(value).__name__}")


def _rename(expr: Any, symbol: str, target: Any) -> Any:
    """Replace every free symbol named ``symbol`` (any assumptions) by ``target``."""
    mapping = {s: target for s in expr.free_symbols if getattr(s, "name", None) == symbol}
    return expr.xreplace(mapping) if mapping else expr


def _try_simplify(diff: Any) -> bool:
    """Cheap attempts to prove ``diff == 0``; False means "not proved", not "different"."""
    if diff.has(sp.Piecewise, sp.Heaviside, sp.DiracDelta, sp.Max, sp.Min, sp.Abs, sp.sign):
        return False
    if sp.count_ops(diff) > _SIMPLIFY_MAX_OPS:
        return False
    for candidate in (diff, diff.rewrite(sp.exp)):
        try:
            if sp.expand(candidate) == 0 or sp.simplify(candidate) == 0:
                return True
        except Exception:  # noqa: BLE001 - SymPy may fail on exotic input: fall back to numbers
            return False
    return False


def _candidate_points(lo: float, hi: float, n: int) -> list[float]:
    """Friendly points first (so counterexamples are readable), then a grid and random points."""
    nice = [0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 1e-3, -1e-3, lo, hi]
    grid = np.linspace(lo, hi, max(n, 2)).tolist()
    rng = np.random.default_rng(12345)
    random = rng.uniform(lo, hi, max(n // 2, 1)).tolist()
    points = [p for p in nice if lo <= p <= hi] + grid + random
    return list(dict.fromkeys(float(p) for p in points))


def _mp_value(f: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """Evaluate at 30 digits; None where undefined (error, complex, infinite)."""
    import mpmath

    try:
        value = f(*args)
    except (ZeroDivisionError, ValueError, TypeError, OverflowError, ArithmeticError):
        return None
    try:
        if isinstance(value, mpmath.mpc) or isinstance(value, complex):
            if abs(value.imag) > 1e-20 * max(1.0, abs(value.real)):
                return None
            value = value.real
        value = mpmath.mpf(value)
    except (TypeError, ValueError):
        return None
    if not mpmath.isfinite(value):
        return value if mpmath.isinf(value) else None
    return value


def _close(a: Any, b: Any, rtol: float, atol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if not (math.isfinite(float(a)) and math.isfinite(float(b))):
        return a == b
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def equivalent(
    a: Any,
    b: Any,
    *,
    symbol: str = "x",
    lo: float = -10.0,
    hi: float = 10.0,
    n: int = 200,
    rtol: float = 1e-9,
    atol: float = 1e-12,
) -> Equivalence:
    """Do two formulas in x agree? Proof by SymPy when cheap, else numbers at many points.

    Parameters
    ----------
    a, b : sympy.Expr, number or str
        The formulas (a string is parsed with ``sympy.parse_expr``). Every symbol named
        ``symbol`` counts as the variable, whatever its assumptions. Other symbols must be
        the same in both (they are then parameters, sampled positive unless declared
        negative); an expression in another variable (``y`` for ``x``) is not equivalent.
    symbol : str
        The variable's name.
    lo, hi : float
        The interval where the numeric check samples x (its ends included).
    n : int
        Number of grid points (plus ``n // 2`` random points and a few friendly ones).
    rtol, atol : float
        Numeric tolerance: ``|a - b| <= atol + rtol * max(|a|, |b|)``.

    Returns
    -------
    Equivalence
        ``equal``, ``method`` ("simplify" or "numeric"), ``counterexample``, ``detail``.

    Notes
    -----
    ``sympy.simplify`` is tried only on moderate-size expressions without piecewise parts
    (it can run for minutes otherwise). The numeric check evaluates both expressions with
    mpmath at 30 digits, so ``exp(800)`` or ``1 + erf(-20)`` are computed correctly; points
    where both are undefined (e.g. ``log`` of a negative number) are skipped.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")  # no assumptions: still the variable x
    >>> bool(equivalent(sp.tanh(x).diff(x), 4 / (sp.exp(x) + sp.exp(-x)) ** 2))
    True
    >>> r = equivalent(sp.Symbol("y") ** 2, x**2)
    >>> r.equal, r.detail
    (False, 'a uses the symbol(s) y where b does not; write the answer in x')
    >>> r = equivalent(sp.Abs(x), x)
    >>> r.equal, r.counterexample
    (False, -1.0)
    """
    if not isinstance(symbol, str):
        raise TypeError(f"symbol: expected the variable's name (str), got {type(symbol).__name__}")
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"lo, hi: expected finite lo < hi, got lo={lo}, hi={hi}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n: expected a positive int, got {n!r}")
    var = X if symbol == "x" else sp.Symbol(symbol, real=True)
    ea = _rename(_to_expr(a, "a", symbol), symbol, var)
    eb = _rename(_to_expr(b, "b", symbol), symbol, var)

    matrix_a, matrix_b = isinstance(ea, sp.MatrixBase), isinstance(eb, sp.MatrixBase)
    if matrix_a or matrix_b:
        if not (matrix_a and matrix_b) or ea.shape != eb.shape:
            shape_a = ea.shape if matrix_a else "a scalar"
            shape_b = eb.shape if matrix_b else "a scalar"
            return Equivalence(False, "numeric", None, f"shapes differ: a is {shape_a}, b is {shape_b}")
        results = [
            equivalent(u, v, symbol=symbol, lo=lo, hi=hi, n=n, rtol=rtol, atol=atol)
            for u, v in zip(ea, eb, strict=True)
        ]
        for index, res in enumerate(results):
            if not res:
                i, j = divmod(index, ea.shape[1])
                return Equivalence(False, "numeric", res.counterexample, f"entry [{i}, {j}]: {res.detail}")
        method = "simplify" if all(r.method == "simplify" for r in results) else "numeric"
        return Equivalence(True, method, None, f"all {len(results)} entries agree")

    others_a = {s for s in ea.free_symbols if s != var}
    others_b = {s for s in eb.free_symbols if s != var}
    if others_a != others_b:
        names = ", ".join(sorted(str(s) for s in others_a ^ others_b))
        side = "a" if others_a - others_b else "b"
        other = "b" if side == "a" else "a"
        return Equivalence(
            False, "numeric", None, f"{side} uses the symbol(s) {names} where {other} does not; "
            f"write the answer in {symbol}"
        )
    diff = sp.sympify(ea - eb)
    if diff == 0:
        return Equivalence(True, "simplify", None, "a and b are the same expression")
    # Numbers first at a few friendly points: a wrong answer is then rejected at once,
    # without ever calling simplify (which can take minutes, e.g. on erf against tanh).
    quick = [p for p in (0.0, 1.0, -1.0, 0.5, -2.0, 2.0, 3.0, -3.0, lo, hi) if lo <= p <= hi]
    found = _numeric_check(ea, eb, var, others_a, symbol, quick, rtol, atol)
    if not found:
        return found
    if _try_simplify(diff):
        return Equivalence(True, "simplify", None, "SymPy simplifies a - b to 0")
    points = _candidate_points(lo, hi, n)
    found = _numeric_check(ea, eb, var, others_a, symbol, points, rtol, atol)
    if not found or found.detail.startswith("neither"):
        return found
    return Equivalence(True, "numeric", None, f"{found.detail} in [{lo:g}, {hi:g}]")


def _numeric_check(
    ea: Any,
    eb: Any,
    var: Any,
    parameters: set[Any],
    symbol: str,
    points: list[float],
    rtol: float,
    atol: float,
) -> Equivalence:
    """Compare at ``points`` with 30-digit mpmath arithmetic (parameters sampled)."""
    import mpmath

    params = sorted(parameters, key=str)
    rng = np.random.default_rng(7)
    param_sets = [
        {p: (-1.0 if (p.is_negative or p.is_nonpositive) else 1.0) * float(v) for p, v in
         zip(params, rng.uniform(0.25, 2.5, len(params)), strict=True)}
        for _ in range(3 if params else 1)
    ]
    args = (var, *params)
    fa = sp.lambdify(args, ea, "mpmath")
    fb = sp.lambdify(args, eb, "mpmath")
    checked = 0
    with mpmath.workdps(30):
        for k, xv in enumerate(points):
            pset = param_sets[k % len(param_sets)]
            call = (mpmath.mpf(xv), *(mpmath.mpf(pset[p]) for p in params))
            va, vb = _mp_value(fa, call), _mp_value(fb, call)
            if va is None and vb is None:
                continue
            checked += 1
            if not _close(va, vb, rtol, atol):
                where = f"{symbol} = {xv:g}"
                if params:
                    where += " (" + ", ".join(f"{p} = {pset[p]:.3g}" for p in params) + ")"
                shown_a = "undefined" if va is None else mpmath.nstr(va, 8)
                shown_b = "undefined" if vb is None else mpmath.nstr(vb, 8)
                detail = f"they differ at {where}: a = {shown_a}, b = {shown_b}"
                return Equivalence(False, "numeric", xv, detail)
    if checked == 0:
        return Equivalence(False, "numeric", None, "neither expression is defined at the sample points")
    return Equivalence(True, "numeric", None, f"equal to rtol {rtol:g} at {checked} points")


def assert_equal(a: Any, b: Any, **kwargs: Any) -> Equivalence:
    """Raise AssertionError (with the counterexample) unless ``equivalent(a, b)``.

    Parameters
    ----------
    a, b : sympy.Expr
        The formulas.
    **kwargs
        Passed to :func:`equivalent` (``symbol``, ``lo``, ``hi``, ``n``, ``rtol``, ``atol``).

    Returns
    -------
    Equivalence
        The (positive) verdict, for printing.

    Examples
    --------
    >>> import sympy as sp
    >>> assert_equal(sp.exp(X) * sp.exp(-X), 1).method
    'simplify'
    >>> assert_equal(sp.exp(X), X + 1)
    Traceback (most recent call last):
    ...
    AssertionError: not equivalent: they differ at x = 1: a = 2.7182818, b = 2.0
    """
    result = equivalent(a, b, **kwargs)
    if not result:
        raise AssertionError(f"not equivalent: {result.detail}")
    return result


def lambdify(expr: Any, symbol: Any = None) -> Callable[[Any], np.ndarray]:
    """A vectorised NumPy function of one variable from a SymPy expression.

    Parameters
    ----------
    expr : sympy.Expr
        The formula (erf, erfc, Heaviside and DiracDelta are supported).
    symbol : sympy.Symbol or str, optional
        The variable (a name matches any assumptions). Default: the only free symbol, or
        the one named ``x``.

    Returns
    -------
    callable
        ``f(x) -> numpy.ndarray`` with the shape of ``x`` (float64).

    Examples
    --------
    >>> import sympy as sp
    >>> f = lambdify(sp.erf(X) + 1)
    >>> f([0.0, 1.0]).round(4).tolist()
    [1.0, 1.8427]
    >>> lambdify(sp.Integer(2))([1.0, 2.0, 3.0]).tolist()
    [2.0, 2.0, 2.0]
    """
    expr = sp.sympify(expr)
    free = sorted(expr.free_symbols, key=str)
    if symbol is None:
        named_x = [s for s in free if s.name == "x"]
        if len(free) <= 1:
            sym = free[0] if free else X
        elif named_x:
            sym = named_x[0]
        else:
            raise ValueError(f"symbol: the expression has several symbols ({free}); name the variable")
    elif isinstance(symbol, str):
        matches = [s for s in free if s.name == symbol]
        sym = matches[0] if matches else sp.Symbol(symbol)
    elif isinstance(symbol, sp.Symbol):
        sym = symbol
    else:
        raise TypeError(f"symbol: expected a sympy Symbol or a name, got {type(symbol).__name__}")
    others = [s for s in free if s != sym]
    if others:
        raise ValueError(f"expr: has symbols besides {sym} ({others}); substitute them first")
    f = sp.lambdify(sym, expr, modules=NUMPY_MODULES)

    def numeric(x: Any) -> np.ndarray:
        arr = np.asarray(x, dtype=float)
        out = np.asarray(f(arr), dtype=float)
        return np.broadcast_to(out, arr.shape).copy() if out.shape != arr.shape else out

    numeric.__doc__ = f"NumPy version of {expr}."
    return numeric


def critical_point(name: str, guess: float, **params: Any) -> float:
    """Where the derivative of a registry activation vanishes, found near ``guess``.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"silu"``.
    guess : float
        Starting point for ``sympy.nsolve``.
    **params
        The activation's parameters.

    Returns
    -------
    float

    Examples
    --------
    >>> round(critical_point("silu", -1.0), 6)  # where x sigma(x) is smallest
    -1.278465
    """
    return float(sp.nsolve(derivative(name, **params), X, guess))
