"""An edition's catalogue and its PDFs: ``catalogue.pdf`` up to ``VOLUME_SIZE`` laureates, else volumes
(``catalogue-1.pdf``, ``catalogue-2.pdf``…), each linked with the range of laureates it holds."""

from __future__ import annotations

from dataclasses import dataclass

from vitrine.content.model import Edition

# Laureates in one PDF at most. WeasyPrint holds every laid-out page of a PDF until it writes it, and an edit of one
# laureate remakes its whole PDF: at 444 laureates one PDF took 390 MB and 12 s (benchmarks/README.md, session 7).
VOLUME_SIZE = 100


@dataclass(frozen=True)
class Volume:
    """One PDF of an edition's catalogue."""

    url: str  # "editions/2024/catalogue.pdf", or "editions/2024/catalogue-2.pdf"
    number: int  # from 1; 0 when the catalogue is a single PDF
    first: int  # the rank in the catalogue of its first laureate, from 1
    last: int

    @property
    def label(self) -> str:
        return f"Catalogue, volume {self.number} (lauréats {self.first} à {self.last})"


def catalogue_url(edition: Edition, suffix: str = "/") -> str:
    """An edition's printable catalogue (``suffix`` ".pdf": its PDF, made by ``outputs/catalogue.py``)."""
    return f"editions/{edition.year}/catalogue{suffix}"


def volumes(edition: Edition, count: int) -> tuple[Volume, ...]:
    """The PDFs of a catalogue of ``count`` laureates: one, else the fewest volumes of at most ``VOLUME_SIZE``,
    of balanced sizes (101 laureates: 51 and 50, never 100 and 1)."""
    if count <= VOLUME_SIZE:
        return (Volume(catalogue_url(edition, ".pdf"), 0, 1, count),)
    total = -(-count // VOLUME_SIZE)
    bounds = [-(-count * n // total) for n in range(total + 1)]
    return tuple(Volume(catalogue_url(edition, f"-{n}.pdf"), n, bounds[n - 1] + 1, bounds[n])
                 for n in range(1, total + 1))
