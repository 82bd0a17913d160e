"""The site's main colour (``colour`` in site.yaml) against WCAG 2.x contrast: the ratio, and the nearest colour that
passes.

The theme (``static/style.css``) uses its main colour (``--brand``) for link text and secondary buttons on its two
light backgrounds, white (``--paper``) and light grey (``--soft``: the footer, the « En bref » box), as the background
of buttons under white text, and for borders and the focus outline (non-text parts). White on the colour has the same
ratio as the colour on white; the light grey is the harder of the two backgrounds. So a colour passes when its text
contrast on both backgrounds reaches WCAG AA for text (4.5:1), which also covers the 3:1 that borders need. The header
uses a darker shade (``shade``), which has more contrast still.
"""

from __future__ import annotations

import colorsys

TEXT_RATIO = 4.5  # WCAG 2.x success criterion 1.4.3, level AA, normal text
# The backgrounds the colour is used on, as static/style.css defines them (a test compares them with the file).
BACKGROUNDS = (("#ffffff", "fond blanc"), ("#f3f5f8", "fond gris clair (pied de page, encadrés)"))


def rgb(colour: str) -> tuple[int, int, int]:
    """``#1f5fa8`` → (31, 95, 168)."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def hex_colour(red: float, green: float, blue: float) -> str:
    """Channels from 0 to 255 → ``#rrggbb``."""
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in (red, green, blue))


def luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour (0 for black, 1 for white)."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(first: str, second: str) -> float:
    """WCAG 2.x contrast ratio, from 1 (same luminance) to 21 (black on white)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def shown_ratio(value: float) -> str:
    """« 3,2:1 »: French decimal comma, rounded down, so that a ratio just short of 4.5 never reads « 4,5:1 »."""
    tenths = int(value * 10)
    return f"{tenths // 10},{tenths % 10}:1"


def failure(colour: str) -> tuple[float, str] | None:
    """The ratio below ``TEXT_RATIO`` on the first background where it falls short (white first: the page's), and
    that background's name; None when the colour passes on every one."""
    for background, label in BACKGROUNDS:
        measured = ratio(colour, background)
        if measured < TEXT_RATIO:
            return measured, label
    return None


def nearest_passing(colour: str) -> str:
    """The lightest colour of the same hue and saturation that passes on every background: ``colour`` darkened
    just enough (only darkening helps on light backgrounds)."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in rgb(colour)))

    def at(level: float) -> str:
        return hex_colour(*(c * 255 for c in colorsys.hls_to_rgb(hue, level, saturation)))

    low, high = 0.0, lightness  # luminance grows with lightness at a fixed hue and saturation: bisect
    for _ in range(30):
        middle = (low + high) / 2
        low, high = (middle, high) if failure(at(middle)) is None else (low, middle)
    found = at(low)
    while failure(found) is not None:  # rounding to whole channels may lose a hair of contrast
        found = hex_colour(*(max(0, c - 1) for c in rgb(found)))
    return found


def shade(colour: str, amount: float = 0.35) -> str:
    """A darker shade of ``colour`` (mixed with ``amount`` of black): the header's background and the headings'
    colour. Darker than a passing colour, it passes too."""
    return hex_colour(*(c * (1 - amount) for c in rgb(colour)))
