"""Directory search over 100,000 people, in process: p50/p99 per kind of query (issue 13).

``python -m benchmarks.directory_search [--people N] [--queries N] [--seed S]``

Generates a municipality's directory (Swedish given and family names with their spelling
variants, a unit tree of 8 administrations × 8 units, titles, rooms, extensions, mobiles),
builds a :class:`~vaxel.directory.search.DirectoryIndex` and times ``search(query, 20)``:

- prefix: the first 2–5 letters of a name, as typed (also 1 letter, shown on its own);
- phonetic: a family name spelt another way than in the directory (Carlson for Karlsson);
- combined: two or three words (a given name and a unit, a name and a variant, a number's
  start typed in groups, a room).

Also the recall and precision on the variant corpus (``tests/directory/corpus``). Not a
test: figures go into BENCHMARKS.md with the machine and its load average.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from vaxel.directory.evaluation import evaluate, parse_corpus
from vaxel.directory.model import Person, PhoneNumber, Unit
from vaxel.directory.search import DirectoryIndex

CORPUS = Path(__file__).parent.parent / "tests" / "directory" / "corpus"


GIVEN = (
    "Anna", "Eva", "Maria", "Karin", "Kristina", "Christina", "Lena", "Kerstin", "Sara", "Emma",
    "Ingrid", "Marie", "Malin", "Jenny", "Hanna", "Linnea", "Linnéa", "Elin", "Johanna", "Sofia",
    "Sophia", "Ida", "Julia", "Elisabet", "Elisabeth", "Katarina", "Catharina", "Birgitta",
    "Margareta", "Annika", "Camilla", "Kamilla", "Cecilia", "Helena", "Susanne", "Ulrika", "Åsa",
    "Erik", "Lars", "Karl", "Carl", "Anders", "Johan", "Per", "Nils", "Mikael", "Michael", "Jan",
    "Hans", "Peter", "Thomas", "Tomas", "Daniel", "Fredrik", "Fredric", "Henrik", "Oskar",
    "Oscar", "Gustav", "Gustaf", "Magnus", "Mattias", "Matthias", "Stefan", "Olof", "Olov",
    "Viktor", "Victor", "Jakob", "Jacob", "Filip", "Philip", "Kristoffer", "Christoffer", "Göran",
    "Jöran", "Åke", "Mohammed", "Muhammad", "Ahmed", "Ali", "Fatima", "Yusuf", "Jusuf", "Leila",
    "Amir", "Sven", "Bengt", "Leif", "Kjell", "Ulf",
)  # fmt: skip
FAMILY = (
    "Andersson", "Anderson", "Johansson", "Johanson", "Karlsson", "Carlsson", "Karlson",
    "Nilsson", "Eriksson", "Ericsson", "Larsson", "Olsson", "Ohlsson", "Persson", "Pehrsson",
    "Svensson", "Gustafsson", "Gustavsson", "Pettersson", "Petersson", "Jonsson", "Jansson",
    "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Jacobsson", "Magnusson",
    "Olofsson", "Lindström", "Lindqvist", "Lindquist", "Lindkvist", "Lundqvist", "Lundkvist",
    "Bergqvist", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Sjöberg",
    "Schöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Lundin", "Håkansson", "Björk",
    "Bergman", "Gunnarsson", "Holm", "Wikström", "Vikström", "Samuelsson", "Isaksson", "Fransson",
    "Bergström", "Nordström", "Lundberg", "Axelsson", "Kjellberg", "Tjellberg", "Zetterberg",
    "Setterberg", "Sjögren", "Dahl", "Dahlberg", "Dalberg", "Ekdahl", "Ekdal", "Åberg", "Öberg",
    "Hedlund", "Mattsson", "Matsson", "Nyberg", "Strand", "Hellström", "Blomqvist", "Blomquist",
    "Holmqvist", "Söderberg", "Claesson", "Klasson", "Wahlberg", "Mårtensson", "Martensson",
    "Mohammadi", "Ali", "Hussein", "Ahmadi", "Nguyen", "Kaya", "Yilmaz", "Nieminen", "Virtanen",
)  # fmt: skip
VARIANT_QUERIES = (
    "carlson", "karlson", "karlsson", "carlsson", "lindquist", "lindkvist", "lindqvist",
    "schöberg", "sjoberg", "skjöberg", "tjellberg", "kjellberg", "setterberg", "zetterberg",
    "gustavson", "gustafson", "ohlson", "olsson", "pehrson", "persson", "petterson", "peterson",
    "ericson", "erikson", "bergquist", "bergkvist", "blomkvist", "holmquist", "dal", "ekdal",
    "wickström", "vikstrom", "martensson", "klason", "claeson", "eriksson", "johanson",
    "andersen", "jacobson", "jakobson", "wahlberg", "walberg", "mattson", "matson", "sjögren",
    "schögren", "oberg", "aberg", "hellstrom", "söderbergh", "nordstrom",
)  # fmt: skip
ADMINISTRATIONS = [
    "Kommunledningsförvaltningen",
    "Samhällsbyggnadsförvaltningen",
    "Socialförvaltningen",
    "Utbildningsförvaltningen",
    "Kultur- och fritidsförvaltningen",
    "Miljöförvaltningen",
    "Tekniska förvaltningen",
    "Vård- och omsorgsförvaltningen",
]
UNIT_NAMES = (
    "Bygglov", "Planenheten", "Socialjouren", "Ekonomienheten", "Personalenheten",
    "Kommunikation", "Kundtjänst", "Gatuenheten", "Fastighet", "Förskola", "Grundskola",
    "Gymnasiet", "Biblioteket", "Fritid", "Hemtjänsten", "Äldreboende", "Tillsyn", "Livsmedel",
    "Individ", "Familj", "Arbetsmarknad", "Överförmyndare", "Upphandling", "Registratur",
)  # fmt: skip
TITLES = (
    "handläggare", "bygglovshandläggare", "socialsekreterare", "enhetschef", "ekonom",
    "controller", "registrator", "lärare", "rektor", "undersköterska", "sjuksköterska",
    "miljöinspektör", "planarkitekt", "kommunikatör", "nämndsekreterare", "systemförvaltare",
)  # fmt: skip


def generate(count: int, seed: int) -> tuple[list[Unit], list[Person]]:
    """A deterministic municipality of ``count`` people."""
    rng = random.Random(seed)
    units = [Unit(f"adm{a}", name) for a, name in enumerate(ADMINISTRATIONS)]
    for a in range(len(ADMINISTRATIONS)):
        for u in range(8):
            units.append(Unit(f"adm{a}-u{u}", rng.choice(UNIT_NAMES), f"adm{a}"))
    leaves = [unit.unit_id for unit in units if unit.parent_id]
    people = []
    for n in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        numbers = (
            PhoneNumber.parse("extension", str(100000 + n)),
            PhoneNumber.parse("mobile", f"07{rng.choice('0236')}{n:07d}"),
        )
        people.append(
            Person(
                f"p{n}",
                f"E{n}",
                given,
                family,
                numbers=numbers,
                email=f"{given}.{family}@exempelby.se".casefold(),
                unit_ids=(rng.choice(leaves),),
                room=f"{rng.choice('ABCDE')}{rng.randint(1, 400)}",
                titles=(rng.choice(TITLES),),
            )
        )
    return units, people


def _queries(
    people: list[Person], units: list[Unit], rng: random.Random, n: int
) -> dict[str, list[str]]:
    names = [word for person in people[:5000] for word in (person.given_name, person.family_name)]
    unit_names = [unit.name.split()[0].casefold() for unit in units if unit.parent_id]
    prefix = [rng.choice(names).casefold()[: rng.randint(2, 5)] for _ in range(n)]
    single = [rng.choice(names).casefold()[:1] for _ in range(n)]
    phonetic = [rng.choice(VARIANT_QUERIES) for _ in range(n)]
    combined = []
    for i in range(n):
        person = rng.choice(people)
        kind = i % 4
        if kind == 0:
            combined.append(f"{person.given_name} {rng.choice(unit_names)}")
        elif kind == 1:
            combined.append(f"{person.given_name} {rng.choice(VARIANT_QUERIES)}")
        elif kind == 2:
            national = "0" + (person.mobile or "+460")[3:]
            combined.append(f"{national[:3]} {national[3:5]} {national[5:7]}")
        else:
            combined.append(f"rum {person.room} {person.given_name[:3]}")
    return {
        "prefix": prefix,
        "prefix, 1 letter": single,
        "phonetic": phonetic,
        "combined": combined,
    }


def _time(search: Callable[[str], object], queries: list[str]) -> dict[str, float]:
    """Wall time and this thread's CPU time per query (on a loaded machine the wall time's
    tail is mostly waiting for a core; the CPU time is the search's own cost)."""
    wall, cpu = [], []
    for query in queries:
        start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
        search(query)
        cpu.append((time.thread_time_ns() - start_cpu) / 1e6)
        wall.append((time.perf_counter_ns() - start) / 1e6)
    wall.sort()
    cpu.sort()
    p99 = int(len(wall) * 0.99) - 1
    return {
        "p50_ms": statistics.median(wall),
        "p99_ms": wall[p99],
        "cpu_p50_ms": statistics.median(cpu),
        "cpu_p99_ms": cpu[p99],
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.directory_search")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    units, people = generate(args.people, args.seed)
    start = time.perf_counter()
    index = DirectoryIndex(people, units=units)
    built = time.perf_counter() - start
    for person in people[::7]:
        index.set_available(person.person_id, False)
    queries = _queries(people, units, rng, args.queries)
    for batch in queries.values():  # warm: sort the postings the queries touch once
        for query in batch[:50]:
            index.search(query)
    print(f"load average {os.getloadavg()[0]:.1f}; {len(index):,} people indexed in {built:.1f} s")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"{'queries':<20}{'p50 ms':>9}{'p99 ms':>9}{'CPU p50':>9}{'CPU p99':>9}")
    rows = {kind: _time(lambda q: index.search(q, 20), batch) for kind, batch in queries.items()}
    rows["combined, presence"] = _time(
        lambda q: index.search(q, 20, presence_first=True), queries["combined"]
    )
    for kind, row in rows.items():
        print(
            f"{kind:<20}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}"
            f"{row['cpu_p50_ms']:>9.2f}{row['cpu_p99_ms']:>9.2f}"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")
    groups = parse_corpus((CORPUS / "swedish_name_variants.txt").read_text(encoding="utf-8"))
    print(f"\nVariant corpus: {len(groups)} names, {sum(map(len, groups))} spellings")
    for score in evaluate(groups):
        print(f"{score.method:<14} recall {score.recall:.3f}  precision {score.precision:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
