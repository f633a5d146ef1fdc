"""The one error the rules stage raises."""


class ChecklistError(Exception):
    """A checklist file that cannot be used; the message names file, line, item and problem."""
