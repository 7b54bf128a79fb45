"""The CSV and XML formats both ways, and fuzzed (STYLE rule 6): whatever people a
directory holds, writing them out and reading the file back gives the same people; and no
bytes make the readers fail with anything but a coded ImportRefused."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaxel.directory.model import NumberKind, Person, PhoneNumber, Unit
from vaxel.directory_io.csv_format import read_csv, write_csv
from vaxel.directory_io.errors import ImportRefused
from vaxel.directory_io.people import people_from_records, person_values
from vaxel.directory_io.units import UnitPaths
from vaxel.directory_io.xml_format import read_xml, write_xml

UNITS = (
    Unit("samhallsbyggnad", "Samhällsbyggnad"),
    Unit("bygglov", "Bygglov", "samhallsbyggnad"),
    Unit("socialjour", "Socialjour, akut", None),
)
# Text a directory holds: letters (Swedish ones too), digits, punctuation a CSV or XML
# writer must escape (",", '"', "<", "&"), but no ";" (it separates values in a cell).
TEXT = (
    st.text(
        alphabet=st.characters(
            whitelist_categories=("L", "N", "Zs"), whitelist_characters=",\"'<>&-()./=+@"
        ),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
EXTENSION = st.integers(100, 99_999_999).map(str)
MOBILE = st.integers(0, 9_999_999).map(lambda n: f"+4670{n:07d}")


@st.composite
def people(draw: st.DrawFn) -> list[Person]:
    count = draw(st.integers(1, 6))
    result = []
    for n in range(count):
        numbers = [
            PhoneNumber(NumberKind.EXTENSION, e) for e in draw(st.sets(EXTENSION, max_size=2))
        ]
        numbers += [PhoneNumber(NumberKind.MOBILE, m) for m in draw(st.sets(MOBILE, max_size=2))]
        result.append(
            Person(
                person_id=f"p{n}",
                external_id=f"{draw(TEXT)}-{n}",
                given_name=draw(TEXT),
                family_name=draw(TEXT),
                numbers=tuple(numbers),
                unit_ids=tuple(draw(st.sets(st.sampled_from([u.unit_id for u in UNITS])))),
                room=draw(st.one_of(st.just(""), TEXT)),
                titles=tuple(draw(st.lists(TEXT, max_size=3, unique=True))),
                keywords=tuple(draw(st.lists(TEXT, max_size=3, unique=True))),
            )
        )
    return result


def _read_back(directory: list[Person], file_format: str) -> list[Person]:
    paths = UnitPaths(UNITS)
    rows = [person_values(person, paths, ()) for person in directory]
    if file_format == "csv":
        text = "".join(write_csv(rows))
        records = read_csv(text.encode())
    else:
        text = "".join(write_xml(rows))
        records = read_xml(text.encode())
    ids = {person.external_id: person.person_id for person in directory}
    counter = itertools.count()
    units = UnitPaths(UNITS)
    found = people_from_records(records, (), units, ids, lambda: f"new{next(counter)}")
    assert units.added == []  # every path named a unit of the tree
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people(), st.sampled_from(["csv", "xml"]))
def test_what_is_written_reads_back_as_the_same_people(
    directory: list[Person], file_format: str
) -> None:
    assert _read_back(directory, file_format) == directory


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["csv", "xml"]))
def test_any_bytes_are_read_or_refused_with_a_code(data: bytes, file_format: str) -> None:
    reader = read_csv if file_format == "csv" else read_xml
    try:
        records = reader(data)
        people_from_records(records, (), UnitPaths(()), {}, lambda: "p")
    except ImportRefused as refused:
        assert refused.code and refused.line >= 0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["external_id", "given_name", "x", "1", ",", '"', "\n", ";"])),
        max_size=5,
    )
)
def test_csv_like_text_is_read_or_refused_with_a_code(rows: list[list[str]]) -> None:
    text = "external_id,given_name,family_name\n" + "\n".join(",".join(r) for r in rows)
    try:
        people_from_records(read_csv(text.encode()), (), UnitPaths(()), {}, lambda: "p0")
    except ImportRefused as refused:
        assert refused.code


def test_a_value_a_spreadsheet_would_run_is_exported_as_text() -> None:
    """CSV injection: "=HYPERLINK(…)" in a person's title must not run when an admin opens
    the export in Excel; phone numbers starting with + stay as they are (DIR5)."""
    rows = [
        [["x1"], ['=HYPERLINK("http://evil")'], ["@SUM(A1)"], ["+46 70-123 45 67"], ["-2+3"]],
    ]
    lines = "".join(write_csv(rows)).splitlines()
    assert lines[1] == 'x1,"\'=HYPERLINK(""http://evil"")",\'@SUM(A1),+46 70-123 45 67,\'-2+3'
