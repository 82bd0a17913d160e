// Every published laureate's card and filter values, from laureats/filtres.json (made at build time),
// shared by the filters of the laureates list (filters.js) and the search page (search.js).

// The filters a visitor can choose, as named in the URL query and the forms' selectors.
export const FILTERS = ["quartier", "commune", "theme", "edition"];

// The laureates, newest edition first: {slug, title, porteur, summary, edition, quartiers, themes, draft,
// image, communes}, quartiers being {slug, name, commune}, communes the communes' slugs, and image null or
// {img: [src, width, height, alt], credit, webp: [[path, width], …], fallback: […], sizes} (paths from the site's root).
export async function loadLaureates(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  const index = await response.json();
  const quartiers = Object.fromEntries(Object.entries(index.quartiers).map(
    ([slug, [name, commune, communeSlug]]) => [slug, { slug, name, commune, communeSlug }]));
  return index.laureats.map((row) => {
    const laureate = Object.fromEntries(index.fields.map((name, i) => [name, row[i]]));
    laureate.quartiers = laureate.quartiers.map((slug) => quartiers[slug]);
    laureate.communes = laureate.quartiers.map((q) => q.communeSlug);
    if (laureate.image) laureate.image.sizes = index.sizes;
    return laureate;
  });
}

// Whether a laureate has every value chosen ({quartier: "…", theme: "…"}; an absent filter lets all pass).
export function matches(laureate, choice) {
  return (!choice.quartier || laureate.quartiers.some((q) => q.slug === choice.quartier))
    && (!choice.commune || laureate.communes.includes(choice.commune))
    && (!choice.theme || laureate.themes.includes(choice.theme))
    && (!choice.edition || String(laureate.edition) === choice.edition);
}

// A laureate's card, as the listings show it (templates/partials/card.html), in a list item.
// ``root`` is the site's root relative to the page (data-root), e.g. "../"; ``sizes``, how wide its photo
// is shown where that is not the listings' grid (the search page's thumbnails).
export function card(laureate, root, sizes) {
  const item = element("li");
  const article = item.appendChild(element("article", "card"));
  const title = article.appendChild(element("h2", "card-title"));
  title.appendChild(element("a", "", laureate.title)).href = root + "laureats/" + laureate.slug + "/";
  if (laureate.image) {
    const figure = article.appendChild(element("figure", "card-image"));
    figure.appendChild(picture(laureate.image, root, sizes));
    figure.appendChild(element("figcaption", "image-credit", laureate.image.credit));
  }
  if (laureate.draft) article.appendChild(element("p", "badge badge-draft", "Brouillon"));
  article.appendChild(element("p", "card-porteur", laureate.porteur));
  article.appendChild(element("p", "card-summary", laureate.summary));
  const places = laureate.quartiers.map((q) => q.name + " (" + q.commune + ")").join(", ");
  article.appendChild(element("p", "card-meta", "Édition " + laureate.edition + " · " + places));
  return item;
}

// A card's responsive image, as templates/partials/picture.html makes it (lazy: below the fold).
function picture(image, root, sizes = image.sizes) {
  const [src, width, height, alt] = image.img;
  const srcset = (variants) => variants.map(([path, w]) => root + path + " " + w + "w").join(", ");
  const node = element("picture");
  const source = node.appendChild(element("source"));
  source.type = "image/webp";
  source.srcset = srcset(image.webp);
  source.sizes = sizes;
  const img = node.appendChild(element("img"));
  img.src = root + src;
  img.srcset = srcset(image.fallback);
  img.sizes = sizes;
  img.width = width;
  img.height = height;
  img.alt = alt;
  img.loading = "lazy";
  img.decoding = "async";
  return node;
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
