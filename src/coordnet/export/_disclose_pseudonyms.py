"""Salted pseudonyms for a disclosure: who keeps their name, and what replaces it for the rest.

The platforms' information-operations archives replaced the id, handle and display name of
every account under 5,000 followers by a hash, so that researchers can still follow one
account through the data without learning who it is. coordnet does the same with
HMAC-SHA256 keyed by a salt the caller keeps: without the salt nobody can test a guess ("is
hash X the account @anna?"), and the same salt gives the same hashes in a later disclosure, so
the two link up. The hash of an account is the same string in every field that points at it
(``userid``, ``user_screen_name``, ``user_display_name``, ``in_reply_to_userid``,
``retweet_userid``, ``user_mentions`` and ``@mentions`` in text).

What is hashed, with its domain-separating prefix (HMAC-SHA256, lower-case hex, 64 digits,
which our ``twitter-io`` reader recognises as a hashed id):

* ``actor:<actor_id>``: an account under the follower threshold, or of unknown followers;
* ``handle:<lower-cased handle>``: an ``@handle`` in text that is no account in the store
  (its followers are unknown, so it is treated as small);
* ``post:<post id>``: a post that is not disclosed and whose author is hashed or unknown.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

from coordnet.errors import InputError

__all__ = [
    "MIN_SALT_BYTES",
    "Pseudonyms",
    "new_salt_file",
    "read_salt_file",
    "salt_bytes",
]

#: A salt shorter than this can be guessed together with the handle it protects.
MIN_SALT_BYTES = 16

#: ``@handle`` as written in text: not inside a word or an e-mail address. Dots are taken
#: too (Instagram handles have them) and a trailing dot is given back to the sentence.
MENTION_RE = re.compile(r"(?<![\w@])@([\w.]{1,64})")


def salt_bytes(salt: bytes | str) -> bytes:
    """The salt as bytes (text is UTF-8), refusing one too short to resist guessing."""
    raw = salt.encode("utf-8") if isinstance(salt, str) else bytes(salt)
    if len(raw) < MIN_SALT_BYTES:
        raise InputError(
            f"the salt has {len(raw)} bytes; at least {MIN_SALT_BYTES} are needed so that the "
            "hashes cannot be reversed by guessing (make one with --new-salt-file)"
        )
    return raw


def _outside(path: Path, out_dir: str | Path | None, option: str) -> Path:
    resolved = path.expanduser().resolve()
    if out_dir is not None:
        folder = Path(out_dir).expanduser().resolve()
        if resolved == folder or resolved.is_relative_to(folder):
            raise InputError(
                f"{option} {path} is inside the output folder {out_dir}: the salt must never "
                "be published with the data; keep it elsewhere"
            )
    return resolved


def read_salt_file(path: str | Path, *, out_dir: str | Path | None = None) -> bytes:
    """Read a salt (the file's text without surrounding white space).

    Refuses a file inside ``out_dir``, the folder about to be published.
    """
    p = _outside(Path(path), out_dir, "salt file")
    if not p.is_file():
        raise InputError(f"salt file {path} does not exist (make one with --new-salt-file)")
    return salt_bytes(p.read_bytes().strip())


def new_salt_file(path: str | Path, *, out_dir: str | Path | None = None) -> bytes:
    """Create a random salt (256 bits as 64 hex digits), write it to ``path``, return it.

    The file is created readable by its owner only and never overwritten: losing a salt
    breaks the link to earlier disclosures. Refuses a path inside ``out_dir``.
    """
    p = _outside(Path(path), out_dir, "new salt file")
    if p.exists():
        raise InputError(
            f"salt file {path} already exists; pass it with --salt-file, or name a new file"
        )
    p.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_hex(32)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(salt + "\n")
    return salt.encode("ascii")


class Pseudonyms:
    """Maps actor ids, handles and post ids to what a disclosure may show.

    ``followers`` holds every known actor's follower count (None: unknown); ``handle_ids``
    maps a lower-cased handle to its actor. An actor is public when its followers reach
    ``threshold``; everything else is hashed. Counts of what was hashed are kept for the
    report.
    """

    def __init__(
        self,
        salt: bytes,
        threshold: int,
        followers: Mapping[str, int | None],
        handle_ids: Mapping[str, str],
    ) -> None:
        self._salt = salt
        self.threshold = threshold
        self._followers = followers
        self._handle_ids = handle_ids
        self._cache: dict[str, str] = {}
        self.n_text_mentions_hashed = 0

    def digest(self, kind: str, value: str) -> str:
        """HMAC-SHA256 of ``kind:value`` under the salt, as hex."""
        key = f"{kind}:{value}"
        found = self._cache.get(key)
        if found is None:
            found = hmac.new(self._salt, key.encode("utf-8"), hashlib.sha256).hexdigest()
            self._cache[key] = found
        return found

    def is_public(self, actor_id: str | None) -> bool:
        """Whether the actor keeps its id and names (known followers >= threshold)."""
        if actor_id is None:
            return False
        n = self._followers.get(actor_id)
        return n is not None and n >= self.threshold

    def actor(self, actor_id: str) -> str:
        """The id to show for an actor."""
        return actor_id if self.is_public(actor_id) else self.digest("actor", actor_id)

    def mention(self, value: str) -> str:
        """A ``user_mentions`` entry: an actor id or (some sources) a lower-cased handle."""
        if value in self._followers:
            return self.actor(value)
        owner = self._handle_ids.get(value.lower().lstrip("@"))
        if owner is not None:
            return self.actor(owner)
        return self.digest("actor", value)

    def handle(self, handle: str) -> str:
        """What replaces ``@handle`` in text: the handle of a public account, else a hash."""
        key = handle.lower()
        owner = self._handle_ids.get(key)
        if owner is not None and self.is_public(owner):
            return handle
        self.n_text_mentions_hashed += 1
        return self.actor(owner) if owner is not None else self.digest("handle", key)

    def text(self, text: str | None) -> str:
        """``text`` with every ``@handle`` of a hashed or unknown account replaced."""
        if not text or "@" not in text:
            return text or ""

        def swap(m: re.Match[str]) -> str:
            token = m.group(1)
            stem = token.rstrip(".")
            return "@" + self.handle(stem) + token[len(stem) :] if stem else m.group(0)

        return MENTION_RE.sub(swap, text)

    def post(self, post_id: str, author: str | None, disclosed: bool) -> str:
        """A referenced post: shown when disclosed or by a public author, else hashed."""
        if disclosed or self.is_public(author):
            return post_id
        return self.digest("post", post_id)

    @staticmethod
    def mentioned_handles(texts: list[str | None]) -> set[str]:
        """Lower-cased handles ``@mentioned`` in ``texts`` (to look their accounts up)."""
        found: set[str] = set()
        for t in texts:
            if t and "@" in t:
                found.update(m.group(1).rstrip(".").lower() for m in MENTION_RE.finditer(t))
        found.discard("")
        return found
