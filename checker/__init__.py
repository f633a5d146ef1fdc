"""gapcheck: reads privacy policies and reports where they fall short of a disclosure checklist."""

__version__ = "0.1.0"
