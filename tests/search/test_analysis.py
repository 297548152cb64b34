"""The analyzer: what becomes a term (compound tokens, stop words, stems)."""

from kbtools.search.analysis import STOP_WORDS, analyze
from kbtools.search.stemmer import stem


def terms(text):
    return [t for t, _ in analyze(text)]


def test_error_codes_are_kept_whole_and_split():
    assert terms("Error 0x8007007A") == ["error", "0x8007007a", "8007007a"]
    assert terms("550 5.1.10") == ["550", "5.1.10", "5", "1", "10"]


def test_dotted_names_and_versions_keep_the_whole_and_the_parts_at_consecutive_positions():
    assert list(analyze("System.Net.Http 16.0.1")) == [
        ("system.net.http", 0),
        ("system", 0),
        ("net", 1),
        ("http", 2),
        ("16.0.1", 3),
        ("16", 3),
        ("0", 4),
        ("1", 5),
    ]


def test_hyphenated_words_are_also_joined():
    assert terms("e-mail") == ["e-mail", "email", "mail"]


def test_support_stop_words_keep_negations_and_modals():
    assert {"not", "can", "will", "no", "cannot"}.isdisjoint(STOP_WORDS)
    assert terms("How do I reset it? It will not start and I can't") == ["how", "reset", "will", "not", "start", "cant"]


def test_stop_words_keep_their_position_for_phrases():
    assert list(analyze("turn off the sync")) == [("turn", 0), ("off", 1), ("sync", 3)]


def test_porter_reference_stems():
    # Examples from Porter's paper and the reference implementation's test vocabulary.
    cases = {
        "caresses": "caress",
        "ponies": "poni",
        "ties": "ti",
        "cats": "cat",
        "feed": "feed",
        "agreed": "agre",
        "plastered": "plaster",
        "motoring": "motor",
        "sing": "sing",
        "conflated": "conflat",
        "troubled": "troubl",
        "sized": "size",
        "hopping": "hop",
        "tanned": "tan",
        "falling": "fall",
        "hissing": "hiss",
        "fizzed": "fizz",
        "failing": "fail",
        "filing": "file",
        "happy": "happi",
        "relational": "relat",
        "conditional": "condit",
        "rational": "ration",
        "valenci": "valenc",
        "digitizer": "digit",
        "generalization": "gener",
        "electrical": "electr",
        "adjustment": "adjust",
        "controll": "control",
        "roll": "roll",
        "resetting": "reset",
    }
    assert {w: stem(w) for w in cases} == cases


def test_non_ascii_words_are_not_stemmed_but_lower_cased():
    assert terms("Überprüfung CAFÉS") == ["überprüfung", "cafés"]
