"""spaCy, imported without its command-line interface.

``spacy/__init__.py`` runs ``from .cli.info import info``, which loads all of spaCy's command line
(typer, rich, weasel, requests, httpx, jinja2): ~370 modules and 0.2 s, a third of ``import spacy``
and a fifth of every scan's start-up. A parallel run pays its start-up before any worker exists,
so on a few hundred policies that import alone cost ``--jobs 2`` a tenth of its speed-up. gapcheck
never uses spaCy's command line.

Importing this module imports spaCy with ``spacy.cli`` and ``spacy.cli.info`` briefly standing in
as empty modules, then removes them, so a later ``import spacy.cli`` loads the real one; and
``spacy.info`` calls the real function when called. If a spaCy release wants more of its command
line at import time than ``info``, the stand-ins step aside and spaCy is imported in full: slower,
never broken. Every gapcheck module that imports spaCy imports this module first (a test checks).
"""

from __future__ import annotations

import sys
import types
from typing import Any

def info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``, importing spaCy's command line only when called."""
    from spacy.cli.info import info as real_info

    return real_info(*args, **kwargs)


def _stand_ins() -> dict[str, types.ModuleType]:
    package = types.ModuleType("spacy.cli", "Stands in for spaCy's command line while spaCy is imported.")
    package.__path__ = []  # a package, so that 'spacy.cli.info' may be its submodule
    module = types.ModuleType("spacy.cli.info")
    module.info = info  # type: ignore[attr-defined]
    return {"spacy.cli": package, "spacy.cli.info": module}


def _import_without_cli() -> types.ModuleType:
    if "spacy" in sys.modules:  # already imported (by the caller's own code, or a test)
        return sys.modules["spacy"]
    placed = {name: module for name, module in _stand_ins().items() if name not in sys.modules}
    sys.modules.update(placed)
    try:
        import spacy

        return spacy
    except ImportError:
        pass  # this spaCy imports more of its command line than `info`: the full import below
    finally:
        for name, module in placed.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    import spacy

    return spacy


spacy = _import_without_cli()
