"""Run one submission in one kernel, then judge its answers in the worker (never in the kernel).

:func:`grade_in_kernel` is what a worker (:mod:`course_tools.grader.worker`) does with one
job: run the notebook's code cells with nbclient in a fresh sandboxed kernel
(:mod:`course_tools.grader.kernels`), after an injected cell that installs the probe
(:mod:`course_tools.grader.probe`); run it again without a cell that stopped the kernel (at most
:data:`MAX_RERUNS` times); then judge every exercise (:mod:`course_tools.grader.judge`), each
call of a student's function being one more injected cell. It reports what happens as
events (``cell``, ``kernel``, ``result``, ``done``) through the worker's ``send``. The design
and its reasons are told in :mod:`course_tools.grader.grade`.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from course_tools.grader import sandbox, sandbox_access
from course_tools.grader.gradebook import clip_message
from course_tools.grader.kernels import Channel, kill_group, start_kernel, unpin
from course_tools.grader.sandbox import Limits
from course_tools.grader.submissions import first_line
from course_utils.grading.i18n import _

__all__ = ["CALL_TIMEOUT", "GRADER_SETUP_TIMEOUT", "JUDGE_TIMEOUT", "MAX_RERUNS", "RETIRE", "grade_in_kernel"]

GRADER_SETUP_TIMEOUT = 120
"""Seconds allowed to the injected cell that installs the probe in the kernel."""

CALL_TIMEOUT = 10
"""Seconds one call of a student's function may take while it is judged (``check()``'s limit)."""

JUDGE_TIMEOUT = 120
"""Seconds the judgement of one exercise may take in all (every call and comparison)."""

RETIRE = threading.Event()
"""Set in a worker whose judge ran past JUDGE_TIMEOUT: its thread may still be running, so
the worker finishes the submission and makes way for a fresh one."""

MAX_RERUNS = 3
"""Times a notebook is run again without a cell that stopped its kernel."""


# --------------------------------------------------------------------------------------------
# Kernel side: the injected cells (each a one-line call into course_tools.grader.probe)
# --------------------------------------------------------------------------------------------


def _install_cell(channel: str, cwd: str, entry: str) -> str:
    """The injected first cell: :func:`course_tools.grader.probe.install`, before any student code."""
    probe = "__import__('course_tools.grader.probe', fromlist=['install'])"
    return f"{probe}.install({channel!r}, {cwd!r}, {entry!r})"


def _probe_cell(entry: str, function: str, *args: str) -> str:
    """An injected cell calling ``probe.<function>(*args)`` through the probe's ``builtins`` entry."""
    arguments = ", ".join(repr(arg) for arg in args)
    return f"__import__('builtins').{entry}.{function}({arguments})"


class _StuckCell(Exception):
    """A cell ignored the interrupt sent at its timeout."""


def _code_cell_label(number: int, source: str) -> str:
    """``code cell 8 (`os._exit(0)`)``: a code cell named by its number among code cells."""
    return _("code cell {number} (`{line}`)", number=number, line=first_line(source))


def _read_notebook(path: Path) -> Any:
    """The submission as an nbformat notebook with every code cell's outputs dropped."""
    import nbformat

    text = path.read_bytes().decode("utf-8-sig")
    nb = nbformat.reads(text, as_version=4)
    for cell in nb.cells:
        if not isinstance(cell.get("source", ""), str):
            cell["source"] = "".join(cell.get("source") or [])
        cell.setdefault("source", "")
        cell.setdefault("metadata", nbformat.NotebookNode())
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
    return nb


class _Run:
    """One execution of a submission in one kernel: the student's cells, then the judge's requests."""

    def __init__(self, nb: Any, km: Any, kc: Any, timeout: int, folder: str) -> None:
        from nbclient import NotebookClient

        self.nb = nb
        self.km = km
        self.timeout = timeout
        self.timed_out: dict[int, int] = {}
        self.replies: dict[int, dict[str, Any]] = {}
        run = self

        class GradingClient(NotebookClient):
            """nbclient that drops every output and gives up on cells that ignore interrupts."""

            def output(self, outs: Any, msg: Any, display_id: Any, cell_index: int) -> None:
                return None

            def handle_comm_msg(self, outs: Any, msg: Any, cell_index: int) -> None:
                return None

            async def _async_handle_timeout(self, timeout: int, cell: Any = None) -> Any:
                key = id(cell)
                run.timed_out[key] = run.timed_out.get(key, 0) + 1
                if run.timed_out[key] > 1:
                    raise _StuckCell()
                return await super()._async_handle_timeout(timeout, cell)

        def on_cell_executed(
            cell: Any = None, cell_index: int = 0, execute_reply: Any = None, **_: Any
        ) -> None:
            if isinstance(execute_reply, dict):
                run.replies[id(cell)] = execute_reply.get("content") or {}

        self.client = GradingClient(
            nb,
            km=km,
            timeout=timeout,
            interrupt_on_timeout=True,
            allow_errors=True,
            startup_timeout=60,
            shutdown_kernel="immediate",
            iopub_timeout=4,
            raise_on_iopub_timeout=False,
            record_timing=False,
            store_widget_state=False,
            resources={"metadata": {"path": folder}},
            on_cell_executed=on_cell_executed,
        )
        self.client.kc = kc

    async def injected(self, source: str, seconds: int) -> dict[str, Any]:
        """Run a cell the grader wrote (kept out of the kernel's history); return its reply."""
        import nbformat

        cell = nbformat.v4.new_code_cell(source)
        self.nb.cells.append(cell)  # nbclient stores the executed cell back at its index
        self.client.timeout = seconds
        try:
            await self.client.async_execute_cell(cell, len(self.nb.cells) - 1, store_history=False)
        finally:
            self.client.timeout = self.timeout
        return self.replies.get(id(cell), {})


async def grade_in_kernel(
    job: dict[str, Any],
    send: Callable[[dict[str, Any]], None],
    kernel: tuple[Any, Any] | None = None,
) -> None:
    """Run one notebook, then judge its answers here, in the worker (never in the kernel).

    A code cell that kills the kernel (``os._exit``, a segfault) or ignores the interrupt
    sent at its timeout does not cost the verdicts earned before it: the notebook is run
    again in a fresh kernel without that cell (at most :data:`MAX_RERUNS` times), saying so,
    and the answers are judged from that run.

    Parameters
    ----------
    job : dict
        ``path``, ``lesson``, ``exercises`` (list of ``[id, max_points]``), ``timeout``,
        ``seed``, ``work_dir``, ``ipython_dir`` and ``sandbox`` (the fields of :class:`Limits`,
        or None for an unconfined kernel).
    send : callable
        Reports events to the main process.
    kernel : (km, kc), optional
        A kernel started by :func:`~course_tools.grader.kernels.start_kernel` that has run no
        code yet; by default one is started here. Either way it is shut down at the end.
    """
    from nbclient.exceptions import DeadKernelError

    timeout = int(job["timeout"])
    notes: list[str] = []

    def note(text: str) -> None:
        if len(notes) < 20:
            notes.append(clip_message(text[:1].upper() + text[1:], 300))
        elif len(notes) == 20:
            notes.append("(more messages left out)")

    def done(problem: str | None) -> None:
        send({"event": "done", "problem": problem, "notes": notes, "retire": RETIRE.is_set()})

    path = Path(job["path"])
    try:
        nb = _read_notebook(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the student's problem
        done(_("The file is not a readable notebook: {error}", error=f"{type(exc).__name__}: {exc}"))
        return
    cells = list(nb.cells)
    code_cells = [
        (index, number, cell)
        for number, (index, cell) in enumerate(
            ((i, c) for i, c in enumerate(cells) if c.get("cell_type") == "code"), start=1
        )
    ]
    from course_tools.grader.judge import CELL_SEPARATOR

    notebook_code = CELL_SEPARATOR.join(str(cell.get("source", "")) for _, _, cell in code_cells)
    folder = str(path.parent)
    limits = Limits(**job["sandbox"]) if job.get("sandbox") else None
    exercises = [ex for ex, _ in job["exercises"]]
    skipped: set[int] = set()
    work = Path(job["work_dir"])
    problem: str | None = None

    for attempt in range(MAX_RERUNS + 1):
        problem = None
        killer: tuple[int, str] | None = None  # (code cell number, label) of a cell that stopped the kernel
        if kernel is not None and not await kernel[0].is_alive():
            kernel[1].stop_channels()
            kernel = None
        try:
            km, kc = kernel if kernel is not None else await start_kernel(job["ipython_dir"], folder, limits)
            if km.sandbox_pid is not None:  # before any code of the submission runs
                copy = f"{sandbox.HOME}/{path.name}"
                sandbox_access.put_file(km.sandbox_pid, str(path), copy, km.sandbox_uid)
        except Exception as exc:  # noqa: BLE001
            done(_("The kernel did not start: {error}", error=f"{type(exc).__name__}: {exc}"))
            return
        kernel = None
        nb.cells = [*cells]
        run = _Run(nb, km, kc, timeout, folder)
        channel = Channel.open(km, work)
        cwd = folder if km.sandbox_pid is None else sandbox.HOME
        entry = f"_course_utils_probe_{secrets.token_hex(8)}"
        kernel_pid = getattr(getattr(km, "provisioner", None), "pid", None)
        send({"event": "kernel", "pid": kernel_pid})
        try:
            async with run.client.async_setup_kernel(cleanup_kc=True):
                try:
                    setup = _install_cell(channel.inside, cwd, entry)
                    reply = await run.injected(setup, max(timeout, GRADER_SETUP_TIMEOUT))
                    if reply.get("status") == "error":
                        failure = f"{reply.get('ename')}: {reply.get('evalue')}"
                        problem = _("The grader could not set up its probe: {error}", error=failure)
                except DeadKernelError:
                    problem = _("The kernel died while the grader was setting up its probe")
                except _StuckCell:
                    problem = _("The grader could not set up its probe in time")
                for index, number, cell in code_cells:
                    if problem is not None:
                        break
                    if index in skipped or not str(cell.get("source", "")).strip():
                        continue
                    label = _code_cell_label(number, cell["source"])
                    send({"event": "cell", "label": label})
                    try:
                        await run.client.async_execute_cell(cell, index, store_history=True)
                    except DeadKernelError:
                        killer = (index, label)
                        problem = _(
                            "The kernel died while running {label}; later cells did not run", label=label
                        )
                        break
                    except _StuckCell:
                        killer = (index, label)
                        problem = _(
                            "{label} ran past the {seconds} s limit and did not stop when interrupted, so "
                            "the kernel was stopped; later cells did not run",
                            label=label,
                            seconds=timeout,
                        )
                        problem = problem[:1].upper() + problem[1:]
                        break
                    except Exception as exc:  # noqa: BLE001 - a malformed cell must not stop the rest
                        error = f"{type(exc).__name__}: {exc}"
                        note(_("{label} could not be run: {error}", label=label, error=error))
                        continue
                    content = run.replies.get(id(cell), {})
                    if run.timed_out.get(id(cell)):
                        note(_("{label} ran past the {seconds} s limit and was interrupted. Make it faster.",
                               label=label, seconds=timeout))
                    elif content.get("status") == "error":
                        note(_("{label} raised {error}", label=label,
                               error=f"{content.get('ename')}: {content.get('evalue')}"))
                if problem is None and not await km.is_alive():
                    problem = _("The kernel stopped after the last cell (does the notebook call exit()?)")
                if killer is not None and attempt < MAX_RERUNS:
                    skipped.add(killer[0])
                    note(_(
                        "{label} stopped the kernel, so the notebook was run again from the top without it "
                        "and graded from that run. Fix or delete that cell.",
                        label=killer[1],
                    ))
                    continue
                if problem is None:
                    await _judge_all(run, entry, exercises, channel, notebook_code, job, send)
        except DeadKernelError:
            problem = problem or _("The kernel died")
        except Exception as exc:  # noqa: BLE001 - e.g. the kernel did not start
            error = f"{type(exc).__name__}: {exc}"
            problem = problem or _("The notebook could not be run: {error}", error=error)
        finally:
            kill_group(kernel_pid)
            unpin(km)
            channel.close()
        break
    done(problem)


async def _judge_all(
    run: _Run,
    entry: str,
    exercises: list[str],
    channel: Channel,
    notebook_code: str,
    job: dict[str, Any],
    send: Callable[[dict[str, Any]], None],
) -> None:
    """Judge every exercise here, asking the kernel's probe for answers and calls as needed."""
    from nbclient.exceptions import DeadKernelError

    from course_tools.grader import wire
    from course_tools.grader.judge import KernelGone, judge

    loop = asyncio.get_running_loop()
    call_timeout = CALL_TIMEOUT
    gone: list[str] = []
    counter = iter(range(1_000_000))

    def request(action: str, name: str, message: dict[str, Any] | None) -> dict[str, Any]:
        if gone:
            raise KernelGone(0.0, gone[0])
        stem = f"r{next(counter)}"
        try:
            if message is not None:  # readable by the kernel's user, in a folder only it can enter
                try:
                    wire.write_message(f"{stem}.in", message, dir_fd=channel.fd, mode=0o644)
                except OSError as exc:  # e.g. the notebook filled its own disk
                    gone.append(_("the grader could not pass arguments to your kernel ({error})",
                                  error=exc.strerror or exc))
                    raise KernelGone(0.0, gone[0]) from None
            source = _probe_cell(entry, action, stem, name)
            future = asyncio.run_coroutine_threadsafe(run.injected(source, call_timeout), loop)
            try:
                reply = future.result()
            except DeadKernelError:
                gone.append(_("the kernel died while running your function"))
                raise KernelGone(0.0, gone[0]) from None
            except _StuckCell:
                gone.append(_("your function ran past {seconds} s and did not stop when interrupted",
                              seconds=call_timeout))
                raise KernelGone(0.0, gone[0]) from None
            if reply.get("status") == "error":
                failure = f"{reply.get('ename')}: {str(reply.get('evalue'))[:200]}"
                return {"error": f"the grader's probe failed in your kernel ({failure}); "
                                 "did a cell change builtins or course_utils?"}
            try:
                return wire.read_message(f"{stem}.out", dir_fd=channel.fd)
            except Exception as exc:  # noqa: BLE001 - whatever the kernel wrote, it is the kernel's error
                return {"error": f"{type(exc).__name__}: {exc}"[:300]}
        finally:
            channel.remove([f"{stem}{suffix}" for suffix in (".in.json", ".in.npz", ".in.tmp", ".out.json",
                                                             ".out.npz", ".out.tmp")])

    for exercise in exercises:
        send({"event": "cell", "label": f"the check of `{exercise}`"})
        if gone:
            record = {"exercise": exercise, "status": "error", "points": 0.0,
                      "message": _("Not checked: {reason} while an earlier answer was checked.",
                                   reason=gone[0])}
        else:
            try:
                record = await asyncio.wait_for(
                    loop.run_in_executor(
                        None, judge, exercise, request, notebook_code, job.get("seed"), job["language"]
                    ),
                    JUDGE_TIMEOUT,
                )
            except asyncio.TimeoutError:
                RETIRE.set()
                gone.append(_("checking took longer than {seconds} s", seconds=JUDGE_TIMEOUT))
                record = {"exercise": exercise, "status": "error", "points": 0.0,
                          "message": _("Checking this answer took longer than {seconds} s and was stopped.",
                                       seconds=JUDGE_TIMEOUT)}
            if gone and record.get("status") != "passed":
                record = {**record, "status": "error", "points": 0.0,
                          "message": _("Not checked: {reason}. Run the notebook yourself and fix that first.",
                                       reason=gone[0])}
        send({"event": "result", **record})
