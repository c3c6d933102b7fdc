"""Stage 1 of loading: read YAML into plain values, remembering every line.

PyYAML's safe loader forgets where values came from and silently keeps the last
of two duplicate keys; both matter for error messages, so we compose the node
tree ourselves and convert it, recording the line of every path.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import yaml

from assess.definitions.errors import DefinitionError, make_error

KeyPath = tuple[str | int, ...]  # where a value sits in a file: keys and list indices


def path_str(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@dataclass
class Document:
    """Plain data read from a file plus the line of each path in it."""

    file: str
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, path: KeyPath) -> int:
        # Fall back to the nearest enclosing path that has a line.
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def content_hash(data: object) -> str:
    """SHA-256 of a file's parsed content, so comments and layout do not count."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_yaml(text: str, file: str) -> tuple[Document | None, list[DefinitionError]]:
    errors: list[DefinitionError] = []
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        detail = exc.problem or str(exc)
        return None, [make_error("Q100", file, line, "", detail=detail)]
    except yaml.YAMLError as exc:  # pragma: no cover - other PyYAML failures
        return None, [make_error("Q100", file, 1, "", detail=str(exc))]
    if node is None:
        return None, [make_error("Q108", file, 1, "")]
    doc = Document(file=file, data=None)
    constructor = yaml.SafeLoader("")
    doc.data = _convert(node, (), doc, constructor, errors)
    return doc, errors


def _convert(
    node: yaml.Node, path: KeyPath, doc: Document, constructor: yaml.SafeLoader, errors: list[DefinitionError]
) -> Any:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        constructor.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            try:
                key = constructor.construct_object(key_node, deep=True)
            except yaml.YAMLError as exc:
                errors.append(
                    make_error(
                        "Q100", doc.file, key_node.start_mark.line + 1, path_str(path), detail=str(exc)
                    )
                )
                continue
            if not isinstance(key, (str, int, float, bool)) or key is None:
                key = str(key)
            if key in out:
                errors.append(
                    make_error("Q101", doc.file, key_node.start_mark.line + 1, path_str(path), key=key)
                )
                continue
            child = path + (str(key),)
            doc.lines[child] = key_node.start_mark.line + 1
            out[key] = _convert(value_node, child, doc, constructor, errors)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), doc, constructor, errors) for i, item in enumerate(node.value)]
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        errors.append(make_error("Q100", doc.file, node.start_mark.line + 1, path_str(path), detail=str(exc)))
        return None
