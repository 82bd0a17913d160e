// The search page: full-text search over the laureates and pages with Pagefind, whose index (pagefind/)
// is made at build time; everything runs in the browser from the site's own files. The query and the
// filters live in the URL (recherche/?q=…&quartier=…), so a search can be shared. Without JavaScript,
// or when the index cannot be loaded, the page keeps its links to the browsing pages.

const PAGE_SIZE = 20;
const FILTERS = ["quartier", "commune", "theme", "edition"];

const box = document.querySelector("[data-search]");
if (box) start(box);

function start(box) {
  const form = box.querySelector("form");
  const status = box.querySelector("[data-search-status]");
  const list = box.querySelector("[data-search-results]");
  const more = box.querySelector("[data-search-more]");
  const fallback = box.querySelector("[data-search-fallback]");
  const root = new URL(box.dataset.root, document.baseURI);
  // The form shows at once, so the page does not change under the reader once loaded; it goes away
  // again if Pagefind cannot be loaded (e.g. the site opened from the disk, without a web server).
  fallback.hidden = true;
  form.hidden = false;
  const loading = import(new URL("pagefind/pagefind.js", root).href).then(async (module) => {
    await module.options({ baseUrl: root.pathname, excerptLength: 24 });
    await module.init();
    return module;
  });
  loading.catch(() => {
    form.hidden = true;
    fallback.hidden = false;
    status.textContent = "La recherche n’a pas pu être chargée. Parcourez les lauréats avec les liens ci-dessous.";
  });

  let results = [];
  let shown = 0;
  let latest = 0;

  const query = new URLSearchParams(location.search);
  form.elements.q.value = query.get("q") || "";
  for (const name of FILTERS) form.elements[name].value = query.get(name) || "";

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
  run().catch(() => {}); // a failed load is said above

  async function run() {
    const term = form.elements.q.value.trim();
    const filters = {};
    for (const name of FILTERS) if (form.elements[name].value) filters[name] = form.elements[name].value;
    history.replaceState(null, "", toUrl(term, filters));
    const ticket = ++latest;
    if (!term && !Object.keys(filters).length) {
      show([], "");
      return;
    }
    const pagefind = await loading;
    const search = await pagefind.search(term || null, { filters });
    if (ticket !== latest) return; // a newer search has started
    const found = search.results;
    const scope = term ? " pour «\u00a0" + term + "\u00a0»" : "";
    show(found, found.length === 0 ? "Aucun résultat" + scope + "."
      : found.length === 1 ? "1 résultat" + scope + "."
      : found.length + " résultats" + scope + ".");
  }

  function show(found, message) {
    results = found;
    shown = 0;
    list.replaceChildren();
    status.textContent = message;
    showMore(false);
  }

  async function showMore(focus) {
    const current = results;
    const batch = results.slice(shown, shown + PAGE_SIZE);
    shown += batch.length;
    more.hidden = shown >= results.length;
    const items = await Promise.all(batch.map(async (result) => item(await result.data())));
    if (current !== results) return; // another search replaced these results meanwhile
    list.append(...items);
    if (focus && items.length) items[0].querySelector("a").focus();
  }
}

function toUrl(term, filters) {
  const query = new URLSearchParams(term ? { q: term, ...filters } : filters).toString();
  return location.pathname + (query ? "?" + query : "");
}

// Pages are indexed with ASCII apostrophes (so that « expo » finds « l’expo »): put the French ones back.
function french(text) {
  return text.replace(/'/g, "\u2019");
}

function item(data) {
  const li = element("li", "search-result");
  const title = li.appendChild(element("h2", "card-title"));
  title.appendChild(element("a", "", french(data.meta.title || data.url))).href = data.url;
  if (data.meta.porteur) li.appendChild(element("p", "card-porteur", french(data.meta.porteur)));
  if (data.meta.summary) {
    li.appendChild(element("p", "card-summary", french(data.meta.summary)));
  } else {
    li.appendChild(element("p", "card-summary")).append(excerpt(data.excerpt));
  }
  return li;
}

// Pagefind's excerpt marks the words found with <mark>: keep those, and only text otherwise.
function excerpt(html) {
  const parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html").body;
  const fragment = document.createDocumentFragment();
  for (const node of parsed.querySelectorAll("p")[0].childNodes) {
    fragment.append(node.nodeName === "MARK" ? element("mark", "", french(node.textContent)) : french(node.textContent));
  }
  return fragment;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
