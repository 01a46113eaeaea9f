/* 阳光党务: small enhancements only; every page works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "sunshine-a11y";
  function apply(mode) {
    root.classList.remove("is-large", "is-contrast");
    if (mode === "large") root.classList.add("is-large");
    if (mode === "contrast") root.classList.add("is-large", "is-contrast");
  }
  try { apply(localStorage.getItem(KEY)); } catch (e) { /* storage blocked */ }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest(".a11y-switch a");
    if (!a) return;
    ev.preventDefault();
    var mode = a.classList.contains("size-large") ? "large" : a.classList.contains("size-contrast") ? "contrast" : "";
    apply(mode);
    try { localStorage.setItem(KEY, mode); } catch (e) { /* storage blocked */ }
  });
  /* Notice status from the reader's clock: a page built yesterday is right today. */
  function today() {
    var d = new Date(Date.now() + (480 + new Date().getTimezoneOffset()) * 60000); /* Beijing date */
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  var now = today();
  var labels = { upcoming: "未开始", open: "公示中", closed: "已结束" };
  document.querySelectorAll(".status[data-start]").forEach(function (el) {
    var s = el.getAttribute("data-start"), e = el.getAttribute("data-end");
    var state = now < s ? "upcoming" : now <= e ? "open" : "closed";
    var text = labels[state];
    var days = (el.getAttribute("data-workdays") || "").split(",").filter(Boolean);
    if (state === "open" && days.length) {
      text += "，还剩 " + days.filter(function (d) { return d >= now; }).length + " 个工作日";
    }
    if (el.textContent === text) return;
    el.className = "status status-" + state;
    el.textContent = text;
    var asOf = el.parentNode && el.parentNode.querySelector(".as-of");
    if (asOf) asOf.textContent = "（按您的设备日期 " + now + "）";
  });
})();
/* Catalog: an in-page filter over the table (the static category and year pages work without it). */
(function () {
  "use strict";
  var table = document.querySelector("table.catalog");
  if (!table) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  function options(col) {
    var seen = {};
    rows.forEach(function (r) { seen[r.cells[col].textContent.trim()] = 1; });
    return Object.keys(seen).filter(Boolean).sort();
  }
  function select(label, col, values) {
    var wrap = document.createElement("label");
    wrap.textContent = label + " ";
    var s = document.createElement("select");
    s.setAttribute("data-col", col);
    s.add(new Option("全部", ""));
    values.forEach(function (v) { s.add(new Option(v, v)); });
    wrap.appendChild(s);
    return wrap;
  }
  var form = document.createElement("form");
  form.className = "catalog-filter";
  form.setAttribute("role", "search");
  form.setAttribute("aria-label", "筛选公开目录");
  var text = document.createElement("label");
  text.textContent = "关键词 ";
  var input = document.createElement("input");
  input.type = "search";
  text.appendChild(input);
  var years = {};
  rows.forEach(function (r) { years[r.cells[5].textContent.slice(0, 4)] = 1; });
  form.appendChild(text);
  form.appendChild(select("发布机构", 2, options(2)));
  form.appendChild(select("主题分类", 3, options(3)));
  var yearSel = select("年份", 5, Object.keys(years).sort().reverse());
  form.appendChild(yearSel);
  var count = document.createElement("p");
  count.className = "muted";
  count.setAttribute("aria-live", "polite");
  form.appendChild(count);
  table.parentNode.parentNode.insertBefore(form, table.parentNode);
  function apply() {
    var q = input.value.trim();
    var picks = Array.prototype.map.call(form.querySelectorAll("select"), function (s) {
      return [Number(s.getAttribute("data-col")), s.value];
    });
    var shown = 0;
    rows.forEach(function (r) {
      var ok = !q || r.textContent.indexOf(q) >= 0;
      picks.forEach(function (p) {
        var cell = r.cells[p[0]].textContent.trim();
        if (p[1] && (p[0] === 5 ? cell.slice(0, 4) !== p[1] : cell !== p[1])) ok = false;
      });
      r.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = "显示 " + shown + " / " + rows.length + " 条";
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  apply();
})();
