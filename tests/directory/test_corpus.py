"""Recall of the directory's name search on our corpus of Swedish spelling variants (DIR2).

The floor is the issue's target (≥ 0.97). Soundex and a plain prefix search are measured
beside it on the same corpus; the figures are in BENCHMARKS.md.
"""

from __future__ import annotations

from pathlib import Path

from vaxel.directory.evaluation import evaluate, parse_corpus

CORPUS = Path(__file__).parent / "corpus" / "swedish_name_variants.txt"


def test_the_search_finds_97_percent_of_spelling_variants_and_beats_the_baselines() -> None:
    groups = parse_corpus(CORPUS.read_text(encoding="utf-8"))
    scores = {score.method: score for score in evaluate(groups)}
    ours, key = scores["växel search"], scores["phonetic key"]
    assert ours.pairs >= 600  # a few hundred variant pairs, each asked both ways
    assert ours.recall >= 0.97, (ours.found, ours.pairs)
    assert ours.recall > scores["soundex"].recall + 0.15
    assert ours.recall > scores["prefix"].recall + 0.5
    # the key alone joins only true variants: what it adds to a match is right
    assert key.precision >= 0.98 and key.recall > scores["soundex"].recall


def test_the_corpus_is_well_formed() -> None:
    groups = parse_corpus(CORPUS.read_text(encoding="utf-8"))
    names = [name for group in groups for name in group]
    assert len(names) == len(set(names)), "a spelling on two lines"
    assert all(len(group) >= 2 for group in groups)
