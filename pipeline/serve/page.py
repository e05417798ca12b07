"""The preview's own pages: the list of publications and the shell around one
of them (contents, the chapter in a frame, the print pages beside it, the
problems of a failed build), with its style sheet and its script.

Kept here as text rather than as files so that they travel with the code.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from .epubview import Epub


def _document(title: str, body: str, attributes: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="/preview.css">'
        f'<script src="/preview.js" defer></script></head>\n<body{attributes}>\n{body}\n</body></html>\n'
    )


def index(publications: list[tuple[str, str, bool, bool]], generation: int) -> str:
    """publications: (slug, title, has an EPUB, has a PDF)."""
    items = []
    for slug, title, epub, pdf in publications:
        links = [f'<a href="/p/{quote(slug)}/">preview</a>']
        if pdf:
            links.append(f'<a href="/p/{quote(slug)}/edition.pdf">PDF</a>')
        if epub:
            links.append(f'<a href="/p/{quote(slug)}/edition.epub">EPUB</a>')
        items.append(
            f'<li><a class="title" href="/p/{quote(slug)}/">{escape(title)}</a> '
            f'<span class="slug">{escape(slug)}</span> {" · ".join(links)}</li>'
        )
    listing = f'<ul class="publications">{"".join(items)}</ul>' if items else "<p>No publications in source/ yet.</p>"
    return _document(
        "Pressroom preview",
        f'<main class="index"><h1>Publications</h1>{listing}'
        '<section id="problems" hidden role="alert"></section></main>',
        f' data-page="index" data-generation="{generation}"',
    )


def toc_html(slug: str, epub: Epub | None) -> str:
    if epub is None:
        return ""
    items = "".join(
        f'<li class="depth-{min(e.depth, 3)}"><a target="chapter" '
        f'href="/p/{quote(slug)}/epub/{quote(e.href, safe="/#")}">{escape(e.label)}</a></li>'
        for e in epub.toc
    )
    return f"<ol>{items}</ol>"


def pages_html(slug: str, pdf: tuple[str, list[tuple[float, float]]] | None) -> str:
    if pdf is None:
        return ""
    digest, sizes = pdf
    return "".join(
        f'<img loading="lazy" alt="Page {n}" width="{round(w)}" height="{round(h)}" '
        f'src="/p/{quote(slug)}/pages/{n}.png?v={digest}">'
        for n, (w, h) in enumerate(sizes, start=1)
    )


def problems_html(state: dict) -> str:
    if state["ok"]:
        return ""
    items = "".join(
        f'<li class="{d["severity"]}"><code>{escape(d["where"] or "(the project)")}</code>: '
        f"{escape(d['message'])}" + (f'<div class="hint">{escape(d["hint"])}</div>' if d["hint"] else "") + "</li>"
        for d in state["diagnostics"]
    )
    return f"<h2>The last build failed; the editions shown are the last good ones</h2><ul>{items}</ul>"


def shell(slug: str, title: str, epub: Epub | None, pdf, state: dict) -> str:
    chapter = (
        f'<iframe id="chapter" name="chapter" title="The chapter, as the EPUB shows it" '
        f'src="/p/{quote(slug)}/epub/{quote(epub.start)}"></iframe>'
        if epub
        else '<div id="chapter-missing">Not built yet: there is no EPUB to show.</div>'
    )
    problems = problems_html(state)
    body = f"""<header>
<h1>{escape(title)}</h1>
<div class="views" role="group" aria-label="Show">
<button type="button" data-view="chapter">Chapter</button><button type="button" data-view="pdf">PDF</button><button type="button" data-view="both">Both</button>
</div>
<a id="pdf-link" href="/p/{quote(slug)}/edition.pdf" target="_blank">Open the PDF</a>
<span id="status" role="status"></span>
</header>
<nav id="toc" aria-label="Contents"><h2>Contents</h2><div id="toc-list">{toc_html(slug, epub)}</div></nav>
<main>
<section id="problems" role="alert"{"" if problems else " hidden"}>{problems}</section>
<div id="panes">{chapter}<div id="pages" aria-label="The print edition">{pages_html(slug, pdf)}</div></div>
</main>"""
    return _document(
        f"{title} — Pressroom preview",
        body,
        f' data-page="shell" data-slug="{escape(slug)}" data-generation="{state["generation"]}"'
        f' data-has-epub="{1 if epub else 0}" data-view="both"',
    )


CSS = """
:root { --line: #d8d4cc; --ink: #222; --muted: #666; --bad: #a4161a; --paper: #f4f2ee; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { font: 15px/1.45 system-ui, sans-serif; color: var(--ink); background: var(--paper); }
body[data-page="shell"] { display: grid; grid-template: auto 1fr / 15rem 1fr; height: 100vh; }
header { grid-column: 1 / -1; display: flex; gap: 1rem; align-items: center; padding: .4rem 1rem;
         background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.05rem; margin: 0; flex: 0 1 auto; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.views { display: flex; }
.views button { font: inherit; padding: .2rem .7rem; border: 1px solid var(--line); background: #fff; cursor: pointer; }
.views button + button { border-left: 0; }
.views button[aria-pressed="true"] { background: var(--ink); color: #fff; }
#status { margin-left: auto; color: var(--muted); font-size: .9em; }
#status.busy::before { content: "● "; color: #c80; }
#toc { overflow: auto; padding: .5rem 1rem; border-right: 1px solid var(--line); background: #fff; }
#toc h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
#toc ol { list-style: none; padding: 0; margin: 0; }
#toc li { margin: .15rem 0; }
#toc li.depth-1 { padding-left: 1rem; } #toc li.depth-2 { padding-left: 2rem; } #toc li.depth-3 { padding-left: 3rem; }
#toc a { color: var(--ink); text-decoration: none; } #toc a:hover { text-decoration: underline; }
main { display: flex; flex-direction: column; min-height: 0; min-width: 0; }
#panes { flex: 1; display: flex; min-height: 0; }
#chapter { flex: 1; border: 0; background: #fff; min-width: 0; }
#chapter-missing { flex: 1; padding: 2rem; color: var(--muted); }
#pages { flex: 1; overflow: auto; padding: 1rem; background: #8a8782; min-width: 0; }
#pages img { display: block; width: 100%; max-width: 900px; height: auto; margin: 0 auto 1rem; background: #fff;
             box-shadow: 0 1px 4px rgba(0,0,0,.35); }
body[data-view="chapter"] #pages, body[data-view="pdf"] #chapter, body[data-view="pdf"] #chapter-missing { display: none; }
#problems { margin: .6rem; padding: .6rem 1rem; border: 2px solid var(--bad); background: #fff5f5; max-height: 45vh; overflow: auto; }
#problems h2 { margin: 0 0 .4rem; font-size: 1rem; color: var(--bad); }
#problems ul { margin: 0; padding-left: 1.1rem; }
#problems li { margin: .3rem 0; }
#problems li.warning code { color: #8a5a00; }
#problems code { font-weight: 600; }
#problems .hint { color: var(--muted); }
.index { max-width: 50rem; margin: 2rem auto; padding: 0 1rem; }
.publications li { margin: .5rem 0; } .publications .title { font-weight: 600; } .publications .slug { color: var(--muted); }
"""

SCRIPT = r"""
"use strict";
(() => {
  const body = document.body;
  const slug = body.dataset.slug;
  let shown = Number(body.dataset.generation || 0);
  const status = document.getElementById("status");
  const problems = document.getElementById("problems");
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));

  function setView(view) {
    body.dataset.view = view;
    try { localStorage.setItem("pressroom-view", view); } catch (e) { /* private mode */ }
    for (const b of document.querySelectorAll(".views button")) b.setAttribute("aria-pressed", String(b.dataset.view === view));
  }
  if (slug) {
    let saved = null;
    try { saved = localStorage.getItem("pressroom-view"); } catch (e) { /* private mode */ }
    setView(["chapter", "pdf", "both"].includes(saved) ? saved : "both");
    for (const b of document.querySelectorAll(".views button")) b.addEventListener("click", () => setView(b.dataset.view));
  }

  function showProblems(state) {
    if (!problems) return;
    if (state.ok) { problems.hidden = true; problems.innerHTML = ""; return; }
    const items = state.diagnostics.map((d) => `<li class="${esc(d.severity)}"><code>${esc(d.where || "(the project)")}</code>: ` +
      `${esc(d.message)}${d.hint ? `<div class="hint">${esc(d.hint)}</div>` : ""}</li>`).join("");
    problems.innerHTML = `<h2>The last build failed; the editions shown are the last good ones</h2><ul>${items}</ul>`;
    problems.hidden = false;
  }

  function reloadChapter(info) {
    const frame = document.getElementById("chapter");
    const prefix = `/p/${encodeURIComponent(slug)}/epub/`;
    let path = null, x = 0, y = 0;
    try {
      const win = frame.contentWindow;
      path = win.location.pathname; x = win.scrollX; y = win.scrollY;
    } catch (e) { /* not loaded yet */ }
    let member = path && path.startsWith(prefix) ? decodeURIComponent(path.slice(prefix.length)) : null;
    const same = member && info.epub.documents.includes(member);
    if (!same) { member = info.epub.start; x = y = 0; }
    const url = prefix + member.split("/").map(encodeURIComponent).join("/") + `?g=${info.generation}`;
    frame.addEventListener("load", () => {
      try { frame.contentWindow.scrollTo(x, y); } catch (e) { /* gone */ }
    }, {once: true});
    // replace(): a rebuild is not a step in the frame's history.
    try { frame.contentWindow.location.replace(url); } catch (e) { frame.src = url; }
  }

  function reloadPages(info) {
    const pages = document.getElementById("pages");
    if (!pages) return;
    const top = pages.scrollTop;
    pages.innerHTML = info.pages_html;
    pages.scrollTop = top;
  }

  async function refresh(generation) {
    const response = await fetch(`/p/${encodeURIComponent(slug)}/info.json`, {cache: "no-store"});
    if (!response.ok) return;
    const info = await response.json();
    if (!info.epub) return;
    if (body.dataset.hasEpub !== "1") { location.reload(); return; }  // the first good build: the whole shell
    document.getElementById("toc-list").innerHTML = info.toc_html;
    reloadChapter(info);
    reloadPages(info);
    shown = generation;
  }

  function update(state) {
    if (status) {
      status.classList.toggle("busy", state.building);
      status.textContent = state.building ? "Building…" : state.generation ? `Built at ${new Date().toLocaleTimeString()}` : "";
    }
    if (state.building) return;
    showProblems(state);
    if (state.generation > shown) {
      if (!slug) { location.reload(); return; }
      if (state.ok || state.built.includes(slug)) refresh(state.generation);
    }
  }

  const events = new EventSource("/events");
  for (const name of ["state", "building", "built"]) {
    events.addEventListener(name, (e) => update(JSON.parse(e.data)));
  }
})();
"""
