"""The grader's kernels: start one running the grader's own Python, sandboxed, and reach it.

:func:`grader_kernel_manager` builds the kernel manager (on :func:`course_tools.execution.kernel_manager`,
wrapping the kernel's command line in :func:`course_tools.grader.sandbox.kernel_command`);
:func:`launch_kernel` starts a kernel in its own folder, :func:`connect_kernel` reaches its
sockets through descriptors (:func:`pin`) and waits until it answers, and :func:`unpin`
releases them once it is stopped. A :class:`Channel` is the folder where the grader and the
kernel's probe exchange requests and replies; :func:`kill_group` ends a kernel and every
process it started.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from course_tools import execution
from course_tools.grader import sandbox, sandbox_access
from course_tools.grader.sandbox import Limits

__all__ = [
    "PACKAGE_PARENT",
    "Channel",
    "connect_kernel",
    "grader_kernel_manager",
    "kill_group",
    "launch_kernel",
    "pin",
    "sandbox_env",
    "start_kernel",
    "unpin",
]

PACKAGE_PARENT = str(Path(__file__).absolute().parents[2])  # the checkout: course_utils/, course_tools/
_KERNEL_NAME = "course-utils-grader"


def _kernel_env(ipython_dir: str) -> dict[str, str]:
    """The variables of an unconfined grader kernel: no figures drawn, no attempts log written."""
    return execution.kernel_env(PACKAGE_PARENT, inline_figures=False, COURSE_UTILS_PROGRESS="off",
                                IPYTHONDIR=ipython_dir)


def sandbox_env() -> dict[str, str]:
    """The variables a sandboxed kernel gets besides those :mod:`course_tools.grader.sandbox` sets."""
    path = [PACKAGE_PARENT, *os.environ.get("PYTHONPATH", "").split(os.pathsep)]
    env = {"PYTHONPATH": os.pathsep.join(p for p in path if p), "MPLBACKEND": "Agg",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    env.update({k: v for k, v in os.environ.items() if k.startswith("LC_") or k == "LANG"})
    return env


def kill_group(pid: int | None) -> None:
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
        over ZeroMQ ``ipc`` sockets inside it, which :func:`launch_kernel` makes
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
            argv, package_dir=os.path.join(PACKAGE_PARENT, "course_utils"),
            connection_file=connection_file, limits=limits, uid=uid, env=sandbox_env(),
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


async def launch_kernel(ipython_root: str, cwd: str, limits: Limits | None = None) -> Any:
    """Launch a fresh grader kernel process; return its manager (the kernel is still booting).

    Each kernel gets its own empty folder under ``ipython_root``: unconfined, it is the
    kernel's ``IPYTHONDIR``, so no notebook can plant an IPython start-up file that would
    run in the kernels graded after it; sandboxed (``limits`` given), it holds only the
    connection file, and ``km.sandbox_pid`` is the sandbox's first process, through whose
    ``/proc/PID/root`` :func:`connect_kernel` reaches the kernel's sockets (:func:`pin`).
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
        km.sandbox_pid = await asyncio.to_thread(sandbox_access.sandbox_pid, km.provisioner.pid)
        if km.sandbox_pid is None:
            await km.shutdown_kernel(now=True)
            raise RuntimeError("the sandbox did not start")
    return km


def pin(km: Any) -> None:
    """Connect to a sandboxed kernel's sockets only through descriptors (see ``pin_sockets``)."""
    ports = [km.shell_port, km.iopub_port, km.stdin_port, km.hb_port, km.control_port]
    folder = os.path.join(km.grader_dir, "sockets")
    km.ip, km.sandbox_fds = sandbox_access.pin_sockets(km.sandbox_pid, ports, folder)
    km._close_control_socket()  # opened by start_kernel at the path seen inside
    km._connect_control_socket()


def unpin(km: Any) -> None:
    """Release what :func:`pin` holds, once the kernel is stopped."""
    if getattr(km, "sandbox_fds", None):
        sandbox_access.unpin_sockets(km.ip, km.sandbox_fds)
        km.sandbox_fds = []


async def connect_kernel(km: Any) -> tuple[Any, Any]:
    """Connect a client to a launched kernel and wait until it answers; return ``(km, kc)``."""
    if km.sandbox_pid is not None:
        try:
            await asyncio.to_thread(pin, km)
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
        unpin(km)
        raise
    kc.allow_stdin = False
    return km, kc


async def start_kernel(ipython_root: str, cwd: str, limits: Limits | None = None) -> tuple[Any, Any]:
    """Start a fresh grader kernel and a client connected to it; return ``(km, kc)``."""
    return await connect_kernel(await launch_kernel(ipython_root, cwd, limits))


class Channel:
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
    def open(cls, km: Any, work: Path) -> Channel:
        flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
        if km.sandbox_pid is None:
            folder = tempfile.mkdtemp(prefix="channel-", dir=work)
            return cls(folder, os.open(folder, flags), folder)
        inside = f"/tmp/.course-utils-probe-{secrets.token_hex(8)}"
        host = sandbox_access.host_path(km.sandbox_pid, inside)
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
