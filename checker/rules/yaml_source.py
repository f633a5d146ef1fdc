"""Checklist YAML -> plain data that remembers its line numbers.

Line numbers are what make a checklist error useful ("gdpr.yaml:212: requirement 'retention':
..."), and PyYAML's plain loader forgets them.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from checker.rules.errors import ChecklistError


class _LineDict(dict):
    """A mapping that remembers the line it started on in the YAML file."""

    line: int = 0
    key_lines: dict[str, int]


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10x faster, same nodes


class _LineLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that records lines and reads only true/false as booleans.

    Checklist patterns are full of English words, and YAML 1.1 would turn ``on``, ``no``, ``yes``
    and ``off`` into booleans ("based on" would silently become "based True").
    """


_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                  list("tTfF"))


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    result = _LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise ChecklistError(f"line {key_node.start_mark.line + 1}: duplicate key '{key}'")
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(text: str, path: str) -> Any:
    """The YAML document in ``text``; mappings are dicts with ``line`` and ``key_lines``.

    Raises :class:`ChecklistError` naming ``path`` and the line for invalid YAML or a key given
    twice (PyYAML would silently keep the last).
    """
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except ChecklistError as exc:
        raise ChecklistError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        problem = getattr(exc, "problem", None) or str(exc)
        raise ChecklistError(f"{where}: invalid YAML ({problem})") from None
