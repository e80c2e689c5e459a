"""Hostile workbooks for benchmarks/hostile_inputs.py: zip bombs, forged sizes, lying XML.

Each is built as a real zip around an openpyxl-made seed, its first sheet's XML streamed in (so
a bomb of hundreds of megabytes never exists in memory), with parts replaced or added and, for
a forged header, the declared sizes overwritten.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator

import openpyxl

MB = 1 << 20


_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET = "xl/worksheets/sheet1.xml"


def _seed_parts() -> dict[str, bytes]:
    workbook = openpyxl.Workbook()
    for values in [["Kunde-ID", "Ordredato", "Beløb"], ["007", "2026-11-22", 12.5]]:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def workbook(sheet: Iterable[bytes], *, parts: dict[str, bytes] | None = None,
             declare: dict[str, int] | None = None) -> bytes:
    """A workbook whose first sheet's XML is `sheet` (streamed into the zip, so it may be
    far larger than memory), other parts replaced or added by `parts`, and the sizes the zip
    declares for some parts overwritten by `declare` (a forged header)."""
    seed = {**_seed_parts(), **(parts or {})}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in seed.items():
            if name == SHEET:
                with archive.open(name, "w", force_zip64=True) as out:
                    for chunk in sheet:
                        out.write(chunk)
            else:
                archive.writestr(name, content)
    data = buffer.getvalue()
    for name, size in (declare or {}).items():
        data = _declare(data, name, size)
    return data


def _declare(data: bytes, name: str, size: int) -> bytes:
    """The zip with `name`'s uncompressed size set to `size` in its local and central headers
    (and in the zip64 extra fields, which is where a large member keeps it)."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = raw.find(signature)
        while at >= 0:
            if raw[at + name_at : at + name_at + len(encoded)] == encoded:
                struct.pack_into("<I", raw, at + size_at, min(size, 0xFFFFFFFE))
                extra_len_at = at + (28 if name_at == 30 else 30)
                name_len = struct.unpack_from("<H", raw, at + (26 if name_at == 30 else 28))[0]
                extra = at + name_at + name_len
                end = extra + struct.unpack_from("<H", raw, extra_len_at)[0]
                while extra + 4 <= end:
                    tag, length = struct.unpack_from("<HH", raw, extra)
                    if tag == 1:  # zip64: uncompressed size comes first
                        struct.pack_into("<I", raw, at + size_at, 0xFFFFFFFF)
                        struct.pack_into("<Q", raw, extra + 4, size)
                    extra += 4 + length
            at = raw.find(signature, at + 4)
    return bytes(raw)


def _sheet(rows: Iterable[bytes], dimension: bytes = b"") -> Iterator[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ' + _NS + b">"
    yield dimension + b"<sheetData>"
    batch: list[bytes] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 10_000:
            yield b"".join(batch)
            batch.clear()
    yield b"".join(batch) + b"</sheetData></worksheet>"


def _header_rows() -> list[bytes]:
    return [b'<row r="1"><c r="A1" t="inlineStr"><is><t>Kunde-ID</t></is></c>'
            b'<c r="B1" t="inlineStr"><is><t>Bel\xc3\xb8b</t></is></c></row>']


def _cell_rows(count: int, start: int = 2) -> Iterator[bytes]:
    yield from _header_rows()
    for n in range(start, start + count):
        yield b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>1.5</v></c></row>' % (
            n, n, n, n)


def _rows_sheet(*rows: bytes, dimension: bytes = b"") -> bytes:
    """A workbook whose sheet has the header row, then `rows` as written."""
    return workbook(_sheet([*_header_rows(), *rows], dimension))


def _deep(depth: int) -> Iterator[bytes]:
    yield from _header_rows()
    yield b'<row r="2"><c r="A2"><v>1</v></c></row>'
    yield b"<x>" * depth + b"</x>" * depth


_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;")
                                                    * 10) for i in range(1, 10))
           + b"]>")


def xlsx_shapes() -> dict[str, Callable[[], bytes]]:
    strings_part = {"[Content_Types].xml": _seed_parts()["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')}
    return {
        "zip bomb, 300 MB of rows": lambda: workbook(_sheet(_cell_rows(6_000_000))),
        "zip bomb with a forged small size": lambda: workbook(
            _sheet(_cell_rows(6_000_000)), declare={SHEET: 50_000}),
        "dimension A1:XFD1048576": lambda: workbook(
            _sheet(_cell_rows(2), b'<dimension ref="A1:XFD1048576"/>')),
        "a cell in column XFD": lambda: _rows_sheet(b'<row r="2"><c r="XFD2"><v>1</v></c></row>'),
        "last row only": lambda: _rows_sheet(b'<row r="1048576"><c r="A1048576"><v>1</v></c>'
                                             b'<c r="B1048576"><v>2</v></c></row>'),
        "row number past Excel's last": lambda: _rows_sheet(b'<row r="99999999999"/>'),
        "2M cells under the size limit": lambda: workbook(_sheet(_cell_rows(1_000_000))),
        "3M empty rows": lambda: workbook(_sheet(b'<row r="%d"/>' % n
                                                 for n in range(1, 3 * 10**6))),
        "one row of a million cells": lambda: workbook(_sheet([b"<row>" + b"<c><v>1</v></c>"
                                                               * 10**6 + b"</row>"])),
        "XML nested 100,000 deep": lambda: workbook(_sheet(_deep(100_000))),
        "billion laughs in the sheet": lambda: workbook(
            [_LAUGHS + b"<worksheet " + _NS + b"><sheetData><row><c t=\"inlineStr\"><is><t>&lol9;"
             b"</t></is></c></row></sheetData></worksheet>"]),
        "billion laughs in shared strings": lambda: workbook(_sheet(_cell_rows(2)), parts={
            **strings_part, "xl/sharedStrings.xml": _LAUGHS + b"<sst " + _NS
            + b"><si><t>&lol9;</t></si></sst>"}),
        "90 MB of shared strings": lambda: workbook(_sheet(_cell_rows(2)), parts={
            **strings_part, "xl/sharedStrings.xml": b"<sst " + _NS + b">"
            + b"<si><t>x</t></si>" * (90 * MB // 17) + b"</sst>"}),
        "20,000 parts": lambda: workbook(_sheet(_cell_rows(2)), parts={
            f"xl/junk{i}.bin": b"" for i in range(20_000)}),
        "10 MB inline cell": lambda: _rows_sheet(b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
                                                 + b"z" * (10 * MB) + b"</t></is></c></row>"),
        "20,000-character cell": lambda: _rows_sheet(b'<row r="2"><c r="A2" t="inlineStr"><is>'
                                                     b"<t>" + b"z" * 20_000 + b"</t></is></c>"
                                                     b"</row>"),
        "not a zip, named .xlsx": lambda: b"PK\x03\x04" + b"\xff" * MB,
        "truncated zip": lambda: workbook(_sheet(_cell_rows(100)))[:3000],
        "raw deflate bomb as a stored name": lambda: zlib.compress(b"\x00" * (50 * MB), 9),
    }
