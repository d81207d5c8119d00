"""Reading a text file the way every input is read: size-capped, regular files only, UTF-8.

Every failure is a located PC001 or PC006 finding, never an exception: plans, sources,
settings, waivers, baselines and the registry all come through ``read_text``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from plancheck import load_messages as words
from plancheck.findings import Finding

MAX_FILE_BYTES = 16 * 1024 * 1024


def decode(raw: bytes, file: str) -> tuple[str | None, list[Finding]]:
    """UTF-8 (optional BOM) → text, or a PC001 naming the first bad byte's line and column."""
    for bom, name in _OTHER_ENCODINGS:
        if raw.startswith(bom):
            return None, [Finding("PC001", words.other_encoding(name), file=file, line=1, column=1)]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        return None, [Finding("PC001", words.not_utf8(raw[exc.start]), file=file, line=line, column=column)]


_OTHER_ENCODINGS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                    (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))
"""Byte-order marks of encodings Windows editors save in; recognised to say what to do."""


def read_text(path: Path, display: str) -> tuple[str | None, list[Finding]]:
    """Read a file with a size cap; every failure becomes a PC001/PC006 finding."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            return None, [Finding("PC001", words.NOT_REGULAR_FILE, file=display)]
        if size > MAX_FILE_BYTES:
            return None, [Finding("PC006", words.file_too_large(size, MAX_FILE_BYTES), file=display, line=1, column=1)]
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Finding("PC001", words.NO_SUCH_FILE, file=display)]
    except OSError as exc:
        return None, [Finding("PC001", words.cannot_read(exc), file=display)]
    return decode(raw, display)


def regular_bytes(path: str | Path, prefix: int | None = None) -> bytes | None:
    """The bytes of a regular file within the size cap, or its first ``prefix`` bytes whatever its
    size; None for anything else (a FIFO or a device would block or never end, and ``read_text``
    says why when the run reads it) or a file that cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (prefix is None and info.st_size > MAX_FILE_BYTES):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(-1 if prefix is None else prefix)
    except OSError:
        return None
    finally:
        os.close(fd)


def present(path: Path) -> bool:
    """Whether an optional file (settings, waivers, registry) is there: anything at its name
    counts (a folder, a FIFO, a broken link), so ``read_text`` refuses it, located, instead of
    the run silently going on without it."""
    return os.path.lexists(path)
