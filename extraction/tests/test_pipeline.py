"""extract_events on real seed paragraphs: the events an ACLED coder records, and nothing else."""
import datetime as dt

import pytest

from extraction.pipeline import extract_events
from extraction.records import StoryRecord


def story(headline, published, *paragraphs):
    return StoryRecord(headline=headline, body="\n\n".join(paragraphs), published=published, published_basis="given")


MANBIJ = story(
    "Suspected U.S. Coalition strikes kill 56 civilians in IS held city", dt.date(2016, 7, 19),
    "BEIRUT (Reuters) – At least 56 civilians were killed on Tuesday in air strikes north of the besieged Islamic State-held "
    "city of Manbij in northern Syria, and residents said they believed the attack was carried out by U.S.-led warplanes, a monitoring group said.",
    "The Britain-based Syrian Observatory for Human Rights said the dead included 11 children, and that dozens more people were wounded.",
    "On Monday, 21 people were killed in raids also believed to have been conducted by U.S.-led coalition aircraft on Manbij’s northern Hazawneh quarter.",
    "The Observatory said at least 104 civilians have died from air strikes since the start of the Manbij offensive in late May.",
    "Between Sept. 10, 2015 and Feb. 2, 2016, coalition air strikes in Iraq and Syria probably killed 20 civilians and injured 11 others, the U.S. Central Command said in April.",
)


def test_manbij_air_strike_56_civilians():
    events = extract_events(MANBIJ)
    strike = next(e for e in events if e.date.event_date == dt.date(2016, 7, 19))
    assert (strike.event_type, strike.sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    assert strike.place.name == "Manbij" and strike.place.iso2 == "SY"
    assert strike.killed.best == 56 and strike.civilian_targeting
    assert strike.actor1.name == "U.S.-led Coalition" and strike.actor2.name == "Civilians"
    assert strike.notes.startswith("On 19 July 2016, air strikes")
    for item in strike.evidence:
        assert MANBIJ.body[item.start:item.end] == item.sentence


def test_manbij_aggregate_tolls_are_not_events():
    events = extract_events(MANBIJ)
    assert sorted(e.date.event_date for e in events) == [dt.date(2016, 7, 18), dt.date(2016, 7, 19)]
    assert all(e.killed.best not in (104, 20) for e in events)


def test_istanbul_airport_attack_43_killed():
    s = story("Istanbul airport bombers were Russian, Usbek, Kyrgyz", dt.date(2016, 6, 30),
              "ISTANBUL (Reuters) – Three suspected Islamic State suicide bombers who killed 43 people in a gun and bomb attack at "
              "Istanbul’s main airport this week were Russian, Uzbek and Kyrgyz nationals, a Turkish government official said on Thursday.",
              "The three bombers opened fire to create panic outside, before two of them got inside the terminal building and blew "
              "themselves up. The third detonated his explosives at the entrance. A further 239 people were wounded.",
              "Turkish police detained 13 people, four of them foreigners, in raids across Istanbul in connection with Tuesday night’s attack.")
    events = extract_events(s)
    bomb = next(e for e in events if e.sub_event_type == "Suicide bomb")
    assert bomb.killed.best == 43 and bomb.injured.best == 239
    assert bomb.place.name == "Istanbul" and bomb.date.event_date == dt.date(2016, 6, 28)
    assert bomb.actor1.name == "Islamic State"
    arrests = next(e for e in events if e.sub_event_type == "Arrests")
    assert arrests.actor1.name == "Police Forces of Turkey" and arrests.date.time_precision == 2


def test_sabratha_air_strike_on_feb_19():
    s = story("Tunisian prisoners tell of life with Islamic State in Libya", dt.date(2016, 7, 1),
              "TRIPOLI (Reuters) – When a U.S. air strike hit Sabratha in western Libya on Feb. 19, it reduced a building on the "
              "southern fringes of the city to rubble, killing dozens of militants and exposing a network of Islamic State cells.",
              "“We lived normally in the city,” said Rahma al-Shekhawi, wife of Noureddine Chouchane, a senior commander who officials say was killed in the February strike.")
    events = extract_events(s)
    assert len(events) == 1
    strike = events[0]
    assert (strike.sub_event_type, strike.place.name, strike.date.event_date) == ("Air/drone strike", "Sabratha", dt.date(2016, 2, 19))
    assert strike.killed.best == 12 and strike.killed.vague  # "dozens"


US_TROOPS = story(
    "U.S. to send more troops to Iraq ahead of Mosul offensive", dt.date(2016, 7, 11),
    "BAGHDAD (Reuters) – The United States is stepping up its military campaign against Islamic State (IS) by sending hundreds more "
    "troops to assist Iraqi forces in an expected push on Mosul, the militants’ largest stronghold, later this year.",
    "U.S. Defense Secretary Ash Carter made the announcement on Monday during a visit to Baghdad.",
    "Most of the 560 troop reinforcements will work out of Qayara air base, which Iraqi forces recaptured from Islamic State and plan "
    "to use as a staging ground for an offensive to retake Mosul, Iraq’s second biggest city.",
    "Government forces said on Saturday they had recovered the air base, about 60 km (40 miles) from the northern city, with air "
    "support from the U.S.-led military coalition.",
    "Abadi has pledged to retake Mosul by the end of the year.",
)


def test_qayara_air_base_recapture_and_no_troop_announcement():
    events = extract_events(US_TROOPS)
    assert len(events) == 1
    base = events[0]
    assert base.sub_event_type == "Government regains territory"
    assert base.place.iso2 == "IQ" and "Qay" in base.place.name
    assert base.date.event_date == dt.date(2016, 7, 9)
    assert base.actor1.name == "Military Forces of Iraq"


def test_al_bukamal_counter_attack():
    s = story("Islamic State forces Syria rebels to retreat from border area", dt.date(2016, 6, 29),
              "AMMAN/BEIRUT (Reuters) – U.S.-backed Syrian rebels were pushed back from the outskirts of an Islamic State-held town on the "
              "border with Iraq and a nearby air base on Wednesday after the jihadists mounted a counter- attack, two rebel sources said.",
              "The New Syria Army rebel group had launched an operation on Tuesday aimed at capturing the town of Al-Bukamal from Islamic State.",
              "Islamic State affiliated Amaq news agency had earlier said it had killed 40 rebel fighters and captured 15 more in a "
              "counter-attack at the Hamadan air base north west of the city.")
    events = extract_events(s)
    wednesday = next(e for e in events if e.date.event_date == dt.date(2016, 6, 29))
    assert wednesday.event_type == "Battles" and wednesday.place.name == "Abu Kamal"
    assert wednesday.actor1.name == "Islamic State" and wednesday.killed.best == 40
    tuesday = next(e for e in events if e.date.event_date == dt.date(2016, 6, 28))
    assert tuesday.actor1.name == "New Syrian Army"


NO_EVENT_STORIES = [
    ("Tackle migration or risk more exits, Hungarian PM tells EU", dt.date(2016, 6, 29), [
        "BUDAPEST (Reuters) – Hungarian Prime Minister Viktor Orban said on Wednesday he would fight to make the European Union adopt a "
        "tougher migration policy, without which it would face the risk of more countries leaving.",
        "Hungary plans to hold a referendum in September or October on whether it should reject any future mandatory quotas from "
        "Brussels to resettle migrants arriving en masse from countries such as Syria."]),
    ("Mass killings, forced evictions threaten indigenous, minority groups", dt.date(2016, 7, 12), [
        "LONDON (Thomson Reuters Foundation) – Mass killings, forced evictions and conflicts over land put indigenous and minority "
        "groups at risk of being eradicated from their ancestral lands, a human rights group said on Tuesday.",
        "Civil conflicts and sectarian tensions have engulfed Iraq since 2003 when a U.S.-led coalition toppled Saddam Hussein. In 2014, "
        "Islamic State militants declared a caliphate after capturing swathes of Iraq and Syria."]),
    ("U.S. proposes military cooperation with Russia on Syria", dt.date(2016, 7, 14), [
        "PARIS (Reuters) – The United States will propose increasing military cooperation and sharing intelligence with Russia to "
        "identify and target Islamic State and al Qaeda headquarters, training camps and supply routes in Syria, the Washington Post reported.",
        "The document published by The Washington Post called for intelligence sharing to identify leadership targets. Strikes against "
        "those targets could be carried out by U.S. or Russian jets."]),
]


@pytest.mark.parametrize("headline,published,paragraphs", NO_EVENT_STORIES)
def test_stories_without_events(headline, published, paragraphs):
    assert extract_events(story(headline, published, *paragraphs)) == []


def test_empty_story():
    assert extract_events(StoryRecord(headline="x", body="")) == []
