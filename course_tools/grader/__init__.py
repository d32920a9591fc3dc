"""The class grader: ``python -m course_tools.grader PATH... --out grades.csv``.

:mod:`.grade` runs every submission in a fresh, sandboxed kernel (:mod:`.sandbox`) and
judges its answers in the grader's own process (:mod:`.judge`), reaching the kernel only
through the probe it installs there (:mod:`.probe`) and a size-capped data format
(:mod:`.wire`). What it writes: the gradebook (:mod:`.gradebook`), LMS exports
(:mod:`.exports`), per-part analytics (:mod:`.analytics`), a similarity report
(:mod:`.similarity`); :mod:`.shards` splits a class over machines and merges the results.
"""
