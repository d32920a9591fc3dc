"""``python -m course_tools.notebooks``: see :mod:`course_tools.notebooks.cli`."""

import sys

from course_tools.notebooks.cli import main

sys.exit(main())
