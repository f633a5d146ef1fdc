"""gapcheck imports spaCy without spaCy's command line, and never breaks spaCy doing so.

Each check runs in a fresh interpreter: in this one, spaCy is long imported.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def _run(code: str, pythonpath: Path | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in (pythonpath, ROOT) if p)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_scan_never_loads_spacys_command_line_and_spacy_info_still_works() -> None:
    seen = _run(f"""
        import json, sys
        from click.testing import CliRunner
        from checker.cli import main
        result = CliRunner().invoke(main, ["scan", {str(SEEDS / 'asi.md')!r}, "--format", "jsonl", "--out", "-"])
        line = json.loads(result.stdout.splitlines()[0])
        loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("typer", "weasel", "rich", "httpx")
                        or name.startswith("spacy.cli"))
        import spacy
        info = spacy.info()
        import spacy.cli.info
        print(json.dumps({{"exit": result.exit_code, "verdicts": len(line["requirements"]), "loaded": loaded,
                          "version": info["spacy_version"], "real": sys.modules["spacy.cli.info"].info.__module__}}))
    """)
    assert seen["exit"] == 0 and seen["verdicts"] > 10
    assert seen["loaded"] == []
    # spacy.info() loads the real command line on demand, and `import spacy.cli` gets the real one
    assert seen["version"].startswith("3.") and seen["real"] == "spacy.cli.info"


def _fake_spacy(root: Path, init: str) -> None:
    """A package named spacy whose command line marks that it was loaded."""
    package = root / "spacy"
    (package / "cli").mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(init))
    (package / "cli" / "__init__.py").write_text("import sys\nsys.modules['builtins'].fake_cli_loaded = True\n"
                                                 "app = 'the command line'\n")
    (package / "cli" / "info.py").write_text("def info(*args, **kwargs):\n    return 'real info'\n")


def test_a_spacy_that_imports_only_info_from_its_command_line_gets_the_stand_in(tmp_path: Path) -> None:
    _fake_spacy(tmp_path, "from .cli.info import info\n")
    seen = _run("""
        import builtins, json, sys
        from checker.spacy_import import spacy
        before = getattr(builtins, "fake_cli_loaded", False)
        stand_ins_left = [name for name in ("spacy.cli", "spacy.cli.info") if name in sys.modules]
        answer = spacy.info()
        print(json.dumps({"before": before, "left": stand_ins_left, "answer": answer,
                          "after": getattr(builtins, "fake_cli_loaded", False)}))
    """, tmp_path)
    assert seen == {"before": False, "left": [], "answer": "real info", "after": True}


def test_a_spacy_that_wants_more_of_its_command_line_is_imported_in_full(tmp_path: Path) -> None:
    _fake_spacy(tmp_path, "from .cli.info import info\nfrom .cli import app\n")
    seen = _run("""
        import builtins, json, sys
        from checker.spacy_import import spacy
        print(json.dumps({"app": spacy.app, "loaded": getattr(builtins, "fake_cli_loaded", False),
                          "answer": spacy.info(), "cli": type(sys.modules["spacy.cli"].__spec__).__name__}))
    """, tmp_path)
    assert seen == {"app": "the command line", "loaded": True, "answer": "real info", "cli": "ModuleSpec"}


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            found += [(node.lineno, f"{module}.{alias.name}" if module == "." else module) for alias in node.names]
    return sorted(found)


def test_every_module_that_imports_spacy_imports_it_through_spacy_import_first() -> None:
    offenders = []
    for path in sorted((ROOT / "checker").rglob("*.py")):
        if path.name == "spacy_import.py":
            continue
        imports = _imports(ast.parse(path.read_text(encoding="utf-8")))
        spacy_lines = [line for line, name in imports if name == "spacy" or name.startswith("spacy.")]
        guard_lines = [line for line, name in imports if name.endswith("spacy_import")]
        if spacy_lines and not (guard_lines and guard_lines[0] < spacy_lines[0]):
            offenders.append(f"{path.relative_to(ROOT)}:{spacy_lines[0]}")
    assert offenders == []
