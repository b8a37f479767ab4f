"""ClaimEvidence on its own: the veto, the claim type and the note.

The component runs on the annotator pipeline (full en_core_web_sm plus
``claimflag_claim_evidence``), loaded once per session, one sentence at a
time as ``pipeline.Analyzer`` feeds it. Nothing here depends on the claim
score model, which decides only *which* sentences reach this component.

Every text below is written for these tests (invented people, towns and
numbers). The groups double as the veto's evaluation set: run this file with
``-s`` and ``test_veto_precision_and_recall`` prints the figures.
"""

from __future__ import annotations

import inspect
import re

import pytest
import spacy

from claimflag.config import Config
from claimflag.nlp import claim_evidence, factories  # noqa: F401  (registers the component)
from claimflag.nlp.flags import NOTE_MAX_CHARS

from conftest import analyze, js_slice

# Lines every site repeats around an article: never claims.
FURNITURE = [
    "By Marta Kowalczyk",
    "By Dev Raman and Lucía Ferrer | Northgate Tribune",
    "Hannah Osei, Staff Writer",
    "Tomas Brandt is a senior correspondent covering energy and mining.",
    "Tuesday 4 March 2025, 10:32 GMT",
    "March 12, 2024",
    "Updated 3 hours ago",
    "Published 14 May 2025 at 07:15",
    "Last updated: yesterday",
    "6 min read",
    "Read more",
    "Read more: Ferry operator cuts winter timetable",
    "Related: How the harbour plan was drawn up",
    "Related articles",
    "Photo: Ines Larsen/Coastline Agency",
    "Image credit: Pavel Novak for the Gazette",
    "Rescue boats near the pier (Photo by Oren Stahl/Getty Images)",
    "We use cookies to improve your experience and to show you relevant ads.",
    "By continuing to browse this site you agree to our use of cookies.",
    "Accept all cookies",
    "Manage preferences",
    "Share this article",
    "Share on Facebook",
    "Follow us on Instagram for daily updates",
    "Subscribe to our newsletter for the latest headlines.",
    "Sign up for our free morning briefing",
    "Subscribe now for just $1 a week",
    "Home > News > Local",
    "Skip to main content",
    "Next article",
    "Back to top",
    "Advertisement",
    "Story continues below advertisement",
    "Table of contents",
    "2.1 Methods and data sources",
    "Chapter 4: What the survey shows",
    "Funding and results ........ 12",
    "Flood Defences Under Strain",
    "How the money was spent",
    "Harbour redevelopment: the timeline",
    "Comments (48)",
    "Tags: housing, transport, council",
    "© 2025 Northgate Media Ltd. All rights reserved.",
    "Click here to download the full report",
]

# Stance with nothing a reader could look up.
BARE_OPINION = [
    "I think this is a disgrace.",
    "We must do better.",
    "Honestly, the whole affair is embarrassing.",
    "What kind of town lets its library rot like this?",
    "Is this really the best our leaders can offer?",
    "In my view, the plan is a mistake.",
    "Shame on everyone who stayed silent.",
    "This policy is a betrayal of ordinary families.",
    "It's time for the council to listen.",
    "Frankly, nobody deserves to be treated like that.",
    "The mayor should resign.",
    "Let's hope they finally learn their lesson.",
    "I believe the new stadium will be wonderful for the neighbourhood.",
    "Who could possibly have seen this coming?",
    "Enough is enough!",
]

# Claims: (sentence, expected type, words the note must contain).
CLAIMS = [
    # figures
    ("Nine people were killed and 37 injured when the tram left the rails in Oberhausen on Sunday.",
     "statistic", ["Nine people", "37"]),
    ("Average rents in Eastbrook rose by 14 percent last year.", "statistic", ["14 percent"]),
    ("The county spent $4.2 million on the new bridge.", "statistic", ["$4.2 million"]),
    ("Some 2,300 households were still without power on Friday night.",
     "statistic", ["2,300 households"]),
    ("The hospital treated 412 patients for heat stroke during the heatwave, the health board said.",
     "statistic", ["412 patients", "health board"]),
    ("Turnout fell to 38% in the by-election.", "statistic", ["38%"]),
    # quotes of factual statements
    ("“The reservoir is at its lowest level since records began,” said Karin Holm, the water "
     "authority's chief engineer.", "quote", ["Karin Holm", "reservoir"]),
    ("“We closed the east wing after inspectors found asbestos in the ceiling,” hospital director "
     "Samuel Oduya told reporters.", "quote", ["Samuel Oduya", "east wing"]),
    ("Senator Ruth Calloway described the merger as “the largest in the state's history.”",
     "quote", ["Ruth Calloway", "largest"]),
    ("“No evacuation order was ever issued for the valley,” the fire chief said.",
     "quote", ["fire chief", "evacuation order"]),
    # attributed facts
    ("Police said the suspect had been released on bail.", "attribution", ["Police"]),
    ("According to Finance Minister Lars Edberg, the deficit has narrowed for a second year.",
     "attribution", ["Lars Edberg"]),
    ("The Environment Agency confirmed that the river burst its banks near Millbridge.",
     "attribution", ["Environment Agency"]),
    ("Professor Amina Yusuf told the inquiry that the samples had been contaminated.",
     "attribution", ["Amina Yusuf"]),
    # unnamed sources and "experts say"
    ("Legal experts say the contract breaches competition law.", "unnamed_source", ["Legal experts"]),
    ("Officials familiar with the matter said the ambassador would be recalled.",
     "unnamed_source", ["Officials familiar with the matter"]),
    ("A recent study found that the drug cut hospital admissions.", "unnamed_source", ["study"]),
    ("The minister reportedly offered her resignation twice.", "unnamed_source", ["reportedly"]),
    ("Analysts believe the airline is close to insolvency.", "unnamed_source", ["Analysts"]),
    ("Residents say the water has tasted of chlorine since the plant reopened.",
     "unnamed_source", ["Residents"]),
    # cause and effect
    ("The ferry service was suspended because of a strike by harbour pilots.",
     "causal", ["strike by harbour pilots", "ferry service was suspended"]),
    ("The drought led to a sharp rise in wheat prices.",
     "causal", ["drought", "sharp rise in wheat prices"]),
    # comparisons
    ("Cyclists in Lindau are safer than drivers on the ring road.",
     "comparison", ["Cyclists in Lindau", "drivers on the ring road"]),
    ("Greyford has the highest unemployment rate in the region.",
     "comparison", ["highest unemployment rate"]),
    # predictions
    ("The new line will open to passengers in the spring.", "prediction", ["new line will open"]),
    ("Inflation is expected to ease over the coming months, the central bank said.",
     "prediction", ["Inflation is expected to ease", "central bank"]),
    # events with date and place
    ("On 3 February a landslide blocked the coastal road near Porthmellin.",
     "event", ["landslide", "3 February", "Porthmellin"]),
    ("The Valdoria parliament approved the budget on Thursday.", "event", ["Valdoria", "Thursday"]),
    # opinion that carries a checkable fact
    ("I think it's shameful that 40 percent of children in the district live in poverty.",
     "statistic", ["40 percent of children"]),
    ("Frankly, the council wasted £2 million on a bridge nobody uses.",
     "statistic", ["£2 million"]),
    ("Why did the agency pay 18 consultants to write one report?", "statistic", ["18 consultants"]),
]

OPINION_WITH_FACTS = CLAIMS[-3:]


@pytest.fixture(scope="session")
def annotator():
    nlp = spacy.load(Config.SPACY_MODEL, exclude=["senter"])
    nlp.add_pipe("claimflag_claim_evidence")
    return nlp


def _evidence(annotator, text):
    return annotator(text)._.claim_evidence


@pytest.mark.parametrize("text", FURNITURE)
def test_furniture_is_vetoed(annotator, text):
    assert _evidence(annotator, text) is None


@pytest.mark.parametrize("text", BARE_OPINION)
def test_bare_opinion_is_vetoed(annotator, text):
    assert _evidence(annotator, text) is None


@pytest.mark.parametrize("text,kind,words", CLAIMS, ids=[c[0][:40] for c in CLAIMS])
def test_claims_pass_with_type_and_evidence(annotator, text, kind, words):
    evidence = _evidence(annotator, text)
    assert evidence is not None, "vetoed"
    note = evidence.note.render(text)
    assert evidence.type == kind, note
    for word in words:
        assert word.lower() in note.lower(), note


@pytest.mark.parametrize("text", [c[0] for c in CLAIMS])
def test_notes_are_short_specific_and_built_from_slots(annotator, text):
    evidence = _evidence(annotator, text)
    note = evidence.note.render(text)
    assert len(note) <= NOTE_MAX_CHARS
    assert evidence.note.slots, "a note names evidence from the sentence"
    for start, end in evidence.note.slots:
        assert 0 <= start < end <= len(text)
    # Page words enter only through slots: every word of the template is
    # fixed wording written in the component's source.
    blank = evidence.note.template.format(*["" for _ in evidence.note.slots])
    assert set(re.findall(r"[a-z']+", blank.lower())) <= _SOURCE_WORDS, blank
    # ... and the rendered note shares words with the sentence.
    assert _content_words(note) & _content_words(text)
    assert not re.search(r"\s[,.:)]|\(\s|\(\)|“”", note), note


def test_notes_on_the_sample_page_are_short_and_tidy(annotator, sample_column):
    for line in sample_column:
        for sent in annotator(line).sents:
            text = sent.text.strip()
            evidence = _evidence(annotator, text)
            if evidence is None:
                continue
            note = evidence.note.render(text)
            assert len(note) <= NOTE_MAX_CHARS, note
            assert evidence.note.slots, note
            assert not re.search(r"\s[,.:)]|\(\s|\(\)|“”", note), note
            for start, end in evidence.note.slots:
                piece = text[start:end]
                assert piece == piece.strip() and piece[:1].isalnum() or piece[:1] in "$£€“\"", note


def test_component_round_trips_through_disk(annotator, tmp_path):
    annotator.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    text = CLAIMS[0][0]
    assert loaded(text)._.claim_evidence == annotator(text)._.claim_evidence


def test_veto_precision_and_recall(annotator):
    """The veto's quality on the groups above: every furniture and bare
    opinion line vetoed, no claim vetoed."""
    should = FURNITURE + BARE_OPINION
    should_not = [c[0] for c in CLAIMS]
    vetoed = {t for t in should + should_not if _evidence(annotator, t) is None}
    tp = len([t for t in should if t in vetoed])
    fp = len([t for t in should_not if t in vetoed])
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / len(should)
    print(f"\nveto: precision {precision:.3f} recall {recall:.3f} "
          f"({tp} of {len(should)} vetoed, {fp} of {len(should_not)} claims wrongly vetoed)")
    assert precision == 1.0 and recall == 1.0


# ------------------------------------------------------------- through the API

PAGE_FURNITURE = ["By Oskar Lindqvist", "Updated 2 hours ago", "Share this article",
                  "Photo: Mira Castell/Harbour Images", "Read more", "Water Rates Under Review"]
PAGE_OPINION = ["I think the board has lost its way.", "We deserve better than this!",
                "Is this any way to run a public utility?"]
PAGE_CLAIMS = [
    "The water board raised household bills by 11 percent in April, its annual report shows.",
    "Engineers found 26 leaks in the main pipeline between Ashby and Corran last winter.",
    "Chief executive Nadia Ferris said the company lost £3.5 million on the desalination plant.",
    "Consumer groups say complaints about billing errors doubled in 2024.",
    "Seventeen households were left without running water for more than a week.",
]


def test_page_through_the_api_flags_claims_only(client):
    texts = PAGE_FURNITURE[:3] + [PAGE_CLAIMS[0], PAGE_OPINION[0], PAGE_FURNITURE[3], PAGE_CLAIMS[1],
                                  PAGE_FURNITURE[5], PAGE_CLAIMS[2], PAGE_OPINION[1], PAGE_CLAIMS[3],
                                  PAGE_OPINION[2], PAGE_CLAIMS[4], PAGE_FURNITURE[4]]
    result = analyze(client, texts, kinds=["claim"])
    flagged = {}
    for text, block in zip(texts, result["blocks"]):
        for span in block["spans"]:
            assert span["kind"] == "claim"
            assert span["type"] and span["note"] and len(span["note"]) <= NOTE_MAX_CHARS
            flagged[js_slice(text, span["start"], span["end"])] = span
    for text in PAGE_FURNITURE + PAGE_OPINION:
        assert text not in flagged, (text, flagged.get(text))
    hits = [t for t in PAGE_CLAIMS if t in flagged]
    assert len(hits) >= len(PAGE_CLAIMS) - 1, hits


_SOURCE_WORDS = set(re.findall(r"[a-z']+", inspect.getsource(claim_evidence).lower()))


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9£$%][\w£$%,.'-]*[\w%]|[a-z0-9]", text.lower())
            if len(w) > 3 or any(c.isdigit() for c in w)}
