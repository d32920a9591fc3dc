"""Judge a submission's answers in the class grader's own process.

The student's notebook runs in its own (sandboxed) kernel; this module never runs there.
For each exercise the judge asks the kernel's probe (:mod:`course_tools.grader.probe`) what the
answer variable holds and hands the exercise's ordinary checker (the same code as the
notebook's ``check()``, so student and teacher see the same verdicts and messages) a
stand-in for the answer:

* a value (number, sequence, letter, SymPy expression) arrives as data
  (:mod:`course_tools.grader.wire`) and is judged as it is;
* a function becomes a :class:`RemoteFunction`: calling it sends the arguments the checker
  chose to the kernel, which calls the student's function there and sends back the result,
  the exception, the warnings and the arguments as they are after the call. The stand-in
  returns that result, raises a rebuilt exception, re-emits the warnings here and copies
  in-place changes back into the checker's arrays, so the checker cannot tell it from a
  local call.

Every reference, checker and verdict stays here: a notebook that patches NumPy, walks
frames, searches ``gc`` or forges files in its kernel changes only what its own function
returns. What the kernel *claims* about itself is cross-checked where it can be:

* the function's source (used to spot warning silencers and forbidden helpers) is taken
  from the kernel only when it appears, as submitted, in the notebook the grader read;
  otherwise the judge uses every code cell of the notebook instead;
* warnings are recorded by a probe installed before any student code ran, under its own
  ``np.errstate`` and warnings filter.

What stays forgeable: a notebook that digs the probe out of its own process can make it
claim "no warning" for a function that overflows, or report another function's source.
It cannot make a wrong function return right values on inputs it has not seen: hidden
inputs (:mod:`course_utils.grading.hidden`) are drawn from the teacher's seed.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import io
import re
import textwrap
import tokenize
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.grading.timelimit import TimeLimitExceeded

Request = Callable[[str, str, "dict[str, Any] | None"], "dict[str, Any]"]
"""``request(action, answer_name, message) -> reply``: one round trip to the kernel's probe."""

_NOT_REBUILT = (SystemExit, KeyboardInterrupt, GeneratorExit)

CELL_SEPARATOR = "\n\n# ---- next code cell ----\n\n"
"""How the grader joins a submission's code cells into the ``notebook_code`` it passes here."""


class KernelGone(TimeLimitExceeded):
    """The kernel stopped answering (it died, a call could not be interrupted, the probe broke)."""

    def __init__(self, seconds: float = 0.0, reason: str = "the notebook's kernel stopped answering") -> None:
        super().__init__(seconds)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


class RemoteException(Exception):
    """An exception of a type defined by the student (or a library), raised in the kernel."""


def rebuild_exception(record: dict[str, Any]) -> BaseException:
    """An exception like the one the kernel reported, carrying its student line."""
    name = str(record.get("type", "Exception"))
    text = str(record.get("text", ""))
    cls = getattr(builtins, name, None) if record.get("builtin") else None
    exc: BaseException | None = None
    if isinstance(cls, type) and issubclass(cls, BaseException) and not issubclass(cls, _NOT_REBUILT):
        try:
            exc = cls(text)
        except Exception:  # noqa: BLE001 - e.g. UnicodeDecodeError needs five arguments
            exc = None
    if exc is None:
        safe = name if name.isidentifier() else "RemoteException"
        exc = type(safe, (RemoteException,), {})(text)
    exc.remote_line = record.get("line")  # type: ignore[attr-defined]
    exc.remote_through_student = bool(record.get("through_student"))  # type: ignore[attr-defined]
    return exc


def _warning_category(record: dict[str, Any]) -> type[Warning]:
    cls = getattr(builtins, str(record.get("category", "")), None) if record.get("builtin") else None
    if isinstance(cls, type) and issubclass(cls, Warning):
        return cls
    return RuntimeWarning if "encountered" in str(record.get("text", "")) else UserWarning


def _copy_back(original: Any, after: Any) -> None:
    """Carry an in-place change the student's function made to an argument back here."""
    if isinstance(original, np.ndarray) and isinstance(after, np.ndarray):
        if original.shape == after.shape and original.flags.writeable:
            np.copyto(original, after, casting="unsafe")
    elif isinstance(original, list) and isinstance(after, list):
        original[:] = after


def is_library_function(module: str, name: str) -> bool:
    """Whether ``module.name`` is a function of a known library (imported here to make sure).

    Only the libraries of :data:`course_utils.grading.source_reading.LIBRARY_ROOTS` are imported, so a
    kernel cannot make the grader import anything else by claiming a module name.
    """
    from course_utils.grading.source_reading import LIBRARY_ROOTS

    if (
        not module
        or module.split(".")[0] not in LIBRARY_ROOTS
        or not module.replace(".", "").replace("_", "").isalnum()
    ):
        return False
    try:
        library = importlib.import_module(module)
    except Exception:  # noqa: BLE001 - a module that does not import is no library of ours
        return False
    return callable(getattr(library, name, None))


def _code_only(text: str) -> str:
    """``text`` with its string literals and comments emptied (to find code, not quotations)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return text
    kept = []
    for token in tokens:
        if token.type == tokenize.STRING:
            kept.append('""')
        elif token.type == tokenize.COMMENT:
            continue
        elif token.type in (tokenize.NEWLINE, tokenize.NL):
            kept.append("\n")
        elif token.string.strip():
            kept.append(token.string)
    return " ".join(kept)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
"""One line with its ending, split as the parser counts lines (not at form feeds)."""


def _segment(lines: list[str], node: ast.AST, *, padded: bool = False) -> str:
    """``ast.get_source_segment`` of ``node`` in the source split into ``lines``.

    The standard function splits the whole source again at every call, which made reading a
    long notebook's definitions quadratic; this passes it only the node's own lines.
    """
    first, last = node.lineno, node.end_lineno  # type: ignore[attr-defined]
    if last is None:
        return ""
    window = "".join(lines[first - 1 : last])
    shifted = ast.Pass(lineno=1, end_lineno=last - first + 1)
    shifted.col_offset, shifted.end_col_offset = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
    return ast.get_source_segment(window, shifted, padded=padded) or ""


def _definitions(notebook_code: str) -> dict[str, str]:
    """Top-level ``def``s and assignments of the notebook: name -> source (the last one wins)."""
    found: dict[str, str] = {}
    for cell in notebook_code.split(CELL_SEPARATOR):
        try:
            tree = ast.parse(cell)
        except (SyntaxError, ValueError):
            continue
        lines = _LINE.findall(cell)
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names = [node.name]
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
            else:
                continue
            segment = _segment(lines, node, padded=True)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.decorator_list:
                segment = "\n".join(f"@{_segment(lines, d)}" for d in node.decorator_list) + "\n" + segment
            for name in names:
                found[name] = segment
    return found


def trusted_source(claimed: Any, name: str, notebook_code: str, limit: int = 20) -> str:
    """The source of the student's function as the submitted notebook holds it, with its helpers.

    The notebook's own ``def name`` (or assignment) is used when there is one; otherwise the
    kernel's claim, but only if it appears in the notebook as code (not inside a string);
    otherwise every code cell of the notebook. Then the notebook's definitions of the names
    that source uses are added, transitively, so a rule or a silencer hidden in a helper counts.
    """
    definitions = _definitions(notebook_code)
    source = definitions.get(name)
    if source is None and isinstance(claimed, str) and claimed.strip():
        if _code_only(claimed).strip() and _code_only(claimed).strip() in _code_only(notebook_code):
            source = claimed
    if source is None:
        return notebook_code
    parts, seen, queue = [source], {name}, [source]
    while queue and len(parts) < limit:
        try:
            used = {
                n.id for n in ast.walk(ast.parse(textwrap.dedent(queue.pop()))) if isinstance(n, ast.Name)
            }
        except (SyntaxError, ValueError):
            return notebook_code
        for helper in sorted(used - seen):
            seen.add(helper)
            if helper in definitions:
                parts.append(definitions[helper])
                queue.append(definitions[helper])
    return "\n".join(parts)


class RemoteFunction:
    """Stands for the student's function: each call runs in the submission's kernel.

    Parameters
    ----------
    request : callable
        One round trip to the kernel's probe (see :data:`Request`).
    answer_name : str
        The notebook variable holding the function.
    info : dict
        What the probe said about it (``name``, ``module``, ``source``).
    notebook_code : str
        Every code cell of the submitted notebook, as the grader read it.
    """

    def __init__(self, request: Request, answer_name: str, info: dict[str, Any], notebook_code: str) -> None:
        self._request = request
        self._answer_name = answer_name
        name = str(info.get("name") or answer_name)
        self.__name__ = self.__qualname__ = name if name.isidentifier() else answer_name
        module = info.get("module")
        self.__module__ = module if isinstance(module, str) else "__main__"
        # The source the checkers read (source_reading.student_source), taken from the submitted
        # notebook, never from the kernel alone (see trusted_source); a function that claims
        # another module is a library function only if that library really has it.
        if self.__module__ != "__main__" and is_library_function(self.__module__, self.__name__):
            self.__student_source__ = None
        else:
            self.__module__ = "__main__"
            self.__student_source__ = trusted_source(info.get("source"), self.__name__, notebook_code)

    def __repr__(self) -> str:
        return f"<function {self.__name__}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        reply = self._request("call", self._answer_name, {"args": list(args), "kwargs": dict(kwargs)})
        if "error" in reply:
            raise RuntimeError(f"the kernel could not run the call: {reply['error']}")
        if reply.get("interrupted"):
            raise TimeLimitExceeded(0.0)
        for original, after in zip(args, reply.get("args_after") or [], strict=False):
            _copy_back(original, after)
        for record in reply.get("warnings") or []:
            warnings.warn(str(record.get("text", "")), _warning_category(record), stacklevel=2)
        if "exception" in reply:
            raise rebuild_exception(reply["exception"])
        return reply.get("value")


def answer_of(request: Request, answer_name: str, notebook_code: str) -> tuple[bool, Any]:
    """``(found, answer)``: the answer variable's value, or a :class:`RemoteFunction`."""
    reply = request("describe", answer_name, None)
    if "error" in reply:
        raise KernelGone(0.0, str(reply["error"]))
    if not reply.get("found"):
        return False, None
    if reply.get("function"):
        return True, RemoteFunction(request, answer_name, reply, notebook_code)
    return True, reply.get("value")


def judge(
    exercise_id: str, request: Request, notebook_code: str, seed: int | None, language: str = "en"
) -> dict[str, Any]:
    """The verdict on one exercise of a submission, reached in this process.

    Parameters
    ----------
    exercise_id : str
        The exercise judged.
    request : Request
        One round trip to the submission kernel's probe.
    notebook_code : str
        Every code cell of the submitted notebook, as the grader read it.
    seed : int or None
        The teacher's seed of hidden inputs (None: public inputs only).
    language : str
        The language of the messages: the submission's ``metadata.course_utils.language``
        (``"en"`` or ``"zh"``; anything else gives English). Set for this judgement only, as
        :func:`course_utils.grading.using_language` does, whatever the grader's own settings.

    Returns
    -------
    dict
        ``exercise``, ``status``, ``points`` (capped at the exercise's own points), ``message``.
    """
    from course_utils.grading import i18n

    with i18n.using_language(i18n.normalise(language) or "en"):
        return _judge(exercise_id, request, notebook_code, seed)


def _judge(exercise_id: str, request: Request, notebook_code: str, seed: int | None) -> dict[str, Any]:
    from course_utils.grading import EXERCISES, attempts, check, hidden
    from course_utils.grading.i18n import _

    exercise = EXERCISES[exercise_id]
    record: dict[str, Any] = {"exercise": exercise_id, "status": "error", "points": 0.0, "message": ""}
    try:
        found, answer = answer_of(request, exercise.answer_name, notebook_code)
    except KernelGone as exc:
        record["message"] = _("The answer could not be read: {reason}.", reason=exc)
        return record
    if not found:
        record.update(
            status="not_attempted",
            message=_(
                "`{name}` was not found after running the notebook: its cell was "
                "deleted, renamed or stopped with an error before defining it. Run the notebook from "
                "the top and check that the cell defining it runs without an error.",
                name=exercise.answer_name,
            ),
        )
        return record
    with hidden.cases(seed, exercise_id), attempts.paused():  # the grader writes no progress log
        result = check(exercise_id, answer, timeout=0)
    points = max(float(result.points), 0.0)  # partial credit: a "failed" answer may carry points
    record.update(
        status=str(result.status), points=min(points, float(exercise.points)), message=str(result.message)
    )
    return record
