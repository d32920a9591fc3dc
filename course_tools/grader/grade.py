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
   seed, :func:`teacher_seed`) to the kernel's channel folder, and an injected cell makes
   the probe call the student's function and write back the result, exception, warnings and
   the arguments after the call. One call may run :data:`CALL_TIMEOUT` seconds; the whole
   judgement of an exercise :data:`JUDGE_TIMEOUT` seconds.
3. Cell output (stdout, displays, stored outputs in the submitted file) is never parsed, so
   fake output earns nothing. Points are clipped to the exercise's ``max_points`` from the
   grader's own registry; an exercise without a verdict scores 0.

A code cell that kills the kernel or ignores the interrupt at its timeout costs only
itself: the notebook is run again in a fresh kernel without that cell (at most
:data:`MAX_RERUNS` times) and graded from that run; the feedback names the cell.

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

Exit status: 0 whatever the submissions did; 2 for a usage error (no notebooks found, a
bad ``-j`` or ``--timeout``, an unknown ``--lesson``, an unwritable ``--out``, no sandbox
without ``--no-sandbox``); 1 if the grader's own checkers cannot be imported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from course_tools import execution
from course_tools.grader import sandbox
from course_tools.grader.exports import LAYOUTS, validate_wide_options, write_feedback_html, write_wide_csv
from course_tools.grader.gradebook import (
    NO_EXERCISE,
    STATUSES,
    GradeRow,
    class_summary,
    clip_message,
    write_csv,
    write_feedback,
)
from course_tools.grader.sandbox import Limits
from course_tools.grader.shards import merge_gradebooks, parse_shard, shard
from course_utils.grading.i18n import _, using_language

__all__ = [
    "GradeRow",
    "Submission",
    "find_notebooks",
    "grade",
    "grader_kernel_manager",
    "main",
    "read_submission",
    "submission_names",
]

MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024
"""Submissions larger than this are not run (a row says so)."""

GRADER_SETUP_TIMEOUT = 120
"""Seconds allowed to the injected cell that installs the probe in the kernel."""

CALL_TIMEOUT = 10
"""Seconds one call of a student's function may take while it is judged (``check()``'s limit)."""

JUDGE_TIMEOUT = 120
"""Seconds the judgement of one exercise may take in all (every call and comparison)."""

_RETIRE = threading.Event()
"""Set in a worker whose judge ran past JUDGE_TIMEOUT: its thread may still be running, so
the worker finishes the submission and makes way for a fresh one."""

MAX_RERUNS = 3
"""Times a notebook is run again without a cell that stopped its kernel."""

STARTUP_MARGIN = 120
"""Seconds added to the default wall-clock cap of a submission (kernel start, imports)."""

_PACKAGE_PARENT = str(Path(__file__).absolute().parents[2])  # the checkout: course_utils/, course_tools/
_KERNEL_NAME = "course-utils-grader"


# --------------------------------------------------------------------------------------------
# Finding and reading submissions (main process)
# --------------------------------------------------------------------------------------------


class UsageError(Exception):
    """A problem with the command line (exit status 2)."""


class GradingInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`grade`; ``rows`` holds every row, finished or not."""

    def __init__(self, rows: list[GradeRow]) -> None:
        super().__init__("grading was interrupted")
        self.rows = rows


@dataclass
class Submission:
    """One notebook to grade.

    Attributes
    ----------
    path : Path
        Absolute path of the file.
    name : str
        Its path relative to the common parent of the given PATHs, with POSIX slashes.
    lesson : str or None
        Two-digit lesson number, or None when unknown.
    problem : str or None
        Why the notebook cannot be run (empty, corrupt, too large...), or None.
    code_cells : int
        Number of code cells (sets the wall-clock cap).
    exercises : list of (str, float)
        The lesson's exercise ids and their points, in notebook order.
    notes : list of str
        What happened while the notebook ran (for the feedback file).
    language : str
        The language of its feedback: the notebook's ``metadata["course_utils"]["language"]``
        (``"zh"`` for the Chinese edition), else ``"en"``.
    """

    path: Path
    name: str
    lesson: str | None = None
    problem: str | None = None
    code_cells: int = 0
    exercises: list[tuple[str, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    language: str = "en"


def _is_hidden(part: str) -> bool:
    return part.startswith(".")


def find_notebooks(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The notebooks named by ``paths``: files as given, folders searched recursively.

    Hidden folders (``.ipynb_checkpoints``, ``.git``...) are skipped, symbolic links to
    folders are not followed, and a file reached twice is listed once.

    Parameters
    ----------
    paths : sequence of path-like
        Notebook files or folders.

    Returns
    -------
    list of Path
        Absolute paths, sorted within each folder.

    Raises
    ------
    UsageError
        If a path does not exist.
    """
    found: list[Path] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = os.path.normcase(os.path.realpath(path))
        if key not in seen:
            seen.add(key)
            found.append(path)

    for given in paths:
        path = Path(os.path.abspath(given))
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not _is_hidden(d))
                for name in sorted(files):
                    if name.lower().endswith(".ipynb") and not _is_hidden(name):
                        add(Path(folder) / name)
        elif path.is_file():
            add(path)
        else:
            raise UsageError(f"PATH {str(given)!r} does not exist")
    return found


def submission_names(paths: Sequence[str | os.PathLike[str]], notebooks: Sequence[Path]) -> list[str]:
    """Each notebook's path relative to the common parent of ``paths`` (POSIX slashes).

    A folder PATH is its own parent; a file PATH's parent is its folder.

    Examples
    --------
    >>> submission_names(["/c/class 1"], [Path("/c/class 1/a.ipynb"), Path("/c/class 1/b/c.ipynb")])
    ['a.ipynb', 'b/c.ipynb']
    >>> submission_names(["/c/x/a.ipynb", "/c/y"], [Path("/c/x/a.ipynb"), Path("/c/y/a.ipynb")])
    ['x/a.ipynb', 'y/a.ipynb']
    """
    roots = []
    for given in paths:
        absolute = os.path.abspath(given)
        if os.path.isfile(absolute) or (
            not os.path.isdir(absolute) and absolute.lower().endswith(".ipynb")
        ):
            absolute = os.path.dirname(absolute)
        roots.append(absolute)
    try:
        base = os.path.commonpath(roots) if roots else ""
    except ValueError:  # different drives on Windows
        base = ""
    names = []
    for notebook in notebooks:
        absolute = os.path.abspath(notebook)
        relative = os.path.relpath(absolute, base) if base else absolute
        names.append(Path(relative).as_posix())
    return names


def _first_line(source: str, width: int = 50) -> str:
    for line in source.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= width else line[: width - 1] + "…"
    return ""


def read_submission(path: Path, name: str, forced_lesson: str | None) -> Submission:
    """Read a notebook's lesson and size without running it.

    Parameters
    ----------
    path : Path
        The file.
    name : str
        Its name in the gradebook.
    forced_lesson : str or None
        ``--lesson``: overrides the notebook's metadata.

    Returns
    -------
    Submission
        With ``problem`` set when the file cannot be run.
    """
    sub = Submission(path=path, name=name, lesson=forced_lesson)
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            sub.problem = (
                f"the file is {size / 2**20:.0f} MB, more than the {MAX_NOTEBOOK_BYTES // 2**20} MB "
                "a notebook may have; clear its outputs and submit again"
            )
            return sub
        raw = path.read_bytes()
    except OSError as exc:
        sub.problem = f"the file could not be read: {exc.strerror or exc}"
        return sub
    if not raw.strip():
        sub.problem = "the file is empty (0 bytes)" if not raw else "the file holds only whitespace"
        return sub
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        sub.problem = f"the file is not UTF-8 text, so not a notebook ({exc.reason} at byte {exc.start})"
        return sub
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        sub.problem = (
            f"the file is not valid JSON, so not a readable notebook ({exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}); it may have been cut short or edited by hand"
        )
        return sub
    except RecursionError:
        sub.problem = "the file is not a readable notebook (JSON nested too deeply)"
        return sub
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not (isinstance(cells, list) or "worksheets" in data):
        sub.problem = "the file is JSON but not a Jupyter notebook (it has no list of cells)"
        return sub
    if isinstance(cells, list):
        sub.code_cells = sum(isinstance(c, dict) and c.get("cell_type") == "code" for c in cells)
    else:
        sub.code_cells = 200
    metadata = data.get("metadata")
    info = metadata.get("course_utils") if isinstance(metadata, dict) else None
    if isinstance(info, dict):
        from course_utils.grading.i18n import normalise

        sub.language = normalise(info.get("language")) or "en"
    if forced_lesson is None:
        value = info.get("lesson") if isinstance(info, dict) else None
        if value is None:
            sub.problem = (
                "the notebook does not say which lesson it belongs to (no "
                'metadata["course_utils"]["lesson"]); grade it with --lesson NN'
            )
            return sub
        from course_utils.course import LESSONS_BY_NUMBER, lesson_number

        number = lesson_number(value)
        sub.lesson = number if number in LESSONS_BY_NUMBER else None
        if sub.lesson is None:
            sub.problem = (
                f"the notebook's metadata names lesson {value!r}, which is not a lesson of this "
                "course; grade it with --lesson NN"
            )
    return sub


def _lesson_exercises(lesson: str) -> list[tuple[str, float]]:
    from course_utils.grading import exercises_for_lesson

    return [(ex.id, float(ex.points)) for ex in exercises_for_lesson(lesson)]


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


# --------------------------------------------------------------------------------------------
# Worker process: runs one submission at a time in a fresh kernel
# --------------------------------------------------------------------------------------------


class _StuckCell(Exception):
    """A cell ignored the interrupt sent at its timeout."""


def _kernel_env(ipython_dir: str) -> dict[str, str]:
    """The variables of an unconfined grader kernel: no figures drawn, no attempts log written."""
    return execution.kernel_env(_PACKAGE_PARENT, inline_figures=False, COURSE_UTILS_PROGRESS="off",
                                IPYTHONDIR=ipython_dir)


def _sandbox_env() -> dict[str, str]:
    """The variables a sandboxed kernel gets besides those :mod:`course_tools.grader.sandbox` sets."""
    path = [_PACKAGE_PARENT, *os.environ.get("PYTHONPATH", "").split(os.pathsep)]
    env = {"PYTHONPATH": os.pathsep.join(p for p in path if p), "MPLBACKEND": "Agg",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    env.update({k: v for k, v in os.environ.items() if k.startswith("LC_") or k == "LANG"})
    return env


def _kill_group(pid: int | None) -> None:
    """Kill a process and, on POSIX, the process group (session) it leads."""
    if not pid:
        return
    try:
        if hasattr(os, "killpg"):
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError):
        pass


def grader_kernel_manager(
    kernel_dir: str | None = None, limits: Limits | None = None, uid: int | None = None
) -> Any:
    """A kernel manager whose kernel runs this very Python, whatever kernelspecs are installed.

    The kernel is ``sys.executable -m ipykernel_launcher`` with an in-memory history, so a
    submission never depends on (or is broken by) a user's stale ``python3`` kernelspec.

    Parameters
    ----------
    kernel_dir : str, optional
        With ``limits``: a new empty folder for this kernel's connection file. The kernel
        then runs in a sandbox (:func:`course_tools.grader.sandbox.kernel_command`) and talks
        over ZeroMQ ``ipc`` sockets inside it, which :func:`_launch_kernel` makes
        reachable; interrupts are sent as messages (a signal cannot cross the PID
        namespace).
    limits : course_tools.grader.sandbox.Limits, optional
        The sandbox's resource limits; None runs the kernel unconfined.
    uid : int, optional
        The user id a sandbox of a grader run as root runs as
        (:func:`course_tools.grader.sandbox.sandbox_uid`).

    Returns
    -------
    jupyter_client.manager.AsyncKernelManager
    """
    argv = [*execution.KERNEL_ARGV, "--HistoryManager.hist_file=:memory:"]
    options: dict[str, Any] = {}
    interrupt_mode = "signal"
    if kernel_dir is not None and limits is not None:
        connection_file = os.path.join(kernel_dir, "kernel.json")
        argv[argv.index("{connection_file}")] = sandbox.CONNECTION_FILE
        argv = sandbox.kernel_command(
            argv, package_dir=os.path.join(_PACKAGE_PARENT, "course_utils"),
            connection_file=connection_file, limits=limits, uid=uid, env=_sandbox_env(),
        )
        options = {"transport": "ipc", "ip": sandbox.SOCKETS, "connection_file": connection_file}
        interrupt_mode = "message"

    km = execution.kernel_manager(
        argv, display_name="course_utils grader (the grader's own Python)", interrupt_mode=interrupt_mode,
        kernel_name=_KERNEL_NAME, **options,
    )
    km.sandbox_uid = uid
    if uid is not None:  # written now (start_kernel keeps it), readable by the sandbox's user only
        km.write_connection_file()
        os.chown(km.connection_file, uid, uid)
    return km


async def _launch_kernel(ipython_root: str, cwd: str, limits: Limits | None = None) -> Any:
    """Launch a fresh grader kernel process; return its manager (the kernel is still booting).

    Each kernel gets its own empty folder under ``ipython_root``: unconfined, it is the
    kernel's ``IPYTHONDIR``, so no notebook can plant an IPython start-up file that would
    run in the kernels graded after it; sandboxed (``limits`` given), it holds only the
    connection file, and ``km.sandbox_pid`` is the sandbox's first process, through whose
    ``/proc/PID/root`` :func:`_connect_kernel` reaches the kernel's sockets (:func:`_pin`).
    """
    own_dir = tempfile.mkdtemp(prefix="kernel-", dir=ipython_root)
    if limits is None:
        km = grader_kernel_manager()
        kw: dict[str, Any] = {"env": _kernel_env(own_dir), "cwd": cwd}
    else:
        km = grader_kernel_manager(own_dir, limits, sandbox.sandbox_uid())
        kw = {"env": {"PATH": os.environ.get("PATH", os.defpath)}, "cwd": own_dir}
    km.sandbox_pid, km.grader_dir = None, own_dir
    await km.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    if limits is not None:
        km.sandbox_pid = await asyncio.to_thread(sandbox.sandbox_pid, km.provisioner.pid)
        if km.sandbox_pid is None:
            await km.shutdown_kernel(now=True)
            raise RuntimeError("the sandbox did not start")
    return km


def _pin(km: Any) -> None:
    """Connect to a sandboxed kernel's sockets only through descriptors (see ``pin_sockets``)."""
    ports = [km.shell_port, km.iopub_port, km.stdin_port, km.hb_port, km.control_port]
    km.ip, km.sandbox_fds = sandbox.pin_sockets(km.sandbox_pid, ports, os.path.join(km.grader_dir, "sockets"))
    km._close_control_socket()  # opened by start_kernel at the path seen inside
    km._connect_control_socket()


def _unpin(km: Any) -> None:
    """Release what :func:`_pin` holds, once the kernel is stopped."""
    if getattr(km, "sandbox_fds", None):
        sandbox.unpin_sockets(km.ip, km.sandbox_fds)
        km.sandbox_fds = []


async def _connect_kernel(km: Any) -> tuple[Any, Any]:
    """Connect a client to a launched kernel and wait until it answers; return ``(km, kc)``."""
    if km.sandbox_pid is not None:
        try:
            await asyncio.to_thread(_pin, km)
        except BaseException:
            await km.shutdown_kernel(now=True)
            raise
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
    except BaseException:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
        _unpin(km)
        raise
    kc.allow_stdin = False
    return km, kc


async def _start_kernel(ipython_root: str, cwd: str, limits: Limits | None = None) -> tuple[Any, Any]:
    """Start a fresh grader kernel and a client connected to it; return ``(km, kc)``."""
    return await _connect_kernel(await _launch_kernel(ipython_root, cwd, limits))


class _Channel:
    """The folder where the grader and the kernel's probe exchange requests and replies.

    For a sandboxed kernel it is a fresh folder in the sandbox's own ``/tmp``, made before
    any code of the submission runs and given to the kernel's user; the grader keeps an open
    descriptor on it and does all its file work relative to that descriptor, never through
    a path the kernel could later turn into a link. Unconfined, it is a private temporary
    folder of the grader's.

    Attributes
    ----------
    inside : str
        The folder's path as the kernel sees it.
    fd : int
        The grader's descriptor on it.
    """

    def __init__(self, inside: str, fd: int, own: str | None) -> None:
        self.inside, self.fd, self._own = inside, fd, own

    @classmethod
    def open(cls, km: Any, work: Path) -> _Channel:
        flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
        if km.sandbox_pid is None:
            folder = tempfile.mkdtemp(prefix="channel-", dir=work)
            return cls(folder, os.open(folder, flags), folder)
        inside = f"/tmp/.course-utils-probe-{secrets.token_hex(8)}"
        host = sandbox.host_path(km.sandbox_pid, inside)
        os.mkdir(host, 0o700)
        fd = os.open(host, flags)
        if km.sandbox_uid is not None:
            os.fchown(fd, km.sandbox_uid, km.sandbox_uid)
        return cls(inside, fd, None)

    def remove(self, names: Sequence[str]) -> None:
        for name in names:
            try:
                os.unlink(name, dir_fd=self.fd)
            except OSError:
                pass

    def close(self) -> None:
        os.close(self.fd)
        if self._own is not None:
            shutil.rmtree(self._own, ignore_errors=True)


def _code_cell_label(number: int, source: str) -> str:
    """``code cell 8 (`os._exit(0)`)``: a code cell named by its number among code cells."""
    return _("code cell {number} (`{line}`)", number=number, line=_first_line(source))


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


async def _grade_in_kernel(
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
        A kernel started by :func:`_start_kernel` that has run no code yet; by default one
        is started here. Either way it is shut down at the end.
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
        send({"event": "done", "problem": problem, "notes": notes, "retire": _RETIRE.is_set()})

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
            km, kc = kernel if kernel is not None else await _start_kernel(job["ipython_dir"], folder, limits)
            if km.sandbox_pid is not None:  # before any code of the submission runs
                sandbox.put_file(km.sandbox_pid, str(path), f"{sandbox.HOME}/{path.name}", km.sandbox_uid)
        except Exception as exc:  # noqa: BLE001
            done(_("The kernel did not start: {error}", error=f"{type(exc).__name__}: {exc}"))
            return
        kernel = None
        nb.cells = [*cells]
        run = _Run(nb, km, kc, timeout, folder)
        channel = _Channel.open(km, work)
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
            _kill_group(kernel_pid)
            _unpin(km)
            channel.close()
        break
    done(problem)


async def _judge_all(
    run: _Run,
    entry: str,
    exercises: list[str],
    channel: _Channel,
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
                _RETIRE.set()
                gone.append(_("checking took longer than {seconds} s", seconds=JUDGE_TIMEOUT))
                record = {"exercise": exercise, "status": "error", "points": 0.0,
                          "message": _("Checking this answer took longer than {seconds} s and was stopped.",
                                       seconds=JUDGE_TIMEOUT)}
            if gone and record.get("status") != "passed":
                record = {**record, "status": "error", "points": 0.0,
                          "message": _("Not checked: {reason}. Run the notebook yourself and fix that first.",
                                       reason=gone[0])}
        send({"event": "result", **record})


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
        return await _connect_kernel(km)

    async def start() -> tuple[Any, Any]:
        return await connect(await _launch_kernel(ipython_dir, work_dir, limits))

    def prestart() -> asyncio.Future[tuple[Any, Any]]:
        return asyncio.ensure_future(start())

    # The first kernel boots (a separate process) while this process pays its own imports
    # and nbformat's validator set-up, once.
    first = await _launch_kernel(ipython_dir, work_dir, limits)
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
                    await _grade_in_kernel(job, send, kernel)
            except Exception as exc:  # noqa: BLE001 - report, keep serving
                failure = f"the grader failed: {type(exc).__name__}: {exc}"
                send({"event": "done", "problem": failure, "notes": []})
            if _RETIRE.is_set():  # a judge thread may still be busy: let a fresh worker go on
                break
    finally:
        try:  # let a kernel still starting finish, so that it can be stopped cleanly
            km, kc = await asyncio.wait_for(spare, 60)
        except BaseException:  # noqa: BLE001 - failed or timed out: nothing left to stop
            pass
        else:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
            _unpin(km)


def _worker_main() -> None:
    """Entry point of a worker process: read jobs (JSON lines) on stdin, report events.

    Events go to a private copy of the original stdout; file descriptor 1 itself is pointed
    at stderr, so nothing printed by libraries can corrupt the protocol. ``sys.argv[1:]``
    is ``[work_dir, ipython_dir, limits]``, ``limits`` being the JSON of the fields of
    :class:`Limits`, or ``null`` for unconfined kernels.
    """
    import logging

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
    work_dir, ipython_dir, limits = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    asyncio.run(_serve(send, work_dir, ipython_dir, Limits(**limits) if limits else None))


# --------------------------------------------------------------------------------------------
# Main process: a watchdog per worker
# --------------------------------------------------------------------------------------------


@dataclass
class _Outcome:
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    problem: str | None = None
    notes: list[str] = field(default_factory=list)
    worker_lost: bool = False
    seconds: float | None = None
    retire: bool = False


class _Worker:
    """A worker process and the thread reading its events."""

    def __init__(self, work_dir: Path, ipython_dir: Path, number: int, limits: Limits | None = None) -> None:
        self.work_dir = work_dir
        self.log_path = work_dir / f"worker-{number}.log"
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_PARENT, env.get("PYTHONPATH", "")) if p)
        env["PYTHONUNBUFFERED"] = "1"
        popen_kw: dict[str, Any] = {}
        if os.name == "posix":
            popen_kw["start_new_session"] = True
        else:  # pragma: no cover - Windows
            popen_kw["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable, "-c",
                    "from course_tools.grader.grade import _worker_main; _worker_main()",
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
        _kill_group(self.kernel_pid)
        _kill_group(self.spare_pid)
        if os.name == "posix":
            _kill_group(self.proc.pid)
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

    def grade(self, job: dict[str, Any], cap: float, stop: threading.Event) -> _Outcome:
        """Run one job; never raises for anything the notebook does."""
        started = time.monotonic()
        outcome = self._grade(job, cap, stop)
        if outcome.seconds is None:
            outcome.seconds = time.monotonic() - started
        return outcome

    def _grade(self, job: dict[str, Any], cap: float, stop: threading.Event) -> _Outcome:
        outcome = _Outcome()
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


def _rows_for(sub: Submission, outcome: _Outcome | None, seconds: float) -> list[GradeRow]:
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
        As returned by :func:`read_submission`, with ``exercises`` filled in.
    jobs : int
        Parallel workers (each runs one kernel at a time).
    timeout : int
        Per-cell timeout in seconds.
    submission_timeout : float, optional
        Wall-clock cap for one submission; by default ``120 + 2 * timeout`` per code cell
        and per exercise check.
    progress : callable, optional
        Called with each finished submission and its rows.
    seed : int, optional
        The teacher's seed for hidden test inputs (:func:`teacher_seed`); None: public inputs only.
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
    workers: list[_Worker] = []

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
        worker: _Worker | None = None
        try:
            while not stop.is_set():
                try:
                    sub = pending.get_nowait()
                except queue.Empty:
                    break
                if worker is None:
                    worker = _Worker(work_dir, ipython_dir, number, limits)
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
                    outcome = _Outcome(problem=failure, worker_lost=True)
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


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


_positive_int = sandbox.positive_int


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser of ``python -m course_tools.grader``."""
    parser = argparse.ArgumentParser(
        prog="python -m course_tools.grader",
        description=(
            "Run each submitted exercise notebook in a fresh kernel and grade its answers with the "
            "course's own checkers. Writes one CSV row per submission and exercise, a Markdown "
            "feedback file per submission, and prints a class summary. Exit status 0 whatever the "
            "submissions did; 2 for a usage error."
        ),
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH",
        help="exercise notebooks or folders of them (searched recursively); optional with --merge",
    )
    parser.add_argument("--out", required=True, metavar="CSV", help="the gradebook to write, e.g. grades.csv")
    parser.add_argument(
        "-j", "--jobs", type=_positive_int, default=os.cpu_count() or 1, metavar="N",
        help="submissions graded in parallel (default: the number of CPUs, %(default)s here)",
    )
    parser.add_argument(
        "--timeout", type=_positive_int, default=60, metavar="S",
        help="whole seconds a cell may run before it is interrupted; the next cell then runs (default: 60)",
    )
    parser.add_argument(
        "--lesson", metavar="NN", default=None,
        help="grade every notebook as this lesson (default: each notebook's metadata)",
    )
    parser.add_argument(
        "--feedback", metavar="DIR", default=None,
        help="folder for the per-student Markdown feedback (default: feedback/ beside --out)",
    )
    parser.add_argument(
        "--submission-timeout", type=_positive_float, default=None, metavar="S",
        help="wall-clock cap for one whole submission (default: 120 s + 2 x timeout per cell and check)",
    )
    parser.add_argument(
        "--seed", type=int, default=None, metavar="N",
        help="seed of the hidden test inputs (default: a secret kept in your configuration folder, "
        "created on first use, so the same class grades the same way twice)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines, only the summary")
    parser.add_argument(
        "--wide", metavar="CSV", default=None,
        help="also write the wide gradebook: one row per student, one column per exercise, total, percentage",
    )
    parser.add_argument(
        "--lms", choices=LAYOUTS, default="plain",
        help="layout of --wide: plain, canvas (Canvas's gradebook import) or moodle (default: plain)",
    )
    parser.add_argument(
        "--student-id", metavar="RULE", default="folder",
        help="how --wide reads the student id from a submission's path: folder (its first folder; "
        "default), stem (the file name) or a regular expression with a group named id",
    )
    parser.add_argument(
        "--id-column", metavar="NAME", default=None,
        help="header of --wide's id column (canvas: SIS Login ID (default), SIS User ID or ID; "
        "moodle: any name, default Username)",
    )
    parser.add_argument(
        "--similarity", metavar="HTML", default=None,
        help="write a report of the most similar answers, exercise by exercise (needs copydetect)",
    )
    parser.add_argument(
        "--similarity-top", type=_positive_int, default=10, metavar="N",
        help="pairs shown per exercise in --similarity (default: 10)",
    )
    parser.add_argument(
        "--template", action="append", metavar="NB", default=None,
        help="blank exercise notebook whose code --similarity ignores (repeatable; default: the course's)",
    )
    parser.add_argument(
        "--analytics", metavar="CSV", default=None,
        help="also write per-exercise teacher analytics from the students' progress logs beside the "
        "submissions (attempts before passing, hints used; never changes a grade)",
    )
    parser.add_argument(
        "--shard", metavar="K/N", default=None,
        help="grade only slice K of N (K from 0 to N-1) of the submissions; merge with --merge",
    )
    parser.add_argument(
        "--merge", nargs="+", metavar="CSV", default=None,
        help="join the shards' gradebooks into --out instead of grading",
    )
    sandbox.add_arguments(parser)
    return parser


def teacher_seed() -> int:
    """The teacher's secret seed for hidden inputs, created once in the configuration folder.

    Kept in ``$XDG_CONFIG_HOME/course_utils/grading-seed`` (``~/.config/...`` by default),
    readable by the teacher only. Submissions never see it: their kernels run in a sandbox
    without the teacher's home.
    """
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    path = base / "course_utils" / "grading-seed"
    try:
        return int(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.randbits(63)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(f"{value}\n")
    return value


def _check_writable(path: Path, what: str, folder: bool = False) -> None:
    try:
        if folder:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / f".write-test-{secrets.token_hex(4)}"
            probe.write_bytes(b"")
            probe.unlink()
        else:
            if path.is_dir():
                raise UsageError(f"{what} {str(path)!r} is a folder; give a file name such as grades.csv")
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8"):
                pass
    except OSError as exc:
        raise UsageError(f"{what} {str(path)!r} cannot be written: {exc.strerror or exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    for stream in (sys.stdout, sys.stderr):  # student file names may not fit a narrow console encoding
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    started = time.monotonic()
    forced: str | None = None
    shard_spec: tuple[int, int] | None = None
    try:
        try:
            validate_wide_options(args.lms, args.id_column, args.student_id)
            shard_spec = parse_shard(args.shard) if args.shard is not None else None
        except ValueError as exc:
            message = str(exc).replace("rule ", "--student-id ", 1).replace("id_column", "--id-column")
            raise UsageError(message) from None
        if args.merge and args.shard:
            raise UsageError("--merge joins the shards' gradebooks; give it without --shard")
        if args.analytics and args.shard:
            raise UsageError(
                "--analytics reads the whole class's logs: run it in the --merge step, with the PATHs"
            )
        if args.similarity and args.shard:
            raise UsageError(
                "--similarity compares the whole class: run it in the --merge step, with the PATHs"
            )
        if args.merge:
            if args.similarity and not args.paths:
                raise UsageError("--similarity needs the PATHs of the submissions")
            return _merge(args, parser)
        if not args.paths:
            raise UsageError("give at least one PATH (a notebook or a folder of them)")
        if args.lesson is not None:
            from course_utils.course import LESSONS_BY_NUMBER, lesson_number

            forced = lesson_number(args.lesson)
            if forced not in LESSONS_BY_NUMBER or not LESSONS_BY_NUMBER[forced].has_exercises:
                known = ", ".join(n for n, lesson in LESSONS_BY_NUMBER.items() if lesson.has_exercises)
                raise UsageError(
                    f"--lesson {args.lesson!r} is not a lesson with exercises; choose one of {known}"
                )
        notebooks = find_notebooks(args.paths)
        if not notebooks:
            raise UsageError(f"no notebooks (*.ipynb) found in {', '.join(map(repr, args.paths))}")
        out = Path(args.out)
        _check_writable(out, "--out")
        feedback_dir = Path(args.feedback) if args.feedback else out.absolute().parent / "feedback"
        _check_writable(feedback_dir, "--feedback", folder=True)
        extra_outputs = {"--wide": args.wide, "--similarity": args.similarity, "--analytics": args.analytics}
        for option, value in extra_outputs.items():
            if value:
                _check_writable(Path(value), option)
        limits = sandbox.limits_from(args)
        if limits is not None:
            problem = sandbox.sandbox_problem(os.path.join(_PACKAGE_PARENT, "course_utils"), _sandbox_env())
            if problem is not None:
                raise UsageError(f"student code cannot be sandboxed here: {problem}")
    except UsageError as exc:
        parser.error(str(exc))

    try:
        names = submission_names(args.paths, notebooks)
        if shard_spec is not None:
            keep = set(shard(names, *shard_spec))
            chosen = [(path, name) for path, name in zip(notebooks, names, strict=True) if name in keep]
            notebooks, names = [path for path, _ in chosen], [name for _, name in chosen]
        subs = [read_submission(path, name, forced) for path, name in zip(notebooks, names, strict=True)]
        exercise_cache: dict[str, list[tuple[str, float]]] = {}
        for sub in subs:
            if sub.lesson is not None:
                if sub.lesson not in exercise_cache:
                    exercise_cache[sub.lesson] = _lesson_exercises(sub.lesson)
                sub.exercises = exercise_cache[sub.lesson]
    except ImportError as exc:
        print(f"error: the course's checkers could not be imported: {exc}", file=sys.stderr)
        return 1

    total = len(subs)
    counter = {"done": 0}
    counter_lock = threading.Lock()

    def progress(sub: Submission, rows: list[GradeRow]) -> None:
        if args.quiet:
            return
        with counter_lock:
            counter["done"] += 1
            done = counter["done"]
        points = sum(r.points for r in rows)
        maximum = sum(r.max_points for r in rows)
        score = f"{points:g}/{maximum:g}" if maximum else "not graded"
        worst = ""
        if rows and all(r.status == "error" and r.message == rows[0].message for r in rows):
            worst = rows[0].message
        seconds = max((r.seconds for r in rows), default=0.0)
        line = f"[{done:>{len(str(total))}}/{total}] {sub.name}: {score} ({seconds:.1f} s)"
        if worst:
            line += f" - {clip_message(worst, 80)}"
        print(line, file=sys.stderr, flush=True)

    status = 0
    try:
        rows = grade(
            subs,
            jobs=args.jobs,
            timeout=args.timeout,
            submission_timeout=args.submission_timeout,
            progress=progress,
            seed=args.seed if args.seed is not None else teacher_seed(),
            limits=limits,
        )
    except GradingInterrupted as exc:
        rows, status = exc.rows, 130
        print("Interrupted: ungraded submissions are marked as such in the gradebook.", file=sys.stderr)

    write_csv(rows, out)
    notes = {sub.name: sub.notes for sub in subs}
    languages = {sub.name: sub.language for sub in subs}
    written = write_feedback(feedback_dir, rows, notes, languages=languages)
    write_feedback_html(feedback_dir, rows, notes, languages=languages)
    export_status, analytics = _exports(args, rows, dict(zip(names, notebooks, strict=True)))
    status = export_status or status
    print(class_summary(rows, seconds=time.monotonic() - started))
    if analytics:
        print()
        print(analytics)
    print()
    print(f"Gradebook: {out} ({len(rows)} rows). Feedback: {feedback_dir}{os.sep} ({len(written)} files).")
    return status


def _exports(args: argparse.Namespace, rows: list[GradeRow], notebooks: dict[str, Path]) -> tuple[int, str]:
    """Write --wide, --similarity and --analytics.

    Returns the exit status (2 if the student-id rule does not fit the submissions) and the
    analytics summary to print after the class summary ("" without --analytics).
    """
    status, text = 0, ""
    if args.wide:
        try:
            write_wide_csv(rows, args.wide, rule=args.student_id, layout=args.lms, id_column=args.id_column)
        except ValueError as exc:
            print(f"error: --wide not written: {exc}", file=sys.stderr)
            status = 2
    if args.similarity:
        from course_tools.grader.similarity import write_similarity_report

        write_similarity_report(notebooks, args.similarity, templates=args.template, top=args.similarity_top)
    if args.analytics:
        from course_tools.grader.analytics import class_analytics, write_analytics_csv

        report = class_analytics(notebooks, rows)
        write_analytics_csv(report, args.analytics)
        text = report.summary()
    return status, text


def _merge(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        rows = merge_gradebooks(args.merge)
    except (OSError, ValueError) as exc:
        parser.error(f"--merge: {exc}")
    write_csv(rows, Path(args.out))
    notebooks: dict[str, Path] = {}
    if args.paths:
        found = find_notebooks(args.paths)
        notebooks = dict(zip(submission_names(args.paths, found), found, strict=True))
    status, analytics = _exports(args, rows, notebooks)
    print(class_summary(rows))
    if analytics:
        print()
        print(analytics)
    print()
    print(f"Gradebook: {args.out} ({len(rows)} rows, merged from {len(args.merge)} files).")
    return status
