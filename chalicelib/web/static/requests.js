// Customer look-up as you type on the intake form (/requests/new); the form works without this script,
// with the identity fields (the server finds the customer by identifier or creates the record).
(() => {
  const block = document.querySelector("[data-customer-picker]");
  if (!block || !window.fetch) return;
  const lookup = block.querySelector("[data-lookup]");
  const input = block.querySelector("input[name=customer_lookup]");
  const list = block.querySelector("[data-lookup-results]");
  const status = block.querySelector("[data-lookup-status]");
  const picked = block.querySelector("[data-picked]");
  const pickedName = block.querySelector("[data-picked-name]");
  const identity = block.querySelector("[data-identity]");
  const id = block.querySelector("input[name=customer_id]");
  const name = block.querySelector("input[name=customer_name]");
  const labels = { id_number: "CCCD", social_insurance_code: "Mã BHXH", health_card_code: "Thẻ BHYT", unit_code: "Mã đơn vị", phone: "ĐT" };
  const compact = (value) => value.replace(/[\s.\-()]/g, "");
  let timer = 0;
  let latest = 0;
  lookup.hidden = false;

  function choose(item) {
    id.value = item.id;
    name.value = item.display_name;
    pickedName.textContent = item.display_name;
    picked.hidden = false;
    identity.hidden = true;
    list.replaceChildren();
    status.textContent = "";
  }

  block.querySelector("[data-unpick]").addEventListener("click", () => {
    id.value = "";
    name.value = "";
    picked.hidden = true;
    identity.hidden = false;
    input.focus();
  });

  function render(items) {
    list.replaceChildren();
    for (const item of items) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.customer = item.id;
      const strong = document.createElement("strong");
      strong.textContent = item.display_name;
      button.appendChild(strong);
      const ids = Object.entries(item.identifiers).map(([k, v]) => (labels[k] || k) + " " + v).join(" · ");
      if (ids) button.appendChild(document.createTextNode(" — " + ids));
      button.addEventListener("click", () => choose(item));
      const li = document.createElement("li");
      li.appendChild(button);
      list.appendChild(li);
    }
    status.textContent = items.length ? "Chọn khách hàng trong danh sách:" : "Không tìm thấy: nhập thông tin bên dưới để tạo hồ sơ mới.";
  }

  async function search(value) {
    const mine = ++latest;
    const param = /\d/.test(value) ? "identifier" : "q";
    const response = await fetch("/api/customers?" + param + "=" + encodeURIComponent(value) + "&limit=8", {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (mine !== latest || !response.ok) return;
    render((await response.json()).items);
  }

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const value = input.value.trim();
    if (compact(value).length < 3) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    timer = window.setTimeout(() => search(value).catch(() => {}), 300);
  });
  // Enter in the look-up box picks nothing and must not submit the call record half-typed.
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
})();
