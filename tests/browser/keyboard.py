"""Drive a page with the Tab key only, as a keyboard user does, and report what they would miss.

- The first Tab stop is the skip link; Enter on it moves focus to ``<main>``, and the next Tab
  lands inside the main content.
- Tabbing reaches every visible interactive element of the page.
- Each element shows a visible focus: its computed outline (or box-shadow) when focused differs
  from the one it has unfocused, and it is on screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

_DESCRIBE = """const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join('') + ' « ' + (el.textContent || el.value || '').trim().slice(0, 40) + ' »';
const look = el => { const s = getComputedStyle(el);
    return {outline: [s.outlineStyle, s.outlineWidth, s.outlineColor].join(' '), shadow: s.boxShadow}; };"""

PREPARE_JS = """() => {
  %s
  const selector = 'a[href], area[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), '
    + 'select:not([disabled]), textarea:not([disabled]), summary, iframe, [tabindex]:not([tabindex="-1"]), '
    + '[contenteditable=""], [contenteditable="true"]';
  const shown = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('[inert]'); };
  window.__tabbables = [...document.querySelectorAll(selector)].filter(shown);
  return window.__tabbables.map(el => ({name: describe(el), look: look(el)}));
}""" % _DESCRIBE

FOCUSED_JS = """() => {
  %s
  const el = document.activeElement, r = el.getBoundingClientRect();
  const main = document.querySelector('main');
  return {index: (window.__tabbables || []).indexOf(el), name: describe(el), look: look(el),
          body: el === document.body || el === document.documentElement,
          onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
          isMain: el === main, inMain: !!main && main.contains(el) && el !== main,
          skipTarget: el.tagName === 'A' && !!el.hash && document.getElementById(el.hash.slice(1)) === main};
}""" % _DESCRIBE


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


def check_skip_link(page: Page, url: str, name: str) -> list[str]:
    """The skip link is the first Tab stop and moves focus into the main content."""
    page.goto(url)
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED_JS)
    if not first["skipTarget"]:
        return [f"{name}: the first Tab stop is {first['name']}, not a skip link to <main>"]
    problems = [] if first["onScreen"] else [f"{name}: the skip link stays off screen when focused"]
    page.keyboard.press("Enter")
    if not page.evaluate(FOCUSED_JS)["isMain"]:
        problems.append(f"{name}: Enter on the skip link does not move focus to <main>")
    page.keyboard.press("Tab")
    after = page.evaluate(FOCUSED_JS)
    if not after["inMain"]:
        problems.append(f"{name}: after the skip link, Tab goes to {after['name']}, outside <main>")
    return problems


def check_tab_order(page: Page, url: str, name: str) -> list[str]:
    """Tab through the whole page: every interactive element is reached and shows a visible focus."""
    page.goto(url)
    elements = page.evaluate(PREPARE_JS)
    problems, reached = [], set()
    for _ in range(len(elements) + 3):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused["body"] or focused["index"] in reached:
            break  # past the last stop: focus left the document or came back to the first one
        if focused["index"] < 0:
            problems.append(f"{name}: Tab stops on {focused['name']}, which is not a visible interactive element")
            continue
        reached.add(focused["index"])
        if not focused["onScreen"]:
            problems.append(f"{name}: {focused['name']} is focused off screen")
        if not visible_focus(Look(**elements[focused["index"]]["look"]), Look(**focused["look"])):
            problems.append(f"{name}: {focused['name']} shows no visible focus "
                            f"(outline {focused['look']['outline']}, box-shadow {focused['look']['shadow']})")
    problems += [f"{name}: {elements[i]['name']} cannot be reached with Tab"
                 for i in range(len(elements)) if i not in reached]
    return problems


def page_kinds(urls: list[str]) -> list[str]:
    """One page of each kind, by URL shape: ``laureats/*/``, ``editions/#/page/#/``, each free page…"""
    kinds: dict[str, str] = {}
    for url in sorted(urls):
        parts = [p for p in url.split("/") if p]
        shape = "/".join(parts[:1] + ["#" if p.isdigit() else p if p == "page" else "*" for p in parts[1:]])
        kinds.setdefault(shape, url)
    return sorted(kinds.values())
