"""Place resolution on sentences quoted from the seed wire stories."""

from __future__ import annotations


import pytest

from extraction.places import (
    Gazetteer,
    country_hint,
    country_name,
    demonym_country,
    find_places,
    resolve_country,
)



def names(places):
    return [p.name for p in places]


def only(places, name):
    matches = [p for p in places if p.name == name]
    assert len(matches) == 1, (name, places)
    return matches[0]


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer.load()


# --- gazetteer lookups ---------------------------------------------------------


def test_manbij_resolves_to_syria_with_coordinates_and_admin1(gaz):
    place = gaz.lookup("Manbij")
    assert (place.name, place.iso2, place.country, place.admin1) == ("Manbij", "SY", "Syria", "Aleppo")
    assert place.latitude == pytest.approx(36.53, abs=0.05)
    assert place.longitude == pytest.approx(37.95, abs=0.05)
    assert place.gazetteer_id == "geonames:167357"
    assert place.geo_precision == 1


@pytest.mark.parametrize("spelling", ["Al-Bukamal", "Abu Kamal", "Albu Kamal", "Boukamal", "al-Bukamal", "ABU KAMAL"])
def test_abu_kamal_spellings_share_one_id(gaz, spelling):
    place = gaz.lookup(spelling)
    assert place.gazetteer_id == "geonames:174448"
    assert place.name == "Abu Kamal"
    assert place.admin1 == "Deir ez-Zor"


@pytest.mark.parametrize(
    "a, b",
    [("Qayara", "Qayyarah"), ("Falluja", "Fallujah"), ("Makhmour", "Makhmur"), ("Deir al-Zor", "Deir ez-Zor")],
)
def test_spelling_variants_resolve_to_the_same_place(gaz, a, b):
    assert gaz.lookup(a).gazetteer_id == gaz.lookup(b).gazetteer_id


def test_apostrophes_and_diacritics_do_not_matter(gaz):
    assert gaz.lookup("İzmir").gazetteer_id == gaz.lookup("Izmir").gazetteer_id
    assert gaz.lookup("Mayda’a").gazetteer_id == gaz.lookup("Mayda'a").gazetteer_id == "curated:maydaa"


@pytest.mark.parametrize(
    "name, gazetteer_id, kind, iso2",
    [
        ("Maydaa", "curated:maydaa", "town", "SY"),
        ("Zamalka", "curated:zamalka", "town", "SY"),
        ("al-Tanf", "curated:al-tanf", "crossing", "SY"),
        ("Incirlik Air Base", "curated:incirlik", "base", "TR"),
        ("Qayara air base", "curated:qayyarah-airfield-west", "base", "IQ"),
    ],
)
def test_curated_conflict_places(gaz, name, gazetteer_id, kind, iso2):
    place = gaz.lookup(name)
    assert (place.gazetteer_id, place.kind, place.iso2) == (gazetteer_id, kind, iso2)
    assert place.latitude is not None and place.longitude is not None


def test_dateline_in_capitals_resolves():
    place = Gazetteer.load().lookup("BEIRUT")
    assert (place.name, place.country) == ("Beirut", "Lebanon")


def test_country_hint_beats_population(gaz):
    assert gaz.lookup("Tripoli").iso2 == "LY"
    assert gaz.lookup("Tripoli", country_hint="LB").iso2 == "LB"


@pytest.mark.parametrize("word", ["Wednesday", "Carter", "Reuters", "Islamic", "State", "Said", "Aid", "Western"])
def test_ordinary_words_are_not_places(gaz, word):
    assert gaz.lookup(word) is None


def test_province_lookup_gives_admin1_with_precision_3(gaz):
    place = gaz.lookup("Homs province", country_hint="SY")
    assert (place.name, place.kind, place.iso2, place.geo_precision) == ("Homs", "province", "SY", 3)


def test_unknown_name_is_none(gaz):
    assert gaz.lookup("Qwxzy") is None
    assert gaz.lookup("") is None


# --- countries -------------------------------------------------------------------


def test_resolve_country_accepts_names_and_codes():
    assert resolve_country("SY") == resolve_country("Syria") == resolve_country("SYR") == resolve_country("syria") == "SY"
    assert resolve_country("Turkey") == resolve_country("Türkiye") == "TR"
    assert resolve_country("United States") == resolve_country("U.S.") == "US"
    assert resolve_country("Narnia") is None
    assert resolve_country("") is None


def test_country_name_is_the_common_name():
    assert country_name("SY") == "Syria"
    assert country_name("IR") == "Iran"
    assert country_name("RU") == "Russia"


def test_demonyms_name_countries():
    assert [demonym_country(w) for w in ("Syrian", "Iraqi", "Libyan", "Turkish")] == ["SY", "IQ", "LY", "TR"]
    assert demonym_country("Kurdish") is None


# --- places in sentences ------------------------------------------------------------


def test_north_of_the_besieged_city_of_manbij():
    sentence = ("BEIRUT (Reuters) – At least 56 civilians were killed on Tuesday in air strikes north of "
                "the besieged Islamic State-held city of Manbij in northern Syria, and residents said they "
                "believed the attack was carried out by U.S.-led warplanes, a monitoring group said.")
    places = find_places(sentence, offset=100, country_hint="SY")
    assert names(places) == ["Beirut", "Manbij", "Syria"]
    manbij = only(places, "Manbij")
    assert (manbij.relation, manbij.geo_precision) == ("north of", 2)
    assert sentence[manbij.span_start - 100:manbij.span_end - 100].endswith("city of Manbij")
    syria = only(places, "Syria")
    assert (syria.relation, syria.geo_precision, syria.kind) == ("northern part of", 3, "country")


def test_quarter_of_a_town_keeps_the_town_and_the_quarter():
    sentence = ("On Monday, 21 people were killed in raids also believed to have been conducted by U.S.-led "
                "coalition aircraft on Manbij’s northern Hazawneh quarter.")
    manbij = only(find_places(sentence, country_hint="SY"), "Manbij")
    assert (manbij.relation, manbij.geo_precision) == ("quarter of", 2)
    assert manbij.mention == "Manbij’s northern Hazawneh quarter"
    assert manbij.aliases == ["Hazawneh"]


def test_neighbourhood_of_a_city():
    sentence = "People queue for bread in the rebel held al-Shaar neighbourhood of Aleppo"
    aleppo = only(find_places(sentence, country_hint="SY"), "Aleppo")
    assert (aleppo.relation, aleppo.geo_precision, aleppo.aliases) == ("neighbourhood of", 2, ["al-Shaar"])


def test_province_forms_and_town_spellings_in_one_sentence():
    sentence = ("Saloum said most of their fighters had returned to their base at al-Tanf, a Syrian town "
                "southwest of Al-Bukamal at the border with Iraq and in neighboring Homs province, but that "
                "there was still fighting in the southern desert of Al-Bukamal.")
    places = find_places(sentence, country_hint="SY")
    assert names(places) == ["Al-Tanf", "Abu Kamal", "Iraq", "Homs", "Abu Kamal"]
    assert (places[1].relation, places[1].geo_precision) == ("southwest of", 2)
    assert (places[3].kind, places[3].geo_precision, places[3].mention) == ("province", 3, "Homs province")


def test_province_of_x_is_admin1():
    sentence = ("The Syrian Observatory for Human Rights monitoring group said the New Syria Army had been "
                "driven entirely from the province of Deir al-Zor, where Al-Bukamal is located.")
    places = find_places(sentence, country_hint="SY")
    assert [(p.name, p.kind, p.geo_precision) for p in places] == [
        ("Deir ez-Zor", "province", 3), ("Abu Kamal", "city", 1)]


def test_air_base_and_town_of_the_same_name_differ():
    base = "Most of the 560 troop reinforcements will work out of Qayara air base, which Iraqi forces recaptured"
    town = "Iraqi forces were already improving the base’s perimeter in case of a counterattack from the nearby town of Qayara which IS still holds"
    base_place = find_places(base, country_hint="IQ")[0]
    town_place = find_places(town, country_hint="IQ")[0]
    assert (base_place.kind, base_place.gazetteer_id) == ("base", "curated:qayyarah-airfield-west")
    assert (town_place.name, town_place.relation, town_place.geo_precision) == ("Qayyarah", "near", 2)


def test_western_libya_is_a_region_of_the_country():
    sentence = ("TRIPOLI (Reuters) – When a U.S. air strike hit Sabratha in western Libya on Feb. 19, it "
                "reduced a building on the southern fringes of the city to rubble")
    places = find_places(sentence, country_hint="LY")
    assert names(places) == ["Tripoli", "Sabratha", "Libya"]
    assert (places[2].relation, places[2].geo_precision) == ("western part of", 3)


def test_congo_is_the_democratic_republic_as_the_wires_write_it():
    drc = "GOMA, Congo (Reuters) - Rebels killed 12 villagers in eastern Congo on Monday near Beni, the army said."
    assert country_hint(drc) == "CD"
    beni = only(find_places(drc, country_hint=country_hint(drc)), "Beni")
    assert (beni.iso2, beni.admin1) == ("CD", "Nord Kivu")
    brazzaville = "BRAZZAVILLE (Reuters) - Soldiers clashed with rebels in the Pool region of Republic of Congo on Monday."
    assert country_hint(brazzaville) == "CG"
    assert [resolve_country(name) for name in ("Congo", "DR Congo", "Republic of Congo", "Republic of the Congo", "Congo-Brazzaville")] == [
        "CD", "CD", "CG", "CG", "CG"]


def test_names_inside_longer_proper_names_are_not_places():
    sentence = ("The U.S.-backed Syria Democratic Forces (SDF), an alliance of Kurdish and Arab fighters, "
                "launched an offensive at the end of May to seize the last territory held by Islamic State "
                "(IS) insurgents on Syria’s frontier with Turkey.")
    assert names(find_places(sentence, country_hint="SY")) == ["Syria", "Turkey"]


@pytest.mark.parametrize(
    "sentence",
    [
        "U.S. Defense Secretary Ash Carter made the announcement on Monday",
        "Hassan told Reuters.",
        "The Britain-based Observatory, which monitors the Syrian conflict, said so on Wednesday.",
        "Turkish President Tayyip Erdogan wrote to Russian leader Vladimir Putin this week",
        "(Reporting by Tom Perry and Suleiman Al-Khalidi; Editing by Gareth Jones)",
        "Said and Aid are Western names, the Islamic State said.",
    ],
)
def test_people_and_ordinary_words_give_no_places(sentence):
    assert find_places(sentence, country_hint="SY") == []


def test_adjectival_country_abbreviation_is_not_a_place_but_standalone_is():
    assert find_places("U.S. officials said the U.S.-led coalition struck") == []
    us = find_places("Brandon-Lee was arrested on his return to the U.S.")
    assert [p.iso2 for p in us] == ["US"]


def test_an_unknown_name_leaves_the_other_places():
    sentence = "Fighters moved from Xqzville to Manbij and then to Raqqa."
    assert names(find_places(sentence, country_hint="SY")) == ["Manbij", "Raqqa"]


def test_small_place_needs_the_story_country():
    sentence = "Syrian rebel group Jaish al Islam said government forces had attacked the town of Madaya."
    assert names(find_places(sentence, country_hint="SY")) == ["Madaya"]
    # Without the story's country, a Syrian town with no recorded population
    # is not preferred over a bigger namesake.
    assert "SY" not in [p.iso2 for p in find_places("The convoy reached Madaya.")]


def test_spans_point_into_the_text_with_offset():
    sentence = "Islamic State has lost the Syrian town of al-Shadadi and Falluja last month."
    places = find_places(sentence, offset=1000, country_hint="SY")
    assert [sentence[p.span_start - 1000:p.span_end - 1000] for p in places] == ["al-Shadadi", "Falluja"]
    assert names(places) == ["Shadadi", "Fallujah"]


def test_country_hint_of_stories():
    syria = ("BEIRUT (Reuters) – The Syrian military has declared a 72-hour “regime of calm” covering all of "
             "Syria. Syrian rebel group Jaish al Islam said government and allied forces had attacked the "
             "town of Maydaa, in the Eastern Ghouta area east of Damascus.")
    assert country_hint(syria) == "SY"
    iraq = ("BAGHDAD (Reuters) – The United States is stepping up its military campaign against Islamic "
            "State by sending hundreds more troops to assist Iraqi forces in an expected push on Mosul.")
    assert country_hint(iraq) == "IQ"
    assert country_hint("Nothing here.") is None


# --- speed ------------------------------------------------------------------------------


def test_the_text_naming_a_country_beats_the_story_country():
    sentence = ("Islamic State has suffered a number of territorial losses in recent months including the "
                "Syrian town of al-Shadadi, taken by U.S.-backed Syrian forces in February.")
    place = find_places(sentence, country_hint="IQ")[0]
    assert (place.name, place.iso2) == ("Shadadi", "SY")


def test_countryside_of_a_city():
    sentence = "air strikes had hit towns in the northern Aleppo countryside on Wednesday."
    place = find_places(sentence, country_hint="SY")[0]
    assert (place.name, place.relation, place.geo_precision, place.mention) == (
        "Aleppo", "countryside of", 2, "northern Aleppo countryside")


def test_governorate_named_alone_in_its_country():
    places = find_places("Clashes in Anbar and in Nineveh province left 10 dead.", country_hint="IQ")
    assert [(p.name, p.kind, p.geo_precision) for p in places] == [
        ("Anbar", "province", 3), ("Nineveh", "province", 3)]


def test_eastern_ghouta_is_a_small_area():
    sentence = ("Syrian rebel group Jaish al Islam said in a statement that, despite the announced truce, "
                "government and allied forces had attacked the town of Maydaa, in the Eastern Ghouta area "
                "east of Damascus.")
    places = find_places(sentence, country_hint="SY")
    assert [(p.name, p.geo_precision, p.relation) for p in places] == [
        ("Al-Mayda'a", 1, ""), ("Eastern Ghouta", 2, ""), ("Damascus", 2, "east of")]


def test_a_foreign_place_known_only_by_an_alternate_name_is_not_taken():
    # GeoNames lists "Boni" among Bonn's names and "Cano" among Kano's; in a Mali or Colombia story
    # the words name something else.
    assert [p.name for p in find_places("Gunmen stormed the camp at Boni before dawn.", 0, "ML")] != ["Bonn"]
    assert all(p.iso2 != "NG" for p in find_places("Rebels bombed the Cano Limon pipeline.", 0, "CO"))
    # a place's own name abroad still resolves
    assert [p.name for p in find_places("Talks were held in Moscow.", 0, "SY")] == ["Moscow"]
