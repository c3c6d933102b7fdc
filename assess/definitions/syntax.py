"""Messages for YAML syntax errors that say what is wrong in words a definition's
author knows (tabs, indentation, a missing colon, an unclosed quote), with the line."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from assess.definitions.errors import DefinitionError, make_error


@dataclass
class _Syntax:
    """A PyYAML syntax error and the text around it (libyaml's or PyYAML's wording)."""

    file: str
    lines: list[str]
    problem: str
    context: str
    line: int  # of the problem, 1-based
    column: int  # of the problem, 0-based
    start: int  # line of the context, e.g. where an unclosed bracket opened
    start_column: int

    def source(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def indent(self, number: int) -> str:
        text = self.source(number)
        return text[: len(text) - len(text.lstrip(" \t"))]

    def q100(self, at: int, detail: str, fix: str) -> DefinitionError:
        return make_error("Q100", self.file, at, "", detail=detail, fix_hint=fix)


def syntax_error(exc: yaml.MarkedYAMLError, text: str, file: str) -> DefinitionError:
    """One coded error for a PyYAML syntax error, at the line that matters."""
    mark = exc.problem_mark or exc.context_mark
    context = exc.context_mark or mark
    found = _Syntax(
        file,
        text.splitlines(),
        exc.problem or "",
        exc.context or "",
        mark.line + 1 if mark else 1,
        mark.column if mark else 0,
        context.line + 1 if context else 1,
        context.column if context else 0,
    )
    for explain in (_tabs, _indentation, _colon, _unclosed, _other):
        error = explain(found)
        if error is not None:
            return error
    raise AssertionError("unreachable: _other always explains")  # pragma: no cover


def _tabs(s: _Syntax) -> DefinitionError | None:
    if s.source(s.line)[s.column : s.column + 1] == "\t" or "tab" in s.problem or "\t" in s.indent(s.line):
        return make_error("Q115", s.file, s.line, "")
    if "\t" in s.indent(s.start):
        return make_error("Q115", s.file, s.start, "")
    return None


def _spaces(n: int) -> str:
    return f"{n} space" + ("" if n == 1 else "s")


def _indentation(s: _Syntax) -> DefinitionError | None:
    if not any(p in s.problem for p in ("block end", "expected key", "'-' indicator")):
        return None
    here, there = len(s.indent(s.line)), _spaces(s.start_column)
    if "collection" in s.context and here == s.start_column:
        detail = f" (a key among the '- ' items of the list that starts at line {s.start})"
    elif "collection" in s.context:
        detail = (
            f" ({_spaces(here)}; the '- ' items of the list that starts at line {s.start} are at {there})"
        )
    else:
        detail = f" ({_spaces(here)}; the keys of the mapping that starts at line {s.start} are at {there})"
    return make_error(
        "Q116",
        s.file,
        s.line,
        "",
        detail=detail,
        fix_hint="indent it with exactly as many spaces as the keys or '- ' items it belongs with; "
        "the keys of a list item start two spaces after its '-'",
    )


def _colon(s: _Syntax) -> DefinitionError | None:
    if "sequence entries are not allowed" in s.problem:
        return s.q100(
            s.line,
            "a '- ' list item cannot start on the line of its key",
            "start the list on the next line, indented by two more spaces",
        )
    if "could not find expected ':'" in s.problem:
        return s.q100(
            s.start,
            "this line has no ':' after its key (or it continues the text of the line above)",
            "write 'key: value'; put text over several lines in quotes",
        )
    if "mapping values are not allowed" not in s.problem:
        return None
    if re.search(r":(\s|$)", s.source(s.line)[: s.column].lstrip(" -")):
        return s.q100(
            s.line,
            "a value contains ': ', which YAML reads as the start of another key",
            'put the value in quotes, e.g. label: "Note: ..."',
        )
    above = _line_above(s.lines, s.line)
    if above and len(s.indent(s.line)) > len(s.indent(above)):
        return make_error(
            "Q116",
            s.file,
            s.line,
            "",
            detail=f" ({_spaces(len(s.indent(s.line)))}, more than line {above}, which already has a value)",
            fix_hint="indent it like the key above it; only the content of a key with nothing after "
            "its ':' is indented further",
        )
    return s.q100(
        s.line, "a ':' here cannot start a key", "check the indentation, or quote text that holds ': '"
    )


def _unclosed(s: _Syntax) -> DefinitionError | None:
    if "quoted scalar" in s.context and "end of stream" in s.problem:
        return s.q100(
            s.start, "the quoted text that starts on this line is never closed", "add the closing quote"
        )
    if "flow sequence" not in s.context and "flow mapping" not in s.context:
        return None
    kind, opening, closing = ("list", "[", "]") if "sequence" in s.context else ("mapping", "{", "}")
    return s.q100(
        s.start,
        f"the {kind} opened with '{opening}' on this line is not closed, or two of its items lack a ',' "
        f"between them (found at line {s.line}, column {s.column + 1})",
        f"close it with '{closing}' and separate the items with ','; quote text that holds ':' or ','",
    )


def _other(s: _Syntax) -> DefinitionError:
    char = s.source(s.line)[s.column : s.column + 1]
    if "escape" in s.problem:
        return s.q100(
            s.line,
            "unknown escape sequence in a double-quoted text",
            "write \\\\ for a backslash, or use single quotes",
        )
    if "cannot start any token" in s.problem and char:
        return s.q100(s.line, f"a value cannot start with '{char}'", "put the value in quotes")
    where = f" ({s.context} that starts at line {s.start})" if s.context else ""
    return s.q100(
        s.line, f"{s.problem or s.context or 'syntax error'}{where}", "correct the YAML syntax at this line"
    )


def _line_above(lines: list[str], line: int) -> int:
    for number in range(line - 1, 0, -1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return 0
