"""Turn bytes from a file or an HTTP body into row objects, whatever shape upstream used.

Accepted: JSON Lines of row objects, a JSON array of them, or a dataset-viewer `/rows` page; each optionally
gzip'd (detected by its magic bytes, not its name, since a URL may not say).
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

from .base import SourceError
from .limits import MAX_DECOMPRESSED_BYTES

_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"


def decompress(data: bytes, *, origin: str) -> bytes:
    """The gzip'd data, unpacked only up to MAX_DECOMPRESSED_BYTES: a 1 MB file that unpacks to 1 GB is refused
    before it fills the memory."""
    if not data.startswith(_GZIP_MAGIC):
        return data
    out, rest = bytearray(), data
    try:
        while rest:  # a gzip file may hold several members
            member = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
            out += member.decompress(rest, MAX_DECOMPRESSED_BYTES + 1 - len(out))
            if len(out) > MAX_DECOMPRESSED_BYTES or member.unconsumed_tail:
                raise SourceError(
                    f"{origin}: unpacks to over {MAX_DECOMPRESSED_BYTES:,} bytes, the limit for one file; refused"
                )
            if not member.eof:
                raise EOFError("the last member ends early")
            rest = member.unused_data
    except (EOFError, zlib.error) as exc:
        raise SourceError(f"{origin}: the gzip data is truncated or corrupt ({exc})") from None
    return bytes(out)


def viewer_page_rows(payload: Any, *, origin: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows and feature names from one dataset-viewer `/rows` or `/filter` answer."""
    if not isinstance(payload, dict) or not isinstance(payload.get("rows"), list):
        raise SourceError(f"{origin}: not a dataset-viewer page (no 'rows' list)")
    features = payload.get("features") or []
    names = [f.get("name") for f in features if isinstance(f, dict)]
    rows = []
    for item in payload["rows"]:
        row = item.get("row") if isinstance(item, dict) else None
        if not isinstance(row, dict):
            raise SourceError(f"{origin}: a dataset-viewer row has no 'row' object")
        rows.append(row)
    return rows, names


def parse_rows(data: bytes, *, origin: str) -> list[dict[str, Any]]:
    data = decompress(data, origin=origin)
    if data.startswith(_PARQUET_MAGIC):
        raise SourceError(f"{origin}: Parquet is not read here; use JSON Lines or the dataset-viewer API")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{origin}: not UTF-8 text (byte {exc.start})") from None
    stripped = text.lstrip()
    if not stripped:
        raise SourceError(f"{origin}: the file is empty")
    if stripped[0] in "[{":
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None  # not one JSON document: JSON Lines, parsed below
        if isinstance(whole, dict) and "rows" in whole:
            return viewer_page_rows(whole, origin=origin)[0]
        if isinstance(whole, list):
            if not all(isinstance(r, dict) for r in whole):
                raise SourceError(f"{origin}: the JSON array holds something other than row objects")
            return whole
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SourceError(f"{origin}: line {number} is not valid JSON ({exc.msg}); truncated file?") from None
        if not isinstance(row, dict):
            raise SourceError(f"{origin}: line {number} is not a JSON object")
        rows.append(row)
    return rows


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    return parse_rows(data, origin=str(path))
