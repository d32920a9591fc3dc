"""Values across the wall between a graded submission's kernel and the class grader.

The class grader never unpickles or evaluates anything a submission produced. Whatever
crosses from the student's kernel (an answer, a function's return value, an exception) is
written as a plain JSON tree plus NumPy arrays in an ``.npz`` file, read back with
``allow_pickle=False``, size-capped and validated; SymPy answers travel as a tree of
whitelisted node names and are rebuilt node by node (never ``eval``, ``sympify`` or
``parse_expr`` on text).

>>> import numpy as np
>>> tree, arrays = encode((1.5, np.float32(2.0), [None, "a"], np.arange(3.0)))
>>> value = decode(tree, arrays)
>>> value[0], value[1].dtype, value[2], value[3]
(1.5, dtype('float32'), [None, 'a'], array([0., 1., 2.]))

Only NumPy is imported here; SymPy is imported when a SymPy value is encoded or decoded.
"""

from __future__ import annotations

import json
import math
import os
import stat
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

MAX_NODES = 200_000
"""Most JSON nodes one value may have."""
MAX_DEPTH = 200
"""Deepest nesting accepted (SymPy trees of long sums are deep)."""
MAX_ARRAY_BYTES = 64 * 1024 * 1024
"""Most bytes of arrays one message may carry."""
MAX_ELEMENTS = 4_000_000
"""Most elements of one array (a checker may turn it into float64: 32 MB at most)."""
MAX_SYMPY_NODES = 5_000
"""Most nodes of a SymPy answer (an answer is a formula, not a data structure)."""
MAX_DIGITS = 100
"""Most digits of an integer, a rational's parts or a float's mantissa in a SymPy answer."""
MAX_EXPONENT = 1_000
"""Largest integer power a SymPy answer may raise to (3**(2*10**8) would take minutes)."""
MAX_JSON_BYTES = 16 * 1024 * 1024
"""Largest JSON part of one message."""
MAX_TEXT = 200_000
"""Longest string kept (sources, messages); longer ones are cut."""

_ARRAY_KINDS = "biufcU"


class WireError(ValueError):
    """A message from the kernel is malformed, too large or uses something not allowed."""


class Opaque:
    """Stands for a value of a type that does not cross the wall (an object, a generator…).

    The grader sees a placeholder whose class carries the original type's name, so that
    messages such as "the answer is a Tensor" stay true.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _opaque(type_name: str, text: str) -> Opaque:
    name = type_name if type_name.isidentifier() else "Opaque"
    return type(name, (Opaque,), {})(text[:200])


# ----------------------------------------------------------------------------- encoding
def encode(value: Any) -> tuple[Any, dict[str, np.ndarray]]:
    """A JSON-able tree and the arrays it refers to, for ``value``.

    Parameters
    ----------
    value : object
        None, bool, int, float, complex, str, list, tuple, set, dict with string keys, NumPy
        arrays of numeric, bool or string dtype, NumPy scalars, SymPy expressions; anything
        else becomes an opaque placeholder carrying its type name and a short repr.

    Returns
    -------
    tree : JSON-able object
    arrays : dict of str to numpy.ndarray
    """
    arrays: dict[str, np.ndarray] = {}
    count = [0]

    def walk(v: Any, depth: int) -> Any:
        count[0] += 1
        if count[0] > MAX_NODES or depth > MAX_DEPTH:
            raise WireError("the value is too large or too deeply nested to be graded")
        if v is None or isinstance(v, (bool, str)):
            return v[:MAX_TEXT] if isinstance(v, str) else v
        if isinstance(v, int) and type(v) is int:
            return v
        if type(v) is float:
            return v if math.isfinite(v) else {"$float": repr(v)}
        if type(v) is complex:
            return {"$complex": [walk(v.real, depth + 1), walk(v.imag, depth + 1)]}
        if isinstance(v, (np.ndarray, np.generic)) and np.asarray(v).dtype.kind in _ARRAY_KINDS:
            key = f"a{len(arrays)}"
            arrays[key] = np.array(v)
            return {"$array" if isinstance(v, np.ndarray) else "$scalar": key}
        if isinstance(v, (list, tuple, set, frozenset)):
            items = [
                walk(item, depth + 1)
                for item in (sorted(v, key=repr) if isinstance(v, (set, frozenset)) else v)
            ]
            if type(v) is list:
                return items
            return {"$tuple" if isinstance(v, tuple) else "$set": items}
        if type(v) is dict and all(isinstance(k, str) for k in v):
            return {"$dict": [[k, walk(item, depth + 1)] for k, item in v.items()]}
        if type(v).__module__.split(".")[0] == "sympy":
            return {"$sympy": _sympy_tree(v, depth + 1, count)}
        try:
            text = repr(v)
        except Exception:  # noqa: BLE001 - a broken __repr__ must not stop the grading
            text = f"<{type(v).__name__}>"
        return {"$opaque": type(v).__name__, "repr": text[:200]}

    tree = walk(value, 0)
    return tree, arrays


def _sympy_tree(expr: Any, depth: int, count: list[int]) -> Any:
    import sympy as sp

    count[0] += 1
    if count[0] > MAX_NODES or depth > MAX_DEPTH:
        raise WireError("the SymPy expression is too large to be graded")
    if isinstance(expr, sp.Symbol):
        given = getattr(expr, "_assumptions_orig", None) or expr.assumptions0
        assumptions = {k: bool(v) for k, v in given.items() if k in _ASSUMPTIONS and v is not None}
        return ["Symbol", expr.name[:100], assumptions]
    if isinstance(expr, sp.Integer):
        return ["Integer", str(int(expr))]
    if isinstance(expr, sp.Rational):
        return ["Rational", str(expr.p), str(expr.q)]
    if isinstance(expr, sp.Float):
        sign, mantissa, exponent, bits = expr._mpf_
        return ["Float", [int(sign), str(int(mantissa)), int(exponent), int(bits)], int(expr._prec)]
    name = type(expr).__name__
    if not expr.args:
        return [name]
    return [name, [_sympy_tree(arg, depth + 1, count) for arg in expr.args]]


# ----------------------------------------------------------------------------- decoding
def decode(tree: Any, arrays: dict[str, np.ndarray]) -> Any:
    """The value a tree from :func:`encode` stands for, validating every node.

    Raises
    ------
    WireError
        For anything :func:`encode` does not produce, or past the size limits.
    """
    count = [0]

    def walk(t: Any, depth: int) -> Any:
        count[0] += 1
        if count[0] > MAX_NODES or depth > MAX_DEPTH:
            raise WireError("value too large or too deeply nested")
        if t is None or isinstance(t, (bool, int, float, str)):
            return t
        if isinstance(t, list):
            return [walk(item, depth + 1) for item in t]
        if not isinstance(t, dict) or len(t) not in (1, 2):
            raise WireError(f"unexpected node {str(t)[:80]}")
        (tag, body), *rest = t.items()
        if tag == "$float" and body in ("nan", "inf", "-inf"):
            return float(body)
        if tag == "$complex" and isinstance(body, list) and len(body) == 2:
            return complex(float(walk(body[0], depth + 1)), float(walk(body[1], depth + 1)))
        if tag in ("$array", "$scalar"):
            if body not in arrays:
                raise WireError(f"missing array {str(body)[:40]}")
            array = arrays[body]
            if array.size > MAX_ELEMENTS:
                raise WireError(f"an array of {array.size} elements is more than an answer needs")
            return array[()] if tag == "$scalar" else array
        if tag in ("$tuple", "$set") and isinstance(body, list):
            items = [walk(item, depth + 1) for item in body]
            return tuple(items) if tag == "$tuple" else set(_hashable(items))
        if tag == "$dict" and isinstance(body, list):
            out = {}
            for pair in body:
                if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                    raise WireError("malformed dict")
                out[pair[0]] = walk(pair[1], depth + 1)
            return out
        if tag == "$sympy":
            return build_sympy(body)
        if tag == "$opaque" and isinstance(body, str) and rest and rest[0][0] == "repr":
            return _opaque(body, str(rest[0][1]))
        raise WireError(f"unexpected node {str(t)[:80]}")

    try:
        return walk(tree, 0)
    except WireError:
        raise
    except (TypeError, ValueError, OverflowError, RecursionError, MemoryError) as exc:
        raise WireError(f"malformed value ({type(exc).__name__})") from None


def _hashable(items: list[Any]) -> list[Any]:
    if not all(isinstance(item, (str, int, float, bool, tuple, type(None))) for item in items):
        raise WireError("a set may hold only plain values")
    return items


_ASSUMPTIONS = frozenset(
    "real positive negative nonnegative nonpositive integer rational finite zero nonzero "
    "complex extended_real commutative".split()
)
_SYMPY_NODES = frozenset(
    "Add Mul Pow exp log sin cos tan sinh cosh tanh asinh acosh atanh asin acos atan erf erfc "
    "Abs sign Heaviside Max Min Piecewise ExprCondPair LambertW floor ceiling re im "
    "LessThan StrictLessThan GreaterThan StrictGreaterThan Equality Unequality And Or Not "
    "BooleanTrue BooleanFalse Pi Exp1 ImaginaryUnit Infinity NegativeInfinity ComplexInfinity "
    "NaN Zero One NegativeOne Half EulerGamma".split()
)


def build_sympy(tree: Any) -> Any:
    """Rebuild a SymPy expression from a tree of whitelisted node names (see :func:`encode`)."""
    import sympy as sp

    count = [0]

    def walk(t: Any, depth: int) -> Any:
        count[0] += 1
        if count[0] > MAX_SYMPY_NODES:
            raise WireError(f"the SymPy expression has more than {MAX_SYMPY_NODES} parts")
        if depth > MAX_DEPTH or not isinstance(t, list) or not t:
            raise WireError("malformed SymPy expression")
        name = t[0]
        if name == "Symbol" and len(t) == 3 and isinstance(t[1], str) and isinstance(t[2], dict):
            flags = {k: bool(v) for k, v in t[2].items() if k in _ASSUMPTIONS}
            return sp.Symbol(t[1][:100], **flags)
        if name == "Integer" and len(t) == 2 and isinstance(t[1], str) and len(t[1]) <= MAX_DIGITS:
            return sp.Integer(int(t[1]))
        if (
            name == "Rational"
            and len(t) == 3
            and all(isinstance(p, str) and len(p) <= MAX_DIGITS for p in t[1:])
        ):
            return sp.Rational(int(t[1]), int(t[2]))
        if name == "Float" and len(t) == 3 and isinstance(t[1], list) and isinstance(t[2], int):
            import mpmath

            sign, mantissa, exponent, bits = t[1] if len(t[1]) == 4 else (None,) * 4
            if sign not in (0, 1) or not isinstance(mantissa, str) or len(mantissa) > MAX_DIGITS:
                raise WireError("malformed Float")
            if not (isinstance(exponent, int) and isinstance(bits, int) and abs(exponent) < 10**6):
                raise WireError("malformed Float")
            value = mpmath.mpf((sign, int(mantissa), exponent, bits))
            return sp.Float(value, precision=max(2, min(t[2], 1000)))
        if name not in _SYMPY_NODES:
            raise WireError(f"SymPy node {str(name)[:40]!r} is not accepted by the grader")
        cls = getattr(sp, name, None)
        if cls is None:
            cls = getattr(sp.S, name, None)
        if cls is None:
            raise WireError(f"unknown SymPy node {name!r}")
        if len(t) == 1:
            return cls if isinstance(cls, sp.Basic) else cls()
        if len(t) != 2 or not isinstance(t[1], list):
            raise WireError("malformed SymPy expression")
        args = [walk(arg, depth + 1) for arg in t[1]]
        if name == "Pow" and len(args) == 2 and args[1].is_Integer and abs(int(args[1])) > MAX_EXPONENT:
            raise WireError(f"a power above {MAX_EXPONENT} is not a plausible answer")
        if name == "ExprCondPair":
            return sp.functions.elementary.piecewise.ExprCondPair(*args)
        return cls(*args)

    try:
        return walk(tree, 0)
    except WireError:
        raise
    except (TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise WireError(f"the SymPy expression could not be rebuilt: {type(exc).__name__}") from None


# ----------------------------------------------------------------------------- files
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _with(stem: Path, suffix: str) -> Path:
    """``stem`` + ``suffix`` (``r1.in`` -> ``r1.in.json``; ``with_suffix`` would drop ``.in``)."""
    return stem.with_name(stem.name + suffix)


def _create(path: Path, dir_fd: int | None = None, mode: int = 0o600) -> Any:
    """Open a new file for writing; never follow a symlink or reuse a file someone planted."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, mode, dir_fd=dir_fd)
    return os.fdopen(fd, "wb")


def _open_plain(path: Path, limit: int, dir_fd: int | None = None) -> Any:
    """Open an existing plain file for reading (no symlink), refusing one larger than ``limit``."""
    try:
        fd = os.open(
            path,
            os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0),
            dir_fd=dir_fd,
        )
    except OSError:
        raise WireError("no answer came back from the notebook's kernel") from None
    fh = os.fdopen(fd, "rb")
    info = os.fstat(fh.fileno())
    if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
        fh.close()
        raise WireError("the kernel's reply is not a plain file of a sensible size")
    return fh


def write_message(
    stem: str | os.PathLike[str], message: dict[str, Any], *, dir_fd: int | None = None, mode: int = 0o600
) -> None:
    """Write ``message`` as ``<stem>.json`` (+ ``<stem>.npz`` when it holds arrays).

    Files are created anew (``O_EXCL``, no symlinks followed), so the other side cannot
    redirect a write by planting a file or a link under the expected name. With ``dir_fd``,
    ``stem`` is a name inside that open folder (the grader's handle on the kernel's channel).
    """
    tree, arrays = encode(message)
    stem = Path(stem)
    if arrays:
        with _create(_with(stem, ".npz"), dir_fd, mode) as fh:
            np.savez(fh, **arrays)
    # The JSON is written last: its presence says the message is complete.
    tmp = _with(stem, ".tmp")
    with _create(tmp, dir_fd, mode) as fh:
        fh.write(json.dumps(tree, allow_nan=False).encode("utf-8"))
    os.replace(tmp, _with(stem, ".json"), src_dir_fd=dir_fd, dst_dir_fd=dir_fd)


def read_message(stem: str | os.PathLike[str], *, dir_fd: int | None = None) -> dict[str, Any]:
    """Read and validate a message written by :func:`write_message` (no pickle, capped sizes)."""
    stem = Path(stem)
    with _open_plain(_with(stem, ".json"), MAX_JSON_BYTES, dir_fd) as fh:
        raw = fh.read()
    try:
        tree = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise WireError("the kernel's reply is not valid JSON") from None
    arrays: dict[str, np.ndarray] = {}
    npz = _with(stem, ".npz")
    try:
        os.stat(npz, dir_fd=dir_fd, follow_symlinks=False)
    except OSError:
        pass
    else:
        with _open_plain(npz, MAX_ARRAY_BYTES, dir_fd) as fh:
            arrays = _load_arrays(fh)
    message = decode(tree, arrays)
    if not isinstance(message, dict):
        raise WireError("the kernel's reply is not a record")
    return message


def _load_arrays(fh: Any) -> dict[str, np.ndarray]:
    """The arrays of an open ``.npz``, after checking its declared sizes (no zip bombs, no pickle)."""
    try:
        with zipfile.ZipFile(fh) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_ARRAY_BYTES:
                raise WireError("the kernel's reply holds too much data")
        fh.seek(0)
        arrays = {}
        with np.load(fh, allow_pickle=False) as data:
            for key in data.files:
                array = data[key]
                if array.dtype.kind not in _ARRAY_KINDS:
                    raise WireError("the kernel's reply holds an unsupported array")
                arrays[key] = array
        return arrays
    except WireError:
        raise
    except Exception as exc:  # noqa: BLE001 - any malformed file is a malformed reply
        raise WireError(f"the kernel's arrays could not be read: {type(exc).__name__}") from None
