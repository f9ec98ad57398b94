// The translator's page: no framework, no external request; everything comes from this server.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const source = $("source"), target = $("target"), sourceView = $("source-view");
  const count = $("count"), statusLine = $("status"), errorBox = $("error");
  const warnings = $("warnings"), warningList = $("warning-list"), copyButton = $("copy");
  const translateButton = $("translate"), keyRow = $("key-row"), keyInput = $("api-key");
  let charLimit = -1;
  let busy = false;

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  function updateCount() {
    const n = source.value.length;
    count.textContent = charLimit > 0 ? `${n} / ${charLimit} characters` : `${n} characters`;
    count.classList.toggle("over", charLimit > 0 && n > charLimit);
  }

  function entryTitle(o) {
    const e = o.entry || {};
    let title = `${e.source || o.source} → ${o.target}`;
    if (e.type) title += ` (${e.type})`;
    if (e.note) title += ` — ${e.note}`;
    if (e.avoid && e.avoid.length) title += `\nnot: ${e.avoid.join(", ")}`;
    title += `\n${o.method === "unenforced" ? "UNENFORCED" : "enforced: " + o.method}`;
    return title;
  }

  function mark(text, o) {
    const m = document.createElement("mark");
    m.className = "term" + (o.method === "unenforced" ? " unenforced" : "");
    m.textContent = text;
    m.title = entryTitle(o);
    m.dataset.method = o.method;
    return m;
  }

  // Arabic side: the occurrences' own offsets into the text that was sent.
  function renderSource(text, occurrences) {
    sourceView.textContent = "";
    let at = 0;
    for (const o of [...occurrences].sort((a, b) => a.start - b.start)) {
      if (o.start < at) continue;
      sourceView.append(text.slice(at, o.start), mark(text.slice(o.start, o.end), o));
      at = o.end;
    }
    sourceView.append(text.slice(at));
  }

  // English side: each enforced occurrence's canonical rendering, found in order.
  function renderTarget(text, occurrences) {
    target.textContent = "";
    const lower = text.toLowerCase();
    const spans = [];
    let from = 0;
    for (const o of [...occurrences].sort((a, b) => a.start - b.start)) {
      if (o.method === "unenforced") continue;
      let i = lower.indexOf(o.target.toLowerCase(), from);
      if (i < 0) i = lower.indexOf(o.target.toLowerCase());
      if (i < 0 || spans.some(([s, e]) => i < e && s < i + o.target.length)) continue;
      spans.push([i, i + o.target.length, o]);
      from = i + o.target.length;
    }
    spans.sort((a, b) => a[0] - b[0]);
    let at = 0;
    for (const [s, e, o] of spans) {
      target.append(text.slice(at, s), mark(text.slice(s, e), o));
      at = e;
    }
    target.append(text.slice(at));
  }

  function renderWarnings(unenforced) {
    warningList.textContent = "";
    for (const o of unenforced) {
      const li = document.createElement("li");
      const ar = document.createElement("span");
      ar.className = "ar";
      ar.lang = "ar";
      ar.dir = "rtl";
      ar.textContent = o.source;
      li.append(ar, ` → ${o.target}: not enforced; check this rendering`);
      warningList.append(li);
    }
    warnings.hidden = unenforced.length === 0;
  }

  async function translate() {
    const text = source.value;
    if (busy) return;
    if (!text.trim()) { showError("Type or paste some Arabic first."); source.focus(); return; }
    if (charLimit > 0 && text.length > charLimit) { showError(`The text has ${text.length} characters; this server takes at most ${charLimit}.`); return; }
    busy = true;
    translateButton.disabled = true;
    showError("");
    statusLine.textContent = "Translating…";
    const body = { q: text, source: "ar", target: "en", format: "text" };
    if (keyInput.value) body.api_key = keyInput.value;
    try {
      const response = await fetch("/translate", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      let data = null;
      try { data = await response.json(); } catch (e) { data = null; }
      if (!response.ok && !(response.status === 422 && data && data.translatedText !== undefined)) {
        throw new Error((data && data.error) || `The server answered ${response.status}.`);
      }
      const report = data.glossary && data.glossary.texts ? data.glossary.texts[0] : { occurrences: [], unenforced: [] };
      renderTarget(data.translatedText, report.occurrences);
      renderSource(text, report.occurrences);
      renderWarnings(report.unenforced);
      copyButton.disabled = false;
      const found = report.occurrences.length, bad = report.unenforced.length;
      statusLine.textContent = data.glossary
        ? `${found} glossary term${found === 1 ? "" : "s"}, ${bad} unenforced.`
        : "Translated without a glossary.";
    } catch (e) {
      statusLine.textContent = "";
      showError(e.message || String(e));
    } finally {
      busy = false;
      translateButton.disabled = false;
    }
  }

  async function copyEnglish() {
    const text = target.textContent;
    try {
      await navigator.clipboard.writeText(text);
    } catch (e) {
      const range = document.createRange();
      range.selectNodeContents(target);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.execCommand("copy");
    }
    statusLine.textContent = "English copied.";
  }

  // A dropped or opened file becomes the Arabic input: UTF-8 (or UTF-16 by its
  // BOM), else Windows-1256; HTML gives its text.
  function decode(buffer) {
    const bytes = new Uint8Array(buffer);
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
    try { return new TextDecoder("utf-8", { fatal: true }).decode(bytes); }
    catch (e) { return new TextDecoder("windows-1256").decode(bytes); }
  }

  async function loadFile(file) {
    if (!file) return;
    if (!/\.(txt|md|markdown|html?)$/i.test(file.name)) { showError(`${file.name}: this page reads .txt, .md and .html files.`); return; }
    let text = decode(await file.arrayBuffer()).replace(/\r\n?/g, "\n");
    if (/\.html?$/i.test(file.name)) text = new DOMParser().parseFromString(text, "text/html").body.innerText || "";
    source.value = text;
    updateCount();
    translate();
  }

  source.addEventListener("input", updateCount);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); translate(); }
  });
  translateButton.addEventListener("click", translate);
  copyButton.addEventListener("click", copyEnglish);
  $("file").addEventListener("change", (event) => loadFile(event.target.files[0]));
  const drop = $("drop");
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("dragging"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("dragging");
    loadFile(event.dataTransfer.files[0]);
  });

  fetch("/frontend/settings").then((r) => r.json()).then((settings) => {
    charLimit = settings.charLimit;
    keyRow.hidden = !settings.keyRequired;
    updateCount();
  }).catch(() => updateCount());
  fetch("/health").then((r) => r.json()).then((health) => {
    const g = health.glossary;
    $("provenance").textContent = `${health.tool} · model ${health.model} · ` +
      (g ? `glossary ${g.digest.slice(0, 12)} (${g.entries} entries)` : "no glossary");
  }).catch(() => {});
})();
