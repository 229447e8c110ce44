"""Web settings, read once from the environment (or given to ``create_app``): never from a request.

=============================  ==========================================================================
``RXEVIDENCE_BASE_URL``        public origin for canonical and copy-link URLs, e.g. ``https://rx.example``
                               (``rxevidence serve --base-url``); unset: links are root-relative. The
                               ``Host`` header is never used.
``RXEVIDENCE_AUDIT_DIR``       where shared audit results are kept (default: the user cache directory,
                               ``audits/<store key>``)
``RXEVIDENCE_AUDIT_KEEP``      how many audit results to keep (default 1000; oldest removed first)
``RXEVIDENCE_AUDIT_DAYS``      and for how long (default 30 days)
``RXEVIDENCE_AUDIT_WORKERS``   audits run at once, each in its own process (default 1)
``RXEVIDENCE_AUDIT_QUEUE``     audits that may wait for a worker; more get 429 + Retry-After (default 4)
=============================  ==========================================================================
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import InputError


@dataclass(frozen=True)
class WebSettings:
    base_url: str | None = None
    audit_dir: Path | None = None
    audit_keep: int = 1000
    audit_days: int = 30
    audit_workers: int = 1
    audit_queue: int = 4

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", clean_base_url(self.base_url))
        if self.audit_dir is not None and not isinstance(self.audit_dir, Path):
            object.__setattr__(self, "audit_dir", Path(self.audit_dir))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> WebSettings:
        """Settings from ``RXEVIDENCE_*`` variables; keyword ``overrides`` that are not None win.

        :raises InputError: a malformed value (not a number, a base URL that is not http(s)://host).
        """
        env = os.environ if environ is None else environ
        s = cls(
            base_url=env.get("RXEVIDENCE_BASE_URL") or None,
            audit_dir=Path(env["RXEVIDENCE_AUDIT_DIR"]) if env.get("RXEVIDENCE_AUDIT_DIR") else None,
            audit_keep=_int(env, "RXEVIDENCE_AUDIT_KEEP", cls.audit_keep, 0),
            audit_days=_int(env, "RXEVIDENCE_AUDIT_DAYS", cls.audit_days, 0),
            audit_workers=_int(env, "RXEVIDENCE_AUDIT_WORKERS", cls.audit_workers, 1),
            audit_queue=_int(env, "RXEVIDENCE_AUDIT_QUEUE", cls.audit_queue, 0),
        )
        return replace(s, **{k: v for k, v in overrides.items() if v is not None})

    def absolute(self, path: str) -> str:
        """``path`` (starting with ``/``) under the configured base URL, or unchanged when none is set."""
        return (self.base_url or "") + path

    def audit_dir_for(self, store_url: str) -> Path:
        if self.audit_dir is not None:
            return self.audit_dir
        from platformdirs import user_cache_dir

        key = hashlib.sha256(store_url.encode("utf-8")).hexdigest()[:12]
        return Path(user_cache_dir("rxevidence")) / "audits" / key


def clean_base_url(value: str | None) -> str | None:
    """``https://host[:port][/prefix]`` without a trailing slash.  :raises InputError: anything else."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise InputError(f"RXEVIDENCE_BASE_URL / --base-url must look like https://host[:port][/path], "
                         f"not {value!r}.")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _int(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.strip().isdigit() or int(raw) < minimum:
        raise InputError(f"{name} must be a whole number >= {minimum}, not {raw!r}.")
    return int(raw)
