"""Request and response shapes of the API; also the source of /openapi.json."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

Kind = Literal["claim", "disclosure"]
ClaimType = Literal["statistic", "quote", "attribution", "unnamed_source", "causal",
                    "comparison", "prediction", "event"]
DisclosureType = Literal["sponsored", "affiliate", "political_ad", "opinion_disclaimer",
                         "advice_disclaimer", "syndication", "press_release", "ai_generated"]
FlagType = Literal[ClaimType.__args__ + DisclosureType.__args__]   # one enum: errors name the item
Priority = Literal["high", "normal"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _omittable(unique: bool = False, **kwargs):
    """A field that may be left out (meaning: inherit) but, when sent, is never null."""
    def schema(field_schema: dict) -> None:
        field_schema.pop("default", None)
        if unique:
            field_schema["uniqueItems"] = True
    return Field(default=None, json_schema_extra=schema, **kwargs)


MAX_LINKS_PER_BLOCK = 200

LinkRange = Annotated[list[int], Field(min_length=2, max_length=2,
                                       description="[start, end): UTF-16 code units into the block's text, "
                                                   "0 <= start < end <= its length")]


class BlockIn(Strict):
    id: str = Field(min_length=1, max_length=128)
    text: str = Field(description="The block's visible text; offsets refer to it exactly as sent.")
    links: list[LinkRange] = _omittable(
        max_length=MAX_LINKS_PER_BLOCK,
        description="Where the block's links stand in its text (positions only, never their addresses). "
                    "A claim whose sentence overlaps one gets cites_link. Never stored or logged.")


class AnalyzeRequest(Strict):
    url: str | None = Field(default=None, description="The page's URL; used for settings, never stored.")
    blocks: list[BlockIn]
    kinds: list[Kind] = Field(default=["claim", "disclosure"], min_length=1,
                              json_schema_extra={"uniqueItems": True})


class SpanOut(Strict):
    start: int = Field(ge=0, description="UTF-16 code units into the block's text")
    end: int = Field(ge=0, description="UTF-16 code units into the block's text, exclusive")
    kind: Kind
    type: ClaimType | DisclosureType
    priority: Priority = _omittable(description="Claims only: high, a claim to check first (figures, cause "
                                                "and effect, unnamed sources, contested assertions, "
                                                "predictions, comparisons); normal, another factual claim.")
    score: float = Field(ge=0, le=1, description="Claims: 0.5 or more where the model flags the sentence "
                                                 "(either of its thresholds); disclosures: how sure the detector is")
    label: str
    note: str = Field(max_length=160)
    cites_link: bool = _omittable(description="Present and true on a claim whose sentence overlaps one of "
                                              "the block's links: the note says it links to a source to check.")
    text_hash: str = _omittable(pattern=r"^[0-9a-f]{40}$",
                                description="Present when the request carried a token: what "
                                            "POST /v1/settings/{domain}/dismissed takes to hide this flag.")


class BlockOut(Strict):
    id: str
    spans: list[SpanOut]


class PageOut(Strict):
    notes: list[str]
    counts: dict[Kind | Priority, int] = Field(description="Spans per kind asked for; with claims, also per "
                                                           "priority (high + normal = claim)")


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


# -- installs and settings --------------------------------------------------

TextHash = Annotated[str, Field(pattern=r"^[0-9a-f]{40}$")]


class InstallCreated(Strict):
    token: str = Field(description="The install's bearer token; shown once, stored only as a hash.")


def _unique(values):
    if values is not None and len(set(values)) != len(values):
        raise PydanticCustomError("unique", "must not repeat a value")
    return values


class Preferences(Strict):
    """A site's (or the defaults') own settings; a field left out is inherited."""

    enabled: bool = _omittable(description="false: no analysis at all on this site")
    kinds: list[Kind] = _omittable(unique=True, max_length=2,
                                   description="[] shows nothing (the site stays enabled)")
    min_score: float = _omittable(ge=0, le=1, description="Claims scoring below this are not shown")
    muted_types: list[FlagType] = _omittable(unique=True, max_length=16)
    all_claims: bool = _omittable(description="Draw other factual claims (priority normal) too, not only "
                                              "the ones to check first; a display setting: /v1/analyze "
                                              "answers with both priorities whatever it says")

    _unique_lists = field_validator("kinds", "muted_types")(_unique)


class Effective(Strict):
    enabled: bool
    kinds: list[Kind]
    min_score: float = Field(ge=0, le=1)
    muted_types: list[FlagType]
    all_claims: bool


class SiteSettings(Strict):
    domain: str = Field(description="Canonical ASCII (IDNA) host, or _defaults")
    unicode: str = Field(description="The host as a person reads it")
    settings: Preferences
    dismissed: list[TextHash]
    effective: Effective = Field(description="What applies here after inheritance")


class SettingsLimits(Strict):
    max_domains: int
    max_dismissed: int
    min_score_default: float = Field(ge=0, le=1)
    min_score_floor: float = Field(ge=0, le=1, description="No claim scores below this are kept")


class AllSettings(Strict):
    defaults: SiteSettings
    domains: list[SiteSettings]
    limits: SettingsLimits


class Dismiss(Strict):
    text_hash: TextHash
