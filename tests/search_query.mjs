// Query a built site's Pagefind index from Node, as the browser would, reading the files from disk.
// Usage: node search_query.mjs SITE_DIR QUERIES_JSON, where QUERIES_JSON is [{"term": …, "filters": {…}}, …]
// (a null term searches by filters only). Prints one {"count", "results": [{url, meta, filters, excerpt}]}
// per query, as a JSON array.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [site, queries] = process.argv.slice(2);
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
for (const { term, filters } of JSON.parse(queries)) {
  const search = await pagefind.search(term, { filters: filters || {} });
  const results = await Promise.all(search.results.map((result) => result.data()));
  answers.push({
    count: results.length,
    results: results.map(({ url, meta, filters, excerpt }) => ({ url, meta, filters, excerpt })),
  });
}
console.log(JSON.stringify(answers));
