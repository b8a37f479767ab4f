"""Turning a file into blocks the way the extension does for a live page."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

BLOCK_TAGS = "p, h1, h2, h3, h4, h5, h6, li, blockquote, td, th, figcaption, dt, dd, pre, caption"
SKIP_TAGS = ["script", "style", "noscript", "template", "nav", "form", "button", "input",
             "textarea", "select", "svg"]


def blocks_from_text(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def blocks_from_html(html: str) -> list[str]:
    tree = LexborHTMLParser(html)
    tree.strip_tags(SKIP_TAGS)
    blocks = []
    for node in tree.css(BLOCK_TAGS):
        # The innermost block element owns its text: skip a list item whose
        # text is inside nested paragraphs, and so on.
        if any(inner.mem_id != node.mem_id for inner in node.css(BLOCK_TAGS)):
            continue
        text = " ".join(node.text(separator=" ").split())
        if text:
            blocks.append(text)
    return blocks
