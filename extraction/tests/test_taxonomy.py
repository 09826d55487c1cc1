"""The taxonomy is ACLED's: 6 types, 25 sub-types, a priority order."""
from extraction import taxonomy


def test_six_types_and_twenty_five_sub_types():
    assert len(taxonomy.EVENT_TYPES) == 6
    assert len(taxonomy.SUB_EVENT_TYPES) == 25 == len(set(taxonomy.SUB_EVENT_TYPES))
    assert "Shelling/artillery/missile attack" in taxonomy.TAXONOMY["Explosions/Remote violence"]
    assert taxonomy.event_type_of("Abduction/forced disappearance") == "Violence against civilians"


def test_order_puts_battles_first():
    assert taxonomy.ORDER[0] == "Battles"
    assert taxonomy.higher_type("Strategic developments", "Battles") == "Battles"


def test_specificity_covers_every_sub_type():
    assert set(taxonomy.SUB_EVENT_SPECIFICITY) == set(taxonomy.SUB_EVENT_TYPES)
    assert taxonomy.more_specific("Attack", "Air/drone strike") == "Air/drone strike"
    assert taxonomy.more_specific("Armed clash", "Government regains territory") == "Government regains territory"
