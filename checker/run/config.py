"""Settings from a file: ``[tool.gapcheck]`` in ``pyproject.toml`` or a ``gapcheck.toml``.

Found as ruff finds its own: from the working directory upward, the first directory holding a
``gapcheck.toml`` (or ``.gapcheck.toml``), or a ``pyproject.toml`` with a ``[tool.gapcheck]`` table,
settles it. Keys mirror ``gapcheck scan``'s options (``fail-on``, ``max-bytes``...); a command-line
flag overrides the file. An unknown key or a value of the wrong type is an error naming the file
and the key: a typo must not silently leave a nightly job on its defaults. Paths in the file are
relative to the file's directory, so a job may run from anywhere inside the project.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_NAMES = ("gapcheck.toml", ".gapcheck.toml")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Key:
    """One setting: the ``scan`` parameter it sets and the values it takes."""

    parameter: str
    kind: str
    """``str``, ``int``, ``float``, ``bool``, ``list`` (strings), ``choice``."""
    choices: tuple[str, ...] = ()
    path: bool = False
    """A path relative to the file's directory."""


def _keys() -> dict[str, Key]:
    from checker.models import SEVERITIES
    from checker.run.local import EXECUTORS

    return {
        "checklists": Key("checklists", "list"),
        "format": Key("formats", "list"),
        "out": Key("out", "str", path=True),
        "fail-on": Key("fail_on", "choice", ("none", *SEVERITIES)),
        "jobs": Key("jobs", "int"),
        "cache": Key("cache_dir", "str", path=True),
        "max-bytes": Key("max_bytes", "int"),
        "force": Key("force", "bool"),
        "waivers": Key("waivers", "str", path=True),
        "model": Key("model", "str"),
        "executor": Key("executor", "choice", tuple(EXECUTORS)),
        "scheduler": Key("scheduler", "str"),
        "baseline": Key("baseline", "str", path=True),
        "ignore-robots": Key("ignore_robots", "bool"),
        "host-delay": Key("host_delay", "float"),
    }


@dataclass
class Config:
    """The settings a file gives ``scan`` (parameter name -> value), and where they came from."""

    path: Path | None = None
    table: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    """Parameter name -> the key as written in the file (for messages and ``gapcheck config``)."""


def find_config(start: Path) -> tuple[Path, str] | None:
    """The configuration file that applies in ``start``: (path, table) or None."""
    for folder in (start.resolve(), *start.resolve().parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name, ""
        project = folder / "pyproject.toml"
        if project.is_file() and _has_tool_table(project):
            return project, "tool.gapcheck"
    return None


def _has_tool_table(project: Path) -> bool:
    try:
        text = project.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if "gapcheck" not in text:  # most projects: no TOML parse on every start-up
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return "[tool.gapcheck" in text  # broken TOML with our table in it: load_config says why
    return isinstance(data.get("tool"), dict) and "gapcheck" in data["tool"]


def load_config(path: Path, table: str | None = None) -> Config:
    """Read and check one configuration file (``table``: ``tool.gapcheck`` for a pyproject.toml)."""
    if table is None:
        table = "tool.gapcheck" if path.name == "pyproject.toml" else ""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: configuration is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    section: Any = data
    for part in filter(None, table.split(".")):
        section = section.get(part, {}) if isinstance(section, dict) else {}
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [{table}] is not a table")
    where = f"[{table}]" if table else "the file"
    keys = _keys()
    config = Config(path, table)
    for key, value in section.items():
        spec = keys.get(key) or keys.get(key.replace("_", "-"))
        if spec is None:
            raise ConfigError(f"{path}: unknown key '{key}' in {where} (known: {', '.join(sorted(keys))})")
        config.values[spec.parameter] = _checked(path, key, spec, value)
        config.keys[spec.parameter] = key
    return config


def _checked(path: Path, key: str, spec: Key, value: Any) -> Any:
    def wrong(expected: str) -> ConfigError:
        return ConfigError(f"{path}: key '{key}' must be {expected}, not {value!r}")

    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise wrong("true or false")
        return value
    if spec.kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise wrong("a number of seconds, 0 or more")
        return float(value)
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise wrong("a whole number of 1 or more")
        return value
    if spec.kind == "list":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(i, str) and i.strip() for i in items):
            raise wrong("a string or a list of strings")
        if spec.parameter == "formats":
            return ",".join(i.strip() for part in items for i in part.split(",") if i.strip())
        # checklist files (not bundled names) are relative to the configuration file
        return tuple(str(path.parent / i) if i.endswith((".yaml", ".yml")) else i for i in items)
    if not isinstance(value, str) or not value.strip():
        raise wrong("a non-empty string")
    if spec.kind == "choice" and value not in spec.choices:
        raise wrong(f"one of {', '.join(spec.choices)}")
    return str(path.parent / value) if spec.path and value != "-" else value


def resolve_config(explicit: str | None, use_files: bool = True, start: Path | None = None) -> Config:
    """The configuration of this run: ``explicit`` (``--config FILE``), else the file found from
    ``start`` (the working directory) upward, else none."""
    if explicit:
        return load_config(Path(explicit))
    if not use_files:
        return Config()
    found = find_config(start or Path.cwd())
    return load_config(*found) if found else Config()
