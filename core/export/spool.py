"""Records kept on disk while an export runs: memory holds where each one is, never the answers.

At 100,000 respondents the records weigh about 2.3 GB in Python (the answers' text), and every writer
walks all of them, several times. So `consult export` and the bots' export pickle each record into a
spool file as it is compiled, in the export's staging folder (the same disk as the files written,
removed with it whatever happens), and the writers read them back one at a time through `Spooled`:
a read-only sequence (len, bool, index, iteration) like the list that tests and small callers keep.

A shelf does the same for items filed under keys (a question and a stakeholder group): the Word and
Markdown compilations take one group of one question at a time.

Pickle is safe here: the process reads only what it wrote itself, into a file it created new inside
a folder only its user may enter (the staging folder is made by `tempfile.mkdtemp`, mode 0700).
"""

from __future__ import annotations

import os
import pickle
from array import array
from collections.abc import Callable, Hashable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")
U = TypeVar("U")
# Offsets and lengths as machine integers: 16 bytes per item, where a list of ints would take 72.
OFFSETS = "q"


class Spool:
    """An append-only file of pickled items; `add` says where each one went."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("xb")  # a new file, never one left by anything else
        self._end = 0

    def add(self, item: Any) -> tuple[int, int]:
        """Write one item at the end; its offset and length."""
        blob = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.write(blob)
        self._end += len(blob)
        return self._end - len(blob), len(blob)

    def seal(self) -> None:
        """Written: close the writing end, so what was added is readable (items are read with their own handle)."""
        if not self._file.closed:
            self._file.close()

    def load(self, offset: int, length: int) -> Any:
        """One item, read on its own."""
        with self.path.open("rb") as stream:
            return _read(stream.fileno(), offset, length)


class Spooled(Sequence[T], Generic[T]):
    """Items of a spool in a given order, read when asked for: one at a time in memory."""

    def __init__(self, spool: Spool, offsets: array[int], lengths: array[int]) -> None:
        spool.seal()
        self._spool, self._offsets, self._lengths = spool, offsets, lengths

    @property
    def folder(self) -> Path:
        """Where the spool lives: what else an export files aside goes beside it."""
        return self._spool.path.parent

    def __len__(self) -> int:
        return len(self._offsets)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        position = range(len(self))[index]  # IndexError as a list gives it
        return self._item(self._spool.load(self._offsets[position], self._lengths[position]), position)

    def __iter__(self) -> Iterator[T]:
        with self._spool.path.open("rb") as stream:  # one handle for the whole pass
            for position, (offset, length) in enumerate(zip(self._offsets, self._lengths, strict=True)):
                yield self._item(_read(stream.fileno(), offset, length), position)

    def _item(self, loaded: Any, position: int) -> T:
        """What is handed out for the item at `position`: as loaded, unless a subclass adds to it."""
        return loaded  # type: ignore[no-any-return]


class Shelf(Generic[T]):
    """Items filed under keys, in the order they came: on disk beside a spool, or in memory (folder None)."""

    def __init__(self, folder: Path | None, name: str) -> None:
        self._spool = Spool(folder / name) if folder is not None else None
        self._at: dict[Hashable, tuple[array[int], array[int]]] = {}
        self._held: dict[Hashable, list[T]] = {}

    def put(self, key: Hashable, item: T) -> None:
        if self._spool is None:
            self._held.setdefault(key, []).append(item)
            return
        offsets, lengths = self._at.setdefault(key, (array(OFFSETS), array(OFFSETS)))
        offset, length = self._spool.add(item)
        offsets.append(offset)
        lengths.append(length)

    def get(self, key: Hashable) -> Sequence[T]:
        """The items filed under `key`, in the order put (empty when none)."""
        if self._spool is None:
            return self._held.get(key, [])
        offsets, lengths = self._at.get(key, (array(OFFSETS), array(OFFSETS)))
        return Spooled(self._spool, offsets, lengths)


class Mapped(Sequence[U], Generic[T, U]):
    """Another sequence's items, each changed as it is read: a spooled sequence stays on disk."""

    def __init__(self, items: Sequence[T], change: Callable[[T], U]) -> None:
        self._items, self._change = items, change

    @property
    def folder(self) -> Path | None:
        return folder_of(self._items)

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> U: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[U]: ...
    def __getitem__(self, index: int | slice) -> U | Sequence[U]:
        if isinstance(index, slice):
            return [self._change(item) for item in self._items[index]]
        return self._change(self._items[index])

    def __iter__(self) -> Iterator[U]:
        return map(self._change, self._items)


def folder_of(items: Sequence[Any]) -> Path | None:
    """Where a spooled sequence lives, so that what is made from it goes there too; None for a list."""
    return items.folder if isinstance(items, Spooled | Mapped) else None


def _read(descriptor: int, offset: int, length: int) -> Any:
    blob = os.pread(descriptor, length, offset)
    if len(blob) != length:
        raise OSError(f"the export's spool file ended early ({len(blob)} of {length} bytes at {offset})")
    return pickle.loads(blob)
