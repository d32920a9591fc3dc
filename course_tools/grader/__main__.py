"""``python -m course_tools.grader``: see :mod:`course_tools.grader.grade` (the command: :mod:`.cli`)."""

import sys

from course_tools.grader.cli import main

sys.exit(main())
