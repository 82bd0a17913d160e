// Filters of the laureates list: quartier, theme and edition selectors that narrow the cards at once,
// over every laureate (laureats/filtres.json, made at build time). The choice lives in the URL query
// (?quartier=…&theme=…&edition=…): shareable, and the back button works. The form is in the page from its
// first paint, so nothing moves when this runs; without JavaScript, static/noscript.css hides it and shows
// the note that says the filters need JavaScript, and the paginated list is the page.
import { FILTERS, card, loadLaureates, matches } from "./laureates.js";

const form = document.querySelector("[data-filters]");
if (form) start(form);

function start(form) {
  const status = document.querySelector("[data-filters-status]");
  const all = document.querySelector("[data-filters-all]");
  const results = document.querySelector("[data-filters-results]");
  const fallback = document.querySelector("[data-filters-fallback]");
  const names = FILTERS.filter((name) => form.elements[name]);

  loadLaureates(form.dataset.index).then((laureates) => {
    // The form is usable from its first paint: a choice made before the list arrived counts.
    const early = fromForm();
    if (Object.keys(early).length) history.replaceState(early, "", toUrl(early));
    show(laureates, Object.keys(early).length ? early : fromUrl());
    form.addEventListener("change", () => {
      const choice = fromForm();
      history.pushState(choice, "", toUrl(choice));
      show(laureates, choice);
    });
    form.addEventListener("reset", () => {
      history.pushState({}, "", toUrl({}));
      show(laureates, {});
    });
    window.addEventListener("popstate", () => show(laureates, fromUrl()));
  }, () => { // the static list stays, as without JavaScript
    form.hidden = true;
    fallback.hidden = false;
  });

  function fromUrl() {
    const query = new URLSearchParams(location.search);
    return Object.fromEntries(names.filter((n) => query.get(n)).map((n) => [n, query.get(n)]));
  }

  function fromForm() {
    return Object.fromEntries(names.filter((n) => form.elements[n].value).map((n) => [n, form.elements[n].value]));
  }

  function toUrl(choice) {
    const query = new URLSearchParams(choice).toString();
    return location.pathname + (query ? "?" + query : "") + location.hash;
  }

  function show(laureates, wanted) {
    for (const name of names) form.elements[name].value = wanted[name] || "";
    const choice = fromForm(); // a value the selectors do not offer is dropped
    if (!Object.keys(choice).length) {
      results.hidden = true;
      results.replaceChildren();
      all.hidden = false;
      status.textContent = "";
      return;
    }
    const found = laureates.filter((laureate) => matches(laureate, choice));
    results.replaceChildren(...found.map((laureate) => card(laureate, form.dataset.root)));
    results.hidden = false;
    all.hidden = true;
    status.textContent = found.length === 0 ? "Aucun lauréat ne correspond à ces critères."
      : found.length === 1 ? "1 lauréat correspond à ces critères."
      : found.length + " lauréats correspondent à ces critères.";
  }
}
