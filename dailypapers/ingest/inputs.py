"""Reading input files (text copies, API JSON): decoding and the one-line errors for files
that cannot be read at all."""

from __future__ import annotations

import codecs
from pathlib import Path


class InputError(Exception):
    """An input file that cannot be read at all; the message is one line for the user."""


def read_input_text(path: Path) -> str:
    """The text of an input file, with newlines normalized. Raises InputError.

    UTF-8 (a byte-order mark is dropped), or UTF-16 when a byte-order mark says so (Windows'
    "Unicode" text files). Anything else, cp1252 or Latin-1 included, is reported rather than
    guessed at: a wrong guess would write garbled titles into posts, and slugs never change."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{path}: starts with a UTF-16 byte-order mark but is not valid UTF-16") from None
        binary = "\x00" in text[:8192]
    else:
        raw = raw.removeprefix(codecs.BOM_UTF8)
        binary = b"\x00" in raw[:8192]
        if not binary:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                line = raw[: error.start].count(b"\n") + 1
                raise InputError(f"{path}:{line}: not valid UTF-8 (byte 0x{raw[error.start]:02x})") from None
    if binary:
        raise InputError(f"{path}: binary file (NUL bytes), not a text copy or JSON")
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")
