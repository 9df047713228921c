"""Gzip for cached pages: compressed once, then joined around each request's CSRF token.

Each piece of a cached page is deflated on its own and ends with a full flush, so it
refers to nothing before it and ends on a byte boundary. Such pieces, and the token
deflated the same way, join into one valid gzip stream (as parallel gzip tools build
theirs). Serving a page again then costs a join and a checksum, not a compression.
Since the token never shares a piece with the page, compression says nothing about it.
"""

import re
import struct
import zlib

from django.http import HttpRequest

# gzip magic, deflate, no flags, no modification time, no extra flags, unknown OS.
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


# An empty final block: what ends the stream after the last piece.
_END = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS).flush()


def deflate_pieces(pieces: list[bytes]) -> list[bytes]:
    return [_deflate(piece) for piece in pieces]


def gzip_join(token: bytes, pieces: list[bytes], deflated: list[bytes]) -> bytes:
    """The gzip stream of `token.join(pieces)`, from the pieces deflated beforehand."""
    raw = token.join(pieces)
    trailer = struct.pack("<II", zlib.crc32(raw), len(raw) & 0xFFFFFFFF)
    return _HEADER + _deflate(token).join(deflated) + _END + trailer


def accepts_gzip(request: HttpRequest) -> bool:
    return bool(_ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
