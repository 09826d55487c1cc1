"""Killed and wounded figures read from sentence structure, on seed sentences and edge cases."""

import pytest

from extraction.casualties import extract_counts, is_aggregate_toll, parse_quantity


def figures(count):
    return None if count is None else (count.best, count.low, count.high)


@pytest.mark.parametrize(
    "phrase, best, low, high, vague",
    [
        ("two", 2, 2, 2, False),
        ("twenty-five", 25, 25, 25, False),
        ("1,200", 1200, 1200, 1200, False),
        ("56", 56, 56, 56, False),
        ("a dozen", 12, 12, 12, False),
        ("at least 56", 56, 56, None, False),
        ("more than 40", 40, 40, None, False),
        ("nearly 300", 300, None, 300, True),
        ("up to 70", 70, None, 70, True),
        ("about 50", 50, None, None, True),
        ("between 10 and 15", 10, 10, 15, False),
        ("10 to 15", 10, 10, 15, False),
        ("dozens", 12, 12, 99, True),
        ("scores", 20, 20, 199, True),
        ("hundreds", 100, 100, 999, True),
        ("thousands", 1000, 1000, 9999, True),
        ("several", 3, 3, 9, True),
        ("a few", 3, 3, 9, True),
    ],
)
def test_parse_quantity(phrase, best, low, high, vague):
    count = parse_quantity(phrase)
    assert (count.best, count.low, count.high, count.vague) == (best, low, high, vague)
    assert count.phrase == phrase


@pytest.mark.parametrize("phrase", ["72-hour", "1 a.m.", "a 25-year-old", "60 km", "$5 million", "30 percent"])
def test_parse_quantity_rejects_non_counts(phrase):
    assert parse_quantity(phrase) is None


def test_subject_count_of_civilians_killed():
    sentence = ("BEIRUT (Reuters) – At least 56 civilians were killed on Tuesday in air strikes north of the "
                "besieged Islamic State-held city of Manbij in northern Syria, a monitoring group said.")
    counts = extract_counts(sentence, offset=500)
    assert figures(counts.killed) == (56, 56, None)
    assert counts.killed.civilians is True
    assert sentence[counts.killed.span_start - 500 : counts.killed.span_end - 500] == "At least 56"
    assert counts.injured is None


def test_object_count_after_killing():
    sentence = ("When a U.S. air strike hit Sabratha in western Libya on Feb. 19, it reduced a building "
                "to rubble, killing dozens of militants and exposing a network of Islamic State cells.")
    killed = extract_counts(sentence).killed
    assert figures(killed) == (12, 12, 99) and killed.vague and killed.civilians is False


def test_killed_and_wounded_are_not_swapped():
    counts = extract_counts("The attack left 43 dead and more than 230 wounded.")
    assert figures(counts.killed) == (43, 43, 43)
    assert figures(counts.injured) == (230, 230, None)
    counts = extract_counts("The blast wounded 239 people and killed 43.")
    assert (counts.killed.best, counts.injured.best) == (43, 239)


def test_seed_airport_sentences():
    sentence = ("Last week’s bomb attack on the main airport Istanbul – which left 45 people dead and hundreds "
                "wounded – showed the importance of working together to counter terrorism, he said.")
    counts = extract_counts(sentence)
    assert (counts.killed.best, counts.injured.best, counts.injured.vague) == (45, 100, True)
    bombers = ("Three suspected Islamic State suicide bombers who killed 43 people in a gun and bomb attack "
               "at Istanbul’s main airport this week were Russian, Uzbek and Kyrgyz nationals.")
    assert extract_counts(bombers).killed.best == 43  # not the three bombers
    assert extract_counts("A further 239 people were wounded.").injured.best == 239


def test_death_toll():
    sentence = ("Interior Minister Efkan Ala told parliament that the death toll had risen to 43, "
                "of whom 19 were foreigners.")
    assert figures(extract_counts(sentence).killed) == (43, 43, 43)


def test_subset_and_wounded_in_the_same_sentence():
    sentence = ("The Britain-based Syrian Observatory for Human Rights said the dead included 11 children, "
                "and that dozens more people were wounded.")
    counts = extract_counts(sentence)
    assert counts.killed is None
    assert figures(counts.injured) == (12, 12, 99)


def test_attackers_are_not_victims():
    counts = extract_counts("Two gunmen killed 5 people at a checkpoint.")
    assert counts.killed.best == 5


def test_including_children_marks_civilians():
    counts = extract_counts("Gunmen killed three people including two children.")
    assert counts.killed.best == 3 and counts.killed.civilians


def test_nearly_is_capped_above():
    sentence = ("IS has increasingly resorted to ad hoc attacks including a bombing in the Iraqi capital "
                "last week that left nearly 300 people dead.")
    assert figures(extract_counts(sentence).killed) == (300, None, 300)


@pytest.mark.parametrize(
    "sentence, claimant",
    [
        ("The group said it had killed 30 soldiers.", "The group"),
        ("In a statement, the army said it killed 40 militants.", "the army"),
        ("Islamic State claimed that its fighters killed 25 soldiers.", "Islamic State"),
        ("Amaq news agency, affiliated with IS, earlier said the group had killed 40 rebel fighters "
         "and captured 15 more in a counter-attack at the Hamadan air base.", "Amaq news agency"),
    ],
)
def test_claims_name_the_claimant(sentence, claimant):
    killed = extract_counts(sentence).killed
    assert killed.claimed_by == claimant and killed.civilians is False


def test_monitor_report_is_not_a_claim():
    assert extract_counts("On Monday, 21 people were killed in raids, the Observatory said.").killed.claimed_by == ""


@pytest.mark.parametrize(
    "sentence",
    [
        "The Observatory said at least 104 civilians have died from air strikes since the start of the Manbij offensive in late May.",
        "Between Sept. 10, 2015 and Feb. 2, 2016, coalition air strikes in Iraq and Syria probably killed 20 civilians and injured 11 others, the U.S. Central Command said in April.",
        "More than 400,000 people have been killed in the war.",
        "The militants have killed thousands since 2011.",
    ],
)
def test_aggregate_tolls_are_not_event_counts(sentence):
    assert is_aggregate_toll(sentence)
    counts = extract_counts(sentence)
    assert counts.killed is None and counts.injured is None
    assert counts.aggregate_tolls


def test_event_count_survives_a_toll_in_another_clause():
    sentence = ("At least 56 civilians were killed on Tuesday, and the Observatory said at least 104 "
                "have died since the start of the offensive.")
    counts = extract_counts(sentence)
    assert counts.killed.best == 56 and [c.best for c in counts.aggregate_tolls] == [104]


def test_deadliest_since_is_not_an_aggregate():
    sentence = "The bombing killed at least 10 people, the deadliest attack since 2014."
    assert not is_aggregate_toll(sentence)
    assert extract_counts(sentence).killed.best == 10


@pytest.mark.parametrize(
    "sentence",
    [
        "Most of the 560 troop reinforcements will work out of Qayara air base.",
        "Washington announced it would dispatch about 200 more soldiers to accompany Iraqi troops.",
        "The Syrian military has declared a 72-hour “regime of calm” from 1 a.m. on Wednesday.",
        "Government forces recovered the air base, about 60 km (40 miles) from the northern city.",
        "Rahma’s sister Ghofran, 18, also married to an Islamic State member, said militants were divided.",
        "The coalition said it has conducted more than 450 strikes in the vicinity of Manbij.",
    ],
)
def test_non_casualty_numbers(sentence):
    counts = extract_counts(sentence)
    assert counts.killed is None and counts.injured is None


def test_single_victim_and_reported_zero():
    assert figures(extract_counts("A U.S. Marine was killed in Makhmour in March when it was shelled by IS.").killed) == (1, 1, 1)
    assert figures(extract_counts("Nobody was killed in the attack.").killed) == (0, 0, 0)


def test_deaths_without_a_number_are_at_least_one():
    killed = extract_counts("Airport employees mourn their friends, who were killed in Tuesday's attack.").killed
    assert (killed.best, killed.low, killed.vague) == (None, 1, True)


@pytest.mark.parametrize("sentence", [
    "A record 900 civilians were killed in the first six months of the year, the U.N. said.",
    "Air strikes killed 40 civilians in the period, the report said.",
    "More than 500 people have been killed in the region since the army intervened.",
])
def test_tolls_over_a_period_are_aggregates(sentence):
    assert is_aggregate_toll(sentence)


def test_a_claim_made_in_a_statement_is_the_party_s_claim():
    counts = extract_counts("The Taliban said in a statement that their fighters had killed 15 police officers.")
    assert counts.killed.best == 15 and counts.killed.claimed_by == "The Taliban"
