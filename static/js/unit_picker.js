/* The unit picker: a search box above each <select data-unit-picker> that narrows its options to the
   units whose name, alias or pinyin initials (data-search, computed by the server) contain what is typed —
   "fgj" finds 区发改局. The first match is chosen when nothing matching is; the chosen unit is never
   changed by clearing the box. Without this script the select works as it is. */
(function () {
  "use strict";

  function setUp(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1 unit-picker-search";
    box.placeholder = "搜索：名称、别名或拼音首字母（如 fgj）";
    box.setAttribute("aria-label", "搜索单位");
    box.setAttribute("autocomplete", "off");
    if (select.id) box.id = select.id + "_search";
    var status = document.createElement("div");
    status.className = "small text-muted unit-picker-status";
    status.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(status, select.nextSibling);
    var options = Array.prototype.slice.call(select.options);

    function filter() {
      var q = box.value.trim().toLowerCase().replace(/\s+/g, "");
      var first = null, count = 0;
      options.forEach(function (option) {
        var key = option.getAttribute("data-search");
        if (key === null) { option.hidden = false; return; }  // 全部 / 新建: always offered
        var match = !q || key.indexOf(q) !== -1;
        option.hidden = !match;
        if (match) { count += 1; if (!first) first = option; }
      });
      if (!q) {
        select.removeAttribute("size");
        status.textContent = "";
        return;
      }
      var current = select.options[select.selectedIndex];
      if (first && (!current || current.hidden || current.getAttribute("data-search") === null)) {
        first.selected = true;
      }
      select.size = Math.max(2, Math.min(count + 1, 8));  // the matches shown in place, ready to click
      status.textContent = count ? "匹配 " + count + " 个单位" : "没有匹配的单位";
    }

    box.addEventListener("input", filter);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); select.focus(); }  // never submits the form
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-unit-picker]"), setUp);
})();
