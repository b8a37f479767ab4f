"""What a detector found in one block, independent of HTTP and of Redis.

A note is kept as a template plus *slots*, code-point ranges of the block
text, and is rendered against the text the client sent. The cache therefore
stores offsets and fixed wording only, never a fragment of the page.
"""

from __future__ import annotations

from dataclasses import dataclass

NOTE_MAX_CHARS = 160
_ELLIPSIS = "…"
# Added to the note of a claim whose sentence links to its source (the request's link ranges say so).
CITES_LINK_NOTE = "It links to a source: check that the source says this."


@dataclass(frozen=True)
class Note:
    template: str                      # str.format template, {0}.. are slots
    slots: tuple[tuple[int, int], ...] = ()

    def render(self, text: str, cites_link: bool = False) -> str:
        """The note for the block ``text``, at most NOTE_MAX_CHARS; with
        ``cites_link``, ending in CITES_LINK_NOTE, which is never shortened."""
        if cites_link:
            return f"{self._render(text, NOTE_MAX_CHARS - len(CITES_LINK_NOTE) - 1)} {CITES_LINK_NOTE}"
        return self._render(text, NOTE_MAX_CHARS)

    def _render(self, text: str, limit: int) -> str:
        pieces = [" ".join(text[s:e].split()) for s, e in self.slots]
        note = self.template.format(*pieces)
        # Too long: shorten the longest piece until it fits; the wording of
        # the template is what tells the reader what to check.
        while len(note) > limit and pieces:
            i = max(range(len(pieces)), key=lambda k: len(pieces[k]))
            excess = len(note) - limit
            keep = len(pieces[i]) - excess - len(_ELLIPSIS)
            if keep < 8:
                pieces[i] = pieces[i][:8].rstrip() + _ELLIPSIS
                note = self.template.format(*pieces)
                break
            pieces[i] = pieces[i][:keep].rstrip() + _ELLIPSIS
            note = self.template.format(*pieces)
        if len(note) > limit:
            return note[: limit - 1].rstrip() + _ELLIPSIS
        return note

    def shifted(self, by: int) -> "Note":
        return Note(self.template, tuple((s + by, e + by) for s, e in self.slots))


@dataclass(frozen=True)
class Flag:
    start: int                         # code points into the block text
    end: int
    kind: str                          # "claim" | "disclosure"
    type: str
    score: float
    label: str
    note: Note
    priority: str = ""                 # claims: "high" (check first) or "normal"

    def to_cache(self) -> list:
        return [self.start, self.end, self.kind, self.type, round(self.score, 4),
                self.label, self.note.template, [list(s) for s in self.note.slots], self.priority]

    @classmethod
    def from_cache(cls, row: list) -> "Flag":
        start, end, kind, type_, score, label, template, slots, priority = row
        return cls(start, end, kind, type_, score, label,
                   Note(template, tuple((s, e) for s, e in slots)), priority)
