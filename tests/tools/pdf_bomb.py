"""A PDF whose one page's content stream inflates far beyond its file size (a compressed-stream
bomb), written without a PDF library: a small valid PDF around a deflate stream of spaces (in a
content stream, a space is no operator at all), then one line of text."""

from __future__ import annotations

import zlib


def bomb_pdf(inflated_mb: int) -> bytes:
    stream = deflated_spaces(inflated_mb, b"BT /F1 12 Tf 72 720 Td (Referat Direktionen) Tj ET\n")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def deflated_spaces(megabytes: int, tail: bytes) -> bytes:
    """A zlib stream of `megabytes` MB of spaces and then `tail`, made in milliseconds: after a full
    flush a compressor starts afresh, so every megabyte of spaces deflates to the same bytes, which
    are repeated; the checksum is computed over what they inflate to."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the zlib header and checksum are ours
    chunk = b" " * 2**20
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH) == block
    ending = compressor.compress(tail) + compressor.flush()
    checksum = 1
    for _ in range(megabytes):
        checksum = zlib.adler32(chunk, checksum)
    checksum = zlib.adler32(tail, checksum)
    return b"\x78\xda" + block * megabytes + ending + checksum.to_bytes(4, "big")
