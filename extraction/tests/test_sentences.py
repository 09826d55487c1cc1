"""Sentence splitting keeps offsets into the body and survives wire-copy abbreviations."""
from extraction.sentences import split_sentences


def texts(body):
    return [s.text for s in split_sentences(body)]


def test_offsets_point_into_the_body():
    body = "BEIRUT (Reuters) – At least 56 civilians were killed.\n\nThe U.N. said so. Mr. Smith agreed."
    for s in split_sentences(body):
        assert body[s.start:s.end] == s.text
    assert [s.paragraph for s in split_sentences(body)] == [0, 1, 1]


def test_abbreviations_do_not_end_sentences():
    body = ("When a U.S. air strike hit Sabratha in western Libya on Feb. 19, it reduced a building to rubble. "
            "Gen. Smith and Col. Chris Garver spoke at 1 a.m. on Wednesday. Between Sept. 10, 2015 and Feb. 2, 2016, "
            "strikes killed 20 civilians, the U.S. Central Command said.")
    assert texts(body) == [
        "When a U.S. air strike hit Sabratha in western Libya on Feb. 19, it reduced a building to rubble.",
        "Gen. Smith and Col. Chris Garver spoke at 1 a.m. on Wednesday.",
        "Between Sept. 10, 2015 and Feb. 2, 2016, strikes killed 20 civilians, the U.S. Central Command said.",
    ]


def test_quotes_close_a_sentence():
    body = "“The news is not good. I can say our troops were trapped,” he said. “We have withdrawn.” Saloum told Reuters."
    assert texts(body) == ["“The news is not good.", "I can say our troops were trapped,” he said.",
                           "“We have withdrawn.”", "Saloum told Reuters."]


def test_dotted_abbreviation_before_a_sentence_opener_ends_it():
    assert texts("The strike was carried out by the U.S. The coalition denied it.") == [
        "The strike was carried out by the U.S.", "The coalition denied it."]


def test_empty_body():
    assert split_sentences("") == []
