// Filters of the laureates list: quartier, theme and edition selectors that narrow the cards at once,
// over every laureate (laureats/filtres.json, made at build time). The choice lives in the URL query
// (?quartier=…&theme=…&edition=…): shareable, and the back button works. Without JavaScript the form
// stays hidden and the paginated list is the page.
"use strict";

(function () {
  const form = document.querySelector("[data-filters]");
  if (!form || !window.fetch || !window.history.pushState) return;
  const status = document.querySelector("[data-filters-status]");
  const all = document.querySelector("[data-filters-all]");
  const results = document.querySelector("[data-filters-results]");
  const names = ["quartier", "theme", "edition"];

  form.hidden = false; // at once, so the page does not change under the reader once loaded
  fetch(form.dataset.index)
    .then((response) => {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(start)
    .catch(() => { form.hidden = true; }); // the static list stays, as without JavaScript

  function start(index) {
    const field = Object.fromEntries(index.fields.map((name, i) => [name, i]));
    show(index, field, fromUrl());
    form.addEventListener("change", () => {
      const choice = fromForm();
      history.pushState(choice, "", toUrl(choice));
      show(index, field, choice);
    });
    form.addEventListener("reset", () => {
      const choice = {};
      history.pushState(choice, "", toUrl(choice));
      show(index, field, choice);
    });
    window.addEventListener("popstate", () => show(index, field, fromUrl()));
  }

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

  function show(index, field, wanted) {
    for (const name of names) form.elements[name].value = wanted[name] || "";
    const choice = fromForm(); // a value the selectors do not offer is dropped
    if (!Object.keys(choice).length) {
      results.hidden = true;
      results.replaceChildren();
      all.hidden = false;
      status.textContent = "";
      return;
    }
    const rows = index.laureats.filter((row) =>
      (!choice.quartier || row[field.quartiers].includes(choice.quartier)) &&
      (!choice.theme || row[field.themes].includes(choice.theme)) &&
      (!choice.edition || String(row[field.edition]) === choice.edition));
    results.replaceChildren(...rows.map((row) => card(index, field, row)));
    results.hidden = false;
    all.hidden = true;
    status.textContent = rows.length === 0 ? "Aucun lauréat ne correspond à ces critères."
      : rows.length === 1 ? "1 lauréat correspond à ces critères."
      : rows.length + " lauréats correspondent à ces critères.";
  }

  function card(index, field, row) {
    const item = element("li");
    const article = item.appendChild(element("article", "card"));
    const title = article.appendChild(element("h2", "card-title"));
    const link = title.appendChild(element("a", "", row[field.title]));
    link.href = form.dataset.root + "laureats/" + row[field.slug] + "/";
    if (row[field.draft]) article.appendChild(element("p", "badge badge-draft", "Brouillon"));
    article.appendChild(element("p", "card-porteur", row[field.porteur]));
    article.appendChild(element("p", "card-summary", row[field.summary]));
    const places = row[field.quartiers].map((slug) => {
      const [name, commune] = index.quartiers[slug];
      return name + " (" + commune + ")";
    });
    article.appendChild(element("p", "card-meta", "Édition " + row[field.edition] + " · " + places.join(", ")));
    return item;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
})();
