"""How the grader reaches into a running sandbox, through ``/proc/PID/root`` of its first process.

A sandbox (:mod:`course_tools.grader.sandbox`) shows no folder of the grader's, so the grader
goes in from outside: :func:`sandbox_pid` finds the sandbox's first process, whose
``/proc/PID/root`` is the sandbox's file system (:func:`host_path`); :func:`put_file` copies
the submission into the sandbox's home before any of its code runs; :func:`pin_sockets`
opens the kernel's ZeroMQ sockets once they are bound and keeps descriptors to them, so
that the kernel cannot later redirect them, and :func:`unpin_sockets` lets them go.
Linux only.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from collections.abc import Sequence

from course_tools.grader.sandbox import SOCKETS

__all__ = ["host_path", "pin_sockets", "put_file", "sandbox_pid", "unpin_sockets"]


def sandbox_pid(bwrap_pid: int, wait: float = 10.0) -> int | None:
    """The sandbox's first process (its PID as the grader sees it), or None.

    ``bwrap`` runs one child, the first process of the sandbox's PID namespace; its
    ``/proc/PID/root`` is the sandbox's file system.

    Parameters
    ----------
    bwrap_pid : int
        The ``bwrap`` process started by :func:`course_tools.grader.sandbox.kernel_command`.
    wait : float
        Seconds to wait for ``bwrap`` to start its child.
    """
    deadline = time.monotonic() + wait
    while _running(bwrap_pid):
        children = _children(bwrap_pid)
        if children:
            return children[0]
        if time.monotonic() > deadline:
            break
        time.sleep(0.005)
    return None


def _running(pid: int) -> bool:
    """Whether ``pid`` exists and has not ended (a zombie has)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
            return [int(child) for child in fh.read().split()]
    except FileNotFoundError:  # a kernel built without CONFIG_PROC_CHILDREN: read every parent
        pass
    except OSError:
        return []
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1:2] == [str(pid)]:
            found.append(int(entry))
    return sorted(found)


def host_path(pid: int, inside: str) -> str:
    """The path through which the grader reaches ``inside`` (an absolute path in the sandbox)."""
    return f"/proc/{pid}/root{inside}"


def pin_sockets(pid: int, ports: Sequence[int], folder: str, wait: float = 60.0) -> tuple[str, list[int]]:
    """Reach the kernel's sockets through descriptors, so that a kernel cannot redirect them.

    Waits until the sandbox of ``pid`` holds a socket ``SOCKETS-PORT`` for each port, opens
    each (``O_PATH``, never following a link) and makes ``folder``, private, holding links
    ``ipc-PORT`` to those descriptors. Connecting through them reaches the very sockets the
    kernel bound at start, before any code of a submission ran: were the kernel to replace
    a socket by a link to some socket of the host, the grader's reconnections would not
    follow it.

    Parameters
    ----------
    pid : int
        The sandbox's first process (:func:`sandbox_pid`).
    ports : sequence of int
        The ``ipc`` "ports" of the connection file.
    folder : str
        A new folder of the grader's for the links.
    wait : float
        Seconds to wait for the kernel to bind them.

    Returns
    -------
    ip : str
        The ``ip`` to connect to (``ip-PORT`` are the links); relative to the working
        directory when that is shorter, as a socket's path has at most 107 bytes.
    fds : list of int
        The descriptors, to close with :func:`unpin_sockets` when the kernel is gone.
    """
    deadline = time.monotonic() + wait
    fds: list[int] = []
    os.mkdir(folder, 0o700)
    ip = min(os.path.join(folder, "ipc"), os.path.relpath(os.path.join(folder, "ipc")), key=len)
    try:
        for port in ports:
            path = host_path(pid, f"{SOCKETS}-{port}")
            while True:
                try:
                    fd = os.open(path, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC)
                except FileNotFoundError:
                    fd = -1
                if fd >= 0 and stat.S_ISSOCK(os.fstat(fd).st_mode):
                    break
                if fd >= 0:
                    os.close(fd)
                    raise OSError(f"{SOCKETS}-{port} in the sandbox is not a socket")
                if time.monotonic() > deadline or not os.path.exists(f"/proc/{pid}"):
                    raise OSError(f"the kernel did not open {SOCKETS}-{port}")
                time.sleep(0.01)
            fds.append(fd)
            os.symlink(f"/proc/{os.getpid()}/fd/{fd}", os.path.join(folder, f"ipc-{port}"))
    except BaseException:
        unpin_sockets(ip, fds)
        raise
    return ip, fds


def unpin_sockets(ip: str, fds: Sequence[int]) -> None:
    """Close the descriptors of :func:`pin_sockets` and remove its folder of links."""
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass
    shutil.rmtree(os.path.dirname(ip), ignore_errors=True)


def put_file(pid: int, source: str, inside: str, uid: int | None = None) -> None:
    """Copy the file ``source`` to the new file ``inside`` in the sandbox of ``pid``.

    The destination must not exist yet and is never followed if it is a link, so a
    sandbox cannot redirect the write. With ``uid`` the copy is given to that user.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(host_path(pid, inside), flags, 0o644)
    if uid is not None:
        os.fchown(fd, uid, uid)
    with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
        shutil.copyfileobj(src, dst)
