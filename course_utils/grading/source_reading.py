"""Reading the student's source, for the rules a statement sets on *how* an answer is written.

:func:`student_source` is the only place where a checker reads the student's code (their own
functions only, with the helpers they call). :func:`source_names`, :func:`uses_any` and
:func:`calls_any` say which names that code uses or calls, :func:`silences_warnings` whether
it switches NumPy's warnings off, and :func:`function_origin` whether the answer is the
student's own function or a library's. :mod:`ast`, :mod:`inspect` and :mod:`tokenize` are
imported when a source is read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from .i18n import N_

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_STDLIB_DIR = os.path.dirname(os.path.abspath(os.__file__)) + os.sep


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
    if (
        "site-packages" in path
        or "dist-packages" in path
        or path.startswith(_PACKAGE_DIR + os.sep)
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
