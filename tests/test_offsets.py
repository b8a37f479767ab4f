import pytest

from claimflag.nlp.offsets import Utf16Offsets, strip_span, utf16_length

from conftest import js_slice

TEXTS = [
    "Plain ASCII text.",
    "👍🏽 Two people waved. 👋 Then left.",        # skin-tone modifier: two astral chars
    "東京の人口は約1400万人です。次の文。",            # CJK, all in the BMP
    "Cafe\u0301 owners said prices rose.",        # combining acute accent
    "Line one.\r\nLine two 😀 ends here.",        # CRLF and an emoji
    "  \t Leading and trailing whitespace.  \n",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters 𝟙𝟚𝟛 and 🇬🇧 flags.",   # regional indicators: two astral chars
]


@pytest.mark.parametrize("text", TEXTS)
def test_every_code_point_offset_maps_to_the_same_text_in_utf16(text):
    to_utf16 = Utf16Offsets(text)
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            assert js_slice(text, to_utf16(start), to_utf16(end)) == text[start:end]


@pytest.mark.parametrize("text", TEXTS)
def test_utf16_length_is_what_javascript_reports(text):
    assert utf16_length(text) == len(text.encode("utf-16-le")) // 2


def test_offsets_shift_by_one_per_astral_character_before_them():
    text = "😀😀 Seven people died."
    to_utf16 = Utf16Offsets(text)
    assert text.index("Seven") == 3
    assert to_utf16(3) == 5


def test_strip_span_drops_surrounding_whitespace_only():
    text = "  \u00a0Sentence with inner  spaces.\r\n "
    start, end = strip_span(text, 0, len(text))
    assert text[start:end] == "Sentence with inner  spaces."
    assert strip_span("   ", 0, 3)[0] == strip_span("   ", 0, 3)[1]
