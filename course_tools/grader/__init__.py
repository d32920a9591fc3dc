"""The class grader: ``python -m course_tools.grader PATH... --out grades.csv``.

:mod:`.grade` tells how it works and holds :func:`~.grade.grade`; :mod:`.cli` is the
command line and :mod:`.submissions` finds and reads the notebooks. Every submission runs
in a worker process (:mod:`.worker`) in a fresh, sandboxed kernel (:mod:`.kernels`,
:mod:`.sandbox`, :mod:`.sandbox_access`) and its answers are judged in the worker
(:mod:`.notebook_run`, :mod:`.judge`), which reaches the kernel only through the probe it
installs there (:mod:`.probe`) and a size-capped data format (:mod:`.wire`). What it writes:
the gradebook (:mod:`.gradebook`), LMS exports (:mod:`.exports`), per-part analytics
(:mod:`.analytics`), a similarity report (:mod:`.similarity`); :mod:`.shards` splits a class
over machines and merges the results.
"""
