"""ACLED's event taxonomy: 6 event types and their 25 sub-event types.

The single source of the taxonomy: the Django models take their choices from
here, so an export column always holds a value an ACLED user recognises.
Types are listed from the highest to the lowest: when several apply, ACLED
codes the higher one.
"""

from __future__ import annotations

BATTLES = "Battles"
EXPLOSIONS = "Explosions/Remote violence"
VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
STRATEGIC_DEVELOPMENTS = "Strategic developments"

# Event type -> its sub-event types, in ACLED's codebook spelling.
TAXONOMY: dict[str, tuple[str, ...]] = {
    BATTLES: (
        "Government regains territory",
        "Non-state actor overtakes territory",
        "Armed clash",
    ),
    EXPLOSIONS: (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    VIOLENCE_AGAINST_CIVILIANS: (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    PROTESTS: (
        "Excessive force against protesters",
        "Protest with intervention",
        "Peaceful protest",
    ),
    RIOTS: (
        "Violent demonstration",
        "Mob violence",
    ),
    STRATEGIC_DEVELOPMENTS: (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

# Highest first: the order in which ACLED's rule "the higher type wins" applies.
TYPE_PRIORITY: tuple[str, ...] = tuple(TAXONOMY)

EVENT_TYPES: tuple[str, ...] = tuple(TAXONOMY)
SUB_EVENT_TYPES: tuple[str, ...] = tuple(s for subs in TAXONOMY.values() for s in subs)

# ACLED's disorder_type column, derived from the event type.
DISORDER_TYPE = {
    BATTLES: "Political violence",
    EXPLOSIONS: "Political violence",
    VIOLENCE_AGAINST_CIVILIANS: "Political violence",
    PROTESTS: "Demonstrations",
    RIOTS: "Demonstrations",
    STRATEGIC_DEVELOPMENTS: "Strategic developments",
}

# ACLED inter codes (actor types), exported as text today.
ACTOR_TYPES: dict[int, str] = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}

# ACLED time_precision and geo_precision codes.
TIME_PRECISION: dict[int, str] = {1: "Day", 2: "Week", 3: "Month or wider"}
GEO_PRECISION: dict[int, str] = {1: "Town", 2: "Near a town or part of a region", 3: "Larger region"}

_TYPE_OF_SUB = {sub: etype for etype, subs in TAXONOMY.items() for sub in subs}


def event_type_of(sub_event_type: str) -> str:
    """The event type a sub-event type belongs to (KeyError if not ACLED's)."""
    return _TYPE_OF_SUB[sub_event_type]


def is_valid_pair(event_type: str, sub_event_type: str) -> bool:
    """True when the sub-event type belongs to the event type."""
    return _TYPE_OF_SUB.get(sub_event_type) == event_type


def higher_type(a: str, b: str) -> str:
    """Of two event types, the one ACLED codes when both apply."""
    return a if TYPE_PRIORITY.index(a) <= TYPE_PRIORITY.index(b) else b


# ORDER is the name the detection code uses for the priority above.
ORDER: tuple[str, ...] = TYPE_PRIORITY

# Within one event, a sub-event type that names the weapon or the outcome is
# more informative than a generic one ("killed in air strikes" is an air
# strike, not an attack; "recaptured" beats "clashed"). Lower index = wins.
SUB_EVENT_SPECIFICITY: tuple[str, ...] = (
    "Chemical weapon",
    "Suicide bomb",
    "Air/drone strike",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Grenade",
    "Government regains territory",
    "Non-state actor overtakes territory",
    "Excessive force against protesters",
    "Sexual violence",
    "Abduction/forced disappearance",
    "Armed clash",
    "Mob violence",
    "Violent demonstration",
    "Protest with intervention",
    "Peaceful protest",
    "Attack",
    "Agreement",
    "Arrests",
    "Looting/property destruction",
    "Disrupted weapons use",
    "Headquarters or base established",
    "Non-violent transfer of territory",
    "Change to group/activity",
    "Other",
)


def more_specific(a: str, b: str) -> str:
    """Of two sub-event types reported for one event, the one to code."""
    return a if SUB_EVENT_SPECIFICITY.index(a) <= SUB_EVENT_SPECIFICITY.index(b) else b
