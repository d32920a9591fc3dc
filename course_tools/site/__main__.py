"""``python -m course_tools.site``: see :mod:`course_tools.site.cli`."""

import sys

from course_tools.site.cli import main

sys.exit(main())
