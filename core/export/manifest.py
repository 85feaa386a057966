"""The export's manifest: what one export wrote into its folder, so that the next one replaces exactly that.

`--force` removes the files the earlier manifest lists before the new ones arrive, so a file of an
older export (naming someone who has since withdrawn consent, or a Confidential file beside public
ones) never survives a re-export. A folder holding anything else is refused: it is not ours to empty.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from core.export.records import Compilation

MANIFEST = "export-manifest.json"
MANIFEST_VERSION = 1
STAGING_PREFIX = ".consult-export-"  # where an export writes before moving its files in
NAMES_SHOWN = 5


class ManifestError(ValueError):
    """A folder a forced export may not replace; nothing was removed."""


def clear_leftovers(out: Path) -> None:
    """Remove what an interrupted export left aside (its staging folders): never a finished file."""
    for leftover in out.glob(STAGING_PREFIX + "*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)  # what cannot go is still never listed or sent


def earlier_files(out: Path) -> list[Path]:
    """The files of the earlier export in `out` (its manifest last), or ManifestError naming what is not ours."""
    present = sorted(p.name for p in out.iterdir() if not p.name.startswith(STAGING_PREFIX))
    if not present:
        return []
    listed = _read(out) if MANIFEST in present else None
    if listed is None:
        raise ManifestError(f"{out} holds files that consult export did not write ({_names(present)}); "
                            "choose another folder, or move them away. Nothing was removed")
    foreign = [name for name in present if name not in listed and name != MANIFEST]
    if foreign:
        raise ManifestError(f"{out} holds files that the last export did not write ({_names(foreign)}); "
                            "move them away, or choose another folder. Nothing was removed")
    changed = [name for name, digest in listed.items() if (out / name).is_file() and sha256(out / name) != digest]
    if changed:
        raise ManifestError(f"{_names(changed)} in {out} changed since consult wrote it; keep your copy elsewhere, "
                            "or choose another folder. Nothing was removed")
    return [out / name for name in listed if (out / name).is_file()] + [out / MANIFEST]


def describe(c: Compilation, files: list[Path]) -> dict[str, Any]:
    """The manifest of an export: for whom, which answers, which consent rule, when, and each file's digest."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "written_by": "consult export",
        "questionnaire": c.questionnaire.id,
        "audience": c.audience.value,
        "status": c.scope.value,
        "consent_rule": c.rule.value,
        "generated_at": c.generated_at.isoformat(),
        "files": [{"name": p.name, "bytes": p.stat().st_size, "sha256": sha256(p)} for p in files],
    }


def write(c: Compilation, files: list[Path], folder: Path) -> Path:
    """Write the manifest of `files` into `folder` and return its path."""
    path = folder / MANIFEST
    path.write_text(json.dumps(describe(c, files), indent=1) + "\n", encoding="utf-8")
    return path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read(out: Path) -> dict[str, str] | None:
    """File name -> sha256 of a manifest we wrote; None when it is not one (then the folder is not ours)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        files = {str(f["name"]): str(f["sha256"]) for f in data["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    # Plain names only: a manifest edited to point outside the folder must not make us remove anything there.
    if data.get("written_by") != "consult export" or any(Path(n).name != n or n in ("", ".", "..") for n in files):
        return None
    return files


def _names(names: list[str]) -> str:
    more = len(names) - NAMES_SHOWN
    return ", ".join(names[:NAMES_SHOWN]) + (f" and {more} more" if more > 0 else "")
