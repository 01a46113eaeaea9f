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
/* Catalog filter (static category and year pages work without it); a paged catalog is filtered over its JSON export. */
(function () {
  "use strict";
  var table = document.querySelector("table.catalog");
  if (!table) return;
  var body = table.tBodies[0], rows = [].slice.call(body.rows), at = table.getAttribute.bind(table);
  var source = at("data-source"), facets = source && JSON.parse(at("data-facets"));
  var total = source ? +at("data-total") : rows.length, category = at("data-category");
  var pager = source && table.parentNode.parentNode.querySelector("nav.pager");
  var LIMIT = 500, all = null, asked = 0;
  function options(col) {
    var seen = {};
    rows.forEach(function (r) { seen[col === 5 ? r.cells[5].textContent.slice(0, 4) : r.cells[col].textContent.trim()] = 1; });
    return Object.keys(seen).filter(Boolean).sort();
  }
  function el(tag, props, kids) {
    var e = Object.assign(document.createElement(tag), props);
    e.append.apply(e, kids || []);
    return e;
  }
  function select(label, col, values) {
    var s = el("select");
    s.setAttribute("data-col", col);
    [""].concat(values).forEach(function (v) { s.add(new Option(v || "全部", v)); });
    return el("label", {}, [label + " ", s]);
  }
  var input = el("input", { type: "search" }), count = el("p", { className: "muted" });
  count.setAttribute("aria-live", "polite");
  var form = el("form", { className: "catalog-filter" }, [
    el("label", {}, ["关键词 ", input]),
    select("发布机构", 2, facets ? facets.orgs : options(2)),
    select("主题分类", 3, facets ? facets.categories : options(3)),
    select("年份", 5, facets ? facets.years : options(5).reverse()),
    count,
  ]);
  form.setAttribute("role", "search");
  form.setAttribute("aria-label", "筛选公开目录");
  table.parentNode.parentNode.insertBefore(form, table.parentNode);
  function ok(text, cells, q, picks) {
    return (!q || text.indexOf(q) >= 0) && picks.every(function (p) {
      return !p[1] || (p[0] === 5 ? cells[5].slice(0, 4) : cells[p[0]]) === p[1];
    });
  }
  function cn(iso) { /* 2020-06-01 → 2020年6月1日 */
    var d = (iso || "").split("-");
    return d.length === 3 ? d[0] + "年" + +d[1] + "月" + +d[2] + "日" : "";
  }
  function load() {
    all = all || fetch(source).then(function (res) { return res.json(); }).then(function (data) {
      return data.records.filter(function (r) { return !category || r.category === category; })
        .sort(function (a, b) { return a.date + a.index_no < b.date + b.index_no ? 1 : -1; })
        .map(function (r) {
          var cells = [r.index_no, r.title, r.org, r.category, cn(r.written), cn(r.date), r.doc_no], gone = r.status === "withdrawn";
          return { url: r.url, gone: gone, cells: cells, text: cells.join("") + (gone ? " 已撤回" : "") };
        });
    });
    all.catch(function () { all = null; });
    return all;
  }
  function row(it) {
    var tr = document.createElement("tr");
    it.cells.forEach(function (value, i) {
      var td = tr.insertCell();
      td.className = i === 0 || i === 4 || i === 5 ? "nowrap" : "";
      if (i !== 1) return void (td.textContent = value);
      var a = td.appendChild(document.createElement("a"));
      a.href = new URL(it.url, location.href).pathname; /* the export may name the published host */
      a.textContent = value;
      if (it.gone) td.insertAdjacentHTML("beforeend", ' <span class="status status-withdrawn">已撤回</span>');
    });
    return tr;
  }
  function page() {
    body.replaceChildren.apply(body, rows);
    pager.hidden = false;
    count.textContent = "本页 " + rows.length + " 条，共 " + total + " 条";
  }
  function apply() {
    var q = input.value.trim(), mine = ++asked;
    var picks = [].map.call(form.querySelectorAll("select"), function (s) { return [+s.getAttribute("data-col"), s.value]; });
    if (!source) {
      var shown = 0;
      rows.forEach(function (r) {
        r.hidden = !ok(r.textContent, [].map.call(r.cells, function (c) { return c.textContent.trim(); }), q, picks);
        shown += r.hidden ? 0 : 1;
      });
      count.textContent = "显示 " + shown + " / " + total + " 条";
    } else if (!q && !picks.some(function (p) { return p[1]; })) {
      page();
    } else {
      count.textContent = "正在载入全部目录……";
      load().then(function (items) {
        if (mine !== asked) return; /* a later one runs */
        var found = items.filter(function (it) { return ok(it.text, it.cells, q, picks); });
        body.replaceChildren.apply(body, found.slice(0, LIMIT).map(row));
        pager.hidden = true;
        count.textContent = "显示 " + found.length + " / " + total + " 条" + (found.length > LIMIT ? "，只列出最新 " + LIMIT + " 条" : "");
      }, function () {
        if (mine !== asked) return;
        page();
        count.textContent = "无法载入全部目录，请稍后再试，或下载 CSV 查找";
      });
    }
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  apply();
})();
