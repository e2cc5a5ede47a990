"""
Pictures in pure Python, so the tests need no imaging package: parse the
binary PPM (P6) that QEMU's screendump writes, count lit pixels in a region,
and write PNG (zlib + crc32 from the standard library).
"""
import struct
import zlib


class Image:
    """RGB pixels, 3 bytes each, rows top to bottom."""

    def __init__(self, width, height, rgb):
        if len(rgb) != width * height * 3:
            raise ValueError("image data is %d bytes, expected %d"
                             % (len(rgb), width * height * 3))
        self.width, self.height, self.rgb = width, height, bytes(rgb)

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.rgb[i:i + 3])

    def lit_pixels(self, x0, y0, x1, y1, threshold=32):
        """How many pixels in [x0,x1) x [y0,y1) have a channel above threshold."""
        x1, y1 = min(x1, self.width), min(y1, self.height)
        count = 0
        for y in range(y0, y1):
            row = self.rgb[(y * self.width + x0) * 3:(y * self.width + x1) * 3]
            for i in range(0, len(row), 3):
                if row[i] > threshold or row[i + 1] > threshold or row[i + 2] > threshold:
                    count += 1
        return count

    def lit_rows(self, threshold=32):
        """Indices of rows that have at least one lit pixel."""
        rows = []
        stride = self.width * 3
        for y in range(self.height):
            row = self.rgb[y * stride:(y + 1) * stride]
            if max(row, default=0) > threshold:
                rows.append(y)
        return rows

    def png(self):
        raw = b"".join(b"\x00" + self.rgb[y * self.width * 3:(y + 1) * self.width * 3]
                       for y in range(self.height))
        return (b"\x89PNG\r\n\x1a\n"
                + _chunk(b"IHDR", struct.pack(">IIBBBBB", self.width, self.height,
                                              8, 2, 0, 0, 0))
                + _chunk(b"IDAT", zlib.compress(raw, 9))
                + _chunk(b"IEND", b""))

    def save_png(self, path):
        with open(path, "wb") as f:
            f.write(self.png())


def _chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def read_ppm(data):
    """Parses a binary PPM (P6, maxval 255) as QEMU's screendump writes it."""
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    magic, width, height, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    if magic != b"P6" or maxval != 255:
        raise ValueError("not a P6/255 PPM: %r %r" % (magic, maxval))
    pos += 1  # exactly one whitespace byte before the pixels
    return Image(width, height, data[pos:pos + width * height * 3])
