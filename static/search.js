// The search page: full-text search over the laureates and pages with Pagefind, whose index is made at
// build time, in chunks of pages: the first chunk's bundle (pagefind/) merges the others (pagefind/<chunk>/,
// listed in pagefind/vitrine-pages.json); everything runs in the browser from the site's own files. The
// filters narrow the laureates with laureats/filtres.json (Pagefind's own filters would make the index
// differ from one build to the next), pagefind/vitrine-pages.json telling which page each Pagefind result
// is. The query
// and the filters live in the URL (recherche/?q=…&quartier=…), so a search can be shared. Without
// JavaScript, or when the index cannot be loaded, the page keeps its links to the browsing pages.
import { FILTERS, card, element, loadLaureates, matches } from "./laureates.js";

const PAGE_SIZE = 20;
// How wide a result's photo is shown: a 12rem thumbnail from 40rem up, else the column (style.css).
const SEARCH_SIZES = "(min-width: 40rem) 12rem, calc(100vw - 2rem)";

const box = document.querySelector("[data-search]");
if (box) start(box);

function start(box) {
  const form = box.querySelector("form");
  const status = box.querySelector("[data-search-status]");
  const list = box.querySelector("[data-search-results]");
  const more = box.querySelector("[data-search-more]");
  const fallback = box.querySelector("[data-search-fallback]");
  const root = box.dataset.root;
  const bundle = new URL(root + "pagefind/", document.baseURI);
  // The form is in the page from its first paint (static/noscript.css hides it without JavaScript), so
  // nothing moves when this runs; it goes away, and the links to the browsing pages show, if the index
  // cannot be loaded (e.g. the site opened from the disk, without a web server).
  const settings = { baseUrl: new URL(root, document.baseURI).pathname, excerptLength: 24 };
  const chunks = fetch(new URL("vitrine-pages.json", bundle)).then((response) => {
    if (!response.ok) throw new Error(response.status);
    return response.json();
  });
  const engine = import(new URL("pagefind.js", bundle).href).then(async (pagefind) => {
    await pagefind.options(settings);
    await pagefind.init();
    const { bundles } = await chunks;
    await Promise.all(bundles.map((chunk) => pagefind.mergeIndex(new URL(chunk, bundle).pathname, settings)));
    return pagefind;
  });
  const loading = Promise.all([engine, chunks, loadLaureates(box.dataset.index)]).then(([pagefind, map, laureates]) => ({
    pagefind,
    pages: map.pages,
    bySlug: new Map(laureates.map((laureate) => [laureate.slug, laureate])),
    laureates,
  }));
  loading.catch(() => {
    form.hidden = true;
    fallback.hidden = false;
    status.textContent = "La recherche n’a pas pu être chargée. Parcourez les lauréats avec les liens ci-dessous.";
  });

  let entries = []; // a laureate, or a Pagefind result for any other page
  let shown = 0;
  let latest = 0;

  // The form is usable from its first paint: what the visitor typed or chose before this ran is kept.
  const query = new URLSearchParams(location.search);
  form.elements.q.value ||= query.get("q") || "";
  for (const name of FILTERS) form.elements[name].value ||= query.get(name) || "";

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  form.addEventListener("change", run);
  let typing;
  form.elements.q.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(run, 250);
  });
  more.querySelector("button").addEventListener("click", () => showMore(true));
  run();

  async function run() {
    const term = form.elements.q.value.trim();
    const choice = {};
    for (const name of FILTERS) if (form.elements[name].value) choice[name] = form.elements[name].value;
    const filtered = Object.keys(choice).length > 0;
    history.replaceState(null, "", toUrl(term, choice));
    const ticket = ++latest;
    if (!term && !filtered) {
      show([], "");
      return;
    }
    let index;
    try {
      index = await loading;
    } catch {
      return; // said when loading failed
    }
    let found;
    if (term) {
      const search = await index.pagefind.search(term);
      found = search.results.map((result) => laureateOf(index, result) || result)
        .filter((entry) => !filtered || (entry.slug && matches(entry, choice)));
    } else {
      found = index.laureates.filter((laureate) => matches(laureate, choice));
    }
    if (ticket !== latest) return; // a newer search has started
    const scope = term ? " pour «\u00a0" + term + "\u00a0»" : "";
    show(found, found.length === 0 ? "Aucun résultat" + scope + "."
      : found.length === 1 ? "1 résultat" + scope + "."
      : found.length + " résultats" + scope + ".");
  }

  function laureateOf(index, result) {
    const match = /^laureats\/([^/]+)\/$/.exec(index.pages[result.id] || "");
    return match ? index.bySlug.get(match[1]) : undefined;
  }

  function show(found, message) {
    entries = found;
    shown = 0;
    list.replaceChildren();
    status.textContent = message;
    showMore(false);
  }

  async function showMore(focus) {
    const current = entries;
    const batch = entries.slice(shown, shown + PAGE_SIZE);
    shown += batch.length;
    more.hidden = shown >= entries.length;
    const items = await Promise.all(batch.map(async (entry) =>
      entry.slug ? card(entry, root, SEARCH_SIZES) : pageItem(await entry.data())));
    if (current !== entries) return; // another search replaced these results meanwhile
    list.append(...items);
    if (focus && items.length) items[0].querySelector("a").focus();
  }
}

function toUrl(term, choice) {
  const query = new URLSearchParams(term ? { q: term, ...choice } : choice).toString();
  return location.pathname + (query ? "?" + query : "");
}

// A page other than a laureate's: its title and the passage where the words were found.
function pageItem(data) {
  const item = element("li");
  const article = item.appendChild(element("article", "card"));
  const title = article.appendChild(element("h2", "card-title"));
  title.appendChild(element("a", "", french(data.meta.title || data.url))).href = data.url;
  article.appendChild(element("p", "card-summary")).append(excerpt(data.excerpt));
  return item;
}

// Pages are indexed with ASCII apostrophes (so that « expo » finds « l’expo »): put the French ones back.
function french(text) {
  return text.replace(/'/g, "\u2019");
}

// Pagefind's excerpt marks the words found with <mark>: keep those, and only text otherwise.
function excerpt(html) {
  const parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
  const fragment = document.createDocumentFragment();
  for (const node of parsed.querySelector("p").childNodes) {
    fragment.append(node.nodeName === "MARK" ? element("mark", "", french(node.textContent)) : french(node.textContent));
  }
  return fragment;
}
