"""Triggers that report an event survive; plans, tolls, quotes and generic statements do not."""
import pytest

from extraction.detection import TERRITORY, find_mentions
from extraction.sentences import split_sentences


def live(body):
    return [(m.trigger, m.sub_event_type) for m in find_mentions(split_sentences(body), body) if not m.rejected]


def test_air_strike_killing_civilians():
    body = ("At least 56 civilians were killed on Tuesday in air strikes north of the besieged Islamic State-held "
            "city of Manbij in northern Syria.")
    assert ("air strikes", "Air/drone strike") in live(body)


def test_suicide_bombers_and_territory():
    assert ("suicide bombers", "Suicide bomb") in live(
        "Three suspected Islamic State suicide bombers who killed 43 people in a gun and bomb attack at Istanbul’s main airport this week were Russian.")
    assert ("recaptured", TERRITORY) in live("Qayara air base, which Iraqi forces recaptured from Islamic State and plan to use as a staging ground.")


@pytest.mark.parametrize("body", [
    "The United States is stepping up its military campaign by sending hundreds more troops to assist Iraqi forces in an expected push on Mosul.",
    "Abadi has pledged to retake Mosul by the end of the year.",
    "Strikes against those targets could be carried out by U.S. or Russian jets.",
    "But air strikes and fighting have often continued in spite of the declarations.",
    "Hungary plans to hold a referendum in September or October on whether it should reject any future mandatory quotas.",
    "“The clashes started, and my son Bara was hit by bullets in his stomach and back.”",
    "In 2014, Islamic State militants declared a caliphate after capturing swathes of Iraq and Syria.",
])
def test_non_events(body):
    assert [t for t, sub in live(body) if sub not in ("killing",)] == []


def test_planned_attack_is_not_an_event_but_the_arrest_is():
    found = live("South African twins arrested over the weekend were planning attacks on the U.S. Embassy in the capital, Pretoria.")
    assert found == [("arrested", "Arrests")]


def test_captured_people_are_not_territory():
    body = "Amaq said it had killed 40 rebel fighters and captured 15 more in a counter-attack at the Hamadan air base."
    assert all(sub != TERRITORY for _, sub in live(body))


def test_an_intercepted_missile_is_disrupted_weapons_use():
    found = live("Rebels fired a ballistic missile toward the city on Friday, but it was intercepted by air defences.")
    assert ("intercepted", "Disrupted weapons use") in found
    assert ("fired a ballistic missile", "Shelling/artillery/missile attack") in found


def test_a_wave_of_kidnappings_is_generic():
    assert live("It was the latest in a wave of kidnappings in the region.") == []


def test_a_town_taken_by_an_armed_group_in_an_apposition_is_territory():
    assert ("taken by", TERRITORY) in live("Losses included the town of Tabqa, taken by Kurdish fighters in May.")


def test_agreeing_to_a_ceasefire_with_a_day_between_is_an_agreement():
    assert ("agreed on Wednesday to a 30-day bilateral ceasefire", "Agreement") in live(
        "The government and the rebels agreed on Wednesday to a 30-day bilateral ceasefire.")
