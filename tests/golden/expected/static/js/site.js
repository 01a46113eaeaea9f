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
