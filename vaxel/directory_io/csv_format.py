"""The directory as CSV (DIR5): a header row naming the columns, one person per row,
UTF-8 (a byte-order mark is allowed, as spreadsheets write one), comma or semicolon
separated (Swedish Excel writes semicolons). Format in ``docs/directory.md``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence

from vaxel.directory_io.columns import (
    COLUMNS,
    LIST_SEPARATOR,
    MAX_FILE_BYTES,
    MAX_PEOPLE,
    MAX_VALUES,
    SEVERAL,
    Record,
)
from vaxel.directory_io.errors import ImportRefused

__all__ = ["MAX_CELL_CHARS", "read_csv", "write_csv"]

MAX_CELL_CHARS = 4000
"""One cell; the longest standard value (a list of keywords) is far shorter."""
FORMULA_START = frozenset("=+-@\t\r")
"""What makes Excel or LibreOffice read a cell as a formula (CSV injection, OWASP)."""
PHONE_LIKE = re.compile(r"[+-]?[0-9][0-9 ()-]*")
"""A phone number such as +46 70-123 45 67 starts with + but is no formula: kept as is."""


def _formula_like(cell: str) -> bool:
    return cell[:1] in FORMULA_START and PHONE_LIKE.fullmatch(cell) is None


def _guard(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe, shown as text;
    a cell that already starts with one before such a character gets another, so reading
    the file back gives exactly what was written."""
    if _formula_like(cell) or (cell[:1] == "'" and _formula_like(cell[1:].lstrip("'"))):
        return "'" + cell
    return cell


def _unguard(cell: str) -> str:
    if cell[:1] == "'" and _formula_like(cell[1:].lstrip("'")):
        return cell[1:]
    return cell


def read_csv(data: bytes, custom_fields: Iterable[str] = ()) -> list[Record]:
    """The records of a CSV file; raises ImportRefused naming the line and the column of
    the first thing wrong (an unknown column, a missing one, a malformed row)."""
    text = _text(data)
    first_line = text[:4096].split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous_line = 0
    try:
        header = next(reader, None)
        if header is None:
            raise ImportRefused(1, "external_id", "missing-column", value="external_id")
        columns = _columns(header, frozenset(custom_fields))
        records: list[Record] = []
        previous_line = reader.line_num
        for row in reader:
            line = previous_line + 1
            previous_line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                raise ImportRefused(line, "", "row-length", value=len(row), other=len(columns))
            if len(records) >= MAX_PEOPLE:
                raise ImportRefused(line, "", "people-max", max=MAX_PEOPLE)
            records.append(_record(line, columns, row))
    except csv.Error as error:
        raise ImportRefused(previous_line + 1, "", "file-syntax", value=str(error)) from None
    return records


def _text(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(0, "", "file-too-large", max=MAX_FILE_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRefused(line, "", "utf-8") from None


def _columns(header: Sequence[str], custom: frozenset[str]) -> list[str]:
    columns = [name.strip() for name in header]
    seen: set[str] = set()
    for name in columns:
        if name not in COLUMNS and name not in custom:
            allowed = ", ".join((*COLUMNS, *sorted(custom)))
            raise ImportRefused(1, name, "unknown-column", value=name, allowed=allowed)
        if name in seen:
            raise ImportRefused(1, name, "given-twice", value=name)
        seen.add(name)
    for name in ("external_id", "given_name", "family_name"):
        if name not in seen:
            raise ImportRefused(1, name, "missing-column", value=name)
    return columns


def _record(line: int, columns: Sequence[str], row: Sequence[str]) -> Record:
    record = Record(line)
    for name, raw in zip(columns, row, strict=True):
        cell = _unguard(raw)
        if len(cell) > MAX_CELL_CHARS:
            raise ImportRefused(line, name, "too-long", max=MAX_CELL_CHARS, length=len(cell))
        if name in SEVERAL:
            values = [v.strip() for v in cell.split(LIST_SEPARATOR) if v.strip()]
            if len(values) > MAX_VALUES:
                raise ImportRefused(line, name, "values-max", max=MAX_VALUES)
        else:
            values = [cell.strip()] if cell.strip() else []
        if values:
            record.values[name] = values
    return record


def write_csv(
    people: Iterable[Sequence[Sequence[str]]], custom_fields: Sequence[str] = ()
) -> Iterator[str]:
    """The CSV text, line by line: the header, then each person's values per column of
    :data:`COLUMNS` and the custom fields (several values joined with ``;``). A value a
    spreadsheet would run as a formula is written as text (see :func:`_guard`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow((*COLUMNS, *custom_fields))
    yield buffer.getvalue()
    for values in people:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_guard(LIST_SEPARATOR.join(column)) for column in values])
        yield buffer.getvalue()
