// The search page: full-text search over the laureates and pages with Pagefind, whose index is made at
// build time, one index for the whole site (pagefind/); everything runs in the browser from the site's own
// files. A search fetches Pagefind's script, WebAssembly and metadata, the index chunk of each word, and the
// fragment of each result shown, which carries what the result shows: a laureate's card (its row of
// laureats/filtres.json) or a page's title and excerpt. The filters narrow the laureates with
// laureats/filtres.json, and pagefind/vitrine-pages.json tells which page each Pagefind result is (Pagefind's
// own filters would make the index differ from one build to the next): both are loaded the first time a
// filter is chosen. The query and the filters live in the URL (recherche/?q=…&quartier=…), so a search can be
// shared. Without JavaScript, or when the index cannot be loaded, the page keeps its links to the browsing pages.
import { FILTERS, card, element, loadLaureates, matches } from "./laureates.js";

// Results shown at a time: a Pagefind result costs its fragment (a request), a laureate of the filters' list
// nothing more.
const RESULTS_SHOWN = 10;
const LAUREATES_SHOWN = 20;
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
  const engine = import(new URL("pagefind.js", bundle).href).then(async (pagefind) => {
    await pagefind.options(settings);
    await pagefind.init();
    return pagefind;
  });
  engine.catch(failed);
  let filtering; // every laureate and which page each result is, once a filter is chosen
  function filterData() {
    filtering ||= Promise.all([loadLaureates(box.dataset.index), fetchJson(new URL("vitrine-pages.json", bundle))])
      .then(([laureates, map]) => ({
        laureates,
        pages: map.pages,
        bySlug: new Map(laureates.map((laureate) => [laureate.slug, laureate])),
      }));
    filtering.catch(failed);
    return filtering;
  }
  function failed() {
    form.hidden = true;
    fallback.hidden = false;
    status.textContent = "La recherche n’a pas pu être chargée. Parcourez les lauréats avec les liens ci-dessous.";
  }

  let entries = []; // laureates, or Pagefind results
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
    let found; // laureates from laureats/filtres.json, or Pagefind results (shown from their fragments)
    try {
      if (term) {
        const search = await (await engine).search(term);
        const data = filtered && await filterData();
        found = filtered ? search.results.map((result) => laureateOf(data, result))
          .filter((laureate) => laureate && matches(laureate, choice)) : search.results;
      } else {
        found = (await filterData()).laureates.filter((laureate) => matches(laureate, choice));
      }
    } catch {
      return; // said when loading failed
    }
    if (ticket !== latest) return; // a newer search has started
    const scope = term ? " pour «\u00a0" + term + "\u00a0»" : "";
    show(found, found.length === 0 ? "Aucun résultat" + scope + "."
      : found.length === 1 ? "1 résultat" + scope + "."
      : found.length + " résultats" + scope + ".");
  }

  function laureateOf(data, result) {
    const match = /^laureats\/([^/]+)\/$/.exec(data.pages[result.id] || "");
    return match ? data.bySlug.get(match[1]) : undefined;
  }

  function show(found, message) {
    entries = found;
    shown = 0;
    list.replaceChildren();
    more.hidden = true;
    status.textContent = message;
    showMore(false);
  }

  async function showMore(focus) {
    const current = entries;
    const batch = entries.slice(shown, shown + (entries[0]?.slug ? LAUREATES_SHOWN : RESULTS_SHOWN));
    shown += batch.length;
    const items = await Promise.all(batch.map(async (entry) =>
      entry.slug ? card(entry, root, SEARCH_SIZES) : resultItem(await entry.data(), root)));
    if (current !== entries) return; // another search replaced these results meanwhile
    list.append(...items);
    more.hidden = shown >= entries.length; // after the results, or they would push it down (a layout shift)
    if (focus && items.length) items[0].querySelector("a").focus();
  }
}

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function toUrl(term, choice) {
  const query = new URLSearchParams(term ? { q: term, ...choice } : choice).toString();
  return location.pathname + (query ? "?" + query : "");
}

// A Pagefind result, from its fragment: a laureate's card ([edition, [quartier, commune, …], image, draft,
// title, porteur, summary], from its row of laureats/filtres.json, form-encoded in the id of an element at
// the start of its page: Pagefind does not index ids; its title, porteur and summary are the page's metadata
// when the card leaves them out), else the page's title and the passage where the words were found.
const CARD_ID = "carte-";

function resultItem(data, root) {
  const anchor = data.anchors.find((a) => a.id.startsWith(CARD_ID));
  const slug = /\/laureats\/([^/]+)\/$/.exec(data.url);
  if (!anchor || !slug) return pageItem(data);
  const encoded = anchor.id.slice(CARD_ID.length).replace(/\+/g, " ");
  const [edition, places, image = null, draft = false, title, porteur, summary] =
    JSON.parse(decodeURIComponent(encoded));
  return card({
    slug: slug[1],
    title: title ?? french(data.meta.title),
    porteur: porteur ?? french(data.meta.porteur),
    summary: summary ?? french(data.meta.summary),
    edition,
    quartiers: places.flatMap((name, i) => (i % 2 ? [] : [{ name, commune: places[i + 1] }])),
    draft,
    image,
  }, root, SEARCH_SIZES);
}

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
