#!/usr/bin/env python3
"""png.py - read a PNG screenshot with the standard library only (zlib).

    png.py stats FILE      prints "WIDTH HEIGHT COLOURS INK" where COLOURS
                           is the number of distinct colours and INK the
                           share of pixels (per mille) that are not the
                           background (the top-left pixel's colour)

Handles what browsers write: 8-bit RGB or RGBA, not interlaced, every
scanline filter (none, sub, up, average, Paeth).
"""
import struct
import sys
import zlib


def read(path):
    """(width, height, channels, rows): rows is a list of bytes objects."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG file" % path)
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace != 0:
        raise ValueError("%s: unsupported PNG (depth %d, type %d)" %
                         (path, depth, ctype))
    ch = 3 if ctype == 2 else 4
    return w, h, ch, unfilter(zlib.decompress(b"".join(idat)), w, h, ch)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(raw, w, h, ch):
    stride = w * ch
    rows, prev, pos = [], bytearray(stride), 0
    for _ in range(h):
        ftype, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - ch] if i >= ch else 0
            b = prev[i]
            c = prev[i - ch] if i >= ch else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 0xFF
            elif ftype == 4:
                line[i] = (line[i] + paeth(a, b, c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return rows


def stats(path):
    w, h, ch, rows = read(path)
    colours, ink = set(), 0
    bg = rows[0][:3]
    for r in rows:
        for x in range(0, w * ch, ch):
            px = r[x:x + 3]
            colours.add(px)
            if px != bg:
                ink += 1
    return w, h, len(colours), ink * 1000 // (w * h)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "stats":
        sys.exit("usage: png.py stats FILE")
    print("%d %d %d %d" % stats(sys.argv[2]))
