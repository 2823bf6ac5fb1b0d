/* The 督查通报 page follows its rows while a month is 排队中 or 生成中: it asks the status endpoint
   every few seconds, updates the row's badge, and reloads once a row is 已生成 or 失败 so its
   download buttons appear. Nothing runs when no row is busy. */
(function () {
  "use strict";
  var table = document.querySelector("[data-report-table]");
  if (!table || !window.fetch) return;
  var url = table.getAttribute("data-status-url");
  var BUSY = { pending: true, building: true };
  var DELAY = 2000;
  var MAX_TRIES = 900; // half an hour; the requeue job takes over a row left longer

  function busyRows() {
    return Array.prototype.filter.call(table.querySelectorAll("tr[data-report-id]"), function (row) {
      return BUSY[row.getAttribute("data-status")];
    });
  }

  function update(row, report) {
    var badge = row.querySelector("[data-role=status]");
    if (badge) {
      badge.textContent = report.status_label;
      badge.className = "badge " + (report.status === "ready" ? "bg-success" : report.status === "failed" ? "bg-danger" : "bg-secondary");
    }
    row.setAttribute("data-status", report.status);
    var note = row.querySelector("[data-role=queue-note]");
    if (note && report.queued) note.remove();
  }

  var tries = 0;
  function poll() {
    tries += 1;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        var byId = {};
        data.reports.forEach(function (r) { byId[String(r.id)] = r; });
        var finished = false;
        busyRows().forEach(function (row) {
          var report = byId[row.getAttribute("data-report-id")];
          if (!report) return;
          update(row, report);
          if (!report.busy) finished = true;
        });
        if (finished) {
          window.location.reload();
          return;
        }
      })
      .catch(function () { /* a dropped request: the next one tries again */ })
      .then(function () {
        if (busyRows().length && tries < MAX_TRIES) window.setTimeout(poll, DELAY);
      });
  }

  if (busyRows().length) window.setTimeout(poll, DELAY);
})();
