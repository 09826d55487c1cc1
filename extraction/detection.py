"""Which sentences report an event that happened, and of which ACLED sub-event type.

A *mention* is one trigger word or phrase ("air strikes", "recaptured",
"detained") in one sentence. Each mention is classified by the trigger
lexicon below and then checked against the cues that make a trigger not
report a real, single event: modality and plans ("will", "plan to", "aimed
at capturing"), negation, habitual or cumulative wording ("often", "a series
of", "since the start of"), quotes of speeches, and infinitive purposes ("to
retake Mosul"). Rejected mentions are kept with their reason: the pipeline
still needs them, so that a place named for a planned attack is not lent to
the arrest reported in the same sentence.

Whether a surviving mention becomes an event (it needs a place and a date
anchor) and which mentions describe the same event is decided in
`extraction.pipeline`, where places and dates are resolved.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Optional

from extraction.caseless import lowercase_pattern, lowered
from extraction.patternset import PatternSet
from extraction.sentences import Sentence

# Sentinel sub-types resolved later from the actors: a capture is "Government
# regains territory" when a state force takes ground, else "Non-state actor
# overtakes territory"; a bare killing is an attack on civilians or a clash.
TERRITORY = "territory"
KILLING = "killing"

# (regex, sub-event type). Order does not matter: overlapping matches keep the longest.
TRIGGER_LEXICON: tuple[tuple[str, str], ...] = (
    (r"chemical (?:weapons? )?attacks?|chlorine (?:gas|attacks?|bombs?)|sarin|poison gas|toxic gas|gas attacks?", "Chemical weapon"),
    (r"suicide (?:bomb(?:er|ers|ing|ings|s)?|attacks?|attackers?|car bombs?|vests?|belts?)"
     r"|blew (?:himself|herself|themselves) up|blown (?:himself|herself|themselves) up"
     r"|detonated (?:his|her|their) (?:explosives?|vests?|belts?)", "Suicide bomb"),
    (r"air ?strikes?|airstrikes?|air raids?|air attacks?|aerial (?:bombardment|attacks?)|drone strikes?"
     r"|barrel bombs?|(?:warplanes?|jets|aircraft|helicopters|drones?) (?:hit|struck|bombed|pounded|targeted|attacked)"
     r"|raids?(?=[^;]{0,90}?\b(?:aircraft|warplanes?|jets|planes|helicopters|drones?)\b)", "Air/drone strike"),
    (r"shell(?:ing|ed|s)|artillery (?:fire|shells?|strikes?|attacks?)|mortars?(?: fire| rounds?| bombs?| shells?)?"
     r"|rocket (?:fire|attacks?)|rockets? (?:hit|struck|landed|fell)|missile (?:strikes?|attacks?)|missiles? (?:hit|struck)"
     r"|fired (?:a |an |two |several |\d+ )?(?:[\w-]+ )?(?:missiles?|rockets?|mortars?|shells)"
     r"|bombard(?:ed|ment|ing)", "Shelling/artillery/missile attack"),
    (r"car bombs?|truck bombs?|roadside bombs?|improvised explosive devices?|IEDs?|landmines?|land mines?"
     r"|bomb (?:attacks?|blasts?|went off|exploded)|bombings?|explosions?|blasts?|bombs? (?:hit|exploded|went off)"
     r"|bombs?|bombed", "Remote explosive/landmine/IED"),
    (r"grenades?", "Grenade"),
    (r"recaptur(?:e|ed|ing)|retook|retak(?:e|en|ing)|regain(?:ed|ing)? (?:control|the)|recover(?:ed|ing)? (?:the|control)"
     r"|liberat(?:ed|ing|ion of)|captur(?:e|ed|ing)|seiz(?:ed|ing|ure of)|overr(?:an|un)"
     r"|(?:took|taken|take|taking) (?:almost |full |complete |total |back )*(?:control|ground)"
     r"|(?:took|taken) (?:the |a )?(?:town|city|village|district|area|base|air base|hill|neighbou?rhood|territory)"
     r"|(?:was|were|had been|has been) taken by|(?<=, )(?:taken|captured|seized|retaken|recaptured) by|declared victory (?:over|in)|advanced(?= (?:[\w-]+ ){0,3}(?:to|into|on|in|towards?|through)\b)"
     r"|drove (?:\w+ ){0,3}out of|driven out of|evict(?:ed|ing)|pushed (?:\w+ )?out of", TERRITORY),
    (r"clash(?:es|ed)?|fought|battl(?:es|ed)|gun ?battles?|firefights?|exchanged fire|counter- ?attacks?|counterattacks?"
     r"|ambush(?:ed|es)?|pushed back|encircled|(?:take|took|taking) on the|fighting (?:continued|erupted|broke out|raged)"
     r"|heavy fighting|launched (?:an? |their |its )?(?:\w+ )?(?:operation|offensive|assault|attack)", "Armed clash"),
    (r"massacre[ds]?|executed|beheaded|opened fire (?:on|at)|shot dead|gunned down|stabbed|lynched|gun attacks?"
     r"|gun and bomb attacks?|shooting attacks?", "Attack"),
    (r"abduct(?:ed|ion|ions|s)|kidnapp?(?:ed|ing|ings)|took (?:\w+ ){0,3}hostage|taken hostage", "Abduction/forced disappearance"),
    (r"rap(?:ed|es)|sexual(?:ly)? (?:assault(?:ed)?|violence|abuse)", "Sexual violence"),
    (r"protest(?:ed|ers|ors|s)?|demonstrat(?:ion|ions|ors|ed)|rall(?:y|ies|ied)|marched|sit-ins?", "Peaceful protest"),
    (r"riot(?:s|ed|ers|ing)?|mobs? (?:attacked|stormed|torched|burned)", "Violent demonstration"),
    (r"arrest(?:ed|s|ing)?|detain(?:ed|ing)?|rounded up|apprehended", "Arrests"),
    (r"(?:declared|declares|agreed|signed|announced|reached|brokered|implemented)"
     r"(?: on \w+)?(?: (?:to|on|upon))? (?:a |an |the )?(?:[\w-]+ ){0,3}"
     r"(?:truce|ceasefire|cease-fire|[“\"]?regime of calm|peace (?:deal|agreement|accord)|agreement)"
     r"|(?:truce|ceasefire|cease-fire|peace deal) (?:was |has been )?(?:agreed|signed|declared|brokered|took effect)", "Agreement"),
    (r"loot(?:ed|ing)|torched|set fire to|burn(?:ed|t) down|demolish(?:ed|ing)|blown up|blew up(?! (?:himself|herself|themselves))", "Looting/property destruction"),
    (r"defused|dismantled (?:a |an |the )?(?:bomb|explosive)|seized (?:a |an )?(?:weapons|arms) cache"
     r"|intercepted|shot down (?:a |an |the |two |\d+ )?(?:[\w-]+ )?(?:missiles?|rockets?|drones?)", "Disrupted weapons use"),
    (r"killed|killing|kills|kill|shot|wounded|injured|dead", KILLING),
    (r"attack(?:ed|s)?|assault(?:ed)?|raid(?:ed|s)?|strikes?|hit|stormed", "Attack"),
)

# Words that make a trigger a plan, a purpose, a possibility or a wish.
MODAL_CUES = (
    r"will|would|could|might|may|shall|should|can|cannot|’ll|'ll|going to|plans?|planned|planning|plott(?:ed|ing)"
    r"|prepar(?:e|ed|ing)|intends?|intended|aim(?:s|ed|ing)?|attempt(?:s|ed|ing)?|trying|tried|seek(?:s|ing)?|sought"
    r"|expected|expects?|threat(?:en|ens|ened)?|vow(?:s|ed)?|pledge[sd]?|propos(?:e|es|ed|al)|calls? for|called for|urge[sd]?"
    r"|warn(?:s|ed)?|in case of|if|unless|whether|ready to|meant to|designed to|wants?|wanted|hopes?|hoped|fears?|feared"
    r"|risks?|order(?:s|ed)? to|allow|deny|denied|accused of|suspected of|charged with|to prevent|help stop|stop"
)
NEGATION_CUES = r"not|no|never|n’t|n't|without|failed to|failing to|nor"
# Habitual, generic or cumulative wording: not one event.
GENERIC_CUES = (
    r"often|repeatedly|repeated|regularly|regular|routinely|increasingly|a number of|a series of|series of|such|similar"
    r"|frequent(?:ly)?|usually|sometimes|still occur|continue to|in recent (?:days|weeks|months|years)"
    r"|over the (?:past|last|following|next) (?:\w+ )?(?:years?|months?|weeks?)|since the (?:start|beginning)|since then"
    r"|since \d{4}|so far this year|in the past year|swathes|large parts|much of|thousands|hundreds of (?:attacks|strikes)"
    r"|more than \d[\d,]* (?:air )?strikes|every day|daily|each day|whenever|(?:a|the) (?:wave|spate|string|rash) of"
)
# Objects that make "captured"/"seized" a capture of people or things, not ground.
NON_TERRITORY_OBJECTS = (
    r"(?:\d+|\w+) (?:more|others|of them)|fighters|soldiers|militants|troops|people|civilians|hostages|members|rebels"
    r"|prisoners|him|her|them|weapons|arms|ammunition|vehicles|tanks|footage|attention|imagination|\d+"
)
# Determiners that make a nominal trigger refer back to an event already told.
COREFERENT_DETERMINERS = r"the|this|that|these|those|its|their|his|her|our|such"
# Sentences that are bylines, credits or all-caps subheads.
_NOT_PROSE = re.compile(r"^\((?:Reporting|Additional reporting|Writing|Editing|This version)|^[A-Z0-9 ,.&’'-]+$")

_TRIGGER_SUBS = tuple(sub for _, sub in TRIGGER_LEXICON)
_TRIGGERS = PatternSet([re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE) for pattern, _ in TRIGGER_LEXICON])
# The same, for lowercased sentences: twice as fast (see extraction.caseless).
_LOWERCASE_TRIGGERS = PatternSet([re.compile(rf"\b(?:{lowercase_pattern(pattern)})\b")
                                  for pattern, _ in TRIGGER_LEXICON])
_MODAL_BEFORE = re.compile(rf"\b(?:{MODAL_CUES})\b", re.IGNORECASE)
_NEGATION_BEFORE = re.compile(rf"\b(?:{NEGATION_CUES})\b", re.IGNORECASE)
_GENERIC = re.compile(rf"\b(?:{GENERIC_CUES})\b", re.IGNORECASE)
_INFINITIVE = re.compile(r"\b(?:to|at)\s+$", re.IGNORECASE)  # "to retake", "aimed at capturing"
_NON_TERRITORY_OBJECT = re.compile(rf"^\s*(?:the |a |an |\w+ )?(?:{NON_TERRITORY_OBJECTS})\b", re.IGNORECASE)
_COREFERENT_BEFORE = re.compile(
    rf"(?:\b(?:{COREFERENT_DETERMINERS})|[’']s)\s+(?:[\w-]+\s+){{0,3}}$", re.IGNORECASE)
_INDEFINITE_BEFORE = re.compile(r"\b(?:a|an|one|two|three|several|\d+)\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE)
_PAST_VERB = re.compile(
    r"(?:ed|retook|took|taken|fought|shot|overran|overrun|blew|blown|hit|struck|beheaded|seized|kidnapped|dead)$|^(?:declared|agreed|signed|announced|reached|brokered|launched|advanced|drove|driven|pushed|fired|take|taking)",
    re.IGNORECASE)
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|is|are|be|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
# Clause boundaries: punctuation, relative pronouns, list openers.
_CLAUSE_BREAK = re.compile(
    r"\s*(?:[;:–—]|,(?=\s)|\(|\)|\s(?:which|who|whom|including|while|whereas|although|but|because|before|after|as well as)\s)\s*",
    re.IGNORECASE)
_QUOTED = re.compile(r"“[^”]*(?:”|$)|\"[^\"\n]*(?:\"|$)", re.MULTILINE)
_CROWD_EVENTS = frozenset({"Peaceful protest", "Violent demonstration"})
_CROWD_SIZE = re.compile(r"thousands|hundreds of \w+", re.IGNORECASE)
# "police arrested 30 protesters": the arrest is the event (force used on a crowd is not: it codes the protest).
_ACTED_ON = re.compile(r"\b(?:arrest(?:ed|ing)?|detain(?:ed|ing)?|rounded\s+up)\s+(?:\w+\s+){0,3}$", re.IGNORECASE)
_MODAL_WINDOW = 80  # characters before a trigger, within its clause, where a modal cue applies


@dataclass
class Mention:
    """One trigger in one sentence; `rejected` says why it reports no event."""

    sentence_index: int
    sentence: Sentence
    start: int  # trigger span in the body
    end: int
    trigger: str
    sub_event_type: str  # an ACLED sub-type, or TERRITORY / KILLING
    clause_start: int
    clause_end: int
    nominal: bool = False  # "the strike" rather than "struck"
    passive: bool = False
    coreferent: bool = False  # "the attack", "Tuesday night's attack": refers back
    rejected: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def lemma(self) -> str:
        """A crude lemma, enough to tell "counter-attack" from "air strike" when grouping."""
        words = re.sub(r"[^a-z ]", "", self.trigger.lower().replace("-", "")).split()
        word = "".join(words[-2:]) if words[:1] == ["counter"] else (words[-1] if words else "")
        return re.sub(r"(?:ing|ed|es|s)$", "", word)


def quoted_spans(body: str) -> list[tuple[int, int]]:
    """Spans of quoted speech in `body` (an unclosed quote runs to the paragraph end)."""
    spans = []
    for paragraph in re.finditer(r"[^\n]+", body):
        for match in _QUOTED.finditer(paragraph.group(0)):
            if match.end() - match.start() > 40:  # a scare-quoted word is not speech
                spans.append((paragraph.start() + match.start(), paragraph.start() + match.end()))
    return spans


def inside(spans: list[tuple[int, int]], position: int) -> bool:
    """Whether `position` lies in one of the sorted, disjoint `spans`."""
    i = bisect.bisect_right(spans, (position, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= position < spans[i][1]


def clause_bounds(sentence: Sentence, position: int) -> tuple[int, int]:
    """Body offsets of the clause of `sentence` that holds body offset `position`."""
    start, end = sentence.start, sentence.end
    for match in _CLAUSE_BREAK.finditer(sentence.text):
        cut_start, cut_end = sentence.start + match.start(), sentence.start + match.end()
        if cut_end <= position:
            start = cut_end
        elif cut_start >= position:
            end = cut_start
            break
    return start, end


def find_mentions(sentences: list[Sentence], body: str) -> list[Mention]:
    """Every trigger of every sentence, classified, with a rejection reason where one applies."""
    quotes = quoted_spans(body)
    mentions: list[Mention] = []
    for index, sentence in enumerate(sentences):
        mentions.extend(sentence_mentions(index, sentence, body, quotes))
    return mentions


def sentence_mentions(index: int, sentence: Sentence, body: str,
                      quotes: Optional[list[tuple[int, int]]] = None) -> list[Mention]:
    """The mentions of one sentence (see `find_mentions`)."""
    text = sentence.text
    if _NOT_PROSE.match(text):
        return []
    found: list[tuple[int, int, str]] = []
    lowercase = lowered(text)
    triggers, searched = (_TRIGGERS, text) if lowercase is None else (_LOWERCASE_TRIGGERS, lowercase)
    for sub, matches in zip(_TRIGGER_SUBS, triggers.finditer_each(searched)):
        for match in matches:
            found.append((match.start(), match.end(), sub))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, str]] = []
    for start, end, sub in found:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, sub))
    mentions = []
    for start, end, sub in kept:
        mention = _mention(index, sentence, start, end, sub)
        mention.rejected = _rejection(mention, body, quotes or [])
        mentions.append(mention)
    return mentions


def _mention(index: int, sentence: Sentence, start: int, end: int, sub: str) -> Mention:
    text = sentence.text
    trigger = text[start:end]
    before = text[max(0, start - 40):start]
    clause_start, clause_end = clause_bounds(sentence, sentence.start + start)
    words = trigger.split()
    verbal = bool(_PAST_VERB.search(words[0]) or _PAST_VERB.search(words[-1])) and not re.search(
        r"\b(?:a|an|the)\s+$", before, re.IGNORECASE)
    nominal = not verbal
    coreferent = nominal and bool(_COREFERENT_BEFORE.search(before)) and not _INDEFINITE_BEFORE.search(before[-15:])
    passive = bool(_PASSIVE_BEFORE.search(before)) or bool(re.match(r"\s+by\b", text[end:end + 4]))
    return Mention(index, sentence, sentence.start + start, sentence.start + end, trigger, sub,
                   clause_start, clause_end, nominal=nominal, passive=passive, coreferent=coreferent)


def _rejection(mention: Mention, body: str, quotes: list[tuple[int, int]]) -> str:
    if inside(quotes, mention.start):
        return "quoted speech"
    window_start = max(mention.clause_start, mention.start - _MODAL_WINDOW)
    before = body[window_start:mention.start]
    clause = body[mention.clause_start:mention.clause_end]
    if _INFINITIVE.search(before[-25:]) and not mention.nominal:
        return "purpose or infinitive"
    if re.search(r"\b(?:to|aimed at|aiming to|in order to)\s+$", before[-14:], re.IGNORECASE):
        return "purpose or infinitive"
    modal = _MODAL_BEFORE.search(before)
    if modal:
        return f"modality '{modal.group(0)}'"
    if mention.nominal:
        after_modal = re.search(r"\b(?:would|could|will|might|may)\s+be\b", clause[mention.end - mention.clause_start:], re.IGNORECASE)
        if after_modal:
            return f"modality '{after_modal.group(0)}'"
    negation = _NEGATION_BEFORE.search(before[-30:])
    if negation:
        return f"negation '{negation.group(0)}'"
    generic = _GENERIC.search(clause)
    if generic and not (mention.sub_event_type in _CROWD_EVENTS and _CROWD_SIZE.fullmatch(generic.group(0))):
        return f"generic '{generic.group(0)}'"  # "thousands marched" counts a crowd, not repeated events
    if mention.sub_event_type == TERRITORY and re.match(r"(?:captur|seiz)", mention.trigger, re.IGNORECASE):
        if _NON_TERRITORY_OBJECT.match(body[mention.end:mention.end + 40]):
            return "captured people or things, not ground"
    if mention.sub_event_type in _CROWD_EVENTS and _ACTED_ON.search(body[max(mention.clause_start, mention.start - 40):mention.start]):
        return "the crowd is the object of another event"  # "police arrested 30 protesters"
    if mention.sub_event_type == KILLING and re.match(r"(?:wounded|injured|dead|shot)$", mention.trigger, re.IGNORECASE):
        return "casualty word, not a trigger"
    if mention.sub_event_type == "Attack" and mention.trigger.lower() in ("hit", "strike", "strikes") and not mention.nominal:
        return "weak verb"
    return ""
