"""XML import (issue 13 §3, DIR5): the documented format, read with defusedxml — entities,
a DTD, external references and oversized files are refused, and nothing is imported."""

from __future__ import annotations

import pytest

from vaxel.directory.model import FieldDef, FieldType
from vaxel.directory_io import FileFormat, ImportRefused, export_directory, import_directory
from vaxel.directory_io import columns as columns_module
from vaxel.store.directory import DirectoryStore, ImportMode

DIRECTORY = """<?xml version="1.0" encoding="UTF-8"?>
<directory>
  <person>
    <external_id>1001</external_id>
    <given_name>Karin</given_name>
    <family_name>Carlsson</family_name>
    <extension>2041</extension>
    <mobile>070-123 45 67</mobile>
    <unit>Samhällsbyggnad/Bygglov</unit>
    <unit>Kommunledning</unit>
    <title>Bygglovshandläggare</title>
    <keywords>strandskydd</keywords>
    <keywords>bygglov &amp; marklov</keywords>
  </person>
  <person>
    <external_id>1002</external_id>
    <given_name>Erik</given_name>
    <family_name>Lindqvist</family_name>
    <mobile>{mobile}</mobile>
  </person>
</directory>
"""


def _import(store: DirectoryStore, text: str) -> None:
    import_directory(store, "exempelby", text.encode(), FileFormat.XML, ImportMode.UPSERT)


def test_the_documented_xml_becomes_people(store: DirectoryStore) -> None:
    _import(store, DIRECTORY.format(mobile="0701112233"))
    karin = store.by_external_id("exempelby", "1001")
    assert karin is not None
    assert (karin.extension, karin.mobile) == ("2041", "+46701234567")
    assert karin.keywords == ("strandskydd", "bygglov & marklov")
    names = {u.unit_id: u.name for u in store.units("exempelby")}
    assert [names[u] for u in karin.unit_ids] == ["Bygglov", "Kommunledning"]


def test_a_bad_number_names_the_line_of_its_element_and_imports_nothing(
    store: DirectoryStore,
) -> None:
    with pytest.raises(ImportRefused) as refused:
        _import(store, DIRECTORY.format(mobile="070 12"))
    assert (refused.value.line, refused.value.column, refused.value.code) == (
        19,
        "mobile",
        "phone-number",
    )
    assert store.people("exempelby") == []


@pytest.mark.parametrize(
    ("text", "line", "code"),
    [
        (DIRECTORY.replace("<title>", "<titel>", 1), 11, "unknown-column"),
        ("<people><person/></people>", 1, "unknown-element"),
        (
            "<directory><person><given_name><b>x</b></given_name></person></directory>",
            1,
            "xml-nested",
        ),
        ("<directory><person>text</person></directory>", 1, "xml-text"),
        ("<directory><person><external_id>1</person></directory>", 1, "file-syntax"),
    ],
)
def test_a_file_not_in_the_format_is_refused_with_its_line(
    store: DirectoryStore, text: str, line: int, code: str
) -> None:
    with pytest.raises(ImportRefused) as refused:
        _import(store, text)
    assert (refused.value.line, refused.value.code) == (line, code)


@pytest.mark.parametrize(
    "text",
    [
        # an external entity reading a local file (XXE)
        '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<directory><person><external_id>&x;</external_id></person></directory>",
        # the billion laughs
        '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        "<directory><person><given_name>&b;</given_name></person></directory>",
        # a DTD alone
        '<?xml version="1.0"?>\n<!DOCTYPE directory SYSTEM "http://127.0.0.1:1/d.dtd">\n'
        "<directory/>",
    ],
)
def test_entities_and_dtds_are_refused(store: DirectoryStore, text: str) -> None:
    with pytest.raises(ImportRefused) as refused:
        _import(store, text)
    assert refused.value.code == "xml-entities"
    assert store.people("exempelby") == []


def test_an_oversized_file_is_refused_before_it_is_read(
    store: DirectoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = DIRECTORY.format(mobile="0701112233")
    monkeypatch.setattr("vaxel.directory_io.xml_format.MAX_FILE_BYTES", len(text.encode()) - 1)
    with pytest.raises(ImportRefused) as refused:
        _import(store, text)
    assert refused.value.code == "file-too-large"
    assert columns_module.MAX_FILE_BYTES > 10_000_000  # 100,000 people fit


def test_custom_fields_are_named_by_attribute_and_must_be_defined(store: DirectoryStore) -> None:
    person = (
        "<directory><person><external_id>1</external_id><given_name>Karin</given_name>"
        '<family_name>Carlsson</family_name><custom name="2nd-phone">08-123 456 78</custom>'
        "</person></directory>"
    )
    with pytest.raises(ImportRefused) as refused:
        _import(store, person)
    assert (refused.value.column, refused.value.code) == ("2nd-phone", "unknown-column")
    store.put_fields("exempelby", [FieldDef("2nd-phone", "Annat nummer", FieldType.PHONE)])
    _import(store, person)
    karin = store.by_external_id("exempelby", "1")
    assert karin is not None and karin.custom_value("2nd-phone") == "08-123 456 78"
    exported = "".join(export_directory(store, "exempelby", FileFormat.XML))
    assert '<custom name="2nd-phone">08-123 456 78</custom>' in exported
