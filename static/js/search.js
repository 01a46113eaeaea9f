/* 阳光党务 full-text search: reads ?q= and the filters, asks Pagefind, lists the results.
   Without this file the search page says that search needs JavaScript.

   Pagefind matches the words of the query (split by the browser) against the words
   of the pages (split at build time), so it also returns pages that hold the words
   apart. The first TOP results are therefore checked for the query text itself:
   pages that contain every space-separated part come first ("包含…的信息"), the
   others follow under "其他相关信息". Excerpts are cut from the page text around
   the first exact hit; Pagefind's own excerpt (HTML with <mark>) is the fallback,
   rebuilt as text and <mark> elements only. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.URLSearchParams || !window.Promise) return;
  var input = document.getElementById("search-q");
  var box = document.getElementById("search-filters");
  var statusEl = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var otherHead = document.getElementById("search-other-h");
  var others = document.getElementById("search-other");
  var more = document.getElementById("search-more");
  var help = document.getElementById("search-help");
  var bundle = form.getAttribute("data-bundle");
  var TOP = 30;
  var PAGE = 10;
  var COMPANION = "\u2042"; /* ⁂: the build appends search-only text after it */
  var FILTERS = [["kind", "类型"], ["org", "发布机构"], ["category", "主题分类"], ["year", "年份"]];
  var pagefind = null;
  var pending = [];
  var parts = [];
  var runId = 0;
  var superseded = {}; /* Pagefind ids of pages indexed again in the edits shard: never shown */
  var twins = {}; /* filter -> value -> pages counted twice in Pagefind's totals */

  function say(text) {
    statusEl.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    statusEl.appendChild(p);
  }

  function readState() {
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
      var counts = available[f[0]] || {};
      var values = Object.keys(counts);
      if (!values.length) return;
      values.sort(function (a, b) { return f[0] === "year" ? b.localeCompare(a) : a.localeCompare(b, "zh-CN"); });
      var id = "search-f-" + f[0];
      var span = document.createElement("span");
      span.className = "search-filter";
      var label = span.appendChild(document.createElement("label"));
      label.htmlFor = id;
      label.textContent = f[1];
      var select = span.appendChild(document.createElement("select"));
      select.id = id;
      select.name = f[0];
      var all = select.appendChild(document.createElement("option"));
      all.value = "";
      all.textContent = "全部";
      values.forEach(function (v) {
        var o = select.appendChild(document.createElement("option"));
        o.value = v;
        o.textContent = v + "（" + counts[v] + "）";
        o.selected = state.filters[f[0]] === v;
      });
      select.addEventListener("change", submit);
      box.appendChild(span);
    });
    box.hidden = !box.querySelector("select");
  }

  /* The page text Pagefind stored, without its word-break marks and the search-only tail. */
  function pageText(data) {
    var text = (data.content || "").replace(/\u200b/g, "");
    var cut = text.indexOf(COMPANION);
    return cut < 0 ? text : text.slice(0, cut);
  }

  function contains(data, part) {
    var title = ((data.meta && data.meta.title) || "").toLowerCase();
    return title.indexOf(part) >= 0 || pageText(data).toLowerCase().indexOf(part) >= 0;
  }

  function isExact(data) {
    return parts.every(function (part) { return contains(data, part); });
  }

  /* Text with every occurrence of the parts wrapped in <mark>. */
  function marked(text) {
    var frag = document.createDocumentFragment();
    var lower = text.toLowerCase();
    var pos = 0;
    while (pos < text.length) {
      var best = -1, len = 0;
      parts.forEach(function (part) {
        var i = lower.indexOf(part, pos);
        if (i >= 0 && (best < 0 || i < best || (i === best && part.length > len))) { best = i; len = part.length; }
      });
      if (best < 0) break;
      if (best > pos) frag.appendChild(document.createTextNode(text.slice(pos, best)));
      frag.appendChild(document.createElement("mark")).textContent = text.slice(best, best + len);
      pos = best + len;
    }
    if (pos < text.length) frag.appendChild(document.createTextNode(text.slice(pos)));
    return frag;
  }

  /* Pagefind's excerpt is HTML with <mark>: keep only its text and the marks. */
  function pagefindExcerpt(html) {
    var frag = document.createDocumentFragment();
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    (function walk(node) {
      node.childNodes.forEach(function (child) {
        if (child.nodeType === 3) {
          frag.appendChild(document.createTextNode(child.nodeValue.replace(/\u200b/g, "")));
        } else if (child.nodeType === 1 && child.nodeName === "MARK") {
          frag.appendChild(document.createElement("mark")).textContent = child.textContent;
        } else if (child.nodeType === 1) {
          walk(child);
        }
      });
    })(doc.body);
    return frag;
  }

  function excerpt(data) {
    var text = pageText(data);
    var lower = text.toLowerCase();
    var at = -1;
    parts.forEach(function (part) {
      var i = lower.indexOf(part);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    });
    if (at < 0) return data.excerpt ? pagefindExcerpt(data.excerpt) : null;
    var start = Math.max(0, at - 30);
    var end = Math.min(text.length, at + 90);
    var frag = document.createDocumentFragment();
    if (start > 0) frag.appendChild(document.createTextNode("…"));
    frag.appendChild(marked(text.slice(start, end)));
    if (end < text.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  function safeUrl(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : "#";
  }

  function item(data) {
    var meta = data.meta || {};
    var li = document.createElement("li");
    li.className = "rec search-result";
    var a = li.appendChild(document.createElement("a"));
    a.className = "rec-title";
    a.href = safeUrl(data.url);
    a.textContent = meta.title || data.url;
    var m = li.appendChild(document.createElement("span"));
    m.className = "rec-meta";
    m.textContent = [meta.date, meta.org, meta.kind].filter(Boolean).join(" · ");
    if (meta.status) {
      m.appendChild(document.createTextNode(" "));
      var s = m.appendChild(document.createElement("span"));
      s.className = "status status-withdrawn";
      s.textContent = meta.status;
    }
    var ex = excerpt(data);
    if (ex) {
      var p = li.appendChild(document.createElement("p"));
      p.className = "search-excerpt";
      p.appendChild(ex);
    }
    return li;
  }

  function titleHit(data) {
    var title = ((data.meta && data.meta.title) || "").toLowerCase();
    return parts.length > 0 && parts.every(function (part) { return title.indexOf(part) >= 0; });
  }

  /* Exact hits in the title first, then Pagefind's order (the sort is stable). */
  function rank(datas) {
    return datas
      .map(function (d, i) { return [titleHit(d) ? 0 : 1, i, d]; })
      .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; })
      .map(function (x) { return x[2]; });
  }

  function place(datas) {
    datas.forEach(function (d) {
      if (isExact(d)) list.appendChild(item(d));
      else others.appendChild(item(d));
    });
    list.hidden = !list.children.length;
    others.hidden = otherHead.hidden = !others.children.length;
  }

  async function load(results, id) {
    var datas = await Promise.all(results.map(function (r) { return r.data(); }));
    return id === runId ? datas : null;
  }

  async function showMore() {
    var id = runId;
    var datas = await load(pending.splice(0, PAGE), id);
    if (!datas) return;
    place(datas);
    more.hidden = pending.length === 0;
  }

  function clear() {
    list.textContent = "";
    others.textContent = "";
    list.hidden = others.hidden = otherHead.hidden = more.hidden = help.hidden = true;
  }

  async function run() {
    var state = readState();
    var id = ++runId;
    input.value = state.q;
    FILTERS.forEach(function (f) {
      var sel = document.getElementById("search-f-" + f[0]);
      if (sel) sel.value = state.filters[f[0]] || "";
    });
    clear();
    parts = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    if (!state.q && !Object.keys(state.filters).length) {
      say("请输入要搜索的词语，例如“发展对象”“党费”“换届”。");
      return;
    }
    say("正在搜索…");
    var search = await pagefind.search(state.q || null, { filters: state.filters });
    if (id !== runId) return;
    var results = search.results.filter(function (r) { return !superseded[r.id]; });
    var datas = await load(results.slice(0, TOP), id);
    if (!datas) return;
    pending = results.slice(TOP);
    var exact = datas.filter(isExact).length;
    var what = state.q ? "包含“" + state.q + "”的" : "符合条件的";
    var plus = pending.length ? "至少 " : "";
    if (exact) say("找到" + (plus ? plus : " ") + exact + " 条" + what + "信息。");
    else if (results.length) say("没有找到" + what + "信息，下面是只包含部分词语的信息。");
    else say("没有找到" + what + "信息。");
    place(rank(datas));
    more.hidden = pending.length === 0;
    help.hidden = false;
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
    clear();
    say("搜索暂时无法使用，请稍后再试。");
    var p = statusEl.appendChild(document.createElement("p"));
    var home = form.getAttribute("action").replace(/search\/$/, "");
    p.appendChild(document.createTextNode("也可以通过"));
    var c = p.appendChild(document.createElement("a"));
    c.href = home + "catalog/";
    c.textContent = "公开目录";
    p.appendChild(document.createTextNode("或"));
    var h = p.appendChild(document.createElement("a"));
    h.href = home + "archive/";
    h.textContent = "历年归档";
    p.appendChild(document.createTextNode("查找信息。"));
    if (window.console) console.error("search:", err);
  }

  /* The index comes in shards by date: the newest in the bundle folder, the others
     below it, named in shards.json; Pagefind merges them into one search. Without
     shards.json (a site being uploaded, an older build) the newest shard is searched.
     After a quick rebuild the edited pages are in the shard "edits" too: "edits" maps
     their URLs to the ids of their earlier versions, which are left out of results,
     and "twins" counts them per filter value, taken off the filter totals. */
  async function loadShards() {
    try {
      var response = await fetch(bundle + "shards.json", { cache: "no-cache" });
      if (!response.ok) return [];
      var listing = await response.json();
      var edits = listing.edits || {};
      Object.keys(edits).forEach(function (url) { superseded[edits[url]] = true; });
      twins = listing.twins || {};
      return (listing.merge || []).filter(function (name) { return /^[0-9a-z]+$/.test(name); });
    } catch (err) {
      return [];
    }
  }

  function withoutTwins(totals) {
    Object.keys(twins).forEach(function (name) {
      var counts = totals[name] || {};
      Object.keys(twins[name]).forEach(function (value) {
        if (counts[value] === undefined) return;
        counts[value] -= twins[name][value];
        if (counts[value] <= 0) delete counts[value];
      });
    });
    return totals;
  }

  async function start() {
    say("正在加载搜索…");
    var shards = await loadShards();
    pagefind = await import(bundle + "pagefind.js");
    /* Result URLs in the index already carry the site's path prefix. */
    await pagefind.options({ baseUrl: "/" });
    await pagefind.init();
    await Promise.all(shards.map(function (name) {
      return pagefind.mergeIndex(bundle + name + "/", { baseUrl: "/" });
    }));
    buildSelects(withoutTwins(await pagefind.filters()), readState());
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      submit();
    });
    more.addEventListener("click", function () { showMore().catch(fail); });
    window.addEventListener("popstate", function () { run().catch(fail); });
    await run();
  }

  start().catch(fail);
})();
