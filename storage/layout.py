"""Where the embedded database keeps its files, and how a respondent id becomes a file name."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from core.ports import StorageError
from storage.atomic_json import UNTOUCHED, is_temp_file, temp_path_for

SLUG_MAX_CHARS = 48
HASH_HEX_CHARS = 16
RESPONDENT_SUFFIX = ".json"
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9_-]+")


def respondent_file_name(respondent_id: str) -> str:
    """A readable, safe, unique file name: slug of the id plus a hash of the exact id.

    The slug is for people browsing the folder; the hash keeps ids that slug alike
    (`a/b`, `a:b`, `A b`) apart. Only [A-Za-z0-9_-] survive, so no `/`, `..` or leading dot.
    """
    slug = _UNSAFE_RUN.sub("-", respondent_id).strip("-")[:SLUG_MAX_CHARS] or "respondent"
    digest = hashlib.sha256(respondent_id.encode()).hexdigest()[:HASH_HEX_CHARS]
    return f"{slug}-{digest}{RESPONDENT_SUFFIX}"


@dataclass(frozen=True)
class Layout:
    """The catalog file at the configured path, its lock, and one file per respondent."""

    catalog: Path

    @property
    def lock(self) -> Path:
        """The writer's lock file, beside the catalog."""
        return self.catalog.with_name(self.catalog.name + ".lock")

    @property
    def respondents(self) -> Path:
        """The sibling folder holding one small TinyDB file per respondent."""
        return self.catalog.with_name(self.catalog.stem + ".respondents")

    def respondent_file(self, respondent_id: str) -> Path:
        """The file that holds this respondent's session."""
        return self.respondents / respondent_file_name(respondent_id)

    def check_kinds(self) -> None:
        """Refuse a catalog that is a dangling link, or a respondents path that is not a folder.

        Either would otherwise pass for a database nobody has answered yet: readers would report
        no respondents, and the writer would put a new catalog where the link was.
        """
        catalog = self.catalog
        if catalog.is_symlink() and not catalog.exists():
            raise StorageError(
                f"{catalog} is a symbolic link to {os.readlink(catalog)}, which does not exist. {UNTOUCHED}"
            )
        self._check_respondents_folder()

    def _check_respondents_folder(self) -> None:
        """A missing folder is a database nobody has answered yet; anything else in its place is refused."""
        folder = self.respondents
        if (folder.is_symlink() or folder.exists()) and not folder.is_dir():
            raise StorageError(f"{folder} should be a folder with one file per respondent, but it is not. {UNTOUCHED}")

    def respondent_files(self) -> list[Path]:
        """Every respondent file present, sorted; temp files from a crash are not included."""
        if not self.respondents.is_dir():
            self._check_respondents_folder()
            return []
        return sorted(
            path
            for path in self.respondents.iterdir()
            if path.name.endswith(RESPONDENT_SUFFIX) and not is_temp_file(path)
        )

    def temp_files(self) -> list[Path]:
        """Temp files left by a crash mid-write: the catalog's own, and any among respondents.

        Only the catalog's temp file is looked for in its folder: other databases may share
        that folder, and their writers' temp files are theirs to clean.
        """
        found = [temp_path_for(self.catalog)] if temp_path_for(self.catalog).exists() else []
        if self.respondents.is_dir():
            found += [path for path in self.respondents.iterdir() if is_temp_file(path)]
        return found
