"""The output contract. These pydantic models are the single source of truth: the JSON Schema
in ``schemas/`` is generated from them (``khparse schema``) and a test fails if it drifts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal["1.0"] = "1.0"

Comparator = Literal["=", ">=", ">", "<=", "<", "~", "range"]
AgencyKind = Literal[
    "department", "provincial_body", "district_level", "collective", "mass_organisation", "ministry", "other"
]
DeadlineKind = Literal["once", "annual", "quarterly", "monthly"]
Origin = Literal["text", "pdf", "docx", "ocr", "table"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Provenance(Model):
    """Where an item was printed: page (when the source has pages) and 1-based line numbers."""

    page: int | None = None
    line: int = Field(ge=0)
    line_end: int | None = None
    origin: Origin = "text"


class SourceInfo(Model):
    path: str
    sha256: str
    format: str
    pages: int | None = None
    encoding: str | None = None
    ocr_pages: list[int] = Field(default_factory=list)
    ocr_confidence: float | None = None


class Signer(Model):
    name: str | None = None
    position: str | None = None
    on_behalf_of: str | None = None  # "TM. Ủy ban nhân dân"
    delegation: str | None = None  # "KT. Chủ tịch"


class Metadata(Model):
    doc_type: str | None = None
    doc_type_code: str | None = None
    number: str | None = None
    issuer: str | None = None
    province: str | None = None
    place: str | None = None
    issued_date: str | None = Field(default=None, description="ISO date YYYY-MM-DD")
    title: str | None = None
    signer: Signer = Field(default_factory=Signer)
    recipients: list[str] = Field(default_factory=list)


class Mention(Model):
    raw: str
    provenance: Provenance


class Reference(Model):
    number: str | None
    type: str | None = None
    date: str | None = None
    issuer: str | None = None
    short_name: str | None = None
    mentions: list[Mention] = Field(default_factory=list)


class Section(Model):
    id: str
    level: int = Field(ge=1)
    number: str
    heading: str
    text: str = ""
    children: list[Section] = Field(default_factory=list)
    provenance: Provenance


class Task(Model):
    id: str
    section: str
    description: str
    lead: list[str] = Field(default_factory=list)
    partners: list[str] = Field(default_factory=list)
    timeline: str | None = None
    product: str | None = None
    source: Literal["label", "prose", "table"] = "label"
    provenance: Provenance


class Agency(Model):
    name: str
    aliases: list[str] = Field(default_factory=list)
    kind: AgencyKind = "other"
    lead_of: list[str] = Field(default_factory=list)
    partner_of: list[str] = Field(default_factory=list)


class Target(Model):
    id: str
    section: str
    indicator: str
    comparator: Comparator
    value: float
    value_text: str = Field(description="the figure exactly as printed, e.g. '2,35' or '74.900'")
    value_max: float | None = None
    unit: str = ""
    year: int | None = None
    raw: str
    provenance: Provenance


class Deadline(Model):
    section: str
    raw: str
    kind: DeadlineKind
    date: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD for kind 'once'")
    month_day: str | None = Field(default=None, description="MM-DD for recurring deadlines")
    provenance: Provenance


class ParseWarning(Model):
    code: str
    message: str
    provenance: Provenance | None = None


class Plan(Model):
    """One parsed document."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    generator: str = Field(description="khparse version that produced this output")
    source: SourceInfo
    confidence: float = Field(ge=0, le=1, description="how plan-like the document is (0..1)")
    metadata: Metadata
    references: list[Reference] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    agencies: list[Agency] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    warnings: list[ParseWarning] = Field(default_factory=list)
