"""A streaming reader of a JSON list: one element at a time, with hard limits.

Knows nothing of the tracker: it reads a (maybe gzipped) byte stream in
chunks, refuses more than a limit of bytes (decompressed) or of
elements, and says where the JSON goes wrong by line and column. A file over
a limit is refused before it is read whole.
"""

import codecs
import gzip
import io
import json
import re
import zlib

CHUNK = 64 * 1024


class ImportRefused(Exception):
    """The file cannot be imported; ``errors`` says why, one line each."""

    def __init__(self, errors, status=422):
        if isinstance(errors, str):
            errors = [errors]
        self.errors = list(errors)
        self.status = status
        super().__init__("\n".join(self.errors))


class _Capped(io.RawIOBase):
    """A binary stream that refuses to give more than ``limit`` bytes."""

    def __init__(self, stream, limit, what):
        self.stream = stream
        self.limit = limit
        self.what = what
        self.total = 0

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.stream.read(size if size and size > 0 else CHUNK)
        self.total += len(data)
        if self.total > self.limit:
            raise ImportRefused(
                f"The file is over the import limit of {self.limit:,} bytes{self.what}.",
                status=413,
            )
        return data


def open_fixture(stream, limit):
    """A reader of the fixture's JSON bytes, decompressing gzip with a hard cap."""
    head = stream.read(2)
    stream.seek(0)
    if head == b"\x1f\x8b":
        return _Capped(gzip.GzipFile(fileobj=stream), limit, " once decompressed")
    return _Capped(stream, limit, "")


def _refuse_constant(name):
    raise ValueError(f"{name} is not allowed in JSON")


class _Reader:
    """Text read from a byte stream on demand, with line numbers."""

    WS = re.compile(r"[ \t\n\r]*")

    def __init__(self, stream, progress=None):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.line = 1  # the line at buf[counted]
        self.counted = 0
        self.bytes_read = 0
        self.progress = progress

    def more(self, size=CHUNK):
        if self.eof:
            return False
        try:
            data = self.stream.read(size)
        except (OSError, EOFError, zlib.error) as exc:
            raise ImportRefused(f"The file is not valid gzip ({exc}).") from exc
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            at = self.bytes_read + exc.start
            raise ImportRefused(f"The file is not UTF-8 text (bad byte at offset {at}).") from exc
        self.bytes_read += len(data)
        if not data:
            self.eof = True
        if self.pos > CHUNK:
            self.line_at(self.pos)
            self.buf = self.buf[self.pos :]
            self.counted -= self.pos
            self.pos = 0
        self.buf += text
        if self.progress:
            self.progress("Reading", self.bytes_read, None)
        return True

    def line_at(self, pos):
        self.line += self.buf.count("\n", self.counted, pos)
        self.counted = pos
        return self.line

    def where(self, pos):
        line = self.line + self.buf.count("\n", self.counted, pos)
        column = pos - self.buf.rfind("\n", 0, pos)
        return f"Line {line}, column {column}"

    def peek(self):
        """The next character that is not white space ('' at the end)."""
        while True:
            self.pos = self.WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def value(self, decoder, index):
        line = self.line_at(self.pos)
        while True:
            try:
                value, end = decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # Maybe the object goes on in the part not read yet: read as
                # much again (so a long object costs linear time), then retry.
                if self.more(max(CHUNK, len(self.buf) - self.pos)):
                    continue
                raise ImportRefused(
                    f"{self.where(exc.pos)}: not valid JSON ({exc.msg}), in object {index}."
                ) from exc
            except (ValueError, RecursionError) as exc:
                raise ImportRefused(
                    f"Line {line}: object {index} cannot be read ({str(exc)[:100]})."
                ) from exc
            if end == len(self.buf) and self.more():
                continue  # a number may go on in the next chunk
            self.pos = end
            return line, value


def iter_objects(stream, limit, progress=None):
    """(index, line, value) for each element of the file's top-level JSON list.

    Reads the stream in chunks and decodes one element at a time, so a file
    over the object limit is refused before it is read whole.
    """
    reader = _Reader(stream, progress)
    decoder = json.JSONDecoder(parse_constant=_refuse_constant)
    start = reader.peek()
    if start == "":
        raise ImportRefused("The file is empty.")
    if start == "{":
        raise ImportRefused(
            f"{reader.where(reader.pos)}: the file holds a JSON object, not a list of "
            "objects ([{…}, …]) as a fixture does."
        )
    if start != "[":
        raise ImportRefused(
            f"{reader.where(reader.pos)}: not JSON, or not a fixture: a fixture is a JSON "
            f"list of objects ([{{…}}, …]); this file starts with {start!r}."
        )
    reader.pos += 1
    index = 0
    if reader.peek() == "]":
        reader.pos += 1
    else:
        while True:
            index += 1
            if index > limit:
                raise ImportRefused(
                    f"The file holds more than {limit:,} objects, the import limit.", status=413
                )
            yield (index, *reader.value(decoder, index))
            after = reader.peek()
            reader.pos += 1
            if after == "]":
                break
            if after != ",":
                what = "the end of the file" if after == "" else repr(after)
                raise ImportRefused(
                    f"{reader.where(reader.pos - 1)}: expected ',' or ']' after object "
                    f"{index}, found {what}."
                )
            if reader.peek() == "]":
                raise ImportRefused(
                    f"{reader.where(reader.pos)}: a comma after the last object is not JSON."
                )
    if reader.peek() != "":
        raise ImportRefused(f"{reader.where(reader.pos)}: more data after the end of the list.")
