// Customer look-up as you type: enhances the GET form of /customers, which works without this script.
(() => {
  const form = document.querySelector("[data-customer-search]");
  const table = document.querySelector("[data-customer-results]");
  const status = document.querySelector("[data-customer-status]");
  if (!form || !table || !window.fetch) return;
  const labels = JSON.parse(form.dataset.labels || "{}");
  const compact = (value) => value.replace(/[\s.\-()]/g, "");
  let timer = 0;
  let latest = 0;

  function cell(row, build) {
    const td = document.createElement("td");
    build(td);
    row.appendChild(td);
  }

  function render(items) {
    const body = table.tBodies[0];
    body.replaceChildren();
    for (const item of items) {
      const row = body.insertRow();
      row.dataset.customer = item.id;
      cell(row, (td) => {
        const link = document.createElement("a");
        link.href = "/customers/" + encodeURIComponent(item.id);
        link.textContent = item.display_name;
        td.appendChild(link);
      });
      cell(row, (td) => { td.textContent = (labels.kinds || {})[item.kind] || item.kind; });
      cell(row, (td) => {
        Object.entries(item.identifiers).forEach(([name, masked], index) => {
          if (index) td.appendChild(document.createElement("br"));
          td.appendChild(document.createTextNode(((labels.fields || {})[name] || name) + ": "));
          const code = document.createElement("code");
          code.textContent = masked;
          td.appendChild(code);
        });
      });
    }
    table.hidden = false;
    status.textContent = "Tìm thấy " + items.length + " khách hàng.";
  }

  async function lookup(param, value) {
    const mine = ++latest;
    const response = await fetch("/api/customers?" + param + "=" + encodeURIComponent(value) + "&limit=10", {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (mine !== latest || !response.ok) return;
    render((await response.json()).items);
  }

  function watch(name, minimum) {
    const input = form.elements[name];
    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      const value = input.value.trim();
      if (compact(value).length < minimum) return;
      timer = window.setTimeout(() => lookup(name, value).catch(() => {}), 300);
    });
  }

  watch("identifier", 3);
  watch("q", 2);
})();
