// The search page: queries the Pagefind index that `papers index` writes, in bundles of whole
// months (pagefind/2024-05/, see dailypapers/site/search.py), in the browser. A search first
// looks its words up in pagefind/routes/ (dailypapers/site/searchroutes.py) and loads only the
// bundles that hold them all, newest first, as many as a first search's budget allows; the
// reader can ask for the rest. Pagefind's code loads once, from the first bundle loaded; the
// others join it through mergeIndex, which adds only their index files. pagefind/facets.json
// lists the bundles and the form's choices. Every URL is worked out from the page's <base>, so the site works
// under a sub-path. The form is hidden without JavaScript; a <noscript> note says where to go.

const PAGE_SIZE = 8;
const SELECTS = ["sort", "tag", "year", "organization"];
const EXCERPT_WORDS = 32;
// A first search's requests at most: Pagefind's code (2), the routes, per bundle its entry,
// page list and a chunk per word, and the rows' fragments.
const FIRST_SEARCH_REQUESTS = 20;
const ROUTED_WORDS = 3; // the longest words are looked up: any of them narrows the bundles
// As searchroutes.py: a route file holds the words that begin with the same letters (arXiv
// ids: more of them); Pagefind matches a word by its stem, rarely shorter than KEY_LETTERS.
const KEY_LETTERS = 5;
const SHARD_LETTERS = 3;
const ID_SHARD_LETTERS = 6;
const FIRST_AUTHOR_MARK = "firstauthor";
// An arXiv id as readers paste it: 2405.15682, arXiv:2405.15682v2, or an arXiv or Hugging Face URL.
const ARXIV_ID =
  /^(?:(?:https?:\/\/)?(?:www\.)?(?:huggingface\.co\/papers|arxiv\.org\/(?:abs|pdf))\/|arxiv:\s*)?(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?\/?(?:[?#].*)?$/i;

const form = document.getElementById("search-form");
const message = document.getElementById("search-status");
const help = document.getElementById("search-help");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const older = document.getElementById("search-older");
const root = document.baseURI; // the site root: every page has <base href> there
let bundles = []; // newest first
let bundlePapers = new Map(); // bundle -> its papers
let loaded = []; // the bundles Pagefind has, in the order loaded
const routeFiles = new Map(); // route file name -> its lines, as a Map of key -> bundle bits
let commonSurnames = new Set(); // first authors' surnames of several papers: facets.json

let pagefind; // loaded by the first search
let pending; // the rows still to show: a function giving the next n
let run = 0; // the latest search: an older one that finishes late shows nothing
let timer;

function element(name, className, text) {
  const node = document.createElement(name);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const folded = (text) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
// As searchroutes.words: accents dropped too, as Pagefind does.
const routeWords = (text) => folded(text.normalize("NFD").replace(/\p{M}/gu, "")).split(" ").filter(Boolean);

function longDay(iso) {
  const options = { timeZone: "UTC", year: "numeric", month: "long", day: "numeric" };
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString("en-US", options);
}

// The stretch of the abstract (the first abstract_words words of the record) with the most
// matched words, those words marked.
function excerpt(data) {
  const words = data.content.split(/\s+/);
  const end = Math.min(Number(data.meta.abstract_words) || words.length, words.length);
  const hits = new Set(data.locations.filter((at) => at < end));
  let start = 0;
  let most = 0;
  for (const at of hits) {
    const from = Math.max(0, Math.min(at - 6, end - EXCERPT_WORDS));
    const count = [...hits].filter((other) => other >= from && other < from + EXCERPT_WORDS).length;
    if (count > most) [start, most] = [from, count];
  }
  const stop = Math.min(start + EXCERPT_WORDS, end);
  const paragraph = element("p", "summary");
  if (start > 0) paragraph.append("… ");
  for (let at = start; at < stop; at++) {
    const space = at + 1 < stop ? " " : "";
    if (!hits.has(at)) {
      paragraph.append(words[at] + space);
      continue;
    }
    // The word marked, its punctuation not: "(grokking)," shows (<mark>grokking</mark>),
    const [, before, word, after] = words[at].match(/^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u);
    paragraph.append(before, element("mark", "", word), after + space);
  }
  if (stop < end) paragraph.append(" …");
  return paragraph;
}

function resultItem(data) {
  const item = element("li", "search-result");
  const heading = element("h2", "paper-title");
  const link = element("a");
  link.innerHTML = data.meta.title_html; // the paper page's own <h1>, math included
  link.href = new URL(data.url, root).href;
  heading.append(link);
  const upvotes = Number(data.meta.upvotes);
  const facts = element("p", "meta");
  facts.append(element("span", "day", longDay(data.meta.day)), ` · ${upvotes} upvote${upvotes === 1 ? "" : "s"}`);
  item.append(heading, facts);
  const tags = data.meta.tags ? data.meta.tags.split("\t") : [];
  if (tags.length) {
    const tagList = element("ul", "tags");
    tagList.setAttribute("aria-label", "Tags");
    tagList.append(...tags.map((tag) => element("li", "", tag)));
    item.append(tagList);
  }
  item.append(excerpt(data));
  return item;
}

function fillSelect(select, choices) {
  select.append(...choices.map(([value, count]) => new Option(`${value} (${count.toLocaleString("en")})`, value)));
}

function chosen() {
  const query = form.elements.q.value.trim();
  const filters = {};
  for (const name of ["tag", "year", "organization"]) {
    if (form.elements[name].value) filters[name] = form.elements[name].value;
  }
  // The author filter is split by the surname's first letter (searchrecords.author_filters).
  const author = folded(form.elements.author.value);
  if (author) {
    const initial = author.split(" ").pop()[0];
    filters[/[a-z]/.test(initial) ? `author_${initial}` : "author_other"] = author;
  }
  if (form.elements.code.checked) filters.code = "yes";
  return { query, filters, sort: form.elements.sort.value };
}

function remember() {
  const params = new URLSearchParams();
  if (form.elements.q.value.trim()) params.set("q", form.elements.q.value.trim());
  for (const name of SELECTS) {
    const select = form.elements[name];
    if (select.selectedIndex > 0) params.set(name, select.value); // the first choice is the default
  }
  if (form.elements.author.value.trim()) params.set("author", form.elements.author.value.trim());
  if (form.elements.code.checked) params.set("code", "yes");
  const search = params.size ? `?${params}` : "";
  if (search !== location.search) history.replaceState(null, "", location.pathname + search);
}

// Pagefind with these bundles too (the first loads its code).
async function loadPagefind(wanted) {
  for (const bundle of wanted.filter((each) => !loaded.includes(each))) {
    if (!pagefind) {
      // Pagefind takes the site's address, its result URLs' base, from the part of a bundle's
      // path before "pagefind/". Its worker would be one more script to fetch.
      const module = await import(new URL(`pagefind/${bundle}/pagefind.js`, root).href);
      await module.options({ noWorker: true });
      pagefind = module;
    } else {
      await pagefind.mergeIndex(new URL(`pagefind/${bundle}/`, root).href);
    }
    loaded.push(bundle);
  }
  return pagefind;
}

async function routeFile(name) {
  if (!routeFiles.has(name)) {
    routeFiles.set(name, fetch(new URL(`pagefind/routes/${encodeURIComponent(name)}.txt`, root)).then(async (answer) => {
      // key, its bundles' bits, and for a rare key its papers in each of them, oldest first.
      const lines = answer.ok ? (await answer.text()).split("\n").filter(Boolean) : [];
      return new Map(lines.map((line) => line.split("\t")).map(([key, bits, counts]) => {
        const names = bundlesOf(parseInt(bits, 36));
        const papers = counts ? new Map(counts.split(",").reverse().map((count, at) => [names[at], parseInt(count, 36)])) : null;
        return [key, { bits: parseInt(bits, 36), papers }];
      }));
    }));
  }
  return routeFiles.get(name);
}

// The bundles (their bits: the oldest is bit 0) that hold a word as typed, and those that
// hold a word Pagefind may match to it: one with its first KEY_LETTERS letters (all its
// letters for a shorter word). Null when it cannot tell (a short word).
async function wordBundles(word) {
  if (word.length < SHARD_LETTERS) return null;
  const words = await routeFile(word.slice(0, SHARD_LETTERS));
  const exact = words.get(word) || { bits: 0, papers: null };
  if (word.endsWith(FIRST_AUTHOR_MARK)) return { ...exact, near: exact.bits };
  const start = word.slice(0, KEY_LETTERS);
  let near = 0;
  for (const [each, { bits }] of words) if (each.startsWith(start) && !each.includes(">")) near |= bits;
  return { ...exact, near };
}

// Bits as bundle names, newest first.
const bundlesOf = (bits) => bundles.filter((_, at) => bits & (2 ** (bundles.length - 1 - at)));

// The bundles that may answer a query, best first: the one holding the paper of an arXiv id or
// a title typed whole; those where a common surname typed is first author of a title with the
// longest other word; those holding every word as typed; then those holding every word as
// Pagefind matches it (a word no bundle holds, Pagefind leaves out). Among those holding a
// rare word, the likeliest to hold a paper with it first (most of its papers for their size).
// Apart: the bundles of the surname's papers (theirs), and how many they are (when counted).
async function route(words, id, surname) {
  if (id) return { bundles: bundlesOf((await routeFile(id.slice(0, ID_SHARD_LETTERS))).get(id)?.bits || 0), theirs: [] };
  const longest = (among) => among.reduce((best, word) => (word.length > best.length ? word : best), "");
  const lookUp = async (word, key) => (word.length >= SHARD_LETTERS && (await routeFile(word.slice(0, SHARD_LETTERS))).get(key)) || { bits: 0 };
  const title = await lookUp(longest(words), `=${titleHash(words)}`);
  // A surname and a title word (or a title word it begins): the common surname typed, else
  // any word may be a rarer one.
  let pair = { bits: 0 };
  for (const name of surname ? [surname] : [...new Set(words)].slice(0, ROUTED_WORDS)) {
    const word = longest(words.filter((each) => each !== name));
    if (word.length >= SHARD_LETTERS) pair = titleWordsOf(await routeFile(word.slice(0, SHARD_LETTERS)), word, name);
    if (pair.bits) break;
  }
  let [exact, near] = [2 ** bundles.length - 1, 2 ** bundles.length - 1];
  const rare = [];
  // A common surname is in every bundle: its route would be one more request for nothing.
  const longestFirst = [...new Set(words)].filter((word) => word !== surname).sort((a, b) => b.length - a.length).slice(0, ROUTED_WORDS);
  for (const each of await Promise.all(longestFirst.map(wordBundles))) {
    if (!each?.near) continue;
    [exact, near] = [exact & each.bits, near & each.near];
    if (each.papers) rare.push(each.papers);
  }
  const likeliest = (names, counted) => names
    .map((name) => [name, counted.reduce((odds, papers) => (odds * (papers.get(name) || 0)) / bundlePapers.get(name), 1)])
    .sort((a, b) => b[1] - a[1]).map(([name]) => name);
  const theirs = likeliest(bundlesOf(pair.bits), pair.papers ? [pair.papers] : []);
  const order = [bundlesOf(title.bits), theirs, likeliest(bundlesOf(exact), rare), bundlesOf(near)];
  const theirPapers = pair.papers ? [...pair.papers.values()].reduce((sum, count) => sum + count, 0) : PAGE_SIZE;
  // A title typed whole is searched as it is, not as a surname's (An, Long) title words.
  return { bundles: [...new Set(order.flat())], theirs: surname && !title.bits ? theirs : [], theirPapers };
}

// The bundles with a title word beginning with word whose first author is name, and how many
// papers each has (null when some are not counted).
function titleWordsOf(entries, word, name) {
  let bits = 0;
  let papers = new Map();
  for (const [key, entry] of entries) {
    if (!key.startsWith(word) || !key.endsWith(`>${name}`)) continue;
    bits |= entry.bits;
    if (!entry.papers) papers = null;
    for (const [bundle, count] of entry.papers || []) papers?.set(bundle, (papers.get(bundle) || 0) + count);
  }
  return { bits, papers };
}

// As searchroutes.title_key: FNV-1a of the words, in base 36.
function titleHash(words) {
  let hash = 0x811c9dc5;
  for (const char of words.join(" ")) hash = Math.imul(hash ^ char.codePointAt(0), 0x01000193) >>> 0;
  return hash.toString(36);
}

// Of the bundles a query wants, those a search loads now: within the first search's budget,
// at least one new bundle when none it wants is loaded; every one when the reader asked.
function withinBudget(wanted, words, routesFetched, every, rows) {
  const missing = wanted.filter((bundle) => !loaded.includes(bundle));
  if (every) return wanted;
  const perBundle = 2 + Math.max(words, 1);
  const spare = FIRST_SEARCH_REQUESTS - rows - (pagefind ? 0 : 2) - routesFetched - loaded.length * words;
  let count = Math.floor(spare / perBundle);
  if (!wanted.some((bundle) => loaded.includes(bundle))) count = Math.max(count, 1);
  return [...wanted.filter((bundle) => loaded.includes(bundle)), ...missing.slice(0, Math.max(count, 0))];
}

// How well a row answers the query beyond Pagefind's score, which matches word stems and
// prefixes anywhere: 3 for the exact title (or arXiv id); when a query word is one of its
// authors' names and every other query word is in its title, 2 for the first author's, 1
// for another's; else 0.5 when its abstract has every query word as typed.
function closeness(data, query, id) {
  if (id ? data.meta.arxiv === id : folded(data.meta.title) === folded(query)) return 3;
  const words = folded(query).split(" ");
  const authors = folded(data.meta.authors || "");
  const names = new Set(authors.split(" "));
  const title = new Set(folded(data.meta.title).split(" "));
  const name = words.find((word) => names.has(word));
  if (name && words.every((word) => word === name || title.has(word))) {
    const firstAuthor = (data.meta.authors || "").split(", ")[0];
    return folded(firstAuthor).split(" ").includes(name) ? 2 : 1;
  }
  const abstract = data.content.split(/\s+/).slice(0, Number(data.meta.abstract_words) || undefined).join(" ");
  const typed = new Set(folded(abstract).split(" "));
  return words.every((word) => typed.has(word)) ? 0.5 : 0;
}

// The papers whose first author has a surname the query names, when that surname is common
// (facets.json lists them): the other words with the first author's mark
// (searchrecords.FIRST_AUTHOR_MARK), which no text has. Null when the query names none.
function firstAuthorQuery(query) {
  const words = folded(query).split(" ");
  const name = words.length > 1 && words.find((word) => commonSurnames.has(word));
  if (!name) return null;
  return `${words.filter((word) => word !== name).join(" ")} ${name}${FIRST_AUTHOR_MARK}`;
}

// Rows in score order; within the first page, the closest first (the sort is stable).
function byScore(results, query, id) {
  let next = 0;
  return async (count) => {
    const page = await Promise.all(results.slice(next, next + count).map((result) => result.data()));
    if (next === 0) page.sort((a, b) => closeness(b, query, id) - closeness(a, query, id));
    next += page.length;
    return page;
  };
}

// Rows in the order of a sort key across bundles: each bundle gives its papers in that order
// (its bundle filter leaves out the others), merged by looking only at each list's head.
function byKey(lists, key) {
  const heads = lists.map((results) => ({ results, next: 0, data: null }));
  return async (count) => {
    const page = [];
    while (page.length < count) {
      await Promise.all(heads.map(async (head) => {
        if (!head.data && head.next < head.results.length) head.data = await head.results[head.next].data();
      }));
      const live = heads.filter((head) => head.data);
      if (!live.length) break;
      const best = live.reduce((a, b) => (key(b.data) > key(a.data) ? b : a));
      page.push(best.data);
      best.data = null;
      best.next++;
    }
    return page;
  };
}

async function showMore(fresh = false) {
  const mine = run;
  const page = await pending(PAGE_SIZE);
  if (mine !== run) return;
  if (fresh) list.replaceChildren();
  list.append(...page.map(resultItem));
  more.hidden = list.children.length >= Number(list.dataset.total);
}

// Edits (insertions, deletions, substitutions) that turn one word into the other.
function distance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, at) => at);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}

// The query with each word no title uses replaced by the most used title word one or two
// edits away (pagefind/title-words.txt, fetched only when a search finds nothing).
async function nearSpelling(query) {
  const vocabulary = (await (await fetch(new URL("pagefind/title-words.txt", root))).text()).split("\n");
  const known = new Set(vocabulary);
  const words = folded(query).split(" ");
  const near = words.map((word) => {
    if (word.length < 4 || known.has(word)) return word;
    const edits = word.length > 6 ? 2 : 1;
    return vocabulary.find((other) => Math.abs(other.length - word.length) <= edits && distance(word, other) <= edits) || word;
  });
  return near.join(" ") !== words.join(" ") ? near.join(" ") : null;
}

function explain(query, filters, id, suggestion) {
  help.replaceChildren();
  const add = (text, href, linkText) => {
    const line = element("li", "", text);
    if (href) {
      const link = element("a", "", linkText);
      link.href = href;
      line.append(link);
    }
    help.append(line);
  };
  if (suggestion) add("Did you mean ", `search/?${new URLSearchParams({ q: suggestion })}`, suggestion);
  if (id) add("This archive does not have it; ", `https://huggingface.co/papers/${id}`, "see it on Hugging Face");
  if (query && Object.keys(filters).length) {
    add("Try ", `search/?${new URLSearchParams({ q: query })}`, `“${query}” in all papers, without filters`);
  }
  add("Browse papers ", "tags/", "by tag");
}

async function search(every = false) {
  const mine = ++run;
  remember();
  const { query, filters, sort } = chosen();
  help.replaceChildren();
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren();
    more.hidden = true;
    message.textContent = "";
    return;
  }
  message.textContent = "Searching…";
  const id = query.match(ARXIV_ID)?.[1];
  const term = id || query || null;
  const theirQuery = sort === "relevance" && query && !id ? firstAuthorQuery(query) : null;
  const words = term ? routeWords(term) : [];
  const routesBefore = routeFiles.size;
  const surname = theirQuery ? routeWords(theirQuery.split(" ").pop().slice(0, -FIRST_AUTHOR_MARK.length)).join("") : "";
  const routed = await route(words, id, surname);
  // A surname and title words: first, only the papers of that first author (Pagefind then
  // fetches fewer chunks a bundle, and fewer rows); all papers with the words when asked.
  const theirsOnly = routed.theirs.length > 0 && !every;
  const wanted = theirsOnly ? routed.theirs : routed.bundles;
  const searched = withinBudget(wanted, new Set(words).size + (theirQuery && !theirsOnly ? 1 : 0), routeFiles.size - routesBefore,
    every, theirsOnly ? Math.min(PAGE_SIZE, routed.theirPapers) : PAGE_SIZE);
  const index = await loadPagefind(searched);
  const unsearched = routed.bundles.filter((bundle) => !loaded.includes(bundle));
  let total;
  if (!index) {
    // No bundle holds the words.
    pending = async () => [];
    total = 0;
  } else if (sort === "relevance" && query) {
    const [plain, theirs] = await Promise.all([
      theirsOnly ? { results: [] } : index.search(term, { filters }),
      theirQuery ? index.search(theirQuery, { filters }).then((found) => found.results) : null,
    ]);
    let { results } = plain;
    if (theirs) {
      // Those papers first (they hold every word the query has), then the others.
      const first = new Set(theirs.map((result) => result.id));
      results = [...theirs, ...results.filter((result) => !first.has(result.id))];
    }
    if (id) {
      // Only the paper itself: others merely cite the id.
      const found = await Promise.all(results.slice(0, PAGE_SIZE).map(async (result) => [result, await result.data()]));
      results = found.filter(([, data]) => data.meta.arxiv === id).map(([result]) => result);
    }
    pending = byScore(results, query, id);
    total = results.length;
  } else {
    // Sorted by upvotes or day; a filter alone lists the newest first.
    const field = sort === "upvotes" ? "upvotes" : "day";
    const key = field === "upvotes" ? (data) => Number(data.meta.upvotes) : (data) => data.meta.day;
    const found = await Promise.all(
      loaded.map((bundle) => index.search(term, { filters: { ...filters, bundle }, sort: { [field]: "desc" } })),
    );
    pending = byKey(found.map((each) => each.results), key);
    total = found.reduce((sum, each) => sum + each.results.length, 0);
  }
  if (mine !== run) return;
  list.dataset.total = total;
  await showMore(true);
  if (mine !== run) return;
  older.hidden = !unsearched.length;
  if (total || unsearched.length) {
    message.textContent = `${total.toLocaleString("en")} paper${total === 1 ? "" : "s"} found`;
    if (unsearched.length) message.textContent += ` so far: ${unsearched.length} more part${unsearched.length === 1 ? "" : "s"} of the archive may hold others`;
  } else {
    const suggestion = query && !id ? await nearSpelling(query) : null;
    if (mine !== run) return;
    message.textContent = id ? `No paper with arXiv id ${id} found` : "No papers found";
    explain(query, filters, id, suggestion);
  }
}

async function start() {
  try {
    const facets = await (await fetch(new URL("pagefind/facets.json", root))).json();
    bundles = facets.bundles;
    bundlePapers = new Map(bundles.map((bundle, at) => [bundle, facets.bundle_papers[at]]));
    commonSurnames = new Set(facets.first_authors);
    fillSelect(form.elements.tag, facets.tag.sort(([a], [b]) => a.localeCompare(b, "en")));
    fillSelect(form.elements.year, facets.year);
    fillSelect(form.elements.organization, facets.organization);
    form.elements.code.labels[0].append(` (${facets.code.toLocaleString("en")})`);
  } catch (error) {
    message.textContent =
      "Search is unavailable: its index (pagefind/) did not load. `make html` builds it; open the site over HTTP (`make serve`), not as files.";
    throw error;
  }
  const params = new URLSearchParams(location.search);
  form.elements.q.value = params.get("q") || "";
  for (const name of SELECTS) form.elements[name].value = params.get(name) || form.elements[name].options[0].value;
  form.elements.author.value = params.get("author") || "";
  form.elements.code.checked = params.get("code") === "yes";
  form.hidden = false;
  if (!form.elements.q.value) form.elements.q.focus();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  for (const name of ["q", "author"]) {
    form.elements[name].addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
  }
  for (const name of [...SELECTS, "code"]) form.elements[name].addEventListener("change", () => search());
  more.addEventListener("click", () => showMore());
  older.addEventListener("click", () => search(true));
  await search();
}

start();
