"""Stage 0 of loading: the bytes of a definition file, checked before any parsing.

The file must be a readable regular file (a pipe or device is never opened, so
nothing blocks) of at most `MAX_BYTES`, and binary-free UTF-8 text; each problem
is one coded error saying what is wrong and how to fix it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from assess.definitions.errors import DefinitionError, make_error

MAX_BYTES = 1_000_000  # 1 MB: the shipped definitions are under 200 KB
SIZE_LIMIT = "1 MB (1,000,000 bytes)"


def read_source(path: str | os.PathLike[str], file: str) -> tuple[str | None, list[DefinitionError]]:
    """The text of a definition file, or one coded error saying why it cannot be used.

    Checked before any parsing: it is a readable regular file of at most MAX_BYTES,
    binary-free UTF-8 text. A pipe or device is never opened, so nothing blocks.
    """
    path = Path(path)
    try:
        info = path.stat()
    except OSError as exc:
        return None, [_unreadable(path, file, exc)]
    if stat.S_ISDIR(info.st_mode):
        return None, [
            make_error(
                "Q109",
                file,
                0,
                "",
                reason="it is a directory, not a file",
                fix_hint=f"give the definition files in it, e.g. {path}/*.yaml",
            )
        ]
    if not stat.S_ISREG(info.st_mode):
        return None, [
            make_error(
                "Q109",
                file,
                0,
                "",
                reason="it is not a regular file (a device, pipe or socket)",
                fix_hint="give a YAML text file",
            )
        ]
    if info.st_size > MAX_BYTES:
        return None, [too_large(file, info.st_size)]
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, [_unreadable(path, file, exc)]
    if len(data) > MAX_BYTES:  # it grew since stat
        return None, [too_large(file, len(data))]
    return decode(data, file)


def _unreadable(path: Path, file: str, exc: OSError) -> DefinitionError:
    if isinstance(exc, FileNotFoundError):
        reason, fix = "it does not exist", "check the path and the file name"
    elif isinstance(exc, NotADirectoryError):
        reason, fix = "a part of its path is a file, not a folder", "check the path"
    elif isinstance(exc, PermissionError):
        reason = "permission denied"
        fix = "make it readable by the user who runs assess (e.g. chmod a+r FILE)"
    elif isinstance(exc, IsADirectoryError):
        reason, fix = "it is a directory, not a file", f"give the definition files in it, e.g. {path}/*.yaml"
    else:
        reason, fix = exc.strerror or type(exc).__name__, "check that the file is there and readable"
    return make_error("Q109", file, 0, "", reason=reason, fix_hint=fix)


def too_large(file: str, size: int) -> DefinitionError:
    return make_error("Q110", file, 0, "", size=f"{size:,}", limit=SIZE_LIMIT)


def decode(data: bytes, file: str) -> tuple[str | None, list[DefinitionError]]:
    """UTF-8 text from a file's bytes, or Q111 (binary) / Q112 (not UTF-8) with where it went wrong."""
    for bom, name in (
        (b"\xff\xfe\x00\x00", "UTF-32"),
        (b"\x00\x00\xfe\xff", "UTF-32"),
        (b"\xff\xfe", "UTF-16"),
    ):
        if data.startswith(bom) or (name == "UTF-16" and data.startswith(b"\xfe\xff")):
            return None, [
                make_error("Q112", file, 1, "", detail=f"it is {name} text (it starts with a {name} mark)")
            ]
    nul = data.find(b"\x00")
    if nul >= 0:
        head = data[:200]
        if len(head) >= 4 and (head[1::2].count(0) > len(head) // 3 or head[0::2].count(0) > len(head) // 3):
            return None, [
                make_error("Q112", file, 1, "", detail="it looks like UTF-16 text (every other byte is 0)")
            ]
        line = data.count(b"\n", 0, nul) + 1
        detail = f"it contains a NUL byte at line {line} (byte offset {nul}), so it is probably a binary file"
        return None, [
            make_error(
                "Q111", file, line, "", detail=detail, fix_hint="give the YAML text file of the definition"
            )
        ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        start = exc.start
        line = data.count(b"\n", 0, start) + 1
        line_start = data.rfind(b"\n", 0, start) + 1
        column = len(data[line_start:start].decode("utf-8", "replace")) + 1
        detail = (
            f"byte 0x{data[start]:02X} at line {line}, column {column} (byte offset {start}) is not UTF-8"
            + _guess_encoding(data)
        )
        return None, [make_error("Q112", file, line, "", detail=detail)]


def _guess_encoding(data: bytes) -> str:
    try:
        data.decode("cp932")
    except UnicodeDecodeError:
        return ""
    return "; the file may be in Shift_JIS"
