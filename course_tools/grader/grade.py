"""Grade a class: ``python -m course_tools.grader PATH... --out grades.csv``.

Each PATH is a submitted exercise notebook or a folder searched recursively for them
(``.ipynb_checkpoints`` and hidden folders are skipped). Every submission runs top to
bottom in a fresh kernel, then its answers are graded by checkers loaded fresh from the
grader's own files. The result is a CSV gradebook (one row per submission and exercise),
one Markdown feedback file per submission and a class summary on the terminal::

    python -m course_tools.grader submissions/ --out grades.csv -j 4 --timeout 60

How a submission is run
-----------------------
* **Isolation.** The command starts ``-j`` long-lived worker processes (each pays the
  ~1 s import of nbclient once) and hands them one submission at a time. Every submission
  gets a fresh IPython kernel running the grader's own Python (``sys.executable -m
  ipykernel_launcher``, never a kernelspec named in the notebook or installed by the
  user), in its own sandbox (below). Kernel start-up dominates the cost of a submission,
  so each worker starts the next kernel while the current notebook runs; that kernel has
  run no code when its submission begins: the worker then copies the notebook into the
  kernel's private home, and the first injected cell makes that the working directory.
  The kernel's stdout/stderr go to ``/dev/null`` and cell outputs are dropped as they
  arrive, so a notebook printing gigabytes costs time, not memory.
* **Watchdog.** The main process watches each worker: a worker that crashes (even one
  killed by the notebook), or a submission that runs past its wall-clock cap
  (``--submission-timeout``, by default generous: twice the cell timeout for every cell
  and check plus two minutes), is killed together with its kernel's process group; the
  submission still gets its rows, saying why. A fresh worker takes over the next
  submission. A notebook that crashes, hangs or kills its worker cannot stop the
  gradebook from being written.
* **Cells.** nbclient runs every code cell with ``allow_errors=True`` and a per-cell
  ``--timeout``: a cell that runs past it is interrupted (``interrupt_on_timeout``: a
  ``KeyboardInterrupt`` in the kernel) and execution goes on with the next cell, as after
  a cell that raises. A cell that ignores the interrupt for another full timeout stops
  the kernel (this overrides nbclient's timeout handler; were it renamed upstream, the
  wall-clock cap would still end such a submission), and so does a cell that kills it
  (``os._exit``, a segfault, ``exit()``): see the rerun below. Messages name a code cell
  by its number among the code cells and its first line.

How answers are judged, and where
---------------------------------
No checker, reference or solution runs in the submission's kernel. Before the first student
cell an injected cell installs the *probe* (:mod:`course_tools.grader.probe`); after the last one
the worker judges each exercise in its own process (:mod:`course_tools.grader.judge`), with the same
checker code as the notebook's ``check()``, so student and teacher see the same verdicts:

1. The judge asks the probe what the exercise's answer variable holds. A value (number,
   sequence, letter, SymPy expression) comes back as data (:mod:`course_tools.grader.wire`: JSON and
   ``.npz`` without pickle, size-capped, validated; SymPy rebuilt from whitelisted nodes).
2. A function stays in the kernel. The checker gets a stand-in: each call writes the
   arguments the checker chose (public inputs, plus hidden ones drawn from the teacher's
   seed, :func:`~course_tools.grader.cli.teacher_seed`) to the kernel's channel folder, and
   an injected cell makes the probe call the student's function and write back the result,
   exception, warnings and the arguments after the call. One call may run
   :data:`~course_tools.grader.notebook_run.CALL_TIMEOUT` seconds; the whole judgement of an
   exercise :data:`~course_tools.grader.notebook_run.JUDGE_TIMEOUT` seconds.
3. Cell output (stdout, displays, stored outputs in the submitted file) is never parsed, so
   fake output earns nothing. Points are clipped to the exercise's ``max_points`` from the
   grader's own registry; an exercise without a verdict scores 0.

A code cell that kills the kernel or ignores the interrupt at its timeout costs only
itself: the notebook is run again in a fresh kernel without that cell (at most
:data:`~course_tools.grader.notebook_run.MAX_RERUNS` times) and graded from that run; the
feedback names the cell.

Every failure is closed: a checker that cannot be reached, raises or is interrupted gives
``"error"`` with 0 points.

The sandbox: what a submission can and cannot do
------------------------------------------------
A submission is arbitrary code from someone who may want points or want to hurt others:
it may patch any module, walk frames and ``gc``, read and write whatever it can see,
signal whatever process it can see, open sockets, fork daemons and exhaust memory, disk
and processes. On Linux every kernel therefore runs in a bubblewrap sandbox
(:mod:`course_tools.grader.sandbox`): its own PID, network, IPC and UTS namespaces (no other
kernel, no grader process, no network); the system and the Python read-only; of the
course's checkout only ``course_utils/``, read-only (no ``solutions/``, ``tests/`` or
``.git``), with :mod:`course_tools.grader.sandbox_grading` mounted over ``course_utils/grading`` so
that not even the notebook's own ``check()`` holds a checker or a reference value; a private
home with a copy of its own notebook and a private ``/tmp``, both
size-limited tmpfs (no class folder, no other submission, no gradebook, no file of the
grader's); ZeroMQ ``ipc`` sockets inside it, reached by the grader through
``/proc/PID/root``; limits on memory, CPU time, processes and file size (``--memory``,
``--cpu-time``, ``--processes``, ``--disk``); none of the teacher's environment. Killing
the sandbox's first process ends every process the submission started. A grader run as
root starts ``bwrap`` without a user namespace and the kernel drops root for an unused
user id, as root is exempt from the process limit.

So a submission cannot change another submission's grade, the gradebook, the feedback,
the grader's files or the teacher's machine, and leaves no process behind. Within its own
kernel it can still do anything, so its verdicts are only as trustworthy as the judge
that reads what its kernel reports; and it can use its share of the machine up to its
limits. Where no sandbox works (macOS, Windows, no bubblewrap, no user namespaces; tried
once per run by :func:`course_tools.grader.sandbox.sandbox_problem`) the command stops before
grading anything, unless ``--no-sandbox`` is given: then student code runs with the
teacher's rights, and every protection of this section is gone.

Where the code is
-----------------
* :mod:`course_tools.grader.cli`: the command line (its options, the teacher's seed, the
  files it writes).
* :mod:`course_tools.grader.submissions`: finding the notebooks and reading each one's
  lesson, size and language without running it.
* This module: :func:`grade`, which hands the submissions to the workers and turns what they
  report into gradebook rows.
* :mod:`course_tools.grader.worker`: a worker process, and the main process's watchdog on it.
* :mod:`course_tools.grader.notebook_run`: one submission run in one kernel, then judged.
* :mod:`course_tools.grader.kernels`: starting a kernel, sandboxed, and reaching its sockets.
* :mod:`course_tools.grader.sandbox` and :mod:`course_tools.grader.sandbox_access`: building
  the sandbox, and reaching into a running one.

Exit status: 0 whatever the submissions did; 2 for a usage error (no notebooks found, a
bad ``-j`` or ``--timeout``, an unknown ``--lesson``, an unwritable ``--out``, no sandbox
without ``--no-sandbox``); 1 if the grader's own checkers cannot be imported.
"""


from __future__ import annotations

import math
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from course_tools.grader.gradebook import NO_EXERCISE, STATUSES, GradeRow, clip_message
from course_tools.grader.notebook_run import JUDGE_TIMEOUT
from course_tools.grader.sandbox import Limits
from course_tools.grader.submissions import Submission
from course_tools.grader.worker import Outcome, Worker

__all__ = ["GradeRow", "GradingInterrupted", "Submission", "grade"]

STARTUP_MARGIN = 120
"""Seconds added to the default wall-clock cap of a submission (kernel start, imports)."""


class GradingInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`grade`; ``rows`` holds every row, finished or not."""

    def __init__(self, rows: list[GradeRow]) -> None:
        super().__init__("grading was interrupted")
        self.rows = rows


def _rows_for(sub: Submission, outcome: Outcome | None, seconds: float) -> list[GradeRow]:
    """The gradebook rows of one submission."""
    lesson = sub.lesson or ""
    if not sub.exercises:
        reason = sub.problem or f"no exercises are registered for lesson {lesson}"
        return [GradeRow(sub.name, NO_EXERCISE, "error", 0, 0, reason, lesson, seconds)]
    rows = []
    for exercise, max_points in sub.exercises:
        if sub.problem is not None:
            rows.append(GradeRow(sub.name, exercise, "error", 0, max_points, sub.problem, lesson, seconds))
            continue
        result = (outcome.results if outcome else {}).get(exercise)
        if result is None:
            reason = (outcome.problem if outcome else None) or (
                "the grader did not report a result for this answer"
            )
            rows.append(GradeRow(sub.name, exercise, "error", 0, max_points, reason, lesson, seconds))
            continue
        status = result.get("status")
        message = str(result.get("message", ""))
        try:
            points = float(result.get("points", 0.0))
        except (TypeError, ValueError):
            points = 0.0
        if status not in STATUSES:
            status, message, points = "error", f"the checker returned an unknown status {status!r}", 0.0
        if not math.isfinite(points):
            points = 0.0
        points = min(max(points, 0.0), max_points)
        if status == "passed":
            points = max_points if points <= 0 else points
        message = clip_message(message)
        rows.append(GradeRow(sub.name, exercise, status, points, max_points, message, lesson, seconds))
    return rows


def grade(
    submissions: Sequence[Submission],
    *,
    jobs: int,
    timeout: int,
    submission_timeout: float | None = None,
    progress: Callable[[Submission, list[GradeRow]], None] | None = None,
    seed: int | None = None,
    limits: Limits | None = None,
) -> list[GradeRow]:
    """Run and grade submissions with ``jobs`` parallel workers.

    Parameters
    ----------
    submissions : sequence of Submission
        As returned by :func:`~course_tools.grader.submissions.read_submission`, with ``exercises`` filled in.
    jobs : int
        Parallel workers (each runs one kernel at a time).
    timeout : int
        Per-cell timeout in seconds.
    submission_timeout : float, optional
        Wall-clock cap for one submission; by default :data:`STARTUP_MARGIN`, plus
        ``2 * timeout`` per code cell, plus ``JUDGE_TIMEOUT`` per exercise.
    progress : callable, optional
        Called with each finished submission and its rows.
    seed : int, optional
        The teacher's seed for hidden test inputs (:func:`~course_tools.grader.cli.teacher_seed`);
        None: public inputs only.
    limits : Limits, optional
        Run each kernel in a sandbox with these limits (Linux with bubblewrap: check
        :func:`course_tools.grader.sandbox.sandbox_problem` first). None, the default here, runs
        kernels unconfined; the command line passes ``Limits()`` unless ``--no-sandbox``.

    Returns
    -------
    list of GradeRow
        In the order of ``submissions``, one row per exercise.
    """
    rows_by: dict[str, list[GradeRow]] = {}
    work_dir = Path(tempfile.mkdtemp(prefix="course-utils-grade-"))
    ipython_dir = work_dir / "ipython"
    ipython_dir.mkdir()
    pending: queue.Queue[Submission] = queue.Queue()
    lock = threading.Lock()
    stop = threading.Event()
    workers: list[Worker] = []

    def finish(sub: Submission, rows: list[GradeRow]) -> None:
        with lock:
            rows_by[sub.name] = rows
        if progress is not None:
            progress(sub, rows)

    runnable = []
    for sub in submissions:
        if sub.problem is not None or not sub.exercises:
            finish(sub, _rows_for(sub, None, 0.0))
        else:
            runnable.append(sub)
            pending.put(sub)

    def slot(number: int) -> None:
        worker: Worker | None = None
        try:
            while not stop.is_set():
                try:
                    sub = pending.get_nowait()
                except queue.Empty:
                    break
                if worker is None:
                    worker = Worker(work_dir, ipython_dir, number, limits)
                    with lock:
                        workers.append(worker)
                cap = submission_timeout or (
                    STARTUP_MARGIN + 2 * timeout * sub.code_cells + JUDGE_TIMEOUT * len(sub.exercises)
                )
                job = {
                    "path": str(sub.path),
                    "lesson": sub.lesson,
                    "exercises": sub.exercises,
                    "timeout": timeout,
                    "seed": seed,
                    "language": sub.language,
                    "work_dir": str(work_dir),
                    "ipython_dir": str(ipython_dir),
                    "sandbox": asdict(limits) if limits else None,
                }
                started = time.monotonic()
                try:
                    outcome = worker.grade(job, cap, stop)
                except Exception as exc:  # noqa: BLE001 - never lose a submission's rows
                    failure = f"the grader failed: {type(exc).__name__}: {exc}"
                    outcome = Outcome(problem=failure, worker_lost=True)
                if outcome.worker_lost or outcome.retire:
                    worker.kill()
                    worker = None
                sub.notes = outcome.notes
                seconds = outcome.seconds if outcome.seconds is not None else time.monotonic() - started
                finish(sub, _rows_for(sub, outcome, seconds))
        finally:
            if worker is not None:
                worker.close()

    threads = [threading.Thread(target=slot, args=(i,), daemon=True) for i in range(min(jobs, len(runnable)))]
    interrupted = False
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    except KeyboardInterrupt:
        interrupted = True
        stop.set()
        with lock:
            for worker in workers:
                worker.kill()
        for thread in threads:
            thread.join(15)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    with lock:
        for sub in submissions:
            if sub.name not in rows_by:
                stopped = Submission(sub.path, sub.name, sub.lesson, "grading was stopped before this "
                                     "submission was graded", sub.code_cells, sub.exercises)
                rows_by[sub.name] = _rows_for(stopped, None, 0.0)
        rows = [row for sub in submissions for row in rows_by[sub.name]]
    if interrupted:
        raise GradingInterrupted(rows)
    return rows
