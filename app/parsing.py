"""Uploaded files are parsed once, in a worker process, bounded in time and memory.

A file comes from anyone who can write in the secretariat's group. Parsed on the event loop,
a crafted one froze every user (a 447-byte YAML alias bomb: 27 s and 2.3 GB; a 1.7 KB
workbook declaring 16,384 columns: 21 s and 0.9 GB). Here each file is parsed in its own
process (app.workers), which:

- may use at most `memory_bytes` more address space than it starts with (RLIMIT_AS): past
  it, allocations fail and the file is refused as too large;
- is killed after `seconds` (and the kernel stops it after as many CPU seconds, RLIMIT_CPU,
  even if the bot is busy);
- dies with the bot (PR_SET_PDEATHSIG).

At most `PARALLEL` files are parsed at once and `QUEUE` wait; more are refused at once
("busy"), so a burst of uploads cannot queue up work for minutes. The readers' own limits
(domain.tabular, domain.campaign_file) turn honest mistakes into clear messages before these
bounds are ever reached.
"""

from __future__ import annotations

import logging

from app.workers import JobStats, ParseLimits, WorkerFailed, Workers
from domain.uploads import ParsedUpload, parse_upload

log = logging.getLogger(__name__)
PARALLEL = 2  # the machine the bot runs on has a few cores; people's updates need one
QUEUE = 8
WORKERS = Workers(PARALLEL, QUEUE)


class ParseFailed(Exception):
    """The file could not be parsed within the bounds: `reason` is "timeout", "memory",
    "busy" (too many files waiting), "crashed" or "stopped"; `message` says it to a user."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message or reason


def last_stats() -> JobStats | None:
    """What the last parse cost (the figures in docs/reliability.md)."""
    return WORKERS.last_stats


async def parse_in_worker(filename: str, content: bytes, *, default_bloc: str,
                          limits: ParseLimits, bloc_given: bool = False,
                          expect: str | None = None) -> ParsedUpload:
    """Recognise and parse a file off the event loop (domain.uploads.parse_upload);
    ParseFailed when a bound is hit."""
    try:
        parsed = await WORKERS.run(_parse, filename, content, default_bloc, bloc_given, expect,
                                   limits=limits)
    except WorkerFailed as failed:
        kind = _kind_of(filename)
        if failed.reason == "timeout":
            log.warning("parsing %s took over %.0f s: stopped", kind, limits.seconds)
        elif failed.reason == "memory":
            log.warning("parsing %s needed more than %d MB: refused", kind,
                        limits.memory_bytes >> 20)
        elif failed.reason == "crashed":
            log.error("parsing %s failed: %s", kind, failed.detail or "the worker died")
        raise ParseFailed(failed.reason) from None
    assert isinstance(parsed, ParsedUpload)
    return parsed


def _parse(filename: str, content: bytes, default_bloc: str, bloc_given: bool,
           expect: str | None) -> ParsedUpload:
    """In the worker."""
    return parse_upload(filename, content, default_bloc=default_bloc, bloc_given=bloc_given,
                        expect=expect)


def _kind_of(filename: str) -> str:
    """A file name can hold personal data: logs name its extension only."""
    return "a ." + filename.rsplit(".", 1)[-1][:8].lower() + " file" if "." in filename \
        else "a file"
