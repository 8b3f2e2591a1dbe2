"""The backup file: Django's serialized objects under a header that lets `restore` check them before loading."""

import hashlib
import json
from collections import Counter

FORMAT = "softpower-backup"
VERSION = 1


class NotABackup(ValueError):
    """Why a file is not a backup that `restore` may load."""


def digest(objects: list) -> str:
    """The sha256 of the objects' canonical JSON: sorted keys, no spaces, ASCII escapes.

    Canonical, so the digest does not depend on how the file was laid out, only on what it holds:
    `json.dumps(objects, sort_keys=True, separators=(",", ":"))` in any language that writes the same.
    """
    canonical = json.dumps(objects, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def model_counts(objects: list) -> dict[str, int]:
    return dict(sorted(Counter(obj["model"] for obj in objects).items()))


def make_document(objects: list, created: str) -> dict:
    """A backup as written to disk: the header first, so `head` shows what a file holds."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "created": created,
        "counts": model_counts(objects),
        "sha256": digest(objects),
        "objects": objects,
    }


def checked_objects(data: bytes) -> list[dict]:
    """The serialized objects of a backup, or NotABackup if the file is not one, is truncated or was edited."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, UnicodeDecodeError, absurd nesting
        raise NotABackup(f"it is not JSON ({str(error).splitlines()[0]})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise NotABackup(f"it has no {FORMAT} header (a dumpdata fixture is not a backup)")
    if document.get("version") != VERSION:
        raise NotABackup(f"it is {FORMAT} version {document.get('version')!r}; this restore reads version {VERSION}")
    objects, counts = document.get("objects"), document.get("counts")
    if not isinstance(objects, list) or not all(
        isinstance(obj, dict) and isinstance(obj.get("model"), str) and isinstance(obj.get("fields"), dict)
        for obj in objects
    ):
        raise NotABackup("its objects are not a list of Django serialized objects")
    if not isinstance(counts, dict):
        raise NotABackup("its header has no counts")
    held = model_counts(objects)
    for model in sorted(held.keys() | counts.keys()):
        if held.get(model, 0) != counts.get(model, 0):
            raise NotABackup(
                f"its header counts {counts.get(model, 0)} {model} but it holds {held.get(model, 0)}: "
                "it is truncated or edited"
            )
    if document.get("sha256") != digest(objects):
        raise NotABackup("its objects do not match its sha256 digest: it is damaged or edited")
    return objects
