"""Output paths: check where a command will write before it works, then write atomically.

Every command that writes a file a user named (``import -o``, ``capture -o``, ``run --db``,
``--csv``, ``--report``...) goes through this module, so each bad path gets the same clear
answer instead of a traceback, and before any long work is done:

* an empty name, a folder, a path under a file, a read-only file, a folder we may not write
  into, or a name with a NUL byte is an :class:`OutputPathError` naming the option, the path
  and the fix;
* missing folders are created (and said so in each option's help);
* a symbolic link is followed: the file it points to is replaced, the link stays a link;
* a FIFO or a character device (``/dev/stdout``, a pipe made with ``mkfifo``) is written
  into directly, never replaced by a regular file; where a stream makes no sense (a
  database) ``streams=False`` rejects it;
* a regular file is written atomically: a temporary file in the same folder, flushed to
  disk, then renamed over the target, so a crash leaves the old file or the new one, never
  half of one. A new file gets the usual permissions (0666 minus the umask), a replaced file
  keeps its own.

Typical use::

    target = check_output_path(args.output, "-o")      # early, before hours of work
    ...
    write_output(target, text, "-o")                     # or: with open_output(target, "-o") as f
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal, overload

from twin_app.errors import TwinError


class OutputPathError(TwinError):
    """A path a command cannot write to; the message names the option, the path and the fix."""


def check_output_path(path: str | os.PathLike[str] | None, option: str, *, streams: bool = True) -> Path:
    """The path to write for ``option`` (e.g. ``"-o"``, ``"--db"``), checked and made ready.

    Creates missing parent folders. Follows a symbolic link to the file it names. With
    ``streams=False`` a FIFO or device is rejected (a database must be a regular file).
    Raises OutputPathError saying what is wrong and what to do.
    """
    text = os.fspath(path) if path is not None else ""
    if not text.strip():
        raise OutputPathError(f"{option}: the file name is empty; give a file name, e.g. {option} out/result")
    if "\0" in text:
        raise OutputPathError(f"{option} {text!r}: a file name cannot contain a NUL byte; type the name again")
    target = Path(text)
    if target.is_symlink():
        try:
            target = target.resolve(strict=False)
        except (OSError, RuntimeError) as error:  # a loop of links
            raise OutputPathError(f"{option} {text}: cannot follow the symbolic link ({_reason(error)})") from None
    try:
        info = target.stat()
    except (FileNotFoundError, NotADirectoryError):  # the latter: a file in the path; said below
        info = None
    except OSError as error:
        raise OutputPathError(_not_writable(option, text, error)) from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise OutputPathError(
                f"{option} {text}: is a folder; give a file name inside it, e.g. {os.path.join(text, 'out')}"
            )
        if stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode):
            if not streams:
                raise OutputPathError(f"{option} {text}: is a pipe or device, not a file; give a regular file name")
            return target
        if not stat.S_ISREG(info.st_mode):
            raise OutputPathError(f"{option} {text}: is not a regular file; give another file name")
        if not info.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):
            raise OutputPathError(
                f"{option} {text}: the file is read-only; give another name, or make it writable (chmod u+w)"
            )
    folder = _make_folder(target.parent, option, text)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputPathError(f"{option} {text}: cannot write into the folder {folder}; choose another folder")
    return target


def _make_folder(folder: Path, option: str, text: str) -> Path:
    """``folder``, created with its parents if missing; a file in the way is an error."""
    for ancestor in (folder, *folder.parents):
        if ancestor.exists() or ancestor.is_symlink():
            if not ancestor.is_dir():
                raise OutputPathError(
                    f"{option} {text}: {ancestor} is a file, not a folder; give a path inside a folder"
                )
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputPathError(f"{option} {text}: cannot create the folder {folder} ({_reason(error)})") from None
    return folder


@overload
def open_output(
    path: str | os.PathLike[str], option: str, mode: Literal["w"] = "w", *, newline: str | None = None
) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def open_output(
    path: str | os.PathLike[str], option: str, mode: Literal["wb"], *, newline: str | None = None
) -> contextlib.AbstractContextManager[IO[bytes]]: ...
def open_output(
    path: str | os.PathLike[str], option: str, mode: Literal["w", "wb"] = "w", *, newline: str | None = None
) -> contextlib.AbstractContextManager[IO[str]] | contextlib.AbstractContextManager[IO[bytes]]:
    """A file object to write ``path`` through (text UTF-8 for ``"w"``, bytes for ``"wb"``).

    The target appears only when the ``with`` block ends without an exception; an exception
    leaves the old file (or none) and removes the temporary one. Pass ``newline=""`` for the
    csv module.
    """
    return _open_output(path, option, mode, newline)


@contextlib.contextmanager
def _open_output(path: str | os.PathLike[str], option: str, mode: str, newline: str | None) -> Iterator[IO]:  # type: ignore[type-arg]
    target = check_output_path(path, option)
    text_args = {"encoding": "utf-8", "newline": newline} if mode == "w" else {}
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise OutputPathError(_not_writable(option, str(path), error)) from None
    if info is not None and not stat.S_ISREG(info.st_mode):  # a FIFO or device: stream into it
        try:
            stream = open(target, mode, **text_args)  # noqa: SIM115 - closed below
        except OSError as error:
            raise OutputPathError(_not_writable(option, str(path), error)) from None
        try:
            with stream:
                yield stream
        except OSError as error:  # a full device (/dev/full), a pipe whose reader left
            raise OutputPathError(_not_writable(option, str(path), error)) from None
        return
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise OutputPathError(_not_writable(option, str(path), error)) from None
    try:
        if info is not None:
            os.chmod(descriptor, stat.S_IMODE(info.st_mode))
        with open(descriptor, mode, **text_args) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise OutputPathError(_not_writable(option, str(path), error)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_output(path: str | os.PathLike[str], data: str | bytes, option: str) -> Path:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` atomically; returns the path written."""
    target = check_output_path(path, option)
    if isinstance(data, bytes):
        with open_output(target, option, "wb") as binary:
            binary.write(data)
    else:
        with open_output(target, option, "w") as stream:
            stream.write(data)
    return target


def _not_writable(option: str, text: str, error: OSError) -> str:
    return f"{option} {text}: cannot write the file ({_reason(error)}); choose another path"


def _reason(error: BaseException) -> str:
    return error.strerror if isinstance(error, OSError) and error.strerror else str(error)
