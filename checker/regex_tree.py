"""A small parser of Python regular expressions into a tree of what they can match, for reasoning.

Two speed-ups need to know what a regex *must* contain or *can* start or end with: the needle
screen in front of the detectors' regexes (:mod:`checker.analysis.regex_screen`) and the
tokenizer's affix rules (:mod:`checker.nlp._engine.affix_rules`). Python has no public parser
(``re._parser`` is private and changes between versions), so this one reads the syntax itself.

It is conservative by construction: it understands literals, escapes, character classes, groups,
alternation, repeats and anchors, and everything else becomes an ``OTHER`` node (any one
character, or something not reasoned about), or raises :class:`Unsupported` for the whole pattern
(verbose patterns, conditionals). Callers treat ``OTHER`` and ``Unsupported`` as "could be
anything", so a gap in this parser costs speed, never a wrong answer.

Nodes are tuples ``(kind, value)``:

* ``("LITERAL", code)``: one character;
* ``("IN", items)``: a class, ``items`` of ``("LITERAL", code)`` / ``("RANGE", (low, high))``;
  a negated class or one holding ``\\d``, ``\\w`` ... is ``OTHER``;
* ``("GROUP", (add_flags, del_flags, body))``: ``(...)``, ``(?:...)``, ``(?i:...)``; ``("ATOMIC", body)``;
* ``("BRANCH", [body, ...])``: an alternation of two or more bodies;
* ``("REPEAT", (low, high, body))``: ``body`` repeated ``low`` to ``high`` times (high None: no limit);
* ``("AT", "begin" | "end" | "boundary")``: ``^``/``\\A``, ``$``/``\\Z``, ``\\b``/``\\B``;
* ``("ASSERT", body)``: a lookahead or lookbehind (zero width);
* ``("OTHER", None)``: anything else (``.``, ``\\d``, a back-reference, a negated class).

A body is a list of nodes matched one after another.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

Node = tuple[str, Any]
OTHER: Node = ("OTHER", None)

_FLAG_LETTERS = {"a": re.ASCII, "i": re.IGNORECASE, "L": re.LOCALE, "m": re.MULTILINE, "s": re.DOTALL,
                 "u": re.UNICODE, "x": re.VERBOSE}
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "\\": "\\"}
_CATEGORIES = set("dDsSwW")
_QUANTIFIER = re.compile(r"\{(\d*)(,?)(\d*)\}")


class Unsupported(Exception):
    """The pattern uses syntax this parser does not reason about: treat it as matching anything."""


def parse(pattern: str, flags: int = 0) -> list[Node]:
    """The tree of ``pattern`` (a body), which must be a pattern ``re`` compiles: callers pass the
    sources of compiled patterns, so it is not compiled again here (23 ms of start-up for the
    tokenizer's 211 affix rules). Raises :class:`Unsupported` for what it does not reason about."""
    if flags & re.VERBOSE:
        raise Unsupported("verbose pattern")
    parser = _Parser(pattern)
    body = parser.alternation()
    if parser.at < len(pattern):
        raise Unsupported(f"unbalanced ')' at {parser.at}")
    return body


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def peek(self, ahead: int = 0) -> str:
        where = self.at + ahead
        return self.text[where] if where < len(self.text) else ""

    def take(self) -> str:
        char = self.peek()
        if not char:
            raise Unsupported("unexpected end")
        self.at += 1
        return char

    def alternation(self) -> list[Node]:
        """Bodies separated by ``|`` up to a ``)`` or the end: one body, or a BRANCH of them."""
        branches = [self.sequence()]
        while self.peek() == "|":
            self.at += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else [("BRANCH", branches)]

    def sequence(self) -> list[Node]:
        body: list[Node] = []
        while self.peek() and self.peek() not in "|)":
            atom = self.atom()
            if atom is None:
                continue
            body.append(self.quantified(atom))
        return body

    def quantified(self, atom: Node) -> Node:
        char = self.peek()
        low: int
        high: int | None
        if char == "*":
            low, high = 0, None
            self.at += 1
        elif char == "+":
            low, high = 1, None
            self.at += 1
        elif char == "?":
            low, high = 0, 1
            self.at += 1
        elif char == "{":
            match = _QUANTIFIER.match(self.text, self.at)
            if match is None:
                return atom  # a literal "{": re reads it so too
            first, comma, second = match.groups()
            low = int(first) if first else 0
            high = (int(second) if second else None) if comma else low
            self.at = match.end()
        else:
            return atom
        if self.peek() in ("?", "+"):  # lazy or possessive: the same strings
            self.at += 1
        if atom[0] in ("AT", "ASSERT"):
            return atom
        return ("REPEAT", (low, high, [atom]))

    def atom(self) -> Node | None:
        """One atom, or None for a comment or a global flag group (they match nothing)."""
        char = self.take()
        if char == "(":
            return self.group()
        if char == "[":
            return self.char_class()
        if char == "\\":
            return self.escape()
        if char == ".":
            return OTHER
        if char == "^":
            return ("AT", "begin")
        if char == "$":
            return ("AT", "end")
        return ("LITERAL", ord(char))

    def escape(self) -> Node:
        char = self.take()
        if char in _CATEGORIES:
            return OTHER
        if char == "A":
            return ("AT", "begin")
        if char == "Z":
            return ("AT", "end")
        if char in "bB":
            return ("AT", "boundary")
        code = self.escaped_code(char)
        return OTHER if code is None else ("LITERAL", code)

    def escaped_code(self, char: str) -> int | None:
        """The code point of an escape after its backslash (None: a back-reference, or unknown)."""
        if char in _SIMPLE_ESCAPES:
            return ord(_SIMPLE_ESCAPES[char])
        width = {"x": 2, "u": 4, "U": 8}.get(char)
        if width:
            digits = self.text[self.at:self.at + width]
            self.at += width
            return int(digits, 16)
        if char == "N":
            end = self.text.index("}", self.at)
            name = self.text[self.at + 1:end]
            self.at = end + 1
            return ord(unicodedata.lookup(name))
        if char.isdigit():  # a back-reference or an octal escape: not reasoned about
            while self.peek().isdigit():
                self.at += 1
            return None
        if char.isascii() and char.isalnum():
            return None
        return ord(char)

    def char_class(self) -> Node:
        items: list[Node] = []
        negated = self.peek() == "^"
        if negated:
            self.at += 1
        reasoned = not negated
        first = True
        while True:
            char = self.take()
            if char == "]" and not first:
                break
            first = False
            if char == "\\":
                escaped = self.take()
                if escaped in _CATEGORIES:
                    reasoned = False
                    continue
                code = 8 if escaped == "b" else self.escaped_code(escaped)
                if code is None:
                    reasoned = False
                    continue
            else:
                code = ord(char)
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.at += 1
                end = self.take()
                if end == "\\":
                    escaped = self.take()
                    high = None if escaped in _CATEGORIES else self.escaped_code(escaped)
                else:
                    high = ord(end)
                if high is None:
                    reasoned = False
                    continue
                items.append(("RANGE", (code, high)))
            else:
                items.append(("LITERAL", code))
        return ("IN", items) if reasoned else OTHER

    def group(self) -> Node | None:
        if self.peek() != "?":
            return self.closed(("GROUP", (0, 0, self.alternation())))
        self.at += 1
        kind = self.take()
        if kind == ":":
            return self.closed(("GROUP", (0, 0, self.alternation())))
        if kind == ">":
            return self.closed(("ATOMIC", self.alternation()))
        if kind in "=!":
            return self.closed(("ASSERT", self.alternation()))
        if kind == "<" and self.peek() in "=!":
            self.at += 1
            return self.closed(("ASSERT", self.alternation()))
        if kind == "#":
            self.at = self.text.index(")", self.at) + 1
            return None
        if kind == "P" and self.peek() == "<":
            self.at = self.text.index(">", self.at) + 1
            return self.closed(("GROUP", (0, 0, self.alternation())))
        if kind == "P" and self.peek() == "=":
            self.at = self.text.index(")", self.at) + 1
            return OTHER
        if kind in _FLAG_LETTERS or kind == "-":
            self.at -= 1
            add = remove = 0
            sign = 1
            while self.peek() not in (":", ")"):
                letter = self.take()
                if letter == "-":
                    sign = -1
                    continue
                if letter not in _FLAG_LETTERS:
                    raise Unsupported(f"flag {letter!r}")
                if sign > 0:
                    add |= _FLAG_LETTERS[letter]
                else:
                    remove |= _FLAG_LETTERS[letter]
            if self.take() == ")":  # a global flag group: the compiled pattern's flags carry it
                if add & re.VERBOSE:
                    raise Unsupported("verbose pattern")
                return None
            return self.closed(("GROUP", (add, remove, self.alternation())))
        raise Unsupported(f"group (?{kind}")

    def closed(self, node: Node) -> Node:
        if self.take() != ")":
            raise Unsupported("group not closed")
        return node
