"""Request and response shapes of the API; also the source of /openapi.json."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["claim", "disclosure"]
ClaimType = Literal["statistic", "quote", "attribution", "unnamed_source", "causal",
                    "comparison", "prediction", "event"]
DisclosureType = Literal["sponsored", "affiliate", "political_ad", "opinion_disclaimer",
                         "advice_disclaimer", "syndication", "press_release", "ai_generated"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class BlockIn(Strict):
    id: str = Field(min_length=1, max_length=128)
    text: str = Field(description="The block's visible text; offsets refer to it exactly as sent.")


class AnalyzeRequest(Strict):
    url: str | None = Field(default=None, description="The page's URL; used for settings, never stored.")
    blocks: list[BlockIn]
    kinds: list[Kind] = Field(default=["claim", "disclosure"], min_length=1)


class SpanOut(Strict):
    start: int = Field(ge=0, description="UTF-16 code units into the block's text")
    end: int = Field(ge=0, description="UTF-16 code units into the block's text, exclusive")
    kind: Kind
    type: ClaimType | DisclosureType
    score: float = Field(ge=0, le=1)
    label: str
    note: str = Field(max_length=160)


class BlockOut(Strict):
    id: str
    spans: list[SpanOut]


class PageOut(Strict):
    notes: list[str]
    counts: dict[Kind, int]


class AnalyzeResponse(Strict):
    model: str
    offsets: Literal["utf16"]
    disabled: bool = False
    page: PageOut
    blocks: list[BlockOut]


class ErrorBody(Strict):
    code: str
    message: str
    field: str | None = None


class ErrorResponse(Strict):
    error: ErrorBody


class Health(Strict):
    status: Literal["ok"]


class Ready(Strict):
    status: Literal["ready", "degraded"]
    model: str
    redis: Literal["ok", "down"]
