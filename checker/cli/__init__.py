"""The ``gapcheck`` command: parse arguments, call the library, print a summary, pick the exit code.

:mod:`checker.cli.group` holds the command group and shared helpers, :mod:`checker.cli.scan` the
scan and config commands, :mod:`checker.cli.tools` the others. Importing this package registers them.
"""

from __future__ import annotations

from checker.cli import scan as _scan  # noqa: F401 - registers the scan and config commands
from checker.cli import tools as _tools  # noqa: F401 - registers the other commands
from checker.cli.group import EXIT_GAPS, EXIT_OK, EXIT_USAGE, STREAM_FORMATS, main

__all__ = ["EXIT_GAPS", "EXIT_OK", "EXIT_USAGE", "STREAM_FORMATS", "console", "main"]


def console() -> None:
    """The installed ``gapcheck`` command."""
    main()
