/* 阳光党务 full-text search: reads ?q= (and filters), asks Pagefind, lists the results.
   Without this file the search page explains that search needs JavaScript. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("search-q");
  var box = document.getElementById("search-filters");
  var statusEl = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var help = document.getElementById("search-help");
  var bundle = form.getAttribute("data-bundle");
  var PAGE = 10;
  var FILTERS = [["kind", "类型"], ["org", "发布机构"], ["category", "主题分类"], ["year", "年份"]];
  var pagefind = null;
  var pending = [];
  var runId = 0;

  function say(text) {
    statusEl.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    statusEl.appendChild(p);
  }

  function params() {
    var u = new URLSearchParams(window.location.search);
    var state = { q: (u.get("q") || "").trim().slice(0, 100), filters: {} };
    FILTERS.forEach(function (f) {
      var v = u.get(f[0]);
      if (v) state.filters[f[0]] = v;
    });
    return state;
  }

  function buildSelects(available, state) {
    FILTERS.forEach(function (f) {
      var values = Object.keys(available[f[0]] || {});
      if (!values.length) return;
      values.sort(function (a, b) { return f[0] === "year" ? b.localeCompare(a) : a.localeCompare(b, "zh-CN"); });
      var id = "search-f-" + f[0];
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = f[1];
      var select = document.createElement("select");
      select.id = id;
      select.name = f[0];
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "全部";
      select.appendChild(all);
      values.forEach(function (v) {
        var o = document.createElement("option");
        o.value = v;
        o.textContent = v + "（" + available[f[0]][v] + "）";
        if (state.filters[f[0]] === v) o.selected = true;
        select.appendChild(o);
      });
      select.addEventListener("change", function () { submit(); });
      var span = document.createElement("span");
      span.className = "search-filter";
      span.appendChild(label);
      span.appendChild(select);
      box.appendChild(span);
    });
    box.hidden = false;
  }

  /* Pagefind's excerpt is HTML with <mark>: keep only its text and the marks. */
  function excerptNode(html) {
    var frag = document.createDocumentFragment();
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    (function walk(node, into) {
      node.childNodes.forEach(function (child) {
        if (child.nodeType === 3) {
          into.appendChild(document.createTextNode(child.nodeValue));
        } else if (child.nodeType === 1 && child.nodeName === "MARK") {
          var m = document.createElement("mark");
          m.textContent = child.textContent;
          into.appendChild(m);
        } else if (child.nodeType === 1) {
          walk(child, into);
        }
      });
    })(doc.body, frag);
    return frag;
  }

  function safeUrl(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : "#";
  }

  function item(data) {
    var meta = data.meta || {};
    var li = document.createElement("li");
    li.className = "rec search-result";
    var a = document.createElement("a");
    a.className = "rec-title";
    a.href = safeUrl(data.url);
    a.textContent = meta.title || data.url;
    li.appendChild(a);
    var info = [meta.date, meta.org, meta.kind].filter(Boolean).join(" · ");
    var m = document.createElement("span");
    m.className = "rec-meta";
    m.textContent = info;
    if (meta.status) {
      var s = document.createElement("span");
      s.className = "status status-withdrawn";
      s.textContent = meta.status;
      m.appendChild(document.createTextNode(" "));
      m.appendChild(s);
    }
    li.appendChild(m);
    if (data.excerpt) {
      var p = document.createElement("p");
      p.className = "search-excerpt";
      p.appendChild(excerptNode(data.excerpt));
      li.appendChild(p);
    }
    return li;
  }

  async function showMore(id) {
    var batch = pending.splice(0, PAGE);
    var datas = await Promise.all(batch.map(function (r) { return r.data(); }));
    if (id !== runId) return;
    datas.forEach(function (d) { list.appendChild(item(d)); });
    more.hidden = pending.length === 0;
  }

  async function run() {
    var state = params();
    var id = ++runId;
    input.value = state.q;
    FILTERS.forEach(function (f) {
      var sel = document.getElementById("search-f-" + f[0]);
      if (sel) sel.value = state.filters[f[0]] || "";
    });
    list.textContent = "";
    list.hidden = true;
    more.hidden = true;
    help.hidden = true;
    var filtered = Object.keys(state.filters).length > 0;
    if (!state.q && !filtered) {
      say("请输入要搜索的词语，例如“发展对象”“党费”“换届”。");
      return;
    }
    say("正在搜索…");
    var search = await pagefind.search(state.q || null, { filters: state.filters });
    if (id !== runId) return;
    pending = search.results.slice();
    var n = pending.length;
    var what = state.q ? "“" + state.q + "”" : "所选条件";
    say(n ? "找到 " + n + " 条与" + what + "相关的信息。" : "没有找到与" + what + "相关的信息。");
    help.hidden = false;
    if (!n) return;
    list.hidden = false;
    await showMore(id);
  }

  function submit() {
    var u = new URLSearchParams();
    var q = input.value.trim();
    if (q) u.set("q", q);
    FILTERS.forEach(function (f) {
      var sel = document.getElementById("search-f-" + f[0]);
      if (sel && sel.value) u.set(f[0], sel.value);
    });
    var qs = u.toString();
    history.pushState(null, "", window.location.pathname + (qs ? "?" + qs : ""));
    run().catch(fail);
  }

  function fail(err) {
    say("搜索暂时无法使用，请稍后再试。");
    var p = statusEl.appendChild(document.createElement("p"));
    p.appendChild(document.createTextNode("也可以通过"));
    var c = p.appendChild(document.createElement("a"));
    c.href = form.getAttribute("action").replace(/search\/$/, "catalog/");
    c.textContent = "公开目录";
    p.appendChild(document.createTextNode("或"));
    var h = p.appendChild(document.createElement("a"));
    h.href = form.getAttribute("action").replace(/search\/$/, "archive/");
    h.textContent = "历年归档";
    p.appendChild(document.createTextNode("查找信息。"));
    if (window.console) console.error("search:", err);
  }

  async function start() {
    say("正在加载搜索…");
    pagefind = await import(bundle + "pagefind.js");
    /* Result URLs in the index already carry the site's path prefix. */
    await pagefind.options({ baseUrl: "/", excerptLength: 40 });
    await pagefind.init();
    buildSelects(await pagefind.filters(), params());
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      submit();
    });
    more.addEventListener("click", function () { showMore(runId).catch(fail); });
    window.addEventListener("popstate", function () { run().catch(fail); });
    await run();
  }

  start().catch(fail);
})();
