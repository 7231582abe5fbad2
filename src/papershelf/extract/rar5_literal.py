"""A RAR5 *compressed* stream that holds only literals, to probe real decompression.

No free RAR writer exists, yet a tool must be seen to decode RAR5's Huffman
blocks before it is trusted (Debian's ``7z`` extracts only stored entries).
The main table gives every byte an 8-bit code and nothing else a code, so each
literal is its own byte in the bit stream; the format is that of RARLAB's
unrar (``Unpack::ReadBlockHeader``, ``ReadTables``), read MSB first.

``vint`` and ``header`` frame RAR5 headers, for the probe archive here and for
the tests' own archive writer.
"""

from __future__ import annotations

import struct
import zlib


def vint(value: int) -> bytes:
    """RAR5's variable-length integer: 7 bits a byte, low bits first."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def header(body: bytes) -> bytes:
    """A RAR5 header: CRC32 of size and body, the size, then the body."""
    size = vint(len(body))
    return struct.pack("<I", zlib.crc32(size + body)) + size + body


TABLE_SIZE = 306 + 64 + 16 + 44  # main, distance, low-distance, repeat-length tables
BLOCK = 1 << 20


class _Bits:
    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.count = 0

    def put(self, value: int, width: int) -> None:
        self.acc = (self.acc << width) | value
        self.count += width
        while self.count >= 8:
            self.count -= 8
            self.out.append((self.acc >> self.count) & 0xFF)
        self.acc &= (1 << self.count) - 1


def _tables(bits: _Bits) -> None:
    # Bit-length code: symbol 8 (a length of 8) -> "0", 17 (repeat) -> "10", 19 (zeros) -> "11".
    for symbol in range(20):
        bits.put({8: 1, 17: 2, 19: 2}.get(symbol, 0), 4)
    bits.put(0b0, 1)  # literal 0 gets length 8
    for repeat in (138, 117):  # ...and so do literals 1-255
        bits.put(0b10, 2)
        bits.put(repeat - 11, 7)
    for zeros in (138, TABLE_SIZE - 256 - 138):  # every other symbol: no code
        bits.put(0b11, 2)
        bits.put(zeros - 11, 7)


def _block(payload: bytes, tables: bool, last: bool) -> bytes:
    bits = _Bits()
    if tables:
        _tables(bits)
    if bits.count == 0:  # byte-aligned: the literals are the payload itself
        body, last_bits = bytes(bits.out) + payload, 8
    else:  # shift the whole payload by the table's odd bits at once (big-int arithmetic)
        width = bits.count + 8 * len(payload)
        value = (bits.acc << (8 * len(payload))) | int.from_bytes(payload, "big")
        pad = -width % 8
        body = bytes(bits.out) + (value << pad).to_bytes((width + pad) // 8, "big")
        last_bits = 8 - pad
    size = len(body)
    count = 1 if size < 1 << 8 else 2 if size < 1 << 16 else 3
    flags = (last_bits - 1) | ((count - 1) << 3) | (0x40 if last else 0) | (0x80 if tables else 0)
    check = (0x5A ^ flags ^ size ^ (size >> 8) ^ (size >> 16)) & 0xFF
    return bytes([flags, check]) + size.to_bytes(count, "little") + body


def encode(data: bytes) -> bytes:
    """``data`` as RAR5 compressed blocks (method 3, 128 KiB dictionary)."""
    if not data:
        return _block(b"", True, True)
    chunks = [data[i : i + BLOCK] for i in range(0, len(data), BLOCK)]
    return b"".join(_block(chunk, i == 0, i == len(chunks) - 1) for i, chunk in enumerate(chunks))


COMPRESSION_INFO = 3 << 7  # method 3 ("normal"), version 0, dictionary 128 KiB
SOLID_FLAG = 0x40
