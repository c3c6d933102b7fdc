"""Unguessable tokens for private links; only their hashes are stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

TOKEN_BYTES = 24  # 192 bits: unguessable resume, invitation and password links
MAX_TOKEN_LENGTH = 100  # longer strings are never our tokens: refuse before hashing


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def plausible(token: str) -> bool:
    return bool(token) and len(token) <= MAX_TOKEN_LENGTH


def invitation_token(secret: str, nonce: str) -> str:
    """The invitation link's token: derived from a stored nonce under the secret key,
    so staff can show a link again while the database alone does not reveal it."""
    digest = hmac.new(secret.encode("utf-8"), b"invite:" + nonce.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode("ascii")


def sign(secret: str, purpose: str, text: str) -> str:
    """An HMAC of `text` for one purpose, so a page can carry data back unaltered."""
    return hmac.new(
        secret.encode("utf-8"), f"{purpose}:".encode() + text.encode("utf-8"), hashlib.sha256
    ).hexdigest()


def signed(secret: str, purpose: str, text: str, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, purpose, text), signature)
