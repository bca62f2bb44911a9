// The reading list: Save buttons on papers (paper pages, day lists) and the /saved/ page.
// Kept in this browser's localStorage, one list per site (sites under one origin, as
// project sites on github.io are, keep theirs apart). A paper's record comes from its page:
// data-upvotes and data-arxiv on the element, the title and address from its heading and
// link (data-url on a paper page), the day from the address (YYYY/MM/DD/slug/).
"use strict";

// In a scope of its own: pages that load another script of ours (search.js) share the global one.
(() => {

const root = new URL(document.baseURI);
const storageKey = "dailypapers-saved:" + root.pathname;
const paperPath = /^(\d{4})\/(\d{2})\/(\d{2})\/[a-z0-9-]+\/$/;

function load() {
  try {
    const list = JSON.parse(localStorage.getItem(storageKey) || "[]");
    return Array.isArray(list) ? list.filter((item) => item && paperPath.test(item.url)) : [];
  } catch {
    return [];  // unreadable storage: an empty list, never a broken page
  }
}

function store(list) {
  localStorage.setItem(storageKey, JSON.stringify(list));
}

function text(element) {
  // A title's math shows as MathML: the record keeps its TeX, as the title's source has it
  // (BibTeX reads it, and MathML's text runs its symbols together).
  const copy = element.cloneNode(true);
  for (const math of copy.querySelectorAll("math")) {
    const tex = math.querySelector("annotation");
    math.replaceWith(tex ? `$${tex.textContent}$` : math.textContent);
  }
  return copy.textContent.replace(/\s+/g, " ").trim();
}

function record(element) {
  const heading = element.querySelector("h1, h2, h3");
  const url = element.dataset.url || heading.querySelector("a").getAttribute("href");
  const [, year, month, day] = url.match(paperPath);
  const item = { url, title: text(heading), day: `${year}-${month}-${day}`, upvotes: Number(element.dataset.upvotes) };
  if (element.dataset.arxiv) item.arxiv = element.dataset.arxiv;
  return item;
}

function isSaved(url) {
  return load().some((item) => item.url === url);
}

function toggle(item) {
  const list = load();
  const kept = list.filter((other) => other.url !== item.url);
  store(kept.length === list.length ? [item, ...list] : kept);
}

function showState(button, saved) {
  button.setAttribute("aria-pressed", String(saved));
  button.textContent = saved ? "Saved" : "Save";
}

function addButtons() {
  const buttons = [];
  for (const element of document.querySelectorAll("[data-upvotes]")) {
    const item = record(element);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "save";
    button.dataset.saves = item.url;
    button.setAttribute("aria-label", `Save “${item.title}”`);
    showState(button, isSaved(item.url));
    button.addEventListener("click", () => {
      toggle(item);
      showState(button, isSaved(item.url));
    });
    element.querySelector("h1, h2, h3").after(button);
    buttons.push(button);
  }
  // Another tab saved or removed a paper: show it here too.
  window.addEventListener("storage", (event) => {
    if (event.key === storageKey) for (const button of buttons) showState(button, isSaved(button.dataset.saves));
  });
}

function addNavLink() {
  const nav = document.querySelector("header nav");
  if (!nav) return;
  const link = document.createElement("a");
  link.href = "saved/";
  link.textContent = "Saved";
  nav.append(link);
}

// The /saved/ page.

function bibtex(list) {
  const keys = new Set();
  return list.map((item) => {
    const year = item.day.slice(0, 4);
    const words = item.url.split("/")[3].split("-").slice(0, 3).join("");
    let key = `${words}${year}`;
    for (let n = 2; keys.has(key); n++) key = `${words}${year}-${n}`;
    keys.add(key);
    const clean = (value) => value.replace(/[{}]/g, "");  // braces must balance: drop them
    const fields = [["title", `{${clean(item.title)}}`], ["year", year]];
    if (item.arxiv) {
      fields.push(["eprint", item.arxiv], ["archivePrefix", "arXiv"], ["url", `https://arxiv.org/abs/${item.arxiv}`]);
    } else {
      fields.push(["url", new URL(item.url, root).href]);
    }
    fields.push(["note", `Hugging Face Daily Papers, ${item.day}`]);
    return `@misc{${key},\n${fields.map(([name, value]) => `  ${name} = {${value}}`).join(",\n")}\n}\n`;
  }).join("\n");
}

function download(name, type, content) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([content], { type }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

function sharedIds() {
  // A shared list: saved/#p=YYYY/MM/DD/slug,… (each paper's address on the site, which never changes).
  const match = location.hash.match(/^#p=(.*)$/);
  if (!match) return null;
  return match[1].split(",").map((id) => decodeURIComponent(id).replace(/\/?$/, "/")).filter((id) => paperPath.test(id));
}

async function fetchRecord(url) {
  // The paper's own page holds what a record needs, as it does for its Save button.
  try {
    const response = await fetch(new URL(url, root));
    if (!response.ok) return null;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const element = page.querySelector("article[data-upvotes]");
    return element ? record(element) : null;
  } catch {
    return null;
  }
}

function row(item, onRemove) {
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.href = item.url;
  link.textContent = item.title;
  const facts = document.createElement("small");
  const day = new Date(item.day + "T00:00:00Z").toLocaleDateString("en", { dateStyle: "medium", timeZone: "UTC" });
  facts.textContent = ` ${day} · ${item.upvotes} upvote${item.upvotes === 1 ? "" : "s"} `;
  li.append(link, facts);
  if (onRemove) {
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove “${item.title}”`);
    remove.addEventListener("click", () => onRemove(li));
    li.append(remove);
  }
  return li;
}

async function savedPage() {
  const status = document.getElementById("saved-status");
  const listElement = document.getElementById("saved-list");
  const tools = document.getElementById("saved-tools");
  const output = document.getElementById("saved-export");
  const share = document.getElementById("saved-share");
  const addAll = document.getElementById("saved-add");
  const ids = sharedIds();
  let list;
  if (ids) {
    status.textContent = `Loading a shared list of ${ids.length} paper${ids.length === 1 ? "" : "s"}…`;
    list = (await Promise.all(ids.map(fetchRecord))).filter(Boolean);
    addAll.hidden = false;
    addAll.addEventListener("click", () => {
      const mine = load();
      store([...list.filter((item) => !mine.some((other) => other.url === item.url)), ...mine]);
      location.hash = "";
      location.reload();
    });
  }
  const render = () => {
    if (!ids) list = load();
    listElement.replaceChildren(...list.map((item) => row(item, ids ? null : (li) => {
      const next = li.nextElementSibling || li.previousElementSibling;
      store(load().filter((other) => other.url !== item.url));
      render();
      // Keep the keyboard where it was: on the next row's button, else the status.
      const index = next ? [...listElement.children].findIndex((el) => el.firstChild.getAttribute("href") === next.firstChild.getAttribute("href")) : -1;
      (index >= 0 ? listElement.children[index].querySelector("button") : status).focus();
    })));
    const count = `${list.length} paper${list.length === 1 ? "" : "s"}`;
    status.textContent = ids
      ? `A shared list: ${count}${list.length < ids.length ? ` (${ids.length - list.length} not found)` : ""}.`
      : list.length ? `${count} saved in this browser, most recently saved first.` : "Nothing saved yet: the Save button on a paper keeps it here.";
    tools.hidden = !list.length;
    share.value = new URL("saved/#p=" + list.map((item) => item.url.replace(/\/$/, "")).join(","), root).href;
    output.hidden = true;
  };
  status.tabIndex = -1;
  render();
  document.getElementById("saved-bibtex").addEventListener("click", () => {
    output.textContent = bibtex(list);
    output.hidden = false;
    download("saved-papers.bib", "application/x-bibtex", output.textContent);
  });
  document.getElementById("saved-json").addEventListener("click", () => {
    output.textContent = JSON.stringify(list.map((item) => ({ ...item, url: new URL(item.url, root).href })), null, 2);
    output.hidden = false;
    download("saved-papers.json", "application/json", output.textContent);
  });
  share.addEventListener("focus", () => share.select());
}

addNavLink();
addButtons();
if (document.getElementById("saved-list")) savedPage();
})();
