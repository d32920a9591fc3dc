"""The class grader's probe: the only grading code that runs inside a submission's kernel.

During ``python -m course_tools.grader`` each submission runs in its own (sandboxed) kernel.
Before the first student cell the grader runs :func:`install`; after the last one it asks,
one request at a time, for what the judge needs:

* :func:`describe` — what the answer variable holds: a value (sent as data) or a function
  (its name, module and source, sent as *claims*);
* :func:`call` — call the student's function on arguments the grader chose and wrote to the
  channel folder, recording the return value, the exception, the warnings, the arguments as
  they are after the call (to see in-place changes) and the time taken.

No checker, reference value, reference function or solution is ever loaded here: verdicts
are reached in the grader's own process (:mod:`course_tools.grader.judge`) from the data this
module writes (:mod:`course_tools.grader.wire`). What the probe reports is only as trustworthy as
the student's process: a notebook may patch this module and make it report anything. That
can forge *claims* (that no warning was raised, what the source is) but not the judge's
arithmetic; the judge cross-checks the claims it can (see :mod:`course_tools.grader.judge`).

The probe keeps the NumPy error-state and warnings machinery it found at :func:`install`
(before any student code ran), so a notebook that later patches ``np.seterr``,
``np.errstate`` or ``warnings.filterwarnings`` does not silence the warnings recorded here.
"""

from __future__ import annotations

import inspect
import linecache
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from course_tools.grader import wire

_STATE: dict[str, Any] = {}


def install(
    channel: str, cwd: str | None = None, entry: str | None = None, namespace: dict[str, Any] | None = None
) -> None:
    """Remember the channel folder and the machinery the probe needs, before student code runs.

    The probe is also published as ``builtins.<entry>`` (a name chosen by the grader for this
    run), so a notebook that empties ``sys.modules`` or plants its own ``course_utils`` does
    not cut the grader off from its answers. Then the kernel moves into ``cwd``, the
    submission's folder (it starts elsewhere, so nothing planted there is imported first).
    ``namespace`` defaults to the IPython kernel's user namespace.
    """
    import builtins
    import os

    if namespace is None:
        from IPython import get_ipython

        namespace = get_ipython().user_ns
    _STATE.update(
        channel=Path(channel),
        namespace=namespace,
        errstate=np.errstate,
        catch_warnings=warnings.catch_warnings,
        simplefilter=warnings.simplefilter,
        clock=time.perf_counter,
        write=wire.write_message,
        read=wire.read_message,
    )
    if entry is not None:
        setattr(builtins, entry, sys.modules[__name__])
    if cwd is not None:
        os.chdir(cwd)


def _reply(request: str, message: dict[str, Any]) -> None:
    try:
        _STATE["write"](_STATE["channel"] / f"{request}.out", message)
    except wire.WireError as exc:
        _STATE["write"](_STATE["channel"] / f"{request}.out", {"error": str(exc)})


def _source(func: Any) -> str | None:
    try:
        return inspect.getsource(func)[: wire.MAX_TEXT]
    except (OSError, TypeError):
        return None
    except Exception:  # noqa: BLE001 - a broken object only loses its source
        return None


def describe(request: str, name: str) -> None:
    """Reply with what the variable ``name`` holds (see the module docstring)."""
    namespace = _STATE["namespace"]
    if name not in namespace:
        _reply(request, {"found": False})
        return
    value = namespace[name]
    is_sympy = type(value).__module__.split(".")[0] == "sympy"
    if callable(value) and not isinstance(value, type) and not is_sympy:
        module = getattr(value, "__module__", None)
        code = getattr(value, "__code__", None)
        _reply(
            request,
            {
                "found": True,
                "function": True,
                "name": str(getattr(value, "__name__", type(value).__name__))[:200],
                "module": module if isinstance(module, str) else None,
                "source": _source(value),
                "filename": code.co_filename[:500] if code is not None else None,
            },
        )
        return
    _reply(request, {"found": True, "function": False, "value": value})


def _student_frames(exc: BaseException, code: Any) -> tuple[bool, str | None]:
    """Whether the traceback passed through ``code``, and the deepest line of student code."""
    through, line = False, None
    checkout = Path(wire.__file__).absolute().parents[2]
    packages = (str(checkout / "course_utils"), str(checkout / "course_tools"))
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code is code:
            through = True
        filename = frame.f_code.co_filename
        if filename.startswith(packages) or "site-packages" in filename or "/lib/python" in filename:
            continue
        text = linecache.getline(filename, lineno).strip()
        line = f"line {lineno}: {text}" if text else f"line {lineno}"
    return through, line


def call(request: str, name: str) -> None:
    """Call the student's function ``name`` on the arguments of ``request`` and reply."""
    state = _STATE
    func = state["namespace"].get(name)
    try:
        message = state["read"](state["channel"] / f"{request}.in")
        args, kwargs = list(message["args"]), dict(message["kwargs"])
    except (wire.WireError, KeyError, TypeError) as exc:
        _reply(request, {"error": f"bad request: {exc}"})
        return
    reply: dict[str, Any] = {}
    with state["catch_warnings"](record=True) as caught:
        state["simplefilter"]("always")
        with state["errstate"](over="warn", invalid="warn", divide="warn", under="ignore"):
            start = state["clock"]()
            try:
                reply["value"] = func(*args, **kwargs)
            except KeyboardInterrupt:
                reply["interrupted"] = True
            except BaseException as exc:  # noqa: BLE001 - every student exception is reported
                through, line = _student_frames(exc, getattr(func, "__code__", None))
                reply["exception"] = {
                    "type": type(exc).__name__,
                    "builtin": type(exc).__module__ == "builtins",
                    "text": str(exc)[:2000],
                    "through_student": through,
                    "line": line,
                }
            reply["seconds"] = state["clock"]() - start
    reply["warnings"] = [
        {
            "category": w.category.__name__,
            "builtin": w.category.__module__ == "builtins",
            "text": str(w.message)[:500],
        }
        for w in caught[:20]
    ]
    reply["args_after"] = args
    reply["kwargs_after"] = kwargs
    _reply(request, reply)
