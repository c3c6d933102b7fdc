"""What a case study publishes besides its text: photos and a logo."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from assess.models.common import Vocabulary, utcnow
from assess.vocab import PhotoKind


class CasePhoto(SQLModel, table=True):
    """A photo or logo for a case study, stored normalised (see services.photos); the bytes
    live in the attachment store beside the response's evidence."""

    __tablename__ = "case_photo"

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True)
    kind: PhotoKind = Field(default=PhotoKind.PHOTO, sa_type=Vocabulary(PhotoKind, 10))
    position: int = Field(default=0)
    caption_ja: str = Field(default="", max_length=200)
    caption_en: str = Field(default="", max_length=200)
    credit: str = Field(default="", max_length=100)
    media_type: str = Field(max_length=100)  # image/jpeg or image/png, as stored
    width: int  # pixels, as stored
    height: int
    size: int  # bytes as stored
    sha256: str = Field(max_length=64)
    stored: str = Field(max_length=200, unique=True)  # where the bytes are, relative to the store
    uploaded_by: str = Field(default="", max_length=254)  # "" the company, else a staff e-mail
    created_at: datetime = Field(default_factory=utcnow)

    def caption(self, locale: str) -> str:
        return (self.caption_ja if locale == "ja" else self.caption_en) or self.caption_ja or self.caption_en
