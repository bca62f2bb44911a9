// The search page: queries the Pagefind index that `make html` writes to pagefind/YYYY/, in
// the browser. Every URL is worked out from this page's own address, so the site works under a
// sub-path. The form is hidden without JavaScript; a <noscript> note says where to go instead.

const PAGE_SIZE = 20;
const FILTERS = ["tag", "year"];

const form = document.getElementById("search-form");
const message = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const root = document.baseURI; // the site root: every page has <base href> there

let bundles = []; // a Pagefind index per year, newest first
let results = [];
let run = 0; // the latest search: an older one that finishes late shows nothing
let timer;

function element(name, className, text) {
  const node = document.createElement(name);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function resultItem(data) {
  const item = element("li", "search-result");
  const heading = element("h2", "paper-title");
  const link = element("a", "", data.meta.title);
  link.href = data.url;
  heading.append(link);
  item.append(heading, element("p", "meta", data.meta.day));
  const tags = data.filters.tag || [];
  if (tags.length) {
    const tagList = element("ul", "tags");
    tagList.setAttribute("aria-label", "Tags");
    tagList.append(...tags.map((tag) => element("li", "", tag)));
    item.append(tagList);
  }
  const excerpt = element("p", "summary");
  excerpt.innerHTML = data.excerpt; // Pagefind escapes the text and adds only <mark>
  item.append(excerpt);
  return item;
}

function fillSelect(select, counts, order) {
  const values = Object.keys(counts || {}).sort(order);
  select.append(...values.map((value) => new Option(`${value} (${counts[value].toLocaleString("en")})`, value)));
}

// Counts per filter value, summed over the years' bundles.
function mergeCounts(all) {
  const merged = {};
  for (const counts of all) {
    for (const [name, values] of Object.entries(counts)) {
      merged[name] ??= {};
      for (const [value, count] of Object.entries(values)) merged[name][value] = (merged[name][value] || 0) + count;
    }
  }
  return merged;
}

function chosen() {
  const query = form.elements.q.value.trim();
  const filters = {};
  for (const name of FILTERS) {
    if (form.elements[name].value) filters[name] = form.elements[name].value;
  }
  return { query, filters };
}

function remember({ query, filters }) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [name, value] of Object.entries(filters)) params.set(name, value);
  const search = params.size ? `?${params}` : "";
  if (search !== location.search) history.replaceState(null, "", location.pathname + search);
}

async function showMore(fresh = false) {
  const mine = run;
  const start = fresh ? 0 : list.children.length;
  const page = await Promise.all(results.slice(start, start + PAGE_SIZE).map((result) => result.data()));
  if (mine !== run) return;
  if (fresh) list.replaceChildren();
  list.append(...page.map(resultItem));
  more.hidden = list.children.length >= results.length;
}

async function search() {
  const mine = ++run;
  const { query, filters } = chosen();
  remember({ query, filters });
  if (!query && !Object.keys(filters).length) {
    results = [];
    list.replaceChildren();
    more.hidden = true;
    message.textContent = "";
    return;
  }
  // Without words, a filter lists its papers newest first.
  const options = query ? { filters } : { filters, sort: { day: "desc" } };
  const found = await Promise.all(bundles.map((bundle) => bundle.search(query || null, options)));
  if (mine !== run) return;
  // Years come newest first, each sorted by day: a filter alone keeps that order; words
  // rank by score across all years (the sort is stable).
  results = found.flatMap((each) => each.results);
  if (query) results.sort((a, b) => b.score - a.score);
  await showMore(true);
  if (mine !== run) return;
  const count = results.length;
  message.textContent = count ? `${count.toLocaleString("en")} paper${count === 1 ? "" : "s"} found` : "No papers found";
}

async function start() {
  try {
    // A bundle per year (only a changed year is indexed again), each its own module.
    // Pagefind takes the site's address, its result URLs' base, from the part of a
    // bundle's path before "pagefind/".
    const years = form.dataset.years.split(" ").filter(Boolean);
    bundles = await Promise.all(years.map((year) => import(new URL(`pagefind/${year}/pagefind.js`, root).href)));
    if (!bundles.length) throw new Error("no papers, no index");
  } catch (error) {
    message.textContent =
      "Search is unavailable: its index (pagefind/) did not load. `make html` builds it; open the site over HTTP (`make serve`), not as files.";
    throw error;
  }
  const filters = mergeCounts(await Promise.all(bundles.map((bundle) => bundle.filters())));
  fillSelect(form.elements.tag, filters.tag, (a, b) => a.localeCompare(b, "en"));
  fillSelect(form.elements.year, filters.year, (a, b) => b.localeCompare(a));
  const params = new URLSearchParams(location.search);
  form.elements.q.value = params.get("q") || "";
  for (const name of FILTERS) form.elements[name].value = params.get(name) || "";
  form.hidden = false;
  if (!form.elements.q.value) form.elements.q.focus();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  form.elements.q.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  for (const name of FILTERS) form.elements[name].addEventListener("change", search);
  more.addEventListener("click", () => showMore());
  await search();
}

start();
