"""The directory as XML (DIR5), read with ``defusedxml``: a DTD, entities and external
references are refused, and so is a file over :data:`MAX_FILE_BYTES` before it is read
(issue 13 "Bad input"). Format in ``docs/directory.md``::

    <directory>
      <person>
        <external_id>1001</external_id>
        <given_name>Karin</given_name>
        <family_name>Carlsson</family_name>
        <extension>2041</extension>
        <unit>Samhällsbyggnad/Bygglov</unit>
        <title>Bygglovshandläggare</title>
      </person>
    </directory>

Each child of ``<person>`` is a column of the CSV format; a several-valued column repeats
its element, one value each. A custom field is ``<custom name="anstnr">4711</custom>``.
"""

from __future__ import annotations

import xml.sax
from collections.abc import Iterable, Iterator, Sequence
from xml.sax.saxutils import escape, quoteattr
from xml.sax.xmlreader import AttributesImpl, Locator

import defusedxml
import defusedxml.sax

from vaxel.directory_io.columns import (
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_PEOPLE,
    MAX_VALUES,
    SEVERAL,
    Record,
)
from vaxel.directory_io.errors import ImportRefused

__all__ = ["ROOT", "read_xml", "write_xml"]

ROOT = "directory"
PERSON = "person"
CUSTOM = "custom"
MAX_VALUE_CHARS = 4000


class _Reader(xml.sax.ContentHandler):
    """Collects records; depth 0 is outside the root, 1 inside it, 2 inside a person,
    3 inside one of its values — nothing deeper is allowed."""

    def __init__(self, custom: frozenset[str]) -> None:
        super().__init__()
        self.custom = custom
        self.records: list[Record] = []
        self._depth = 0
        self._record: Record | None = None
        self._column = ""
        self._text: list[str] = []
        self._length = 0
        self._where: Locator | None = None

    def setDocumentLocator(self, locator: Locator) -> None:
        self._where = locator

    def line(self) -> int:
        """The line the parser is at (0 before it started)."""
        return (self._where.getLineNumber() or 0) if self._where is not None else 0

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        line = self.line()
        expected = (ROOT, PERSON)[self._depth] if self._depth < 2 else None
        if self._depth >= 3:
            raise ImportRefused(line, name, "xml-nested", value=name)
        if expected is not None and name != expected:
            raise ImportRefused(line, name, "unknown-element", value=name, allowed=expected)
        if self._depth == 1:
            if len(self.records) >= MAX_PEOPLE:
                raise ImportRefused(line, PERSON, "people-max", max=MAX_PEOPLE)
            self._record = Record(line)
        elif self._depth == 2:
            name = self._column_of(name, attrs, line)
            assert self._record is not None
            already = self._record.values.get(name, [])
            if already and name not in SEVERAL:
                raise ImportRefused(line, name, "given-twice", value=name)
            if len(already) >= MAX_VALUES:
                raise ImportRefused(line, name, "values-max", max=MAX_VALUES)
            self._column = name
            self._text = []
            self._length = 0
            self._record.lines.setdefault(name, line)
        self._depth += 1

    def _column_of(self, element: str, attrs: AttributesImpl, line: int) -> str:
        """The column an element of a person holds: its name, or a custom field's
        ``name`` attribute (field names may start with a digit, XML names may not)."""
        if element == CUSTOM:
            name = attrs.get("name", "")
            if name not in self.custom:
                allowed = ", ".join(sorted(self.custom)) or "-"
                raise ImportRefused(line, name, "unknown-column", value=name, allowed=allowed)
            return name
        if element not in COLUMNS:
            allowed = ", ".join((*COLUMNS, CUSTOM))
            raise ImportRefused(line, element, "unknown-column", value=element, allowed=allowed)
        return element

    def characters(self, content: str) -> None:
        if self._depth == 3:
            self._length += len(content)
            if self._length > MAX_VALUE_CHARS:
                raise ImportRefused(
                    self.line(), self._column, "too-long", max=MAX_VALUE_CHARS, length=self._length
                )
            self._text.append(content)
        elif content.strip():
            raise ImportRefused(self.line(), PERSON, "xml-text")

    def endElement(self, name: str) -> None:
        self._depth -= 1
        if self._depth == 2 and self._record is not None:
            value = "".join(self._text).strip()
            if value:
                self._record.values.setdefault(self._column, []).append(value)
        elif self._depth == 1 and self._record is not None:
            self.records.append(self._record)
            self._record = None


def read_xml(data: bytes, custom_fields: Iterable[str] = ()) -> list[Record]:
    """The records of an XML file; raises ImportRefused naming the line and the element
    of the first thing wrong, or a DTD, an entity or an external reference."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(0, "", "file-too-large", max=MAX_FILE_BYTES)
    reader = _Reader(frozenset(custom_fields))
    try:
        defusedxml.sax.parseString(
            data, reader, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException:
        raise ImportRefused(reader.line(), "", "xml-entities") from None
    except xml.sax.SAXParseException as error:
        raise ImportRefused(
            error.getLineNumber() or 0, "", "file-syntax", value=error.getMessage()
        ) from None
    return reader.records


def write_xml(
    people: Iterable[Sequence[Sequence[str]]], custom_fields: Sequence[str] = ()
) -> Iterator[str]:
    """The XML text, piece by piece: each person's values per column of :data:`COLUMNS`
    and the custom fields (a several-valued column as repeated elements)."""
    opening = [f"<{name}>" for name in COLUMNS]
    opening += [f"<{CUSTOM} name={quoteattr(name)}>" for name in custom_fields]
    closing = [f"</{name}>" for name in COLUMNS] + [f"</{CUSTOM}>"] * len(custom_fields)
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<{ROOT}>\n'
    for values in people:
        parts = ["  <person>\n"]
        for start, end, column in zip(opening, closing, values, strict=True):
            parts.extend(f"    {start}{escape(value)}{end}\n" for value in column)
        parts.append("  </person>\n")
        yield "".join(parts)
    yield f"</{ROOT}>\n"
