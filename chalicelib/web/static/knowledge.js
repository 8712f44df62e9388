// The knowledge bank in the console: search as you type (/knowledge), suggestions beside a request's answer and on
// the intake form (Alt+1..5 cites), and the editor's live preview. Everything is built with textContent: an entry's
// text is never parsed as HTML. The pages work without this script (search on submit, knowledge_id typed).
(() => {
  if (!window.fetch) return;
  const TYPE_DELAY = 150; // ms after a keystroke before asking
  const GAP_DELAY = 1500; // a query left unchanged this long with nothing found is counted as a gap

  function marked(text, spans) {
    const out = document.createDocumentFragment();
    let at = 0;
    for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
      if (start < at) continue;
      if (start > at) out.appendChild(document.createTextNode(text.slice(at, start)));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(start, end);
      out.appendChild(mark);
      at = end;
    }
    if (at < text.length) out.appendChild(document.createTextNode(text.slice(at)));
    return out;
  }

  function badge(text, css, testid) {
    const span = document.createElement("span");
    span.className = "badge " + css;
    span.textContent = text;
    span.dataset.testid = testid;
    return span;
  }

  function flags(item) {
    const out = document.createDocumentFragment();
    if (item.expired) out.appendChild(badge("Hết hiệu lực", "kb-expired", "flag-expired"));
    if (item.internal) out.appendChild(badge("Nội bộ — không đọc cho khách hàng", "kb-internal", "flag-internal"));
    if (!item.current) out.appendChild(badge("Không dùng để trả lời", "kb-status", "flag-not-current"));
    return out;
  }

  async function search(params) {
    const response = await fetch("/api/knowledge/search?" + new URLSearchParams(params), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error(String(response.status));
    return (await response.json()).items;
  }

  // A search box that asks as the text changes, keeps only the newest answer and records a gap once typing stops.
  function asYouType(read, extra, show) {
    let timer = 0;
    let gapTimer = 0;
    let latest = 0;
    return function changed() {
      window.clearTimeout(timer);
      window.clearTimeout(gapTimer);
      const q = read().trim();
      if (q.length < 2) {
        latest++;
        show([], "");
        return;
      }
      timer = window.setTimeout(async () => {
        const mine = ++latest;
        try {
          const items = await search({ q, record: "false", ...extra() });
          if (mine !== latest) return;
          show(items, q);
          if (!items.length) {
            gapTimer = window.setTimeout(() => {
              if (mine === latest) search({ q, record: "true", limit: "1" }).catch(() => {});
            }, GAP_DELAY);
          }
        } catch (error) {
          if (mine === latest) show(null, q);
        }
      }, TYPE_DELAY);
    };
  }

  // -- /knowledge: search as you type, ↑/↓/Enter/Esc --------------------------------------------------------------
  const form = document.querySelector("[data-kb-search]");
  if (form) {
    const input = form.querySelector("[data-kb-input]");
    const list = document.querySelector("[data-kb-results]");
    const status = document.querySelector("[data-kb-status]");
    let selected = -1;

    function select(index) {
      const items = [...list.children];
      if (!items.length) return;
      selected = (index + items.length) % items.length;
      items.forEach((li, i) => li.setAttribute("aria-selected", i === selected ? "true" : "false"));
      items[selected].scrollIntoView({ block: "nearest" });
    }

    function show(items, q) {
      list.replaceChildren();
      selected = -1;
      if (items === null) {
        status.textContent = "Không tìm được lúc này, vui lòng thử lại.";
        return;
      }
      status.textContent = q && !items.length ? "Không tìm thấy mục phù hợp." : "";
      for (const item of items) {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.dataset.id = item.id;
        const link = document.createElement("a");
        link.href = "/knowledge/" + encodeURIComponent(item.id);
        const strong = document.createElement("strong");
        strong.appendChild(marked(item.highlights[0].text, item.highlights[0].spans));
        link.appendChild(strong);
        li.appendChild(link);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(flags(item));
        if (item.matched.field !== "question") {
          const how = document.createElement("div");
          how.className = "muted";
          how.appendChild(document.createTextNode(item.matched.field === "answer" ? "Trong câu trả lời: " : "Cách hỏi: "));
          how.appendChild(marked(item.matched.text.slice(0, 200), item.matched.spans.filter((s) => s[1] <= 200)));
          li.appendChild(how);
        }
        const snippet = document.createElement("div");
        snippet.className = "kb-snippet";
        snippet.textContent = item.answer.length > 240 ? item.answer.slice(0, 240) + "…" : item.answer;
        li.appendChild(snippet);
        list.appendChild(li);
      }
    }

    const filters = () => {
      const extra = { limit: "8" };
      for (const field of form.querySelectorAll("[data-kb-filter]")) if (field.value) extra[field.name] = field.value;
      return extra;
    };
    const changed = asYouType(() => input.value, filters, show);
    input.addEventListener("input", changed);
    for (const field of form.querySelectorAll("[data-kb-filter]")) field.addEventListener("change", changed);
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        select(selected + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        select(selected - 1);
      } else if (event.key === "Enter") {
        const items = [...list.children];
        if (!items.length) return; // no results shown yet: the form searches on submit
        event.preventDefault();
        window.location.assign(items[Math.max(selected, 0)].querySelector("a").href);
      } else if (event.key === "Escape") {
        event.preventDefault();
        input.value = "";
        show([], "");
      }
    });
  }

  // -- suggestions beside an answer or an intake: Alt+1..5 cites ----------------------------------------------------
  const panel = document.querySelector("[data-kb-suggest]");
  if (panel) {
    const box = panel.querySelector("[data-kb-suggest-input]");
    const source = panel.dataset.source ? document.querySelector(panel.dataset.source) : null;
    const list = panel.querySelector("[data-kb-suggestions]");
    const status = panel.querySelector("[data-kb-suggest-status]");
    const cited = panel.querySelector("[data-kb-cited]");
    const answerTarget = panel.dataset.answerTarget ? document.querySelector(panel.dataset.answerTarget) : null;
    const idTarget = panel.dataset.idTarget ? document.querySelector(panel.dataset.idTarget) : null;
    let shown = [];

    function cite(item) {
      if (!item || !item.current) return;
      if (idTarget) idTarget.value = item.id;
      if (answerTarget) {
        const before = answerTarget.value.trim();
        answerTarget.value = before ? before + "\n" + item.answer : item.answer;
        answerTarget.focus();
      }
      cited.textContent = "Đã trích dẫn mục " + item.id + ": " + item.question;
      cited.hidden = false;
    }

    function show(items, q) {
      list.replaceChildren();
      shown = items || [];
      status.textContent = items === null ? "Không tìm được lúc này." : q && !shown.length ? "Chưa có mục phù hợp." : "";
      shown.forEach((item, index) => {
        const li = document.createElement("li");
        li.dataset.id = item.id;
        const key = document.createElement("kbd");
        key.textContent = "Alt+" + (index + 1);
        li.appendChild(key);
        li.appendChild(document.createTextNode(" "));
        const link = document.createElement("a");
        link.href = "/knowledge/" + encodeURIComponent(item.id);
        link.target = "_blank";
        link.rel = "noopener";
        link.appendChild(marked(item.highlights[0].text, item.highlights[0].spans));
        li.appendChild(link);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(flags(item));
        const answer = document.createElement("div");
        answer.className = "kb-snippet";
        answer.textContent = item.answer;
        li.appendChild(answer);
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = "Trích dẫn";
        button.disabled = !item.current;
        button.addEventListener("click", () => cite(item));
        li.appendChild(button);
        list.appendChild(li);
      });
    }

    const read = () => (box && box.value.trim() ? box.value : source ? source.value : "");
    const changed = asYouType(read, () => ({ limit: "5" }), show);
    if (box) box.addEventListener("input", changed);
    if (source) source.addEventListener("input", changed);
    document.addEventListener("keydown", (event) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const n = Number.parseInt(event.key, 10);
      if (n >= 1 && n <= 5 && shown[n - 1]) {
        event.preventDefault();
        cite(shown[n - 1]);
      }
    });
    if (read().trim()) changed();
    const asked = new URLSearchParams(window.location.search).get("cite");
    if (asked && answerTarget) {
      fetch("/api/knowledge/" + encodeURIComponent(asked), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((r) => (r.ok ? r.json() : null))
        .then((item) => item && cite(item))
        .catch(() => {});
    }
  }

  // -- the editor's preview --------------------------------------------------------------------------------------------
  const text = document.querySelector("[data-kb-preview-source]");
  const preview = document.querySelector("[data-kb-preview]");
  if (text && preview) {
    const render = () => {
      preview.replaceChildren();
      let list = null;
      for (const raw of text.value.split("\n")) {
        const line = raw.trim();
        if (!line) continue;
        if (line.startsWith("- ")) {
          if (!list) list = preview.appendChild(document.createElement("ul"));
          list.appendChild(document.createElement("li")).textContent = line.slice(2);
        } else {
          list = null;
          preview.appendChild(document.createElement("p")).textContent = line;
        }
      }
    };
    text.addEventListener("input", render);
    render();
  }
})();
