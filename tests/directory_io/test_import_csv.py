"""CSV import and export of the directory (issue 13 §3, DIR5): a file is taken whole or
not at all, and a refusal names the line and the column."""

from __future__ import annotations

import pytest

from vaxel.directory.model import FieldDef, FieldType, Person, Visibility
from vaxel.directory_io import FileFormat, ImportRefused, export_directory, import_directory
from vaxel.directory_sync.mapping import PREFIX
from vaxel.store.directory import SYNCED_PREFIX, DirectoryStore, ImportMode

HEADER = "external_id,given_name,family_name,extension,mobile,email,unit,title,room,keywords"
KARIN = (
    "1001,Karin,Carlsson,2041,070-123 45 67,karin.carlsson@exempelby.se,"
    "Samhällsbyggnad/Bygglov,Bygglovshandläggare,B12,bygglov;strandskydd"
)
ERIK = "1002,Erik,Lindqvist,2042,,,Samhällsbyggnad/Bygglov;Kommunledning,Chef,B14,"
SARA = "1003,Sara,Sjöberg,2101,0701112233,,Socialtjänst/Socialjour,Socialsekreterare,,jour"


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join((header, *rows)).encode()


def _import(store: DirectoryStore, data: bytes, mode: ImportMode = ImportMode.UPSERT) -> None:
    import_directory(store, "exempelby", data, FileFormat.CSV, mode)


def test_a_csv_file_becomes_people_with_normalised_numbers_and_a_unit_tree(
    store: DirectoryStore,
) -> None:
    report = import_directory(
        store, "exempelby", _csv(KARIN, ERIK, SARA), FileFormat.CSV, ImportMode.REPLACE
    )
    assert (report.added, report.updated, report.deactivated) == (3, 0, 0)
    karin = store.by_external_id("exempelby", "1001")
    assert karin is not None
    assert (karin.given_name, karin.family_name, karin.room) == ("Karin", "Carlsson", "B12")
    assert karin.extension == "2041"
    assert karin.mobile == "+46701234567"
    assert karin.keywords == ("bygglov", "strandskydd")
    units = {unit.unit_id: unit for unit in store.units("exempelby")}
    (bygglov,) = karin.unit_ids
    assert units[bygglov].name == "Bygglov"
    assert units[units[bygglov].parent_id or ""].name == "Samhällsbyggnad"
    erik = store.by_external_id("exempelby", "1002")
    assert erik is not None and erik.unit_ids[0] == bygglov  # the same path, the same unit
    assert [p.family_name for p in store.by_extension("exempelby", "2101")] == ["Sjöberg"]
    assert store.people("grannby") == []


@pytest.mark.parametrize(
    ("row", "line", "column", "code"),
    [
        ("1004,Anna,Berg,2050,070-12,,,,,", 4, "mobile", "phone-number"),
        ("1004,Anna,Berg,20x0,,,,,,", 4, "extension", "phone-number"),
        ("1004,Anna,Berg,,,anna(at)exempelby,,,,", 4, "email", "email"),
        ("1001,Anna,Berg,2050,,,,,,", 4, "external_id", "external-id-twice"),
        ("1004,Anna,Berg,2050,,,Bygg//lov,,,", 4, "unit", "unit-path"),
        ("1004,Anna,Berg,2050,,", 4, "", "row-length"),
        (",Anna,Berg,2050,,,,,,", 4, "external_id", "required-text"),
    ],
)
def test_a_bad_row_refuses_the_whole_file_naming_line_and_column(
    store: DirectoryStore, row: str, line: int, column: str, code: str
) -> None:
    with pytest.raises(ImportRefused) as refused:
        _import(store, _csv(KARIN, ERIK, row, SARA))
    assert (refused.value.line, refused.value.column, refused.value.code) == (line, column, code)
    assert refused.value.params["line"] == line
    assert store.people("exempelby") == []  # nothing of the file, not even the good rows
    assert store.units("exempelby") == []


def test_an_unknown_column_is_refused_unless_it_is_a_custom_field(store: DirectoryStore) -> None:
    data = _csv("1001,Karin,Carlsson,4711", header="external_id,given_name,family_name,anstnr")
    with pytest.raises(ImportRefused) as refused:
        _import(store, data)
    assert (refused.value.line, refused.value.column, refused.value.code) == (
        1,
        "anstnr",
        "unknown-column",
    )
    store.put_fields("exempelby", [FieldDef("anstnr", "Anställningsnummer")])
    _import(store, data)
    karin = store.by_external_id("exempelby", "1001")
    assert karin is not None and karin.custom_value("anstnr") == "4711"


def test_a_custom_field_value_is_checked_by_its_type(store: DirectoryStore) -> None:
    store.put_fields(
        "exempelby", [FieldDef("privat", "Privat mobil", FieldType.PHONE, Visibility.OPERATORS)]
    )
    data = _csv(
        "1001,Karin,Carlsson,070-555 55 55",
        "1002,Erik,Lindqvist,ring mig",
        header="external_id,given_name,family_name,privat",
    )
    with pytest.raises(ImportRefused) as refused:
        _import(store, data)
    assert (refused.value.line, refused.value.column) == (3, "privat")
    assert store.people("exempelby") == []


def test_a_missing_required_column_is_named(store: DirectoryStore) -> None:
    with pytest.raises(ImportRefused) as refused:
        _import(store, _csv("1001,Karin", header="external_id,given_name"))
    assert (refused.value.line, refused.value.column, refused.value.code) == (
        1,
        "family_name",
        "missing-column",
    )


def test_incremental_import_keeps_ids_and_batch_import_deactivates_the_missing(
    store: DirectoryStore,
) -> None:
    _import(store, _csv(KARIN, ERIK), ImportMode.REPLACE)
    karin_id = store.external_ids("exempelby")["1001"]
    import_directory(store, "grannby", _csv(KARIN), FileFormat.CSV, ImportMode.REPLACE)

    married = KARIN.replace("Carlsson", "Karlsson")
    report = import_directory(
        store, "exempelby", _csv(married, SARA), FileFormat.CSV, ImportMode.UPSERT
    )
    assert (report.added, report.updated, report.deactivated) == (1, 1, 0)
    karin = store.person("exempelby", karin_id)
    assert karin.family_name == "Karlsson"  # the same person, renamed
    assert {p.external_id for p in store.people("exempelby")} == {"1001", "1002", "1003"}

    report = import_directory(
        store, "exempelby", _csv(married, SARA), FileFormat.CSV, ImportMode.REPLACE
    )
    assert (report.added, report.updated, report.deactivated) == (0, 2, 1)
    assert {p.external_id for p in store.people("exempelby")} == {"1001", "1003"}
    erik = store.by_external_id("exempelby", "1002")
    assert erik is not None and not erik.active  # kept, not lost
    grannby = store.people("grannby")
    assert [p.family_name for p in grannby] == ["Carlsson"]  # the other tenant untouched


def test_excel_style_semicolons_and_a_byte_order_mark_are_read(store: DirectoryStore) -> None:
    data = "\ufeffexternal_id;given_name;family_name;extension\n1001;Karin;Carlsson;2041\n"
    _import(store, data.encode())
    karin = store.by_external_id("exempelby", "1001")
    assert karin is not None and karin.extension == "2041"


def test_a_file_that_is_not_utf8_is_refused_with_its_line(store: DirectoryStore) -> None:
    data = _csv(KARIN) + "\n1002,Åsa,Öberg,2043,,,,,,".encode("latin-1")
    with pytest.raises(ImportRefused) as refused:
        _import(store, data)
    assert (refused.value.line, refused.value.code) == (3, "utf-8")


def test_an_export_imports_back_to_the_same_directory(store: DirectoryStore) -> None:
    store.put_fields("exempelby", [FieldDef("anstnr", "Anställningsnummer")])
    store.put_fields("grannby", [FieldDef("anstnr", "Anställningsnummer")])
    header = f"{HEADER},anstnr"
    _import(store, _csv(f"{KARIN},4711", f"{ERIK},", f"{SARA},4713", header=header))
    for file_format in FileFormat:
        exported = "".join(export_directory(store, "exempelby", file_format)).encode()
        import_directory(store, "grannby", exported, file_format, ImportMode.REPLACE)

        def comparable(tenant: str) -> list[tuple[object, ...]]:
            paths = {u.unit_id: u.name for u in store.units(tenant)}
            return sorted(
                (
                    p.external_id,
                    p.name,
                    p.numbers,
                    p.email,
                    tuple(paths[u] for u in p.unit_ids),
                    p.titles,
                    p.room,
                    p.keywords,
                    p.custom,
                )
                for p in store.people(tenant)
            )

        assert comparable("grannby") == comparable("exempelby")
        assert len(comparable("grannby")) == 3


def test_a_batch_file_leaves_people_entered_by_hand_or_synced_alone(
    store: DirectoryStore,
) -> None:
    store.put_person("exempelby", Person("hand-1", "", "Reception", "Stadshuset"))
    store.put_person("exempelby", Person(f"{SYNCED_PREFIX}abc", "abc", "Nils", "Zetterberg"))
    assert SYNCED_PREFIX == PREFIX  # the store spares exactly the people the sync owns
    report = import_directory(store, "exempelby", _csv(KARIN), FileFormat.CSV, ImportMode.REPLACE)
    assert report.deactivated == 0
    assert {p.person_id for p in store.people("exempelby")} >= {"hand-1", f"{PREFIX}abc"}
