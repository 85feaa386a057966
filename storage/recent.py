"""What the embedded store's one writer last stored for its most recent respondents, as JSON bytes.

The writing process holds the files' lock, so what it last stored for a respondent is what is on disk.
A held step then starts from these bytes instead of reading the file back on the storage thread: no
file read, no hand-over to that thread and back (two GIL hand-overs, the largest cost of an answer
beside the fsyncs; BENCHMARKS.md, issue 14). Bytes rather than Session objects, so that nobody can
change what is kept: each step validates a fresh session from them.
"""

from __future__ import annotations

from collections import OrderedDict

# Respondents kept: those answering in the same minutes. ~30 KB each for a finished WGEC response.
KEPT = 512


class RecentSessions:
    """A bounded map respondent id -> the JSON of their last durable session, least recently used out first."""

    def __init__(self, kept: int = KEPT) -> None:
        self._kept = kept
        self._json: OrderedDict[str, bytes] = OrderedDict()
        # The last forget() of each respondent: a write that began before a later one must not be kept.
        self._forgotten: dict[str, int] = {}
        self._mark = 0

    def get(self, respondent_id: str) -> bytes | None:
        """The JSON last stored for this respondent by this process, if still kept."""
        found = self._json.get(respondent_id)
        if found is not None:
            self._json.move_to_end(respondent_id)
        return found

    def stored(self, respondent_id: str, json: bytes, since: int) -> None:
        """`json` is now durable on disk for this respondent, if nothing was written for them since `since`."""
        if self._forgotten.get(respondent_id, 0) != since:
            return  # written meanwhile another way (a plain put): what is on disk is not known here
        self._json[respondent_id] = json
        self._json.move_to_end(respondent_id)
        while len(self._json) > self._kept:
            self._json.popitem(last=False)

    def forget(self, respondent_id: str) -> int:
        """What is on disk is about to change another way, or is not known; a mark to give `stored`."""
        self._json.pop(respondent_id, None)
        self._mark += 1
        self._forgotten[respondent_id] = self._mark
        while len(self._forgotten) > self._kept * 4:  # marks of respondents long gone
            self._forgotten.pop(next(iter(self._forgotten)))
        return self._mark
