"""Run notebooks in fresh kernels: the one helper the grader, the site, the slides and the tests share.

Every kernel the course's tools start runs *this* Python (``sys.executable -m
ipykernel_launcher``), never a kernelspec found on the machine: a teacher's stale ``python3``
kernelspec pointing at another environment cannot break a build or a grade. The
environment puts the course's checkout first on ``PYTHONPATH`` so that the notebooks import
the ``course_utils`` being built, graded or tested.

* :func:`kernel_manager` — an ``AsyncKernelManager`` for such a kernel (the class grader
  passes its own command line to run the kernel in a sandbox);
* :func:`kernel_env` — the variables such a kernel gets;
* :func:`execute_notebook` / :func:`execute_notebook_async` — run a notebook top to bottom
  with :mod:`nbclient`, interrupting a cell at its timeout and going on, and report the cells
  that raised;
* :func:`run_coroutine` — run a coroutine to completion, also inside Jupyter's event loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course_utils.course import ROOT

if TYPE_CHECKING:  # nbformat costs a second to import: only when executing
    from nbformat import NotebookNode

__all__ = ["execute_notebook", "execute_notebook_async", "kernel_env", "kernel_manager", "run_coroutine"]

KERNEL_ARGV: tuple[str, ...] = (sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}")
"""The command line of a kernel running this Python (``{connection_file}`` is filled in)."""


def kernel_manager(
    argv: Sequence[str] = KERNEL_ARGV,
    *,
    display_name: str = "the course's own Python",
    interrupt_mode: str = "signal",
    kernel_name: str = "python3",
    **options: Any,
) -> Any:
    """A kernel manager whose kernel runs ``argv``, whatever kernelspecs are installed.

    Parameters
    ----------
    argv : sequence of str
        The kernel's command line; by default :data:`KERNEL_ARGV`.
    display_name : str
        The name the kernel spec shows.
    interrupt_mode : {"signal", "message"}
        How an interrupt reaches the kernel ("message" when a signal cannot, as across a
        sandbox's PID namespace).
    kernel_name : str
        The name recorded in the notebook's metadata.
    **options
        Passed to ``AsyncKernelManager`` (``transport``, ``ip``, ``connection_file``).

    Returns
    -------
    jupyter_client.manager.AsyncKernelManager
    """
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    spec = KernelSpec(
        argv=list(argv), display_name=display_name, language="python", interrupt_mode=interrupt_mode
    )

    class OwnSpec(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return spec

    return AsyncKernelManager(kernel_name=kernel_name, kernel_spec_manager=OwnSpec(), **options)


def kernel_env(root: str | Path = ROOT, *, inline_figures: bool = True, **variables: str) -> dict[str, str]:
    """The environment of a kernel started by the course's tools.

    Parameters
    ----------
    root : str or Path
        The checkout whose ``course_utils`` the notebooks must import, put first on
        ``PYTHONPATH``.
    inline_figures : bool
        True (a site, slides, tests): ``MPLBACKEND`` is removed, so figures become image
        outputs even when a test runner set it to ``Agg``. False (the class grader): ``Agg``,
        so that no figure is rendered for nothing.
    **variables : str
        Further variables to set (``IPYTHONDIR``, ``COURSE_UTILS_PROGRESS``, ...).

    Returns
    -------
    dict
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(Path(root).resolve()), env.get("PYTHONPATH")) if p)
    if inline_figures:
        env.pop("MPLBACKEND", None)
    else:
        env["MPLBACKEND"] = "Agg"
    env.pop("JPY_PARENT_PID", None)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.update(variables)
    return env


async def execute_notebook_async(
    nb: NotebookNode, cwd: str | Path, *, timeout: float = 120, root: str | Path = ROOT
) -> list[str]:
    """Execute ``nb`` in place in a fresh kernel; return the problems met.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        Executed in place: outputs are replaced.
    cwd : str or Path
        Working directory of the kernel (the notebook's folder).
    timeout : float
        Per-cell limit in seconds; a cell running past it is interrupted and execution goes on.
    root : str or Path
        Course root, put first on the kernel's ``PYTHONPATH``.

    Returns
    -------
    list of str
        One line per cell that raised (its index and exception), or the reason execution
        stopped (a dead kernel, for instance). Cells tagged ``raises-exception`` may raise.
    """
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        km=kernel_manager(),
        timeout=int(timeout),
        interrupt_on_timeout=True,
        allow_errors=True,
        record_timing=False,
        store_widget_state=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    problems: list[str] = []
    try:
        await client.async_execute(env=kernel_env(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except Exception as error:  # what ran is kept
        problems.append(f"execution stopped: {type(error).__name__}: {str(error).strip().splitlines()[0:1]}")
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "raises-exception" in cell.metadata.get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                evalue = output.get("evalue", "")[:120]
                problems.append(f"cell {index} raised {output.get('ename')}: {evalue}")
    return problems


def run_coroutine(coroutine_factory: Callable[[], Any]) -> Any:
    """Run a coroutine to completion, also from inside a running event loop (Jupyter).

    Parameters
    ----------
    coroutine_factory : callable
        Returns the coroutine to run (called in the thread that runs it).

    Returns
    -------
    object
        What the coroutine returns.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine_factory())
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_factory())).result()


def execute_notebook(
    nb: NotebookNode, cwd: str | Path, *, timeout: float = 120, root: str | Path = ROOT
) -> list[str]:
    """Execute ``nb`` in place in a fresh kernel (blocking); see :func:`execute_notebook_async`.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    cwd : str or Path
    timeout : float
    root : str or Path

    Returns
    -------
    list of str
        The problems met (empty when every cell ran cleanly).
    """
    return run_coroutine(lambda: execute_notebook_async(nb, cwd, timeout=timeout, root=root))
