"""Reading input files (text copies, API JSON): decoding, stray control characters, and the
one-line errors for files that cannot be read at all."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path


class InputError(Exception):
    """An input file that cannot be read at all; the message is one line for the user."""


@dataclass
class InputText:
    text: str  # newlines normalized, control characters removed
    notices: list[str]  # one line each: how the file was read when it was not plain UTF-8


# Control bytes no text file holds (tab, newline, carriage return, form feed and vertical tab
# are text). A file is binary when they are more than a few: one odd byte does not make it so.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v") + b"\x7f"
_BINARY_SAMPLE = 65536
# C0 control characters (but tab and line ends) left in decoded text: removed, since JSON
# forbids them raw and no text shows them. (DEL and C1 are valid raw JSON; the parsers drop them.)
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Past this share of non-ASCII characters, a Windows-1252 reading of bytes that are not UTF-8
# is more likely another encoding (Shift-JIS, GBK, ...) read wrong: refused, not guessed.
_MAX_NON_ASCII_SHARE = 0.3


def read_input_text(path: Path) -> InputText:
    """The text of an input file. Raises InputError.

    UTF-8 (a byte-order mark is dropped); UTF-16 with a byte-order mark, or without one when
    every other byte is NUL; else Windows-1252, which Latin-1 text reads the same as, when the
    result is plainly Western text. Each reading but UTF-8 gets a notice naming it. Stray
    control characters are removed, with a notice: a NUL inside one entry costs nothing."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
    text, encoding = _decode(raw, path)
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    notices = [f"{path}: not UTF-8: read as {encoding}"] if encoding else []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first = _CONTROL_RE.search(text)
    if first:
        count = len(_CONTROL_RE.findall(text))
        line = text.count("\n", 0, first.start()) + 1
        notices.append(f"{path}:{line}: removed {count} control character(s) (U+{ord(first.group()):04X} first)")
        text = _CONTROL_RE.sub("", text)
    return InputText(text, notices)


def _decode(raw: bytes, path: Path) -> tuple[str, str | None]:
    """(text, the encoding's name when it is not UTF-8)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "UTF-16 (byte-order mark)"
        except UnicodeDecodeError:
            raise InputError(f"{path}: starts with a UTF-16 byte-order mark but is not valid UTF-16") from None
    raw = raw.removeprefix(codecs.BOM_UTF8)
    sample = raw[:_BINARY_SAMPLE]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > max(2, len(sample) // 100):
        utf16 = _utf16_without_bom(raw)
        if utf16 is None:
            what = "NUL bytes" if b"\0" in sample else "control bytes"
            raise InputError(f"{path}: binary file ({what}), not a text copy or JSON")
        return utf16
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problem = f"{path}:{line}: not valid UTF-8 (byte 0x{raw[error.start]:02x})"
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    visible = "".join(text.split()) if text is not None else ""
    if not visible or sum(char > "\x7f" for char in visible) > _MAX_NON_ASCII_SHARE * len(visible):
        raise InputError(f"{problem}, nor Windows-1252 or Latin-1 text: save it as UTF-8")
    return text, "Windows-1252 (Latin-1)"


def _utf16_without_bom(raw: bytes) -> tuple[str, str] | None:
    """UTF-16 text that lost its byte-order mark: NUL bytes, nearly all on one side of each pair."""
    sample = raw[:_BINARY_SAMPLE]
    for codec, side in (("utf-16-le", 1), ("utf-16-be", 0)):
        on_side = sample[side::2].count(0)
        if len(raw) % 2 == 0 and on_side > len(sample) // 4 and sample[1 - side :: 2].count(0) * 20 < on_side:
            try:
                return raw.decode(codec), f"{codec.upper()} (no byte-order mark)"
            except UnicodeDecodeError:
                return None
    return None
