// Query a built site's Pagefind index from Node, as the browser would, reading the files from disk (pagefind/).
// Usage: node search_query.mjs SITE_DIR TERMS_JSON, where TERMS_JSON is ["expo", …].
// Prints one {"count", "results": [{id, url, meta, excerpt, anchors}, …]} per term, as a JSON array.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [site, terms] = process.argv.slice(2);
globalThis.fetch = async (url) => {
  const file = path.join(site, decodeURIComponent(new URL(String(url), "http://site.invalid/").pathname));
  try {
    return new Response(await readFile(file));
  } catch {
    return new Response("", { status: 404 });
  }
};
const pagefind = await import(pathToFileURL(path.join(site, "pagefind", "pagefind.js")).href);
await pagefind.options({ basePath: "/pagefind/", baseUrl: "/" });
const answers = [];
for (const term of JSON.parse(terms)) {
  const search = await pagefind.search(term);
  const results = await Promise.all(search.results.map(async (result) => ({ id: result.id, ...await result.data() })));
  answers.push({
    count: results.length,
    results: results.map(({ id, url, meta, excerpt, anchors }) => ({ id, url, meta, excerpt, anchors })),
  });
}
console.log(JSON.stringify(answers));
