#!/usr/bin/env python3
"""Print the size and colours of an 8-bit RGB or RGBA PNG file as JSON.

Usage: png_colours.py FILE [RRGGBB ...]

Prints {"width", "height", "distinctColours", "nonWhiteShare", "counts": {RRGGBB: pixels}}.
Uses only the standard library (zlib), so the browser test needs no image package.
Interlaced files and other colour types are rejected with exit status 2.
"""
import json
import struct
import sys
import zlib


def paeth(left, up, upper_left):
    """Return the Paeth predictor of PNG filter type 4."""
    estimate = left + up - upper_left
    distance_left = abs(estimate - left)
    distance_up = abs(estimate - up)
    distance_upper_left = abs(estimate - upper_left)
    if distance_left <= distance_up and distance_left <= distance_upper_left:
        return left
    if distance_up <= distance_upper_left:
        return up
    return upper_left


def read_png(path):
    with open(path, "rb") as file:
        data = file.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG file")
    offset = 8
    idat = b""
    header = None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length

    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or colour_type not in (2, 6) or interlace != 0:
        print(f"{path}: unsupported PNG (depth {depth}, colour type {colour_type}, "
              f"interlace {interlace})", file=sys.stderr)
        sys.exit(2)

    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows = []
    previous = bytearray(stride)
    position = 0

    for _ in range(height):
        kind = raw[position]
        line = bytearray(raw[position + 1:position + 1 + stride])
        position += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            upper_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + paeth(left, up, upper_left)) & 0xFF
        rows.append(line)
        previous = line
    return width, height, channels, rows


def main():
    path = sys.argv[1]
    wanted = [colour.lower() for colour in sys.argv[2:]]
    width, height, channels, rows = read_png(path)
    histogram = {}
    for line in rows:
        for x in range(0, len(line), channels):
            key = line[x:x + 3].hex()
            histogram[key] = histogram.get(key, 0) + 1
    pixels = width * height
    print(json.dumps({
        "width": width,
        "height": height,
        "distinctColours": len(histogram),
        "nonWhiteShare": 1 - histogram.get("ffffff", 0) / pixels,
        "counts": {colour: histogram.get(colour, 0) for colour in wanted},
    }))


if __name__ == "__main__":
    main()
