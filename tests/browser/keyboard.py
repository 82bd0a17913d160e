"""Drive a page with the keyboard only, as a keyboard user does, and report what they would miss.

- The first Tab stop is the skip link; Enter on it moves focus to ``<main>``, and the next Tab
  lands inside the main content.
- Tabbing reaches every visible interactive element of the page.
- Each element shows a visible focus: its computed outline (or box-shadow) when focused differs
  from the one it has unfocused, and it lies inside the page (not pushed off its edges).

The page records each focus change itself (a ``focusin`` listener), so a walk costs one key
press per element and one read at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

PREPARE_JS = """() => {
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + [...el.classList].map(c => '.' + c).join('') + ' « ' + (el.textContent || el.value || '').trim().slice(0, 40) + ' »';
  const look = el => { const s = getComputedStyle(el);
      return {outline: [s.outlineStyle, s.outlineWidth, s.outlineColor].join(' '), shadow: s.boxShadow}; };
  const selector = 'a[href], area[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), '
      + 'select:not([disabled]), textarea:not([disabled]), summary, iframe, [tabindex]:not([tabindex="-1"]), '
      + '[contenteditable=""], [contenteditable="true"]';
  const shown = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('[inert]'); };
  const tabbables = window.__tabbables = [...document.querySelectorAll(selector)].filter(shown);
  const main = document.querySelector('main');
  window.__focusLog = [];
  document.addEventListener('focusin', event => {
    const el = event.target, r = el.getBoundingClientRect(), root = document.documentElement;
    const left = r.left + scrollX, top = r.top + scrollY;
    window.__focusLog.push({index: tabbables.indexOf(el), name: describe(el), look: look(el),
        inPage: r.width > 0 && r.height > 0 && left >= 0 && top >= 0
                && left + r.width <= root.scrollWidth && top + r.height <= root.scrollHeight,
        isMain: el === main, inMain: !!main && main.contains(el) && el !== main,
        skipTarget: el.tagName === 'A' && !!el.hash && !!main && document.getElementById(el.hash.slice(1)) === main});
  }, true);
  return tabbables.map(el => ({name: describe(el), look: look(el)}));
}"""


@dataclass(frozen=True)
class Look:
    outline: str  # "style width color"
    shadow: str

    @property
    def outlined(self) -> bool:
        style, width, color = self.outline.split(" ", 2)
        return style != "none" and float(width.removesuffix("px")) > 0 and not _transparent(color)


def _transparent(color: str) -> bool:
    return color == "transparent" or bool(re.fullmatch(r"rgba\(.*,\s*0\)", color))


def visible_focus(unfocused: Look, focused: Look) -> bool:
    """A focus indicator: an outline or a box-shadow that the element does not have unfocused."""
    return ((focused.outlined and focused.outline != unfocused.outline)
            or (focused.shadow not in ("none", "") and focused.shadow != unfocused.shadow))


def check_keyboard(page: Page, url: str, name: str) -> list[str]:
    """Tab through the whole page from its top, then use its skip link; return the problems found."""
    page.goto(url)
    elements = page.evaluate(PREPARE_JS)
    for _ in range(len(elements) + 2):  # past the last stop, focus leaves the page, then comes back
        page.keyboard.press("Tab")
    stops = page.evaluate("window.__focusLog")
    problems = _check_skip_link_is_first(stops, name) + _check_stops(elements, stops, name)
    if stops and stops[0]["skipTarget"]:
        page.evaluate(f"window.__tabbables[{stops[0]['index']}].focus(); window.__focusLog = []")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        after = page.evaluate("window.__focusLog")
        if not any(stop["isMain"] for stop in after):
            problems.append(f"{name}: Enter on the skip link does not move focus to <main>")
        elif not after[-1]["inMain"]:
            problems.append(f"{name}: after the skip link, Tab goes to {after[-1]['name']}, outside <main>")
    return problems


def _check_skip_link_is_first(stops: list[dict], name: str) -> list[str]:
    if not stops:
        return [f"{name}: Tab focuses nothing"]
    if not stops[0]["skipTarget"]:
        return [f"{name}: the first Tab stop is {stops[0]['name']}, not a skip link to <main>"]
    return []


def _check_stops(elements: list[dict], stops: list[dict], name: str) -> list[str]:
    problems, reached = [], set()
    for stop in stops:
        if stop["index"] in reached:
            break  # focus came back to the top of the page: the walk is complete
        if stop["index"] < 0:
            problems.append(f"{name}: Tab stops on {stop['name']}, which is not a visible interactive element")
            continue
        reached.add(stop["index"])
        if not stop["inPage"]:
            problems.append(f"{name}: {stop['name']} is focused outside the page, where nobody sees it")
        if not visible_focus(Look(**elements[stop["index"]]["look"]), Look(**stop["look"])):
            problems.append(f"{name}: {stop['name']} shows no visible focus "
                            f"(outline {stop['look']['outline']}, box-shadow {stop['look']['shadow']})")
    return problems + [f"{name}: {element['name']} cannot be reached with Tab"
                       for i, element in enumerate(elements) if i not in reached]


def page_kinds(urls: list[str]) -> list[str]:
    """One page of each kind, by URL shape: ``laureats/*/``, ``editions/#/page/#/``, each free page…"""
    kinds: dict[str, str] = {}
    for url in sorted(urls):
        parts = [p for p in url.split("/") if p]
        shape = "/".join(parts[:1] + ["#" if p.isdigit() else p if p == "page" else "*" for p in parts[1:]])
        kinds.setdefault(shape, url)
    return sorted(kinds.values())
