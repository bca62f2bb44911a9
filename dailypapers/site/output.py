"""The build's output files: written only when their bytes change, atomically, and removed
when their page is gone; folders swapped in whole (the search index)."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path


def folder_identity(path: Path) -> str:
    """Which folder this is: a folder deleted and made again is a different one."""
    try:
        info = os.stat(path)
    except OSError:
        return "missing"
    return f"{info.st_dev}:{info.st_ino}:{os.path.realpath(path)}"


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write built output only when its bytes differ, so unchanged pages keep their mtime.

    Atomic through a fixed temp name beside the file (one build writes each file from one
    process), which is much cheaper than mkstemp's random names for tens of thousands of
    pages; no fsync, since a build can be run again."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    temporary = path.with_name("." + path.name + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)
    return True


def remove_output(path: Path) -> None:
    """Delete a built file that no longer has a page, and its folder once empty."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    with contextlib.suppress(OSError):
        path.parent.rmdir()


def read_bytes_if_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def remove_tree(path: Path) -> None:
    """Delete a file, or a folder with all it holds; nothing when it is not there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def replace_folder(fresh: Path, target: Path) -> None:
    """Put the folder `fresh` in `target`'s place. Folders cannot be swapped in one rename:
    the old one steps aside first, so `target` is only ever whole (or, between two
    renames, briefly missing)."""
    old = target.with_name(f".{target.name}.old")
    remove_tree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    remove_tree(old)
