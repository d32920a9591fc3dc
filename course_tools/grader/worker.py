"""The worker processes: each runs one submission at a time in a fresh kernel.

Two halves, one per side of a pipe. In the worker process, ``python -m
course_tools.grader.worker WORK_DIR IPYTHON_DIR LIMITS`` (:func:`main`), :func:`_serve`
reads jobs (JSON lines) on stdin, hands each to
:func:`course_tools.grader.notebook_run.grade_in_kernel` with a kernel started ahead of it,
and writes events (JSON lines) back. In the grader's main process a :class:`Worker` starts
that process, feeds it one job at a time and watches it: a worker that crashes or a
submission that runs past its wall-clock cap is killed with its kernels, and the
:class:`Outcome` says why.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from course_tools.grader.kernels import PACKAGE_PARENT, connect_kernel, kill_group, launch_kernel, unpin
from course_tools.grader.notebook_run import RETIRE, grade_in_kernel
from course_tools.grader.sandbox import Limits
from course_utils.grading.i18n import using_language

__all__ = ["Outcome", "Worker", "main"]


# --------------------------------------------------------------------------------------------
# Worker process: runs one submission at a time in a fresh kernel
# --------------------------------------------------------------------------------------------


async def _serve(
    send: Callable[[dict[str, Any]], None], work_dir: str, ipython_dir: str, limits: Limits | None = None
) -> None:
    """Serve jobs read from stdin, keeping one fresh kernel started ahead of the next job.

    Kernel start-up dominates the time per submission, so while a notebook runs the next
    kernel is already starting (in a neutral folder; the set-up cell moves it into the
    notebook's folder). That kernel has run no code when its submission begins.
    """
    loop = asyncio.get_running_loop()

    def report(km: Any) -> None:
        send({"event": "spare", "pid": getattr(getattr(km, "provisioner", None), "pid", None)})

    async def connect(km: Any) -> tuple[Any, Any]:
        report(km)
        return await connect_kernel(km)

    async def start() -> tuple[Any, Any]:
        return await connect(await launch_kernel(ipython_dir, work_dir, limits))

    def prestart() -> asyncio.Future[tuple[Any, Any]]:
        return asyncio.ensure_future(start())

    # The first kernel boots (a separate process) while this process pays its own imports
    # and nbformat's validator set-up, once.
    first = await launch_kernel(ipython_dir, work_dir, limits)
    import nbclient  # noqa: F401
    import nbformat

    nbformat.reads(nbformat.writes(nbformat.v4.new_notebook()), as_version=4)
    spare = asyncio.ensure_future(connect(first))
    send({"event": "ready"})
    try:
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            if not line.strip():
                continue
            job = json.loads(line)
            try:
                kernel = await spare
            except Exception:  # noqa: BLE001 - start one inside the job instead, reporting why
                kernel = None
            spare = prestart()
            try:
                with using_language(job.get("language")):  # the notes and problems of this submission
                    await grade_in_kernel(job, send, kernel)
            except Exception as exc:  # noqa: BLE001 - report, keep serving
                failure = f"the grader failed: {type(exc).__name__}: {exc}"
                send({"event": "done", "problem": failure, "notes": []})
            if RETIRE.is_set():  # a judge thread may still be busy: let a fresh worker go on
                break
    finally:
        try:  # let a kernel still starting finish, so that it can be stopped cleanly
            km, kc = await asyncio.wait_for(spare, 60)
        except BaseException:  # noqa: BLE001 - failed or timed out: nothing left to stop
            pass
        else:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
            unpin(km)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of a worker process: read jobs (JSON lines) on stdin, report events.

    Events go to a private copy of the original stdout; file descriptor 1 itself is pointed
    at stderr, so nothing printed by libraries can corrupt the protocol. ``argv`` (by
    default ``sys.argv[1:]``) is ``[work_dir, ipython_dir, limits]``, ``limits`` being the
    JSON of the fields of :class:`~course_tools.grader.sandbox.Limits`, or ``null`` for
    unconfined kernels.
    """
    import logging

    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 3:  # --help, or run by hand: it is the grader's, not a teacher's, command
        print(f"usage: python -m course_tools.grader.worker WORK_DIR IPYTHON_DIR LIMITS\n\n{__doc__}")
        sys.exit(0 if args and args[0] in ("-h", "--help") else 2)
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    lock = threading.Lock()

    def send(event: dict[str, Any]) -> None:
        with lock:
            protocol.write(json.dumps(event) + "\n")
            protocol.flush()

    logging.basicConfig(level=logging.CRITICAL)
    if sys.platform == "win32":  # pragma: no cover - pyzmq's asyncio needs a selector loop
        asyncio.set_event_loop_policy(asyncio.WindowsSelectorEventLoopPolicy())  # type: ignore[attr-defined]
    work_dir, ipython_dir, limits = args[0], args[1], json.loads(args[2])
    asyncio.run(_serve(send, work_dir, ipython_dir, Limits(**limits) if limits else None))


# --------------------------------------------------------------------------------------------
# Main process: a watchdog per worker
# --------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of one submission sent to a worker.

    Attributes
    ----------
    results : dict
        The judge's record of each exercise (status, points, message), by exercise id.
    problem : str or None
        Why the notebook could not be run or judged to the end, or None.
    notes : list of str
        What happened while the notebook ran (for the feedback file).
    worker_lost : bool
        Whether the worker crashed, ran past the cap or was stopped (it is then killed).
    seconds : float or None
        Seconds from sending the job to its end.
    retire : bool
        Whether the worker asked to make way for a fresh one (a judge thread may still run).
    """

    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    problem: str | None = None
    notes: list[str] = field(default_factory=list)
    worker_lost: bool = False
    seconds: float | None = None
    retire: bool = False


class Worker:
    """A worker process and the thread reading its events."""

    def __init__(self, work_dir: Path, ipython_dir: Path, number: int, limits: Limits | None = None) -> None:
        self.work_dir = work_dir
        self.log_path = work_dir / f"worker-{number}.log"
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_PARENT, env.get("PYTHONPATH", "")) if p)
        env["PYTHONUNBUFFERED"] = "1"
        popen_kw: dict[str, Any] = {}
        if os.name == "posix":
            popen_kw["start_new_session"] = True
        else:  # pragma: no cover - Windows
            popen_kw["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable, "-m", "course_tools.grader.worker",
                    str(work_dir), str(ipython_dir), json.dumps(asdict(limits) if limits else None),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=work_dir,
                env=env,
                **popen_kw,
            )
        self.events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.ready = False
        self.kernel_pid: int | None = None
        self.spare_pid: int | None = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        try:
            for raw in self.proc.stdout:
                try:
                    event = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(event, dict):
                    self.events.put(event)
        finally:
            self.events.put(None)

    def _log_tail(self) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return ""
        return text.splitlines()[-1][:300] if text else ""

    def _note_pids(self, event: dict[str, Any]) -> None:
        pid = event.get("pid") if isinstance(event.get("pid"), int) else None
        if event.get("event") == "spare":
            self.spare_pid = pid
        elif event.get("event") == "kernel":
            self.kernel_pid = pid
            if pid == self.spare_pid:
                self.spare_pid = None

    def kill(self) -> None:
        kill_group(self.kernel_pid)
        kill_group(self.spare_pid)
        if os.name == "posix":
            kill_group(self.proc.pid)
        try:
            self.proc.kill()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass

    def close(self) -> None:
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()

    def grade(self, job: dict[str, Any], cap: float, stop: threading.Event) -> Outcome:
        """Run one job; never raises for anything the notebook does."""
        started = time.monotonic()
        outcome = self._grade(job, cap, stop)
        if outcome.seconds is None:
            outcome.seconds = time.monotonic() - started
        return outcome

    def _grade(self, job: dict[str, Any], cap: float, stop: threading.Event) -> Outcome:
        outcome = Outcome()
        if not self.ready:
            deadline = time.monotonic() + 180
            while not self.ready:
                try:
                    event = self.events.get(timeout=max(0.1, min(1.0, deadline - time.monotonic())))
                except queue.Empty:
                    if stop.is_set() or time.monotonic() > deadline:
                        outcome.problem = "the grading process did not start in time"
                        outcome.worker_lost = True
                        return outcome
                    continue
                if event is None:
                    tail = self._log_tail()
                    outcome.problem = "the grading process could not start" + (f": {tail}" if tail else "")
                    outcome.worker_lost = True
                    return outcome
                self._note_pids(event)
                self.ready = event.get("event") == "ready"
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write((json.dumps(job) + "\n").encode("utf-8"))
            self.proc.stdin.flush()
        except OSError:
            outcome.problem = "the grading process stopped before it could run the notebook"
            outcome.worker_lost = True
            return outcome
        sent = time.monotonic()
        deadline = sent + cap
        where = "starting the kernel"
        while True:
            now = time.monotonic()
            outcome.seconds = now - sent
            remaining = deadline - now
            if stop.is_set():
                outcome.problem = "grading was interrupted"
                outcome.worker_lost = True
                return outcome
            if remaining <= 0:
                outcome.problem = (
                    f"the whole notebook ran past the {cap:.0f} s limit for one submission while "
                    f"{where}; it was stopped"
                )
                outcome.worker_lost = True
                return outcome
            try:
                event = self.events.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            outcome.seconds = time.monotonic() - sent
            if event is None:
                try:
                    code = self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    code = None
                outcome.problem = (
                    f"the grading process crashed (exit status {code}) while {where}"
                    + (f": {self._log_tail()}" if self._log_tail() else "")
                )
                outcome.worker_lost = True
                return outcome
            kind = event.get("event")
            self._note_pids(event)
            if kind == "cell":
                where = f"running {event.get('label')}"
            elif kind == "result" and isinstance(event.get("exercise"), str):
                outcome.results[event["exercise"]] = event
            elif kind == "done":
                outcome.problem = event.get("problem")
                outcome.notes = [str(n) for n in event.get("notes") or []]
                outcome.retire = bool(event.get("retire"))
                self.kernel_pid = None
                return outcome


if __name__ == "__main__":
    main()
