"""The speed layer's mechanisms by name, each of which can be switched off alone to measure what it pays
(``benchmarks/mechanisms.py``, the table in ``benchmarks/README.md``).

``VITRINE_SPEED_OFF=snapshot,parallel python build.py`` builds without those two. A mechanism switched off takes
no shortcut (and keeps nothing only it would read); the output is the same bytes. The switches are part of the
build's settings (``inputs._settings``): a build with other switches never trusts what the last one kept.
Standard library only: the command line reads them before the stages are imported.
"""

from __future__ import annotations

import os

MECHANISMS = {
    "record": "a build with no input changed answers from the record, reading nothing",
    "snapshot": "laureates edited in place are swapped into the last build's plan instead of reading everything",
    "fingerprints": "a page made from the same things as its published file is not rendered again",
    "rows": "the open data's unchanged rows are copied out of the published files, not encoded again",
    "parallel": "reading and rendering are spread over one forked process per core",
}
VARIABLE = "VITRINE_SPEED_OFF"


def switched_off() -> frozenset[str]:
    """The mechanisms named in ``VITRINE_SPEED_OFF`` (comma-separated); an unknown name is an error, not a no-op."""
    names = frozenset(name.strip() for name in os.environ.get(VARIABLE, "").split(",") if name.strip())
    unknown = names - MECHANISMS.keys()
    if unknown:
        raise SystemExit(f"{VARIABLE}: unknown mechanism {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(MECHANISMS)})")
    return names


def on(name: str) -> bool:
    assert name in MECHANISMS, name
    return name not in switched_off()
