"""Documents behind answers: files a company attaches, and staff's requests for them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from assess.models.common import utcnow


class Attachment(SQLModel, table=True):
    """A file attached to an answer; its bytes are stored apart (see services.attachments)."""

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True)
    question_id: str = Field(max_length=120)
    name: str = Field(max_length=200)  # the file name as uploaded, made safe to show
    media_type: str = Field(max_length=100)  # found from the content, not the name
    size: int  # bytes as stored
    sha256: str = Field(max_length=64)
    stored: str = Field(max_length=200, unique=True)  # where the bytes are, relative to the store
    uploaded_by: str = Field(default="", max_length=254)  # "" the company, else a staff e-mail
    created_at: datetime = Field(default_factory=utcnow)


class DocumentRequest(SQLModel, table=True):
    """Staff ask for a document on a question, typically when returning a response."""

    __tablename__ = "document_request"

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True)
    question_id: str = Field(max_length=120)
    note: str = Field(default="", max_length=2000)
    requested_by: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow)
    fulfilled_at: datetime | None = None  # set when the company attaches a file to the question
