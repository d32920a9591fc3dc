"""Confine a submission's kernel: a bubblewrap sandbox with resource limits (Linux).

The class grader (:mod:`course_tools.grader.grade`) starts every submission's kernel through
:func:`kernel_command`, which wraps the kernel's command line in `bubblewrap`_ (``bwrap``,
Debian/Ubuntu package ``bubblewrap``). Inside, the kernel has

* its own PID, network, IPC and UTS namespaces (and user namespace, but see below): it
  sees only its own processes, has no network at all (not even 127.0.0.1 of the host),
  and dies with everything it started when the grader stops it (the namespace's first
  process is killed with ``bwrap``, and takes every process of the namespace with it);
* a read-only view of the system (``/usr``, the ``/lib*`` and ``/bin`` links, a few
  files of ``/etc``) and of the Python it runs on (its prefixes and site-packages);
* the course package read-only at the path it is imported from, and nothing else of the
  folder that holds it (no ``solutions/``, no ``tests/``, no ``.git``); its ``grading/``
  is replaced by :mod:`course_tools.grader.sandbox_grading`, so no checker, reference value or
  hint is in the kernel (answers are judged in the grader, :mod:`course_tools.grader.judge`);
* a private, size-limited, writable home (its working directory) and ``/tmp``, both in
  memory (tmpfs); the grader puts a copy of the submission in the home, and nothing else;
* its connection file, read-only, and a small tmpfs for its ZeroMQ ``ipc`` sockets; no TCP
  port is opened, and no folder of the grader's is shown at all;
* an environment of a few variables (no variable of the teacher's is passed on), with one
  BLAS thread.

The grader reaches into the sandbox through ``/proc/PID/root`` of the sandbox's first
process (:mod:`course_tools.grader.sandbox_access`): to put the submission's copy in the home
before any of the submission's code runs, and to open the kernel's sockets once they are
bound, keeping descriptors to them.

Resource limits are set inside the sandbox, just before the kernel starts, by this
module run as a program (``python -m course_tools.grader.sandbox --memory N ... -- COMMAND``):
address space, CPU seconds, processes and file size (see :class:`Limits`).

Who the kernel runs as: a teacher's own grader makes ``bwrap`` create a user namespace
in which the kernel is the teacher without any privilege. Root's processes, however, are
exempt from the process limit (``RLIMIT_NPROC``) even inside a user namespace, so a
grader run as root starts ``bwrap`` without one, and the kernel, before it starts, gives
up root for a user id of its own that no account uses (:func:`sandbox_uid`), so that
the limit holds and the kernel can read only what every user may read.

.. _bubblewrap: https://github.com/containers/bubblewrap
"""

from __future__ import annotations

import argparse
import math
import os
import secrets
import shutil
import site
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CONNECTION_FILE",
    "HOME",
    "SOCKETS",
    "Limits",
    "add_arguments",
    "find_bwrap",
    "kernel_command",
    "limits_from",
    "parse_size",
    "python_dirs",
    "sandbox_problem",
    "sandbox_uid",
]

UID_RANGE = (2**30, 2**31 - 2)
"""The user ids a sandbox of a root grader runs as (no account uses them)."""

HOME = "/home/student"
"""The kernel's home and working directory inside the sandbox (a tmpfs)."""

CONNECTION_FILE = "/run/kernel.json"
"""Where the kernel's connection file is shown (read-only) inside the sandbox."""

SOCKETS = "/run/kernel/ipc"
"""The ``ip`` of the kernel's ``ipc`` transport inside the sandbox: sockets ``ipc-1`` ..."""

MiB = 2**20
GiB = 2**30

_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ETC_FILES = (
    "alternatives", "fonts", "group", "host.conf", "hosts", "ld.so.cache", "ld.so.conf",
    "ld.so.conf.d", "locale.alias", "localtime", "mime.types", "nsswitch.conf", "os-release",
    "passwd", "timezone",
)
_DEVICES = ("null", "zero", "full", "random", "urandom")


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed kernel.

    Attributes
    ----------
    memory : int
        Address space of each process in bytes (``RLIMIT_AS``); an allocation beyond it
        raises ``MemoryError``.
    cpu_seconds : int
        CPU time of each process in seconds (``RLIMIT_CPU``); past it the process is
        killed (the kernel then reports "the kernel died").
    processes : int
        Processes and threads of the sandbox (``RLIMIT_NPROC``, counted in the sandbox's
        own user namespace); ``fork`` fails beyond it.
    file_size : int
        Largest file a process may write, in bytes (``RLIMIT_FSIZE``).
    disk : int
        Size in bytes of each private tmpfs (the home and ``/tmp``).
    """

    memory: int = 4 * GiB
    cpu_seconds: int = 900
    processes: int = 256
    file_size: int = 256 * MiB
    disk: int = 512 * MiB


def parse_size(text: str) -> int:
    """A size in bytes from text such as ``4G``, ``512M`` or ``1.5G`` (binary units, at least 1M).

    Examples
    --------
    >>> parse_size("4G"), parse_size("512MB"), parse_size("1048576")
    (4294967296, 536870912, 1048576)
    """
    units = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
    number, unit = text.strip().upper().removesuffix("B") or "0", 1
    if number[-1:] in units:
        number, unit = number[:-1], units[number[-1]]
    try:
        value = float(number) * unit
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a size such as 4G or 512M, got {text!r}") from None
    if not math.isfinite(value) or value < MiB:
        raise argparse.ArgumentTypeError(f"expected a size of at least 1M, got {text!r}")
    return int(value)


def _memory(text: str) -> int:
    value = parse_size(text)
    if value < GiB:
        raise argparse.ArgumentTypeError(
            f"expected at least 1G: a kernel with NumPy and the checkers needs about 1 GB, got {text!r}"
        )
    return value


def positive_int(text: str) -> int:
    """A whole number of at least 1, for ``argparse`` (the error names what was expected)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the grader's sandbox options (``--no-sandbox`` and the limits) to ``parser``."""
    group = parser.add_argument_group(
        "sandbox",
        "Each kernel runs in a bubblewrap sandbox (Linux) with these limits; see TEACHING.md, Safety.",
    )
    defaults = Limits()
    group.add_argument(
        "--no-sandbox", action="store_true",
        help="run student code unconfined, with your own rights (only for notebooks you trust, or "
             "inside a disposable container)",
    )
    group.add_argument(
        "--memory", type=_memory, default=defaults.memory, metavar="SIZE",
        help="address space of each kernel process, at least 1G, e.g. 2G (default: 4G)",
    )
    group.add_argument(
        "--disk", type=parse_size, default=defaults.disk, metavar="SIZE",
        help="size of the kernel's private home and of its /tmp, and largest file it may write "
             "(default: 512M)",
    )
    group.add_argument(
        "--cpu-time", type=positive_int, default=defaults.cpu_seconds, metavar="S",
        help="CPU seconds each kernel process may use before it is killed (default: %(default)s)",
    )
    group.add_argument(
        "--processes", type=positive_int, default=defaults.processes, metavar="N",
        help="processes and threads a kernel may run at once (default: %(default)s)",
    )


def limits_from(args: argparse.Namespace) -> Limits | None:
    """The :class:`Limits` the options of :func:`add_arguments` ask for; None for ``--no-sandbox``."""
    if args.no_sandbox:
        return None
    return Limits(memory=args.memory, cpu_seconds=args.cpu_time, processes=args.processes,
                  file_size=args.disk, disk=args.disk)


def find_bwrap() -> str | None:
    """The path of the ``bwrap`` program, or None when it is not installed."""
    return shutil.which("bwrap")


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def python_dirs(package_parent: str) -> list[str]:
    """Folders the interpreter needs (its prefixes, stdlib, site-packages), minimal and sorted.

    Entries of ``sys.path`` inside ``package_parent`` (the course's checkout) are left
    out: only the package itself is shown from there. A folder inside another listed one
    is listed too when the other is hidden by the checkout's tmpfs (a virtual environment
    inside the checkout).

    Parameters
    ----------
    package_parent : str
        The folder that holds the ``course_utils`` package.

    Returns
    -------
    list of str
        Absolute, existing paths.
    """
    wanted = [sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix, *site.getsitepackages()]
    if site.ENABLE_USER_SITE:
        wanted.append(site.getusersitepackages())
    for entry in sys.path:
        if entry and os.path.isabs(entry) and not _inside(entry, package_parent):
            wanted.append(entry)
    real = {os.path.abspath(p) for p in wanted if p and os.path.exists(p)}
    real |= {os.path.realpath(p) for p in real}
    kept: list[str] = []
    for path in sorted(real, key=lambda p: (p.count("/"), p)):
        # inside the checkout, only a folder mounted after its tmpfs (itself inside) covers
        hidden = _inside(path, package_parent)
        if not any(_inside(path, k) and (_inside(k, package_parent) or not hidden) for k in kept):
            kept.append(path)
    return [p for p in kept if not any(_inside(p, s) for s in _SYSTEM_DIRS)]


def sandbox_uid() -> int | None:
    """A fresh user id for a sandbox when this process runs as root, else None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    low, high = UID_RANGE
    return low + secrets.randbelow(high - low)


def _mounts(package_dir: str, connection_file: str, limits: Limits, uid: int | None) -> list[list[str]]:
    """The bwrap options that build the file system, one list per mount, in order.

    With ``uid`` (a root grader) the sandbox's own folders are made writable for that
    user, and the folders ``bwrap`` creates on the way to a mount are opened to all.
    """
    shared = [] if uid is None else ["--perms", "0777"]
    package_parent = os.path.dirname(package_dir)
    mounts: list[list[str]] = []
    for folder in _SYSTEM_DIRS:
        if os.path.islink(folder):
            mounts.append(["--symlink", os.readlink(folder), folder])
        elif os.path.isdir(folder):
            mounts.append(["--ro-bind", folder, folder])
    for name in _ETC_FILES:
        mounts.append(["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"])
    mounts += [["--proc", "/proc"], ["--size", str(MiB), "--tmpfs", "/dev"]]
    mounts += [["--dev-bind", f"/dev/{name}", f"/dev/{name}"] for name in _DEVICES]
    mounts += [
        ["--symlink", "/proc/self/fd", "/dev/fd"],
        ["--perms", "01777", "--dir", "/dev/shm"],
        ["--perms", "01777", "--size", str(limits.disk), "--tmpfs", "/tmp"],
        [*shared, "--size", str(limits.disk), "--tmpfs", HOME],
    ]
    # Python and the course package, ordered by depth so that a folder shown inside the
    # hidden checkout (a virtual environment there) is mounted after the tmpfs hiding it.
    layered: list[tuple[str, list[str]]] = []
    dirs = python_dirs(package_parent)
    installed = any(_inside(package_parent, d) for d in (*dirs, *_SYSTEM_DIRS))
    tools_dir = os.path.join(package_parent, "course_tools")
    if not installed:
        layered.append((package_parent, ["--size", str(MiB), "--tmpfs", package_parent]))
        layered.append((package_dir, ["--ro-bind", package_dir, package_dir]))
        # the kernel side of the class grader (course_tools.grader.probe and .wire)
        layered.append((tools_dir, ["--ro-bind", tools_dir, tools_dir]))
    layered += [(d, ["--ro-bind", d, d]) for d in dirs]
    # no checker, reference or solution in the kernel: a stub stands in for the graders
    grading = os.path.join(package_dir, "grading")
    layered.append((grading, ["--ro-bind", os.path.join(tools_dir, "grader", "sandbox_grading"), grading]))
    layered.sort(key=lambda item: item[0].rstrip("/").count("/"))
    mounts += [options for _, options in layered]
    mounts += [
        ["--ro-bind", connection_file, CONNECTION_FILE],
        [*shared, "--size", str(MiB), "--tmpfs", os.path.dirname(SOCKETS)],
    ]
    if uid is not None:
        targets = [options[-1] for options in mounts if options[0] != "--symlink"]
        parents = {str(p) for t in targets for p in Path(t).parents if str(p) not in ("/", "/dev")}
        mounted = set(targets)
        for parent in sorted(parents - mounted, key=len):
            if not any(_inside(parent, t) for t in mounted):
                mounts.append(["--chmod", "0755", parent])
    mounts.append(["--remount-ro", "/"])
    if not installed:
        mounts.append(["--remount-ro", package_parent])
    return mounts


def _environment(env: dict[str, str]) -> list[str]:
    base = {
        "HOME": HOME,
        "TMPDIR": "/tmp",
        "PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"]),
        "LANG": "C.UTF-8",
        "USER": "student",
        "LOGNAME": "student",
        # one BLAS thread per kernel: -j kernels share the cores, and every thread counts
        # against the process limit and reserves address space (many-core machines)
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "IPYTHONDIR": f"{HOME}/.ipython",
        "MPLCONFIGDIR": f"{HOME}/.config/matplotlib",
    }
    base.update(env)
    options = ["--clearenv"]
    for key, value in sorted(base.items()):
        options += ["--setenv", key, value]
    return options


def kernel_command(
    argv: Sequence[str],
    *,
    package_dir: str,
    connection_file: str,
    limits: Limits,
    uid: int | None = None,
    env: dict[str, str] | None = None,
    bwrap: str = "bwrap",
) -> list[str]:
    """The command line that runs ``argv`` (a kernel) in a sandbox.

    Parameters
    ----------
    argv : sequence of str
        The kernel's command line, naming the connection file as it is seen inside:
        ``python -m ipykernel_launcher -f`` :data:`CONNECTION_FILE`.
    package_dir : str
        The ``course_utils`` folder, shown read-only at its own path.
    connection_file : str
        The kernel's connection file, shown read-only as :data:`CONNECTION_FILE`; its
        transport is ``ipc`` and its ``ip`` is :data:`SOCKETS`.
    limits : Limits
        The resource limits, set inside the sandbox just before ``argv`` starts.
    uid : int, optional
        For a grader run as root (see :func:`sandbox_uid`): ``bwrap`` runs without a
        user namespace, and the kernel changes to this user id before it starts.
    env : dict, optional
        Variables set in the sandbox besides ``HOME``, ``PATH``, ``LANG``, ``TMPDIR``,
        ``IPYTHONDIR`` and ``MPLCONFIGDIR``; nothing else of the caller's is passed on.
    bwrap : str
        The ``bwrap`` program.

    Returns
    -------
    list of str
    """
    if uid is None:
        command = [bwrap, "--unshare-all", "--unshare-user", "--disable-userns"]
    else:  # root: no user namespace; the kernel may only give up root, then has no capability
        command = [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                   "--unshare-cgroup-try", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    command += ["--die-with-parent", "--new-session", "--hostname", "sandbox"]
    for options in _mounts(package_dir, connection_file, limits, uid):
        command += options
    command += _environment(env or {})
    command += ["--chdir", HOME, "--"]
    command += [
        sys.executable, "-m", "course_tools.grader.sandbox",
        "--memory", str(limits.memory), "--cpu-seconds", str(limits.cpu_seconds),
        "--processes", str(limits.processes), "--file-size", str(limits.file_size),
        *([] if uid is None else ["--uid", str(uid)]), "--",
    ]
    return command + list(argv)


def sandbox_problem(package_dir: str | None = None, env: dict[str, str] | None = None) -> str | None:
    """Why kernels cannot be sandboxed here, or None when they can.

    Tries it: starts a sandbox built as for a kernel, whose launcher (this module, run by
    this Python) sets the limits and runs ``cat``, reaches into it through
    ``/proc/PID/root`` as the grader does, then ends it (about 0.1 s).

    Parameters
    ----------
    package_dir : str, optional
        The ``course_utils`` folder; by default this module's.
    env : dict, optional
        Variables for the trial, as for a kernel; by default ``PYTHONPATH`` names the
        package's parent folder.

    Returns
    -------
    str or None
        A sentence saying what failed and what to do, or None.
    """
    if not sys.platform.startswith("linux"):
        return (
            f"the sandbox needs Linux (bubblewrap and user namespaces); this is {sys.platform}. "
            "Grade in a Linux container (see TEACHING.md, Safety), or pass --no-sandbox to run "
            "student code with your own rights"
        )
    bwrap = find_bwrap()
    if bwrap is None:
        return (
            "bubblewrap (the `bwrap` program) is not installed; install it (Debian/Ubuntu: "
            "`sudo apt-get install bubblewrap`, Fedora: `sudo dnf install bubblewrap`), or pass "
            "--no-sandbox to run student code with your own rights"
        )
    import tempfile

    package_dir = package_dir or str(Path(__file__).absolute().parents[2] / "course_utils")
    if env is None:
        env = {"PYTHONPATH": os.path.dirname(package_dir)}
    with tempfile.TemporaryDirectory(prefix="course-utils-sandbox-") as folder:
        connection_file = os.path.join(folder, "kernel.json")
        with open(connection_file, "w", encoding="utf-8"):
            pass
        command = kernel_command(
            [os.path.realpath(shutil.which("cat") or "/bin/cat")],
            package_dir=package_dir, connection_file=connection_file,
            limits=Limits(), uid=sandbox_uid(), env=env, bwrap=bwrap,
        )
        failure = _trial(command)
    if failure is None:
        return None
    return (
        f"bubblewrap is installed but a trial sandbox failed ({failure[:200]}); this system may "
        "not allow unprivileged user namespaces (e.g. sysctl kernel.unprivileged_userns_clone=0 "
        "or an AppArmor restriction). Fix that, grade in a Linux container (see TEACHING.md, "
        "Safety), or pass --no-sandbox to run student code with your own rights"
    )


def _trial(command: list[str]) -> str | None:
    """Run ``command`` (a sandboxed ``cat``), reach its home as the grader will, end it."""
    from course_tools.grader.sandbox_access import host_path, sandbox_pid  # it imports this module

    try:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        return str(exc)
    reached: str | None = "the sandbox did not start"
    try:
        child = sandbox_pid(proc.pid)
        deadline = time.monotonic() + 10
        while child is not None and proc.poll() is None and time.monotonic() < deadline:
            try:
                os.stat(host_path(child, HOME))
                reached = None
                break
            except FileNotFoundError:  # bwrap is still building the file system
                time.sleep(0.01)
            except OSError as exc:
                reached = f"the grader cannot reach into the sandbox through /proc/PID/root: {exc}"
                break
        _, errors = proc.communicate(input="", timeout=60)  # end of input: cat exits
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return "the trial sandbox did not end"
    if proc.returncode != 0:
        return (errors.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
    return reached



def _apply_limits(limits: Limits, uid: int | None = None) -> None:
    import resource  # POSIX only: imported here so that the module imports everywhere

    for which, value in (
        (resource.RLIMIT_AS, limits.memory),
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_NPROC, limits.processes),
        (resource.RLIMIT_FSIZE, limits.file_size),
        (resource.RLIMIT_CORE, 0),
    ):
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))
    if uid is not None:  # give up root (and with it every capability) for good
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)


def main(argv: Sequence[str] | None = None) -> None:
    """Set the limits given on the command line, then replace this process by COMMAND."""
    parser = argparse.ArgumentParser(prog="python -m course_tools.grader.sandbox")
    for name in ("--memory", "--cpu-seconds", "--processes", "--file-size"):
        parser.add_argument(name, type=int, required=True)
    parser.add_argument("--uid", type=int, default=None)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no COMMAND given")
    _apply_limits(
        Limits(memory=args.memory, cpu_seconds=args.cpu_seconds, processes=args.processes,
               file_size=args.file_size),
        args.uid,
    )
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
