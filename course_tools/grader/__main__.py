"""``python -m course_tools.grader``: see :mod:`course_tools.grader.grade`."""

import sys

from course_tools.grader.grade import main

sys.exit(main())
