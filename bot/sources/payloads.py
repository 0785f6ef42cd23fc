"""Turn bytes from a file or an HTTP body into row objects, whatever shape upstream used.

Accepted: JSON Lines of row objects, a JSON array of them, or a dataset-viewer `/rows` page; each optionally
gzip'd (detected by its magic bytes, not its name, since a URL may not say). The bytes are unpacked, decoded and
parsed a piece at a time and the rows handed out as they are parsed, so a file past a limit is refused when it
passes it (the unpacked size here, a row's length, a board's rows as `limits.BoardRows` counts them), never after
it was held whole: a gzip bomb, or a board of ten times the limit, costs a few pieces' memory to refuse
(BENCHMARKS.md, "Memory to refuse junk").
"""

from __future__ import annotations

import codecs
import io
import itertools
import json
import re
import zlib
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from .base import PARQUET_MAGIC, SourceError
from .limits import MAX_DECOMPRESSED_BYTES, MAX_ROW_TEXT, BoardRows

_GZIP_MAGIC = b"\x1f\x8b"
PIECE = 1 << 16  # bytes read, and bytes unpacked, at a time
_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's white space
_AFTER_NUMBER = frozenset(" \t\n\r,]}")
_DECODER = json.JSONDecoder()


def _gzip_member() -> Any:
    return zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)


def _unpacked(stream: BinaryIO, *, origin: str) -> Iterator[bytes]:
    """The stream's bytes a piece at a time, gunzip'd when they start as gzip does (a gzip file may hold several
    members). Past MAX_DECOMPRESSED_BYTES unpacked, refused: no more than a piece past the limit is ever unpacked."""
    data = stream.read(PIECE)
    while 0 < len(data) < len(_GZIP_MAGIC) and (more := stream.read(PIECE)):  # a pipe may hand out less
        data += more
    if not data.startswith(_GZIP_MAGIC):
        while data:
            yield data
            data = stream.read(PIECE)
        return
    member, size = _gzip_member(), 0
    try:
        while True:
            piece = member.decompress(data, PIECE)
            size += len(piece)
            if size > MAX_DECOMPRESSED_BYTES:
                raise SourceError(
                    f"{origin}: unpacks to over {MAX_DECOMPRESSED_BYTES:,} bytes, the limit for one file; refused"
                )
            if piece:
                yield piece
            if member.eof:
                data = member.unused_data or stream.read(PIECE)
                if not data:
                    return
                member = _gzip_member()
            elif member.unconsumed_tail or len(piece) == PIECE:  # more to unpack from what was read already
                data = member.unconsumed_tail
            elif not (data := stream.read(PIECE)):
                raise EOFError("the last member ends early")
    except (EOFError, zlib.error) as exc:
        raise SourceError(f"{origin}: the gzip data is truncated or corrupt ({exc})") from None


class _Text:
    """The unpacked text as it is decoded, read as lines (JSON Lines) or JSON values (an array, a page): only what
    is not read yet is kept. It knows the line it is at, for messages."""

    def __init__(self, pieces: Iterator[bytes], *, origin: str) -> None:
        self.origin = origin
        self.text = ""
        self.at = 0  # where reading is, in `text`
        self._pieces = pieces
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._done = False
        self._bytes = 0  # bytes decoded before the piece being decoded, to say where one is not UTF-8
        self._dropped = 0  # characters read and dropped
        self._lines = 0  # line breaks in them

    def more(self) -> bool:
        """Another piece of text after what is held (what was read is dropped); False at the end."""
        if self._done:
            return False
        piece = next(self._pieces, None)
        self._done = piece is None
        pending = len(self._decoder.getstate()[0])  # the start of a character the last piece cut
        try:
            decoded = self._decoder.decode(piece or b"", final=self._done)
        except UnicodeDecodeError as exc:
            raise SourceError(f"{self.origin}: not UTF-8 text (byte {self._bytes - pending + exc.start})") from None
        self._bytes += len(piece or b"")
        self._dropped += self.at
        self._lines += self.text.count("\n", 0, self.at)
        self.text = self.text[self.at :] + decoded
        self.at = 0
        return True

    def line_number(self) -> int:
        return self._lines + self.text.count("\n", 0, self.at) + 1

    def position(self) -> int:
        """Characters read so far."""
        return self._dropped + self.at

    def peek(self) -> str:
        """The next character that is not white space ('' at the end), not taken."""
        while True:
            self.at = _SPACE.match(self.text, self.at).end()  # type: ignore[union-attr]
            if self.at < len(self.text) or not self.more():
                return self.text[self.at : self.at + 1]

    def take(self, char: str) -> bool:
        if self.peek() != char:
            return False
        self.at += 1
        return True

    def line(self) -> str | None:
        """The rest of the line (None at the end of the text), at most MAX_ROW_TEXT characters."""
        searched = 0
        while (end := self.text.find("\n", self.at + searched)) < 0:
            searched = len(self.text) - self.at
            if searched > MAX_ROW_TEXT:
                break
            if not self.more():
                if not searched:
                    return None
                end = len(self.text)
                break
        if end < 0 or end - self.at > MAX_ROW_TEXT:
            raise SourceError(
                f"{self.origin}: line {self.line_number()} is over {MAX_ROW_TEXT:,} characters, the limit for one"
                " row; refused"
            )
        line = self.text[self.at : end]
        self.at = min(end + 1, len(self.text))
        return line

    def value(self) -> Any:
        """The JSON value at the reading point, of at most MAX_ROW_TEXT characters."""
        self.peek()
        while True:
            try:
                found, end = _DECODER.raw_decode(self.text, self.at)
                # a number is whole only where something other than a digit, '.', 'e' or a sign follows it
                whole = not isinstance(found, int | float) or self.text[end : end + 1] in _AFTER_NUMBER
                if (end < len(self.text) and whole) or self._done:
                    self.at = end
                    return found
                problem = "ends with the text read so far"
            except json.JSONDecodeError as exc:
                if self._done:
                    raise self.invalid(exc.msg) from None
                problem = exc.msg
            held = len(self.text) - self.at
            if held > MAX_ROW_TEXT:
                raise self.invalid(f"{problem}, within {MAX_ROW_TEXT:,} characters, the limit for one row")
            while len(self.text) - self.at < 2 * held + 1 and self.more():  # twice as much: a long value is
                pass  # parsed a few times, not once per piece

    def invalid(self, problem: str, *, line: int | None = None) -> SourceError:
        where = line or self.line_number()
        return SourceError(f"{self.origin}: line {where} is not valid JSON ({problem}); truncated file?")

    def end(self) -> None:
        """Nothing but white space may follow a JSON document."""
        if self.peek():
            raise self.invalid("extra data after the document")


def viewer_page_rows(payload: Any, *, origin: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows and feature names from one dataset-viewer `/rows` or `/filter` answer."""
    if not isinstance(payload, dict) or not isinstance(payload.get("rows"), list):
        raise SourceError(f"{origin}: not a dataset-viewer page (no 'rows' list)")
    features = payload.get("features") or []
    names = [f.get("name") for f in features if isinstance(f, dict)]
    return [_page_row(item, origin=origin) for item in payload["rows"]], names


def _page_row(item: Any, *, origin: str) -> dict[str, Any]:
    row = item.get("row") if isinstance(item, dict) else None
    if not isinstance(row, dict):
        raise SourceError(f"{origin}: a dataset-viewer row has no 'row' object")
    return row


def stream_rows(stream: BinaryIO, *, origin: str) -> Iterator[dict[str, Any]]:
    """The row objects in `stream`, each as soon as it is parsed."""
    pieces = _unpacked(stream, origin=origin)
    first = b""
    for piece in pieces:  # enough to tell a Parquet file
        first += piece
        if len(first) >= len(PARQUET_MAGIC):
            break
    if first.startswith(PARQUET_MAGIC):
        raise SourceError(f"{origin}: Parquet is not read here; use JSON Lines or the dataset-viewer API")
    text = _Text(itertools.chain((first,), pieces), origin=origin)
    head = text.peek()
    if not head:
        raise SourceError(f"{origin}: the file is empty")
    if head == "[":
        yield from _array_rows(text)
        return
    if head == "{":
        row = yield from _first_object(text)
        if row is None:  # a dataset-viewer page, whose rows are out
            text.end()
            return
        on = text.line_number()
        if (rest := text.line()) and rest.strip():
            raise text.invalid("extra data after the first row", line=on)
        yield row
    yield from _lines(text)


def _items(text: _Text) -> Iterator[Any]:
    """The items of the JSON array at the reading point, each as soon as it is parsed."""
    text.take("[")
    if text.take("]"):
        return
    while True:
        yield text.value()
        if text.take("]"):
            return
        if not text.take(","):
            raise text.invalid("expecting ',' delimiter")


def _array(text: _Text) -> Iterator[Any]:
    """A document that is one JSON array: its items."""
    yield from _items(text)
    text.end()


def _array_rows(text: _Text) -> Iterator[dict[str, Any]]:
    for item in _array(text):
        if not isinstance(item, dict):
            raise SourceError(f"{text.origin}: the JSON array holds something other than row objects")
        yield item


def array_items(data: bytes, *, origin: str) -> Iterator[Any] | None:
    """The items of `data`, a bare JSON array (a Hub leaderboard answer), each as soon as it is parsed; None when
    `data` is not an array."""
    text = _Text(_unpacked(io.BytesIO(data), origin=origin), origin=origin)
    return _array(text) if text.peek() == "[" else None


def _first_object(text: _Text) -> Generator[dict[str, Any], None, dict[str, Any] | None]:
    """The text's first object, a key at a time: a dataset-viewer page (its rows handed out as they are parsed,
    and None returned) or the first row of JSON Lines, returned. A page is an object with a 'rows' list; what it
    holds besides is parsed and dropped, and what comes before its rows is held to the length of a row."""
    starts_on, start = text.line_number(), text.position()
    text.take("{")
    found: dict[str, Any] = {}
    page = False
    if not text.take("}"):
        while True:
            if text.peek() != '"':
                raise text.invalid("expecting property name enclosed in double quotes")
            key = text.value()
            if not text.take(":"):
                raise text.invalid("expecting ':' delimiter")
            if key == "rows":
                if text.peek() != "[":
                    raise SourceError(f"{text.origin}: not a dataset-viewer page (no 'rows' list)")
                page = True
                for item in _items(text):
                    yield _page_row(item, origin=text.origin)
            elif page:
                text.value()
            else:
                found[key] = text.value()
                if text.position() - start > MAX_ROW_TEXT:
                    raise SourceError(
                        f"{text.origin}: line {starts_on} is over {MAX_ROW_TEXT:,} characters, the limit for one row;"
                        " refused"
                    )
            if text.take("}"):
                break
            if not text.take(","):
                raise text.invalid("expecting ',' delimiter")
    if page:
        return None
    if text.line_number() != starts_on:
        raise text.invalid("a row over several lines", line=starts_on)
    return found


def _lines(text: _Text) -> Iterator[dict[str, Any]]:
    """JSON Lines from the reading point: one row object a line, blank lines skipped."""
    number = text.line_number()
    while (line := text.line()) is not None:
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SourceError(
                    f"{text.origin}: line {number} is not valid JSON ({exc.msg}); truncated file?"
                ) from None
            if not isinstance(row, dict):
                raise SourceError(f"{text.origin}: line {number} is not a JSON object")
            yield row
        number += 1


def parse_rows(data: bytes, *, origin: str, counted: BoardRows | None = None) -> list[dict[str, Any]]:
    """The rows of `data`; `counted` counts them per board as they are parsed, and refuses the import at the row
    that passes a limit (the rows after it are never parsed)."""
    found = stream_rows(io.BytesIO(data), origin=origin)
    return counted.read(found) if counted is not None else list(found)


def read_rows(path: str | Path, *, counted: BoardRows | None = None) -> list[dict[str, Any]]:
    """`parse_rows` of a file, read a piece at a time."""
    path = Path(path)
    try:
        with path.open("rb") as stream:
            found = stream_rows(stream, origin=str(path))
            return counted.read(found) if counted is not None else list(found)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read it ({exc.strerror or exc})") from None
