"""The embedded database's files, through TinyDB: the catalog and one file per respondent.

Everything here is blocking file I/O, meant to run on the repository's single worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticSerializationError
from tinydb import TinyDB
from tinydb.table import Document, Table

from core.ports import DatabaseCorrupt, StorageError
from core.session import Session
from storage.atomic_json import AtomicJSONStorage, encode
from storage.layout import Layout, respondent_file_name

CATALOG_FORMAT_VERSION = 1
META_TABLE = "meta"
SESSION_TABLE = "session"
SESSION_DOC_ID = 1


def _table(path: Path, name: str, *, writable: bool) -> Table:
    return TinyDB(path, writable=writable, storage=AtomicJSONStorage).table(name)


def check_catalog(layout: Layout) -> bool:
    """Validate the catalog if it exists; False if there is none yet."""
    if not layout.catalog.exists():
        return False
    meta = _table(layout.catalog, META_TABLE, writable=False).get(doc_id=1)
    if meta is None:
        raise DatabaseCorrupt(
            f"{layout.catalog} is not a consult database: it has no '{META_TABLE}' table. "
            "It was left untouched; point consult at another path or move it aside."
        )
    if meta.get("format_version") != CATALOG_FORMAT_VERSION:
        raise StorageError(
            f"{layout.catalog} has format version {meta.get('format_version')!r}; this consult "
            f"reads version {CATALOG_FORMAT_VERSION}. Use the consult version that wrote it."
        )
    return True


def create_catalog(layout: Layout) -> None:
    """Write a new catalog: the format version and when the database was created."""
    meta = {
        "format_version": CATALOG_FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(),
        "respondents_folder": layout.respondents.name,
    }
    _table(layout.catalog, META_TABLE, writable=True).insert(Document(meta, doc_id=1))


def read_session(path: Path) -> Session | None:
    """The session stored in a respondent file; None if the file does not exist."""
    document = _table(path, SESSION_TABLE, writable=False).get(doc_id=SESSION_DOC_ID)
    if document is None:
        if path.exists():
            raise DatabaseCorrupt(f"{path} holds no session document; it was left untouched.")
        return None
    try:
        return Session.model_validate(dict(document))
    except ValidationError as error:
        wrong = problems(error)
        raise DatabaseCorrupt(f"{path} does not hold a valid session ({wrong}); it was left untouched.") from None


def problems(error: ValidationError) -> str:
    """What is wrong, where, without the values: they may be someone's answers, and this message is logged."""
    first = error.errors(include_input=False, include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "the session"
    more = f", and {error.error_count() - 1} more" if error.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def write_session(path: Path, document: dict[str, Any]) -> None:
    """Replace the respondent's file with one holding `document`, atomically and durably."""
    table = _table(path, SESSION_TABLE, writable=True)
    # update() and insert() each read and rewrite the file; choosing one keeps it one write.
    if path.exists() and table.update(_replace_with(document), doc_ids=[SESSION_DOC_ID]):
        return
    table.insert(Document(document, doc_id=SESSION_DOC_ID))


def session_file_bytes(session: Session) -> tuple[bytes | None, bytes]:
    """The session's JSON, and a respondent file's whole content holding it, as TinyDB writes it.

    For a writer that does not read the file first. pydantic writes the JSON (several times faster than
    json.dumps of model_dump, and once rather than twice); it refuses a lone surrogate (possible in text
    relayed from a chat platform), which the standard library writes as an escape: then the JSON is None.
    """
    try:
        json = session.model_dump_json().encode()
    except PydanticSerializationError:
        return None, encode({SESSION_TABLE: {str(SESSION_DOC_ID): session.model_dump(mode="json")}})
    return json, b'{"%s":{"%d":%s}}' % (SESSION_TABLE.encode(), SESSION_DOC_ID, json)


def _replace_with(document: dict[str, Any]) -> Callable[[MutableMapping[str, Any]], None]:
    def replace(stored: MutableMapping[str, Any]) -> None:
        # Different ids in one file would mean a file-name hash collision: refuse, lose nothing.
        if stored.get("respondent_id") != document["respondent_id"]:
            raise StorageError(
                f"Refusing to overwrite {stored.get('respondent_id')!r} with "
                f"{document['respondent_id']!r}: both map to the same file."
            )
        stored.clear()
        stored.update(document)

    return replace


def read_checked(paths: list[Path]) -> list[Session]:
    """The sessions in these respondent files, each checked to sit in the file its id maps to."""
    return [_read_checked(path) for path in paths]


def _read_checked(path: Path) -> Session:
    session = read_session(path)
    if session is None:
        raise StorageError(f"{path} disappeared while being read.")
    if respondent_file_name(session.respondent_id) != path.name:
        raise DatabaseCorrupt(
            f"{path} holds respondent {session.respondent_id!r}, whose file should be "
            f"{respondent_file_name(session.respondent_id)}; it was left untouched."
        )
    return session
