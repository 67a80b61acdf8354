"""Settings of the workbench server: safe by default (loopback, no CORS, bounded requests)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    #: origins allowed by CORS; empty (the default) sends no CORS headers at all
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    #: the largest request body accepted, in bytes (a case is a few kilobytes)
    max_body_bytes: int = 1_000_000
    #: jobs (batch) kept queued or running at once; more are refused (LX804)
    max_jobs: int = 4
    #: run the full audit as a job when the server starts (rule pages show its findings)
    audit: bool = False
    #: labels of the pages: "en" or "fr"
    lang: str = "en"
    #: URL prefix of every link the pages make ("" when served, "." style for a static site)
    base_url: str = ""
