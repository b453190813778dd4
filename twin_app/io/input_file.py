"""Reading an input file a user or a scenario named, safely.

Scenario files, order books and benchmark instances are read here, so each gets the same
guards: a path with a NUL byte, a folder, a file larger than
:data:`~twin_app.model.limits.MAX_INPUT_BYTES` or a device that never ends (``/dev/zero``)
is a clear :class:`InputFileError`, never a MemoryError or a traceback; a binary file is
recognised by its NUL bytes before it is decoded. The message never quotes the file's
content, so naming a file by mistake cannot print it.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from twin_app.errors import TwinError
from twin_app.model.limits import MAX_INPUT_BYTES

_CHUNK = 1 << 20


class InputFileError(TwinError):
    """An input file that cannot be read as text; the message says why (no path in it)."""


def read_input_text(path: str | os.PathLike[str], encoding: str = "utf-8") -> str:
    """The text of the file at ``path``, decoded with ``encoding``.

    Raises FileNotFoundError for a missing file (callers word that themselves) and
    InputFileError for every other reason it cannot be read.
    """
    text = os.fspath(path)
    if "\0" in text:
        raise InputFileError("the file name contains a NUL byte; type the name again")
    if Path(text).is_dir():
        raise InputFileError("is a folder, not a file; name a file inside it")
    chunks: list[bytes] = []
    size = 0
    try:
        with open(text, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                if not chunks and chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    raise InputFileError("is saved as UTF-16 text; save it as UTF-8")
                if b"\0" in chunk:
                    raise InputFileError("is a binary file (it contains NUL bytes), not a text file")
                size += len(chunk)
                if size > MAX_INPUT_BYTES:
                    raise InputFileError(
                        f"is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB (MAX_INPUT_BYTES), or never ends; "
                        "name the intended file"
                    )
                chunks.append(chunk)
    except FileNotFoundError:
        raise
    except OSError as error:
        raise InputFileError(f"cannot read the file: {error.strerror or error}") from None
    data = b"".join(chunks)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputFileError(
            f"is not {encoding.upper().removesuffix('-SIG')} text (byte {error.start}); save it as UTF-8"
        ) from None
