"""Judge a submission's answers in the class grader's own process.

The student's notebook runs in its own (sandboxed) kernel; this module never runs there.
For each exercise the judge asks the kernel's probe (:mod:`course_utils.probe`) what the
answer variable holds and hands the exercise's ordinary checker (the same code as the
notebook's ``check()``, so student and teacher see the same verdicts and messages) a
stand-in for the answer:

* a value (number, sequence, letter, SymPy expression) arrives as data
  (:mod:`course_utils.wire`) and is judged as it is;
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

import builtins
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.grading.timelimit import TimeLimitExceeded

Request = Callable[[str, str, "dict[str, Any] | None"], "dict[str, Any]"]
"""``request(action, answer_name, message) -> reply``: one round trip to the kernel's probe."""

_NOT_REBUILT = (SystemExit, KeyboardInterrupt, GeneratorExit)


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
        # The source the checkers read (compare.student_source): the kernel's claim when the
        # submitted notebook holds it; any other function of the notebook is judged by all of
        # the notebook's code; a function of another module is a library function (None).
        claimed = info.get("source")
        if isinstance(claimed, str) and claimed.strip() and claimed.strip() in notebook_code:
            self.__student_source__ = claimed
        elif self.__module__ == "__main__":
            self.__student_source__ = notebook_code
        else:
            self.__student_source__ = None

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
