"""Checker helpers: run a student's code safely and say precisely how an answer is wrong.

Every helper either returns a clean value or raises a verdict from
:mod:`course_utils.grading.result` (:class:`Fail`, :class:`WrongType`,
:class:`StudentError`, :class:`NotAttempted`) with a message for the student. Messages name a
counterexample ("at x = -1000.0 your function returned nan, expected 0.0") but never the
reference formula.

Only NumPy is imported here; SymPy is imported by :func:`compare_sympy` when it runs.
"""

from __future__ import annotations

import linecache
import numbers
import os
import traceback
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .i18n import N_, _
from .result import Fail, InputChanged, NotAttempted, StudentError, WrongType
from .timelimit import TimeLimitExceeded

DEFAULT_RTOL = 1e-6
"""Relative tolerance of every comparison unless the exercise asks for something else (an
exercise asking for N significant digits accepts half a unit in the N-th digit instead; see
:func:`digits_tolerance`)."""
DEFAULT_ATOL = 1e-12
"""Absolute tolerance: values this close to the reference count as equal (matters near 0)."""
STABLE_RTOL = 1e-7
"""Agreement asked of a "stable" function on extreme inputs: no overflow, no warning, no NaN,
and values within a relative 1e-7 (absolute 1e-12 near 0) of the reference."""
STABLE_ATOL = 1e-12

_GRADING_DIR = os.path.dirname(os.path.abspath(__file__))
_STDLIB_DIR = os.path.dirname(os.path.abspath(os.__file__)) + os.sep

SCALAR_ONLY_NOTE = N_(
    "Your function seems to work on single numbers only. It receives whole NumPy arrays: "
    "use np.exp, np.tanh, np.maximum and np.where instead of math.exp and `if x > 0:`."
)


# ----------------------------------------------------------------------------- formatting
def fmt(value: Any) -> str:
    """A short, readable rendering of a number or an array for feedback messages.

    Examples
    --------
    >>> fmt(-1000.0), fmt(float("nan")), fmt(0.7310585786300049), fmt(np.float32(2.5))
    ('-1000.0', 'nan', '0.73105858', '2.5')
    >>> fmt(np.array([1.0, 2.0, 3.0]))
    '[1.0, 2.0, 3.0]'
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (numbers.Real, np.floating, np.integer)):
        v = float(value)
        if np.isnan(v):
            return "nan"
        if np.isinf(v):
            return "inf" if v > 0 else "-inf"
        text = repr(v)
        return text if len(text) <= 12 else f"{v:.8g}"
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            text = np.array2string(
                value.astype(float),
                separator=", ",
                max_line_width=10_000,
                threshold=12,
                edgeitems=3,
                formatter={"float_kind": _short},
            )
            text = " ".join(text.split())
            return text if len(text) <= 160 else text[:157] + "..."
        return _("an array of dtype {dtype} and shape {shape}", dtype=value.dtype, shape=value.shape)
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _short(v: float) -> str:
    """A float in at most about 8 characters: ``1.0``, ``0.090031``, ``nan``, ``-1e+04``."""
    if not np.isfinite(v):
        return "nan" if np.isnan(v) else ("inf" if v > 0 else "-inf")
    text = repr(float(v))
    return text if len(text) <= 8 else f"{v:.6g}"


def type_name(value: Any) -> str:
    """``"a list"``, ``"an int"``, ``"a NumPy array of shape (3,)"`` … for messages."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return _("a NumPy array of shape {shape}", shape=value.shape)
    if _is_sympy(value):
        return _("a SymPy expression")
    if callable(value) and not isinstance(value, type):
        return _("a function")
    name = type(value).__name__
    template = N_("an {name}") if name[:1].lower() in "aeiou" else N_("a {name}")
    return _(template, name=name)


def _is_sympy(value: Any) -> bool:
    return type(value).__module__.split(".")[0] == "sympy"


# ----------------------------------------------------------------------------- answer types
def is_blank(answer: Any) -> bool:
    """True for the blanks of an exercise notebook: ``None`` and ``...``."""
    return answer is None or answer is Ellipsis


def require_function(answer: Any, *, signature: str = "f(x)") -> Callable[..., Any]:
    """Return ``answer`` if it is a function, else raise :class:`WrongType`.

    Parameters
    ----------
    answer : object
        The student's answer.
    signature : str
        How the function is called, for the message (e.g. ``"softmax(x, axis=-1)"``).
    """
    if callable(answer) and not _is_sympy(answer) and not isinstance(answer, type):
        return answer
    extra = ""
    if _is_sympy(answer):
        extra = " " + _("To turn a SymPy expression into one, use sp.lambdify(x, expr, 'numpy').")
    elif isinstance(answer, (numbers.Number, np.ndarray, list, tuple)):
        extra = " " + _("Did you assign the result of calling your function instead of the function itself?")
    raise WrongType(
        _(
            "Expected a function that can be called as {signature}, but the answer is {type}.",
            signature=signature,
            type=type_name(answer),
        )
        + extra
    )


def as_number(answer: Any, *, what: str = N_("your answer")) -> float:
    """Read a single real number from ``answer`` (int, float, NumPy scalar, 0-d or size-1
    array, SymPy or mpmath number).

    Raises
    ------
    WrongType
        For anything else (strings, lists, booleans, complex numbers, functions, ...).

    Examples
    --------
    >>> as_number(np.float32(0.5)), as_number(np.array([2]))
    (0.5, 2.0)
    """
    what = _(what)
    if isinstance(answer, (bool, np.bool_)):
        raise WrongType(_("Expected a number, but {what} is the boolean {answer}.", what=what, answer=answer))
    if isinstance(answer, (numbers.Real, np.integer, np.floating)):
        return float(answer)
    if isinstance(answer, np.ndarray):
        if answer.size == 1 and answer.dtype.kind in "iuf":
            return float(answer.reshape(()))
        raise WrongType(
            _("Expected a single number, but {what} is {type}.", what=what, type=type_name(answer))
        )
    if isinstance(answer, str):
        raise WrongType(
            _(
                "Expected a number, but {what} is the string {answer!r}: remove the quotes.",
                what=what,
                answer=answer,
            )
        )
    if isinstance(answer, (complex, np.complexfloating)):
        raise WrongType(
            _("Expected a real number, but {what} is the complex number {answer}.", what=what, answer=answer)
        )
    if _is_sympy(answer):
        symbols = getattr(answer, "free_symbols", set())
        if symbols:
            names = ", ".join(sorted(str(s) for s in symbols))
            raise WrongType(
                _(
                    "Expected a number, but {what} is a SymPy expression in {names}: evaluate it "
                    "to a number (e.g. float(expr.subs(...)) or sp.nsolve).",
                    what=what,
                    names=names,
                )
            )
        try:
            value = complex(answer)
        except (TypeError, ValueError):
            raise WrongType(
                _(
                    "Expected a number, but {what} is the SymPy object {answer}.",
                    what=what,
                    answer=fmt(answer),
                )
            ) from None
        if value.imag != 0:
            raise WrongType(
                _("Expected a real number, but {what} is complex: {value}.", what=what, value=value)
            )
        return value.real
    if type(answer).__module__.split(".")[0] in ("mpmath", "decimal", "fractions"):
        try:
            return float(answer)
        except (TypeError, ValueError):
            pass
    if isinstance(answer, (list, tuple)):
        raise WrongType(
            _("Expected a single number, but {what} is {type}.", what=what, type=type_name(answer))
        )
    if callable(answer):
        raise WrongType(
            _(
                "Expected a number, but {what} is a function: compute the value and assign the number.",
                what=what,
            )
        )
    raise WrongType(_("Expected a number, but {what} is {type}.", what=what, type=type_name(answer)))


def as_sequence(
    answer: Any, *, length: int, names: Sequence[str] | None = None, what: str = N_("your answer")
) -> list[float]:
    """Read a list, tuple or 1-D array of ``length`` numbers.

    Raises
    ------
    WrongType
        If ``answer`` is not a sequence of numbers.
    Fail
        If it has the wrong length.
    """
    label = f" ({', '.join(names)})" if names else ""
    what = _(what)
    not_a_list = N_("Expected a list or tuple of {length} numbers{label}, but {what} is {type}.")
    if isinstance(answer, (str, bytes, Mapping)) or _is_sympy(answer):
        raise WrongType(_(not_a_list, length=length, label=label, what=what, type=type_name(answer)))
    if isinstance(answer, np.ndarray):
        if answer.ndim != 1:
            raise WrongType(
                _(
                    "Expected {length} numbers{label} in a list, tuple or 1-D array, but {what} is {type}.",
                    length=length,
                    label=label,
                    what=what,
                    type=type_name(answer),
                )
            )
        items = list(answer)
    elif isinstance(answer, (list, tuple)):
        items = list(answer)
    else:
        raise WrongType(_(not_a_list, length=length, label=label, what=what, type=type_name(answer)))
    if len(items) != length:
        raise Fail(
            _(
                "Expected {length} numbers{label}, but {what} has {count}.",
                length=length,
                label=label,
                what=what,
                count=len(items),
            )
        )
    values = []
    for i, item in enumerate(items):
        name = names[i] if names else _("item {i}", i=i)
        values.append(as_number(item, what=_("{name} in {what}", name=name, what=what)))
    return values


def as_array(value: Any, *, what: str = N_("your function")) -> np.ndarray:
    """Turn a student's returned value into a float64 array (lists, tuples and arrays alike).

    Raises
    ------
    Fail
        With a plain-words message for ``None`` (forgotten ``return``), strings, functions,
        SymPy expressions, ragged nests and complex values. Booleans become 0.0/1.0.

    Examples
    --------
    >>> as_array([1, 2]).dtype
    dtype('float64')
    """
    what = _(what)
    if value is None:
        raise Fail(_("{what} returned None: did you forget the `return` statement?", what=what))
    if isinstance(value, (str, bytes)):
        raise Fail(_("{what} returned the string {value}, not numbers.", what=what, value=fmt(value)))
    if _is_sympy(value):
        raise Fail(
            _(
                "{what} returned a SymPy expression; this exercise needs numbers: compute with "
                "NumPy (np.exp, ...) rather than SymPy.",
                what=what,
            )
        )
    if callable(value) and not isinstance(value, np.ndarray):
        raise Fail(
            _(
                "{what} returned a function, not numbers: did you forget to call it, e.g. "
                "`np.exp` instead of `np.exp(x)`?",
                what=what,
            )
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.asarray(value)
            if isinstance(arr, np.matrix):
                arr = np.asarray(arr.A)
            if arr.dtype.kind == "c":
                raise Fail(
                    _(
                        "{what} returned complex numbers ({values}); expected real ones.",
                        what=what,
                        values=fmt(arr),
                    )
                )
            if arr.dtype.kind not in "biuf":
                arr = arr.astype(np.float64)
            return arr.astype(np.float64)
    except Fail:
        raise
    except Exception:
        raise Fail(
            _(
                "{what} returned {type} that cannot be read as an array of numbers "
                "(a ragged nest of lists, or objects that are not numbers).",
                what=what,
                type=type_name(value),
            )
        ) from None


# ----------------------------------------------------------------------------- running code
@dataclass(frozen=True)
class Run:
    """What one call of the student's function produced.

    Attributes
    ----------
    value : object
        The returned value, untouched.
    warnings : tuple of warnings.WarningMessage
        Every warning raised during the call (NumPy floating-point errors included: they
        run under ``np.errstate(over="warn", invalid="warn", divide="warn")``).
    """

    value: Any
    warnings: tuple[Any, ...] = ()

    @property
    def warning_text(self) -> str | None:
        """``"RuntimeWarning: overflow encountered in exp"`` for the first warning, or None."""
        if not self.warnings:
            return None
        first = self.warnings[0]
        return f"{first.category.__name__}: {first.message}"


INPUT_CHANGED_MESSAGE = N_(
    "Your function changed its input array in place{where}: after the call the caller's array "
    "holds different numbers (for example `x -= ...`, `x /= T` or `x[x < 0] = 0` write into the "
    "caller's array). An answer must not modify its inputs: compute into a new array instead "
    "(`x = x - m` makes a new array, `x -= m` does not)."
)
"""The one message for the one rule shared by every function exercise: inputs stay unchanged."""


def call(
    func: Callable[..., Any],
    *args: Any,
    call_desc: str = "",
    notes: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> Run:
    """Call the student's ``func(*args, **kwargs)``: the only way a checker runs student code.

    Records warnings, translates exceptions, and enforces the rule every function exercise
    shares: **an answer must not modify its input arrays**. Every NumPy array among the
    arguments is compared with a snapshot taken before the call; a change fails the answer
    with :data:`INPUT_CHANGED_MESSAGE`, whatever the returned values.

    Parameters
    ----------
    func : callable
        The student's function (or an object standing in for it whose ``__call__`` forwards
        the arguments and copies in-place changes of argument arrays back).
    *args, **kwargs
        Its arguments. Pass copies when the caller needs the originals afterwards.
    call_desc : str
        How the call looks, for messages, e.g. ``"when called with x = [1.0, 2.0]"``.
    notes : mapping of str to str, optional
        Extra explanations keyed by a substring of the exception's text (checked before the
        built-in notes).

    Returns
    -------
    Run

    Raises
    ------
    NotAttempted
        When the function raises ``NotImplementedError`` (the blank body).
    StudentError
        For any other exception, with its type, message, the student's line and a plain-words
        note for classic mistakes.
    InputChanged
        When the call changed one of its input arrays (a :class:`Fail`).
    """
    snapshots = [
        (arg, np.array(arg, copy=True)) for arg in (*args, *kwargs.values()) if isinstance(arg, np.ndarray)
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
            try:
                value = func(*args, **kwargs)
            except NotImplementedError:
                raise NotAttempted("the function still raises NotImplementedError") from None
            except (KeyboardInterrupt, TimeLimitExceeded):
                raise
            except BaseException as exc:  # noqa: BLE001 - any student exception is reported
                raise StudentError(explain_exception(exc, call_desc, notes), exc) from None
    for arg, before in snapshots:
        if not inputs_unchanged(arg, before):
            where = f" ({call_desc})" if call_desc else ""
            raise InputChanged(_(INPUT_CHANGED_MESSAGE, where=where))
    return Run(value, tuple(caught))


def inputs_unchanged(after: np.ndarray, before: np.ndarray) -> bool:
    """Whether an argument array still holds what it held before the call (NaN equals NaN)."""
    if after.shape != before.shape or after.dtype != before.dtype:
        return False
    if before.dtype.kind in "fc":
        return bool(np.array_equal(after, before, equal_nan=True))
    return bool(np.array_equal(after, before))


_BUILTIN_NOTES: tuple[tuple[str, str], ...] = (
    ("only length-1 arrays", SCALAR_ONLY_NOTE),
    ("only size-1 arrays", SCALAR_ONLY_NOTE),
    ("only 0-dimensional arrays", SCALAR_ONLY_NOTE),
    ("truth value of an array with more than one element is ambiguous", SCALAR_ONLY_NOTE),
    ("math range error", N_("math.exp overflowed: work with NumPy arrays and a stable formula.")),
    (
        "object is not callable",
        N_(
            "A number was called like a function: `alpha(np.exp(x) - 1)` means *call* alpha. "
            "You probably forgot a `*`."
        ),
    ),
    (
        "unexpected keyword argument",
        N_("Your function does not accept an argument the exercise passes: check its signature."),
    ),
    (
        "positional argument",
        N_(
            "Your function takes a different number of arguments than the exercise asks for: "
            "check its signature."
        ),
    ),
    (
        "could not be broadcast",
        N_(
            "The array shapes do not fit together. When you reduce along an axis (max, sum), "
            "pass keepdims=True so the result broadcasts back against the input."
        ),
    ),
    (
        "matmul",
        N_(
            "The matrix shapes do not fit: check the order of the product and the shapes "
            "(W1 is (h, d), W2 is (k, h))."
        ),
    ),
    ("not aligned", N_("The matrix shapes do not fit: check the order of the product.")),
)


def explain_exception(exc: BaseException, call_desc: str = "", notes: Mapping[str, str] | None = None) -> str:
    """The message for an exception raised by student code.

    Names the exception type and text, the call, the student's line (when it can be found)
    and a plain-words note for classic mistakes.
    """
    name = type(exc).__name__
    text = str(exc)
    message = (
        _("Your code raised {name}: {text}", name=name, text=text)
        if text
        else _("Your code raised {name}", name=name)
    )
    if call_desc:
        message += f" ({call_desc})"
    message += "."
    line = _student_line(exc)
    if line:
        message += "\n" + _("It happened at {line}", line=line)
    note = None
    for key, value in list((notes or {}).items()) + list(_BUILTIN_NOTES):
        if key in text:
            note = value
            break
    if note is None and isinstance(exc, RecursionError):
        note = N_("Your function calls itself again and again: is a helper named like your function?")
    if note is None and isinstance(exc, NameError):
        note = N_("Did you run the cell that defines this name (and the setup cell with the imports)?")
    if note:
        message += "\n" + _(note)
    return message


def _student_line(exc: BaseException) -> str | None:
    """``"line 3: return 1 / (1 + math.exp(-x))"`` for the deepest frame of student code."""
    if hasattr(exc, "remote_line"):  # raised in a graded kernel (see course_tools.grader.judge)
        return exc.remote_line
    try:
        frames = traceback.extract_tb(exc.__traceback__)
    except Exception:  # noqa: BLE001 - a missing line only shortens the message
        return None
    for frame in reversed(frames):
        filename = os.path.abspath(frame.filename) if frame.filename else ""
        if filename.startswith(_GRADING_DIR) or "site-packages" in filename:
            continue
        if os.sep + "lib" + os.sep + "python" in filename.lower():
            continue
        source = (frame.line or linecache.getline(frame.filename, frame.lineno or 0)).strip()
        return (
            _("line {number}: {source}", number=frame.lineno, source=source)
            if source
            else _("line {number}", number=frame.lineno)
        )
    return None


def frame_is_student(exc: BaseException, func: Any) -> bool:
    """Whether ``exc`` passed through the student's function ``func`` (its own code object)."""
    if hasattr(exc, "remote_through_student"):  # raised in a graded kernel (see course_tools.grader.judge)
        return bool(exc.remote_through_student)
    code = getattr(func, "__code__", None) or getattr(type(func).__call__, "__code__", None)
    if code is None:
        return False
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code is code:
            return True
        tb = tb.tb_next
    return False


_SILENCERS = frozenset({"errstate", "seterr", "filterwarnings", "simplefilter", "catch_warnings"})

SILENCING_MESSAGE = N_(
    "Your function silences NumPy's floating-point warnings (np.errstate, np.seterr or a warnings "
    "filter). Hiding the overflow does not remove it: compute in a way where nothing overflows, "
    "then no warning needs silencing."
)

LIBRARY_ROOTS = frozenset(
    {
        "numpy",
        "scipy",
        "sympy",
        "mpmath",
        "math",
        "cmath",
        "builtins",
        "functools",
        "operator",
        "course_utils",
        "torch",
        "tensorflow",
        "keras",
        "jax",
        "jaxlib",
        "sklearn",
        "pandas",
    }
)
"""Top-level packages whose functions are never the student's own code."""


def student_source(func: Any) -> str | None:
    """The source text of the student's function, or None when there is none to read.

    This is the only place where a checker reads a student's code (rule checks such as "no
    np.abs", and :func:`silences_warnings`). Only code the student wrote counts: functions
    defined in a notebook or a script. Functions of installed packages, of the standard
    library and of ``course_utils`` (and ufuncs, builtins, ``functools.partial`` objects …)
    have no student source.

    An object standing in for the student's function (the class grader's proxy to a
    sandboxed kernel) declares the submitted source itself: a non-function object with an
    attribute ``__student_source__`` holding the source (a ``str``), or None when the
    submitted answer is not the student's own code. That declaration is used as it is.
    """
    import inspect

    declared, supplied = _declared_source(func)
    if declared:
        return supplied
    if not (inspect.isfunction(func) or inspect.ismethod(func)):
        return None
    try:
        filename = inspect.getsourcefile(func) or inspect.getfile(func)
    except (OSError, TypeError):
        return None
    path = os.path.abspath(filename)
    package_dir = os.path.dirname(_GRADING_DIR)
    if (
        "site-packages" in path
        or "dist-packages" in path
        or path.startswith(package_dir + os.sep)
        or path.startswith(_STDLIB_DIR)
    ):
        return None
    try:
        own = inspect.getsource(func)
    except (OSError, TypeError, IndentationError, SyntaxError):
        return None
    return own + "".join("\n" + source for source in _helper_sources(func, path))


def _helper_sources(func: Any, path: str, limit: int = 20) -> list[str]:
    """The sources of the student's own functions that ``func`` calls by global name, transitively.

    A rule ("no np.abs") or a silencer hidden in a helper counts as if it were in the answer.
    Only functions defined in the same notebook or script are followed.
    """
    import inspect

    seen, found, queue = {id(func)}, [], [func]
    while queue and len(found) < limit:
        current = queue.pop()
        code = getattr(current, "__code__", None)
        if code is None:
            continue
        codes, names = [code], set()
        while codes:
            c = codes.pop()
            names.update(c.co_names)
            codes.extend(k for k in c.co_consts if inspect.iscode(k))
        namespace = getattr(current, "__globals__", {})
        for name in sorted(names):
            helper = namespace.get(name)
            if not inspect.isfunction(helper) or id(helper) in seen:
                continue
            seen.add(id(helper))
            try:
                same_file = os.path.abspath(inspect.getsourcefile(helper) or "") == path
                source = inspect.getsource(helper) if same_file else None
            except (OSError, TypeError, IndentationError, SyntaxError):
                source = None
            if source is not None:
                found.append(source)
                queue.append(helper)
    return found


def _declared_source(func: Any) -> tuple[bool, str | None]:
    """(True, source or None) for a stand-in declaring ``__student_source__``, else (False, None).

    Plain functions never count: a student cannot vouch for their own function this way.
    """
    import inspect

    if inspect.isfunction(func) or inspect.ismethod(func) or not hasattr(func, "__student_source__"):
        return False, None
    supplied = getattr(func, "__student_source__", None)
    return True, supplied if isinstance(supplied, str) else None


def function_origin(func: Any) -> str:
    """Where ``func`` comes from: ``"student"``, ``"library"`` or ``"unreadable"``.

    ``"library"``: a function of a library or of ``course_utils`` passed directly (``hat =
    np.abs``, ``log_softmax_stable = scipy.special.log_softmax``, ``celu_from_elu =
    act.celu``), a ufunc, builtin, registry record or ``functools.partial`` object — its
    module is a known library, or it is no plain function and has no student source.
    ``"unreadable"``: a plain function of the student's module whose source cannot be read
    (e.g. typed at an interactive prompt without a notebook). ``"student"``: the rest.
    """
    import inspect

    declared, supplied = _declared_source(func)
    if declared:
        return "student" if supplied is not None else "library"
    module = getattr(func, "__module__", None)
    if not isinstance(module, str):
        module = getattr(type(func), "__module__", "") or ""
    if module.split(".")[0] in LIBRARY_ROOTS:
        return "library"
    if student_source(func) is not None:
        return "student"
    return "unreadable" if inspect.isfunction(func) else "library"


def is_library_function(func: Any) -> bool:
    """Whether ``func`` is not the student's own readable code (see :func:`function_origin`)."""
    return function_origin(func) != "student"


def source_names(source: str, *, helpers: Callable[[str, Any], bool] | None = None) -> set[str]:
    """Every name the code uses: identifiers, attribute names, dotted chains, imported
    modules and names, and short string constants (for ``get("celu")``).

    Parsed with :mod:`ast`; the source of a lambda cut out of a longer line (which does not
    parse alone) is narrowed to the lambda, and as a last resort read token by token.

    Parameters
    ----------
    source : str
        The student's code.
    helpers : callable, optional
        ``helpers(name, node)`` is True for a helper the student may define *inside* the
        answer with otherwise forbidden means (e.g. their own ``relu``): ``node`` is the nested
        ``ast.FunctionDef`` or the ``ast.Lambda`` bound to ``name``. The bodies of such
        helpers are skipped (the helper's own name is still reported).

    Examples
    --------
    >>> sorted(source_names("def f(x): return np.maximum(0, 1 - abs(x))"))
    ['0', '1', 'abs', 'f', 'maximum', 'np', 'np.maximum', 'x']
    >>> code = "def hat(x): relu = lambda z: np.maximum(z, 0); return relu(x)"
    >>> "maximum" in source_names(code, helpers=lambda name, node: name == "relu")
    False
    """
    import ast
    import textwrap

    tree = None
    text = textwrap.dedent(source).strip()
    try:
        tree = ast.parse(text)
    except SyntaxError:
        tree = _parse_lambdas(text)
    if tree is None:
        return _token_names(text)
    names: set[str] = set()
    for node in _walk_skipping_helpers(tree, helpers):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
            chain = _dotted(node)
            if chain:
                names.add(chain)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names.update(alias.name.split("."))
                names.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.module:
                names.update(node.module.split("."))
                names.add(node.module)
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)):
            text_value = str(node.value)
            if len(text_value) <= 40:
                names.add(text_value)
    return names


def _walk_skipping_helpers(tree: Any, helpers: Callable[[str, Any], bool] | None) -> Iterable[Any]:
    """``ast.walk(tree)`` without the bodies of the nested helpers ``helpers`` allows."""
    import ast

    if helpers is None:
        yield from ast.walk(tree)
        return
    outermost = next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda))), None)
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef) and node is not outermost and helpers(node.name, node):
            continue
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if targets and all(helpers(t, node.value) for t in targets):
                stack.extend(node.targets)
                continue
        stack.extend(ast.iter_child_nodes(node))


def _dotted(node: Any) -> str | None:
    import ast

    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _parse_lambdas(text: str) -> Any:
    """An ``ast.Module`` holding every lambda found in ``text`` (a line that does not parse
    alone, e.g. ``("id", lambda x: f(x)),``), or None."""
    import ast

    bodies = []
    start = text.find("lambda")
    while start != -1:
        for end in range(len(text), start, -1):
            try:
                bodies.append(ast.parse(text[start:end], mode="eval").body)
                break
            except SyntaxError:
                continue
        start = text.find("lambda", start + 1)
    if not bodies:
        return None
    return ast.Module(body=[ast.Expr(value=b) for b in bodies], type_ignores=[])


def _token_names(text: str) -> set[str]:
    import io
    import tokenize

    names: set[str] = set()
    chain: list[str] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.NAME:
                names.add(tok.string)
                chain.append(tok.string)
                names.add(".".join(chain))
            elif tok.type == tokenize.OP and tok.string == "." and chain:
                continue
            else:
                chain = []
                if tok.type == tokenize.STRING:
                    names.add(tok.string.strip("'\""))
    except (tokenize.TokenError, SyntaxError):
        pass
    return names


def calls_any(func: Any, names: Iterable[str]) -> list[str]:
    """The names of ``names`` that the student's source of ``func`` *calls* (sorted).

    Only calls count (``softmax_stable(x / T)``, ``mod.softmax_stable(x)``): not the
    function's own ``def`` name, a parameter or a string. Empty when there is no source.
    """
    import ast
    import textwrap

    source = student_source(func)
    if source is None:
        return []
    text = textwrap.dedent(source).strip()
    try:
        tree = ast.parse(text)
    except SyntaxError:
        tree = _parse_lambdas(text)
    wanted = set(names)
    if tree is None:
        return sorted(n for n in wanted if f"{n}(" in text.replace(" (", "("))
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            target = node.func
            if isinstance(target, ast.Name):
                called.add(target.id)
            elif isinstance(target, ast.Attribute):
                called.add(target.attr)
    return sorted(wanted & called)


def uses_any(
    func: Any, forbidden: Iterable[str], *, helpers: Callable[[str, Any], bool] | None = None
) -> list[str]:
    """The names of ``forbidden`` that the student's source of ``func`` uses (sorted).

    A dotted entry (``"scipy.special"``) matches that chain; a plain one (``"abs"``) matches
    the identifier, attribute or imported name, whatever the module prefix (``np.abs``,
    ``numpy.abs``, ``from numpy import abs``). Empty when there is no student source.
    ``helpers``: see :func:`source_names`.
    """
    source = student_source(func)
    if source is None:
        return []
    names = source_names(source, helpers=helpers)
    return sorted(name for name in set(forbidden) if name in names)


def silences_warnings(func: Any) -> bool:
    """Whether the student's own source of ``func`` switches warnings off.

    Only the student's code is read (:func:`student_source`), so passing e.g.
    ``scipy.special.expit`` is never flagged.
    """
    return bool(uses_any(func, _SILENCERS))


# ----------------------------------------------------------------------------- comparison
@dataclass(frozen=True)
class Mismatch:
    """The worst disagreement between an answer and the reference.

    Attributes
    ----------
    index : tuple of int
        Where (an index into the arrays).
    got, expected : float
        The two values there.
    count, total : int
        How many entries disagree, out of how many.
    """

    index: tuple[int, ...]
    got: float
    expected: float
    count: int
    total: int


def find_mismatch(
    got: np.ndarray,
    expected: np.ndarray,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    accept: np.ndarray | None = None,
) -> Mismatch | None:
    """The worst entry where ``got`` and ``expected`` (same shape) differ, or None.

    Non-finite values where a finite one was expected count as the worst; otherwise the
    largest ``|got - expected| / (atol + rtol |expected|)``.

    Parameters
    ----------
    accept : bool array, optional
        Entries accepted whatever their value (e.g. a kink where a range is allowed).

    Examples
    --------
    >>> m = find_mismatch(np.array([1.0, np.nan, 3.5]), np.array([1.0, 2.0, 3.0]))
    >>> m.index, m.got, m.count
    ((1,), nan, 2)
    """
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    with np.errstate(all="ignore"):
        ok = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
        if accept is not None:
            ok |= np.asarray(accept, dtype=bool)
        if ok.all():
            return None
        score = np.abs(got - expected) / (atol + rtol * np.abs(expected))
    score = np.where(np.isfinite(score), score, np.inf)
    score = np.where(ok, -1.0, score)
    flat = int(np.argmax(score))
    index = tuple(int(i) for i in np.unravel_index(flat, got.shape)) if got.ndim else ()
    return Mismatch(index, float(got[index]), float(expected[index]), int((~ok).sum()), int(ok.size))


def shape_problem(
    got: np.ndarray, expected_shape: tuple[int, ...], *, what: str = N_("your function")
) -> str | None:
    """A plain-words message when ``got`` does not have ``expected_shape``, else None."""
    shape = tuple(got.shape)
    expected_shape = tuple(expected_shape)
    if shape == expected_shape:
        return None
    values = {"what": _(what), "shape": shape, "expected": expected_shape}
    if expected_shape == ():
        return _("{what} returned an array of shape {shape} where a single number was expected.", **values)
    if shape == () and expected_shape != ():
        return _(
            "{what} returned a single number ({got}) where an array of shape {expected} "
            "was expected. Does it add everything up, or use math functions or `if` that work on "
            "single numbers only?",
            got=fmt(got),
            **values,
        )
    if len(shape) == len(expected_shape) == 2 and shape == expected_shape[::-1]:
        return _(
            "{what} returned an array of shape {shape}, expected {expected}: "
            "the result is transposed (rows and columns swapped).",
            **values,
        )
    if int(np.prod(shape)) == int(np.prod(expected_shape)):
        return _(
            "{what} returned an array of shape {shape}, expected {expected}: the "
            "numbers are there but arranged differently (keep the input's shape; avoid flatten/reshape).",
            **values,
        )
    if len(shape) == len(expected_shape) == 1:
        return _(
            "{what} returned {count} values, expected {expected_count} (one per input value).",
            what=_(what),
            count=shape[0],
            expected_count=expected_shape[0],
        )
    return _("{what} returned an array of shape {shape}, expected shape {expected}.", **values)


def compare_arrays(
    got: Any,
    expected: Any,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    x: np.ndarray | None = None,
    what: str = N_("your function"),
    context: str = "",
    accept: np.ndarray | None = None,
    arg: str = "x",
) -> np.ndarray:
    """Check a returned value against the reference; return it as an array or raise Fail.

    Lists, tuples and arrays are interchangeable; shapes must agree.

    Parameters
    ----------
    got : object
        What the student's code returned.
    expected : array_like
        The reference values.
    rtol, atol : float
        ``|got - expected| <= atol + rtol |expected|`` counts as equal.
    x : ndarray, optional
        The elementwise inputs (same shape as ``expected``): the message then says
        "at x = ...".
    what : str
        Who returned ``got``, for the message.
    context : str
        Appended to locate the case, e.g. ``"for the 2-D input of shape (3, 4)"``.
    accept : bool array, optional
        Entries accepted whatever their value.

    Raises
    ------
    Fail
        "at x = -1000.0 your function returned nan, expected 0.0 (wrong at 3 of 21 points)".

    Examples
    --------
    >>> try:
    ...     compare_arrays([0.5, float("nan")], [0.5, 0.0], x=np.array([0.0, -1000.0]))
    ... except Fail as fail:
    ...     print(fail.message)
    At x = -1000.0 your function returned nan, expected 0.0 (wrong at 1 of 2 points).
    """
    expected = np.asarray(expected, dtype=np.float64)
    arr = as_array(got, what=what)
    problem = shape_problem(arr, expected.shape, what=what)
    if problem:
        raise Fail(with_context(context.rstrip(","), problem))
    mismatch = find_mismatch(arr, expected, rtol=rtol, atol=atol, accept=accept)
    if mismatch is None:
        return arr
    raise Fail(describe_mismatch(mismatch, x=x, what=what, context=context, arg=arg))


def describe_mismatch(
    mismatch: Mismatch,
    *,
    x: np.ndarray | None = None,
    what: str = N_("your function"),
    context: str = "",
    arg: str = "x",
) -> str:
    """``"At x = 2.0 your function returned 0.1, expected 0.9 (wrong at 5 of 9 points)."``

    ``arg`` names the argument in the message (``"At t = -1.0 ..."``).
    """
    index = mismatch.index
    where = _("At index {index}", index=index) if index else _("Here")
    if x is not None:
        xa = np.asarray(x)
        try:
            if xa.ndim == 0:
                where = _("At {arg} = {x}", arg=arg, x=fmt(xa))
            elif xa.ndim == 1:
                where = _("At {arg} = {x}", arg=arg, x=fmt(xa[index]))
            else:
                where = _("At index {index} ({arg} = {x})", index=index, arg=arg, x=fmt(xa[index]))
        except IndexError:
            pass
    count = (
        _(" (wrong at {count} of {total} points)", count=mismatch.count, total=mismatch.total)
        if mismatch.total > 1
        else ""
    )
    return _(
        "{where}{context} {what} returned {got}, expected {expected}{count}.",
        where=where,
        context=_ctx(context),
        what=_(what),
        got=fmt(mismatch.got),
        expected=fmt(mismatch.expected),
        count=count,
    )


def _cap(text: str) -> str:
    """``text`` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def with_context(context: str, message: str) -> str:
    """``"For s = [...]: your function returned ..."`` — a message located by its test case."""
    if not context:
        return _cap(message)
    return _("{context}: {message}", context=_cap(context), message=message[:1].lower() + message[1:])


def _ctx(context: str) -> str:
    return f" {context}" if context else ""


def matches(got: np.ndarray, candidate: Any, *, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Whether ``got`` equals ``candidate`` (same shape, close everywhere, NaN == NaN)."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cand = np.asarray(candidate, dtype=np.float64)
            got = np.asarray(got, dtype=np.float64)
            return cand.shape == got.shape and bool(
                np.isclose(got, cand, rtol=rtol, atol=atol, equal_nan=True).all()
            )
    except (TypeError, ValueError):
        return False


def warning_problem(
    run: Run, *, x: Any = None, note: str = "", section_hint: str = "", arg: str = "x"
) -> str | None:
    """A message when a call raised floating-point warnings (overflow, invalid, divide).

    ``x`` is the input, named ``arg`` in the message (``note`` is appended to it, e.g.
    ``" (float32)"``).
    """
    text = run.warning_text
    if text is None:
        return None
    where = _(" for {arg} = {x}{note}", arg=arg, x=fmt(x), note=note) if x is not None else ""
    lowered = text.lower()
    if "overflow" in lowered and "exp" in lowered:
        cause = N_("exp overflowed")
    elif "overflow" in lowered:
        cause = N_("a value overflowed to infinity")
    elif "invalid value" in lowered:
        cause = N_("an invalid operation (such as inf - inf, inf / inf or 0 / 0) produced NaN")
    elif "divide by zero" in lowered:
        cause = N_("a division by zero happened")
    else:
        cause = N_("a warning was raised")
    message = _("Not stable: {cause}{where} ({warning}).", cause=_(cause), where=where, warning=text)
    if section_hint:
        message += " " + _(section_hint)
    return message


# ----------------------------------------------------------------------------- numbers etc.
def digits_tolerance(expected: float, digits: int) -> float:
    """Half a unit in the ``digits``-th significant digit of ``expected`` (plus a hair).

    Every answer correctly rounded to ``digits`` significant digits lies within it; an
    answer whose ``digits``-th digit is wrong does not.

    Examples
    --------
    >>> tol = digits_tolerance(0.02033487220923927, 6)  # half of 1e-7
    >>> abs(0.0203349 - 0.02033487220923927) <= tol < abs(0.0203348 - 0.02033487220923927)
    True
    """
    if expected == 0 or not np.isfinite(expected):
        return 0.0
    exponent = int(np.floor(np.log10(abs(expected))))
    return 0.5 * 10.0 ** (exponent - digits + 1) + 1e-12 * abs(expected)


def compare_number(
    got: float,
    expected: float,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = 0.0,
    digits: int | None = None,
    mistakes: Iterable[tuple[float, str]] = (),
    near_rtol: float = 1e-3,
    what: str = N_("your answer"),
    explain: Callable[[float], str | None] | None = None,
) -> None:
    """Raise :class:`Fail` unless ``got`` is close enough to ``expected``.

    Close enough means ``|got - expected| <= atol + rtol |expected|``, or, when the exercise
    asks for ``digits`` significant digits, within half a unit of the last digit asked
    (:func:`digits_tolerance`): any correctly rounded answer passes, a wrong last digit fails.

    Parameters
    ----------
    digits : int, optional
        The significant digits the statement asks for (replaces ``rtol``).
    mistakes : iterable of (value, message)
        Known wrong answers, matched at relative tolerance ``near_rtol`` (so a rounded
        version of a classic mistake is recognised too).
    near_rtol : float
        An answer within this relative distance of the right one gets "close, but not
        precise enough" instead of a plain "not correct".
    explain : callable, optional
        ``explain(got)`` returns what is wrong with a wrong value (a violated property, a
        counterexample) without the answer, or None; used when no mistake matches.

    Examples
    --------
    >>> compare_number(0.30000000000000004, 0.3)
    >>> compare_number(1.71448, 1.7144780716637495, digits=6)
    >>> try:
    ...     compare_number(1.2785, -1.2784645, mistakes=[(1.2784645, "Check the sign.")])
    ... except Fail as fail:
    ...     print(fail.message)
    Check the sign.
    """
    what = _(what)
    if not np.isfinite(got):
        raise Fail(_("{what} is {got}; a finite number is expected.", what=what, got=fmt(got)))
    limit = digits_tolerance(expected, digits) if digits else atol + rtol * abs(expected)
    if abs(got - expected) <= max(limit, atol):
        return
    for value, message in mistakes:
        if abs(got - value) <= max(atol, 1e-12) + near_rtol * abs(value):
            raise Fail(_(message))
    asked = (
        _("the exercise asks for at least {digits} significant digits", digits=digits)
        if digits
        else _("this exercise needs a relative error of at most {rtol:.0e}", rtol=rtol)
    )
    if expected != 0 and abs(got - expected) <= near_rtol * abs(expected):
        rel = abs(got - expected) / abs(expected)
        raise Fail(
            _(
                "Close, but not precise enough: {what} ({got}) is off by a relative "
                "{rel:.1e}, and {asked}. Compute the value (e.g. with sp.nsolve or "
                "scipy.optimize) instead of reading it off a plot, and keep all the digits (or "
                "round correctly).",
                what=what,
                got=fmt(got),
                rel=rel,
                asked=asked,
            )
        )
    detail = explain(got) if explain else None
    if detail:
        raise Fail(
            _(
                "{what} ({got}) is not correct: {detail}",
                what=what[:1].upper() + what[1:],
                got=fmt(got),
                detail=_(detail),
            )
        )
    tail = f" ({asked})" if digits else ""
    raise Fail(_("{what} ({got}) is not correct{tail}.", what=what, got=fmt(got), tail=tail))


def normalise_choice(answer: Any, options: Mapping[str, str]) -> str:
    """The option letter the student meant: case, spaces and ``(b)``/``b)``/``b.`` are ignored;
    the full text of an option is accepted too.

    Raises
    ------
    WrongType
        If ``answer`` is not a string.
    Fail
        If it names no option.

    Examples
    --------
    >>> normalise_choice(" (B) ", {"a": "yes", "b": "no"})
    'b'
    """
    letters = ", ".join(options)
    if not isinstance(answer, str):
        raise WrongType(
            _(
                'Expected one letter as a string (one of {letters}), e.g. xor_choice = "a"; '
                "the answer is {type}.",
                letters=letters,
                type=type_name(answer),
            )
        )
    cleaned = answer.strip().lower().strip("()[]'\". ").rstrip(")").strip()
    by_letter = {letter.lower(): letter for letter in options}
    if cleaned in by_letter:
        return by_letter[cleaned]
    squeeze = " ".join(answer.lower().split()).strip(" .")
    for letter, text in options.items():
        if squeeze == " ".join(text.lower().split()).strip(" ."):
            return letter
    raise Fail(
        _(
            "{answer!r} is not one of the options; answer with one letter: {letters}.",
            answer=answer,
            letters=letters,
        )
    )


def compare_sympy(
    answer: Any,
    reference: Any,
    *,
    symbol: str = "x",
    what: str = N_("your expression"),
    mistakes: Iterable[tuple[Any, str]] = (),
    reference_name: str = N_("the answer"),
) -> None:
    """Raise unless ``answer`` is a SymPy expression in a symbol *named* ``symbol``,
    mathematically equal to ``reference``.

    Uses :func:`course_utils.symbolic.equivalent` (symbols are matched by name, whatever their
    assumptions). ``mistakes`` holds (expression, message) pairs recognised first.

    Raises
    ------
    WrongType
        If ``answer`` is not a SymPy expression (a string, a function, a number type).
    Fail
        If it uses other symbols or undefined functions, or differs from ``reference`` (the
        message names an ``x`` where they differ).
    """
    import sympy as sp

    from course_utils.symbolic import equivalent

    what = _(what)
    reference_name = _(reference_name)
    if isinstance(answer, str):
        raise WrongType(
            _(
                "Expected a SymPy expression, but {what} is the string {answer}. Build it from "
                "a symbol: x = sp.Symbol('{symbol}'), then e.g. sp.exp(-x).",
                what=what,
                answer=fmt(answer),
                symbol=symbol,
            )
        )
    if (
        not isinstance(answer, sp.Basic)
        or isinstance(answer, (sp.MatrixBase, sp.Lambda))
        or not isinstance(answer, sp.Expr)
    ):
        if isinstance(answer, sp.Equality):
            raise WrongType(
                _("{what} is an equation (sp.Eq); give only the right-hand side expression.", what=what)
            )
        extra = _(" (a Python function: give the expression itself)") if callable(answer) else ""
        raise WrongType(
            _(
                "Expected a SymPy expression in {symbol}, but {what} is {type}{extra}.",
                symbol=symbol,
                what=what,
                type=type_name(answer),
                extra=extra,
            )
        )
    if isinstance(answer, sp.Derivative) or answer.has(sp.Derivative):
        answer = answer.doit()
    undefined = sorted({str(f.func) for f in answer.atoms(sp.core.function.AppliedUndef)})
    if undefined:
        raise Fail(
            _(
                "{what} uses the undefined function(s) {names}; write everything "
                "out with SymPy functions of {symbol} (sp.exp, sp.tanh, ...).",
                what=what,
                names=", ".join(undefined),
                symbol=symbol,
            )
        )
    names = sorted(str(s) for s in answer.free_symbols)
    if names and names != [symbol]:
        others = [n for n in names if n != symbol]
        raise Fail(
            _(
                "{what} uses the symbol(s) {names}; it must be written in a symbol named "
                "{symbol!r} (x = sp.Symbol('{symbol}')).",
                what=what,
                names=", ".join(others),
                symbol=symbol,
            )
        )
    result = equivalent(answer, reference, symbol=symbol)
    if result.equal:
        return
    for candidate, message in mistakes:
        try:
            if equivalent(answer, candidate, symbol=symbol).equal:
                raise Fail(_(message))
        except Fail:
            raise
        except Exception:  # noqa: BLE001, S112 - an uncomparable candidate is just skipped
            continue
    if not names:
        raise Fail(
            _(
                "{what} is the constant {answer}: it does not depend on {symbol} at all.",
                what=what,
                answer=fmt(answer),
                symbol=symbol,
            )
        )
    point = result.counterexample
    if point is not None and np.isfinite(point):
        got = _evaluate(answer, symbol, point)
        expected = _evaluate(reference, symbol, point)
        raise Fail(
            _(
                "{what} is not equal to {reference}: at {symbol} = {point} it gives "
                "{got}, but {reference} there is {expected}.",
                what=what,
                reference=reference_name,
                symbol=symbol,
                point=fmt(point),
                got=fmt(got),
                expected=fmt(expected),
            )
        )
    raise Fail(_("{what} is not equal to {reference}.", what=what, reference=reference_name))


def _evaluate(expr: Any, symbol: str, point: float) -> float:
    """``expr`` at ``symbol = point``, matching the symbol by name (NaN if that fails)."""
    try:
        subs = {s: point for s in expr.free_symbols if str(s) == symbol}
        value = complex(expr.subs(subs).evalf())
        return value.real if value.imag == 0 else float("nan")
    except Exception:  # noqa: BLE001 - only used to decorate a message
        return float("nan")
