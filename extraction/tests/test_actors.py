"""Actor matching on sentences quoted from the seed wire stories."""

from __future__ import annotations

import json

import pytest

from extraction.actors import DEFAULT_FIXTURE, ActorMatcher


@pytest.fixture(scope="module")
def matcher():
    return ActorMatcher.from_fixture()


def found(matcher, text, **kwargs):
    return [(a.mention, a.name) for a in matcher.find(text, **kwargs)]


def test_fixture_is_a_django_fixture_of_actors_with_acled_codes():
    rows = json.loads(DEFAULT_FIXTURE.read_text(encoding="utf-8"))
    assert {row["model"] for row in rows} == {"events.actor"}
    assert len({row["pk"] for row in rows}) == len(rows)
    assert len({row["fields"]["name"] for row in rows}) == len(rows)
    for row in rows:
        fields = row["fields"]
        assert 1 <= fields["actor_type"] <= 8
        assert isinstance(fields["aliases"], list)
        assert len(fields["country"]) in (0, 2)


@pytest.mark.parametrize("alias", ["Daesh", "ISIS", "IS", "ISIL", "Islamic State militants"])
def test_islamic_state_aliases(matcher, alias):
    mentions = matcher.find(f"Fighters of {alias} attacked the town.")
    assert [(m.name, m.mention, m.actor_type) for m in mentions] == [("Islamic State", alias, 2)]


def test_lowercase_is_is_never_an_actor(matcher):
    assert matcher.find("The news is not good, he said, and it is what it is.") == []


def test_capitalised_aliases_need_capitals(matcher):
    assert matcher.find("hawks and doves argued about it") == []
    assert found(matcher, "the United States applauded Hawks for making the arrests") == [
        ("Hawks", "Police Forces of South Africa")]


def test_longest_match_wins_and_matches_do_not_overlap(matcher):
    sentence = ("The U.S.-backed Syria Democratic Forces (SDF), an alliance of Kurdish and Arab fighters, "
                "launched an offensive at the end of May to seize the last territory held by Islamic State "
                "(IS) insurgents on Syria’s frontier with Turkey.")
    assert found(matcher, sentence) == [
        ("U.S.-backed Syria Democratic Forces", "Syrian Democratic Forces"),
        ("SDF", "Syrian Democratic Forces"),
        ("Islamic State", "Islamic State"),
        ("IS", "Islamic State"),
    ]


def test_us_backed_syrian_democratic_forces_is_one_actor(matcher):
    mentions = matcher.find("U.S.-backed Syrian Democratic Forces advanced on the city.", offset=10)
    assert [(m.name, m.span_start, m.span_end) for m in mentions] == [("Syrian Democratic Forces", 10, 46)]


def test_turkish_police_from_demonym_pattern(matcher):
    sentence = ("Turkish police detained 13 people, four of them foreigners, in raids across Istanbul in "
                "connection with Tuesday night’s attack.")
    mentions = matcher.find(sentence)
    assert [(m.mention, m.name, m.actor_type, m.country) for m in mentions] == [
        ("Turkish police", "Police Forces of Turkey", 1, "TR")]


@pytest.mark.parametrize(
    "phrase, name",
    [
        ("Iraqi troops", "Military Forces of Iraq"),
        ("Libyan police", "Police Forces of Libya"),
        ("Nigerian army", "Military Forces of Nigeria"),
        ("Kenyan security forces", "Police Forces of Kenya"),
        ("U.S. troops", "Military Forces of the United States"),
    ],
)
def test_country_forces_generated_for_every_demonym(matcher, phrase, name):
    assert [m.name for m in matcher.find(f"{phrase} were deployed.")] == [name]


def test_seed_sentence_with_government_allies(matcher):
    sentence = ("Government forces backed by allies including Lebanon’s Hezbollah and the Russian air force "
                "advanced last week to within a few hundred meters (yards) of the only road into the "
                "rebel-held part of Aleppo.")
    assert found(matcher, sentence, country_hint="SY") == [
        ("Government forces", "Military Forces of Syria"),
        ("Lebanon’s Hezbollah", "Hezbollah"),
        ("Russian air force", "Military Forces of Russia"),
    ]


def test_bare_government_forces_need_the_story_country(matcher):
    sentence = "It has since lost parts of the city to pro-government forces."
    assert found(matcher, sentence) == []
    assert found(matcher, sentence, country_hint="LY") == [("pro-government forces", "Military Forces of Libya")]


def test_coalition_and_rebels(matcher):
    sentence = ("U.S.-backed Syrian rebels were pushed back from the outskirts of an Islamic State-held town "
                "after U.S.-led warplanes struck, the New Syria Army said.")
    assert found(matcher, sentence) == [
        ("U.S.-backed Syrian rebels", "Free Syrian Army"),
        ("Islamic State", "Islamic State"),
        ("U.S.-led warplanes", "U.S.-led Coalition"),
        ("New Syria Army", "New Syrian Army"),
    ]


def test_nusra_front_under_its_other_names(matcher):
    assert [m.name for m in matcher.find("Jabhat Fateh al-Sham and al Qaeda’s Syria branch")] == [
        "Nusra Front", "Nusra Front"]


def test_civilians_protesters_rioters_have_their_inter_codes(matcher):
    mentions = matcher.find("Rioters and protesters clashed while civilians fled.")
    assert [(m.name, m.actor_type) for m in mentions] == [("Rioters", 5), ("Protesters", 6), ("Civilians", 7)]


def test_get_by_canonical_name_or_alias(matcher):
    assert matcher.get("Islamic State").actor_type == 2
    assert matcher.get("Daesh").name == "Islamic State"
    assert matcher.get("Police Forces of Turkey").country == "TR"
    assert matcher.get("No Such Group") is None


def test_matcher_from_database_rows():
    m = ActorMatcher([{"name": "Ansar Bait al-Maqdis", "aliases": ["ABM"], "actor_type": 2, "country": "EG"}])
    assert [(a.name, a.country) for a in m.find("ABM claimed the attack")] == [("Ansar Bait al-Maqdis", "EG")]
    assert m.find("abm claimed the attack") == []


def test_counter_terrorism_police_belong_to_the_named_or_hinted_country(matcher):
    assert found(matcher, "Pakistani counter-terrorism police raided a house.") == [
        ("Pakistani counter-terrorism police", "Police Forces of Pakistan")]
    assert [a.name for a in matcher.find("Counter-terrorism police raided a house.", country_hint="KE")] == [
        "Police Forces of Kenya"]
