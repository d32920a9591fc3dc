"""The teacher's and maintainer's tools of the course; students never import them.

The student release ships ``course_utils`` (what the lessons and exercise notebooks import)
and not this package. Here:

* :mod:`course_tools.grader` — the class grader (``python -m course_tools.grader``), with
  its sandbox, its kernel-side probe, the gradebook, LMS exports, partial-credit analytics,
  the similarity report and sharding;
* :mod:`course_tools.notebooks` — authoring: exercise notebooks generated from solutions;
* :mod:`course_tools.translation` — the Chinese edition kept in step with the English one;
* :mod:`course_tools.execution` — the one helper that executes a notebook in a fresh
  kernel (site, slides, release checks and tests);
* :mod:`course_tools.site`, :mod:`course_tools.slides`, :mod:`course_tools.release` —
  the course's web site, its reveal.js slides and the student release.
"""
