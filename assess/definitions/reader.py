"""Stage 1 of loading: read a definition file into plain values, remembering every line.

Reading is bounded before anything is built: the file must be a regular file of
at most `MAX_BYTES`, UTF-8 text without control characters, and YAML without
anchors, aliases or merge keys and at most `MAX_DEPTH` levels deep. The values
are built straight from the parser's event stream (no node tree, so nothing is
ever expanded), keeping the line of every path and refusing duplicate keys,
which PyYAML's safe loader would silently overwrite.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from assess.definitions.errors import DefinitionError, make_error
from assess.definitions.source import MAX_BYTES, too_large
from assess.definitions.syntax import syntax_error

KeyPath = tuple[str | int, ...]  # where a value sits in a file: keys and list indices

MAX_DEPTH = 40  # nested mappings and lists: the shipped definitions need 9

# libyaml's parser is five times faster than PyYAML's own; both give the same events.
_FAST_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# What YAML text may hold (YAML 1.1 printable characters), as PyYAML's reader checks it.
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_NOT_SEEN = object()
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
MAX_NUMBER = 100  # characters: base-60 numbers such as 1:30:00 take time quadratic in their length


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
    try:
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError):  # keys of mixed types cannot be sorted
        canonical = json.dumps(_text_keys(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _text_keys(data: object) -> object:
    if isinstance(data, dict):
        return {str(k): _text_keys(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_text_keys(v) for v in data]
    return data if isinstance(data, (str, int, float, bool, type(None))) else str(data)


# --- reading YAML ---------------------------------------------------------------------------------


class _Refused(Exception):
    """Stop reading: the file cannot be read further (anchor, alias, nesting, a second document)."""

    def __init__(self, error: DefinitionError):
        self.error = error


@dataclass
class _Frame:
    path: KeyPath
    value: dict | list
    key: Any = None  # a mapping's key waiting for its value
    has_key: bool = False
    skip: int = 0  # > 0 while the value of a refused key is skipped: its nesting depth


def read_yaml(text: str, file: str) -> tuple[Document | None, list[DefinitionError]]:
    """Plain values and their lines from YAML text, or the errors that stop reading it."""
    if len(text) > MAX_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return None, [too_large(file, len(text.encode("utf-8", "surrogatepass")))]
    bad = _NON_PRINTABLE.search(text)
    if bad:
        return None, [_control_character(text, bad.start(), file)]
    try:
        try:
            builder = _build(text, file, _FAST_LOADER)
        except yaml.YAMLError:
            # libyaml refuses a few things PyYAML's own parser reads (e.g. `{ja:, en: x}`); files
            # read before keep their content (and hash), and syntax errors get PyYAML's wording.
            builder = _build(text, file, yaml.SafeLoader)
    except _Refused as refused:
        return None, [refused.error]
    except yaml.MarkedYAMLError as exc:
        return None, [syntax_error(exc, text, file)]
    except yaml.YAMLError as exc:  # pragma: no cover - a reader error the check above did not catch
        return None, [make_error("Q100", file, 1, "", detail=str(exc), fix_hint="correct the YAML syntax")]
    if not builder.documents:
        return None, [make_error("Q108", file, 1, "")]
    return builder.doc, builder.errors


def _build(text: str, file: str, loader_class: type) -> _Builder:
    builder = _Builder(file)
    loader = loader_class(text)
    try:
        while loader.check_event():
            builder.feed(loader.get_event())
    finally:
        loader.dispose()
    return builder


def _control_character(text: str, index: int, file: str) -> DefinitionError:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    char = text[index]
    if char == "\x00":
        detail = f"it contains a NUL character at line {line}, so it is probably a binary file"
        fix = "give the YAML text file of the definition"
    else:
        kind = "the control character" if ord(char) < 0xA0 else "the character"
        code = f"U+{ord(char):04X}"
        detail = f"it contains {kind} {code} at line {line}, column {column}, which YAML text may not hold"
        fix = "delete the character (most editors do not show it), or retype the text around it"
    return make_error("Q111", file, line, "", detail=detail, fix_hint=fix)


class _Builder:
    """Builds plain values from parser events with an explicit stack (no recursion)."""

    def __init__(self, file: str):
        self.doc = Document(file=file, data=None)
        self.errors: list[DefinitionError] = []
        self.stack: list[_Frame] = []
        self.documents = 0
        self.constructor = SafeConstructor()
        self.resolver = Resolver()
        self.constants: dict[tuple[str, str], Any] = {}

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise _Refused(_second_document(self.doc.file, event))
            return
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(self._anchor_error(event, f"the alias '*{event.anchor}'"))
        if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) and event.anchor is not None:
            raise _Refused(self._anchor_error(event, f"the anchor '&{event.anchor}'"))
        if isinstance(event, yaml.CollectionEndEvent):
            self._end()
        elif isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            self._node(event)

    def _anchor_error(self, event: yaml.Event, found: str) -> DefinitionError:
        return make_error("Q113", self.doc.file, _line(event), self._where(), found=found)

    def _where(self) -> str:
        """The path of the value the next event starts (or of its mapping, for a key)."""
        if not self.stack:
            return ""
        top = self.stack[-1]
        if isinstance(top.value, list):
            return path_str(top.path + (len(top.value),))
        return path_str(top.path + (str(top.key),) if top.has_key and not top.skip else top.path)

    def _end(self) -> None:
        top = self.stack[-1]
        if not top.skip:
            self.stack.pop()
            return
        top.skip -= 1
        if top.skip == 1:  # the skipped value ended
            top.skip, top.has_key = 0, False

    def _node(self, event: yaml.Event) -> None:
        line = _line(event)
        collection = isinstance(event, yaml.CollectionStartEvent)
        skipped = max(self.stack[-1].skip - 1, 0) if self.stack else 0
        if collection and len(self.stack) + skipped >= MAX_DEPTH:
            raise _Refused(make_error("Q114", self.doc.file, line, self._where(), limit=MAX_DEPTH))
        if not self.stack:
            self.doc.data = self._start((), event, line)
            return
        top = self.stack[-1]
        if top.skip:
            if collection:
                top.skip += 1
            elif top.skip == 1:  # a skipped scalar value
                top.skip, top.has_key = 0, False
            return
        if isinstance(top.value, list):
            top.value.append(self._start(top.path + (len(top.value),), event, line))
            return
        if not top.has_key:
            self._key(top, event, line)
            return
        top.has_key = False
        path = top.path + (str(top.key),)
        top.value[top.key] = self._start(path, event, line)

    def _start(self, path: KeyPath, event: yaml.Event, line: int) -> Any:
        """The value an event starts at `path`: a new mapping or list (pushed), or a scalar."""
        self.doc.lines.setdefault(path, line)
        if isinstance(event, yaml.MappingStartEvent):
            self.stack.append(_Frame(path, {}))
        elif isinstance(event, yaml.SequenceStartEvent):
            self.stack.append(_Frame(path, []))
        elif isinstance(event, yaml.ScalarEvent):
            return self._scalar(event, path, line)
        return self.stack[-1].value

    def _key(self, top: _Frame, event: yaml.Event, line: int) -> None:
        where = path_str(top.path)
        if not isinstance(event, yaml.ScalarEvent):
            found = "a mapping" if isinstance(event, yaml.MappingStartEvent) else "a list"
            raise _Refused(
                make_error(
                    "Q102", self.doc.file, line, where, expected="a plain key such as 'id'", found=found
                )
            )
        if self._tag(event) == _MERGE_TAG:
            raise _Refused(make_error("Q113", self.doc.file, line, where, found="the merge key '<<'"))
        top.has_key = True
        try:
            key = self._construct(event)
        except _ScalarError as exc:
            self.errors.append(
                make_error("Q100", self.doc.file, line, where, detail=exc.detail, fix_hint=exc.fix)
            )
            top.skip = 1
            return
        if not isinstance(key, (str, int, float, bool)):
            key = str(key)
        if key in top.value:
            self.errors.append(make_error("Q101", self.doc.file, line, where, key=key))
            top.skip = 1
            return
        top.key = key
        self.doc.lines[top.path + (str(key),)] = line

    def _scalar(self, event: yaml.ScalarEvent, path: KeyPath, line: int) -> Any:
        try:
            return self._construct(event)
        except _ScalarError as exc:
            self.errors.append(
                make_error("Q100", self.doc.file, line, path_str(path), detail=exc.detail, fix_hint=exc.fix)
            )
            return None

    def _tag(self, event: yaml.ScalarEvent) -> str:
        if event.tag is None or event.tag == "!":
            return self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        return event.tag

    def _construct(self, event: yaml.ScalarEvent) -> Any:
        tag = self._tag(event)
        if tag == _STR_TAG:  # most values: PyYAML's str constructor returns the text as it is
            return event.value
        known = self.constants.get((tag, event.value), _NOT_SEEN)
        if known is not _NOT_SEEN:
            return known
        if tag in _NUMBER_TAGS and len(event.value) > MAX_NUMBER:
            raise _ScalarError(
                f"a number of {len(event.value):,} characters is too long (at most {MAX_NUMBER})",
                "write a shorter number, or quote it to keep it as text",
            )
        value = self._construct_node(tag, event)
        if value is None or isinstance(value, (bool, int, float)):  # immutable: the same text, the same value
            self.constants[(tag, event.value)] = value
        return value

    def _construct_node(self, tag: str, event: yaml.ScalarEvent) -> Any:
        node = yaml.ScalarNode(tag, event.value, style=event.style)  # no marks: errors are ours
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            if tag == _MERGE_TAG:
                raise _ScalarError("'<<' is a merge key and cannot be a value", "quote it: '<<'") from None
            if exc.problem and "could not determine a constructor" in exc.problem:
                raise _ScalarError(
                    f"the tag '{tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed: definitions hold "
                    "plain text, numbers and true/false",
                    "remove the tag",
                ) from None
            raise _ScalarError(exc.problem or str(exc), "correct the value") from None
        except Exception as exc:  # PyYAML's constructors fail in many ways on odd input: 2001-13-45, !!int x
            raise _ScalarError(
                f"'{_clip(event.value)}' cannot be read as {tag.rsplit(':', 1)[-1]}: {exc}",
                "correct the value, or quote it to keep it as text",
            ) from None


class _ScalarError(Exception):
    def __init__(self, detail: str, fix: str):
        self.detail, self.fix = detail, fix


def _clip(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 1


def _second_document(file: str, event: yaml.Event) -> DefinitionError:
    return make_error(
        "Q100",
        file,
        _line(event),
        "",
        detail="a second YAML document starts here ('---'); a definition file holds one",
        fix_hint="remove the '---' line, or move the second document into a file of its own",
    )
