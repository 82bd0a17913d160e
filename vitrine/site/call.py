"""Where an edition's call for projects stands on the build date: what the home, the edition pages and
``check`` say of it (« à venir », « ouvert », « clos »)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vitrine.content.model import Edition


@dataclass(frozen=True)
class CallState:
    """Where an edition's call for projects stands on the build date."""

    status: str  # "upcoming", "open", "closed", "unknown"
    opens: dt.date | None
    closes: dt.date | None



def call_state(edition: Edition, today: dt.date) -> CallState:
    """À venir / ouvert / clos, from the edition's dates and the build date."""
    opens, closes = edition.call_opens, edition.call_closes
    if opens is None and closes is None:
        status = "unknown"
    elif opens and today < opens:
        status = "upcoming"
    elif closes and today > closes:
        status = "closed"
    else:
        status = "open"
    return CallState(status, opens, closes)
