"""Import a CSV or XML file into a tenant's directory, and export it again (DIR5).

An import reads and checks the whole file before anything is written; the store then
writes it in one transaction, so a refused file leaves the directory as it was and an
accepted one is there entirely (issue 13 "Bad input").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from enum import StrEnum

from vaxel.directory_io.csv_format import read_csv, write_csv
from vaxel.directory_io.people import people_from_records, person_values
from vaxel.directory_io.units import UnitPaths
from vaxel.directory_io.xml_format import read_xml, write_xml
from vaxel.store.directory import DirectoryStore, ImportMode, ImportReport

__all__ = ["FileFormat", "export_directory", "import_directory"]


class FileFormat(StrEnum):
    CSV = "csv"
    XML = "xml"


def _new_person_id() -> str:
    return uuid.uuid4().hex[:20]


def import_directory(
    store: DirectoryStore,
    tenant_id: str,
    data: bytes,
    file_format: FileFormat,
    mode: ImportMode,
    *,
    now: float | None = None,
    new_person_id: Callable[[], str] = _new_person_id,
) -> ImportReport:
    """Import ``data``; raises ImportRefused (line, column, rule) and writes nothing when
    any of it is wrong."""
    fields = store.fields(tenant_id)
    names = [field.name for field in fields]
    records = read_csv(data, names) if file_format is FileFormat.CSV else read_xml(data, names)
    units = UnitPaths(store.units(tenant_id))
    people = people_from_records(
        records, fields, units, store.external_ids(tenant_id), new_person_id
    )
    return store.import_people(tenant_id, people, units.added, mode, now)


def export_directory(
    store: DirectoryStore, tenant_id: str, file_format: FileFormat
) -> Iterator[str]:
    """The tenant's active people as a file that :func:`import_directory` reads back."""
    names = [field.name for field in store.fields(tenant_id)]
    units = UnitPaths(store.units(tenant_id))
    rows = (person_values(person, units, names) for person in store.people(tenant_id))
    if file_format is FileFormat.CSV:
        return write_csv(rows, names)
    return write_xml(rows, names)
