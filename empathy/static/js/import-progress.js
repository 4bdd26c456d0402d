// The import job page: polls the job's status (a small JSON document) and moves the progress bar, then
// reloads the page for the result. Without JS the page refreshes itself every 2 s (a <noscript> meta).
// When the page shows activation links, leaving it tells the server to forget them (a beacon).
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (box && window.fetch) {
    var bar = document.getElementById("import-bar");
    var count = document.getElementById("import-count");
    var title = document.getElementById("progress-title");
    var labels = JSON.parse(title.getAttribute("data-stage-labels"));
    var template = count.getAttribute("data-template");
    var url = box.getAttribute("data-status-url");
    var poll = function () {
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (status) {
          if (!status) { setTimeout(poll, 2000); return; }
          if (status.finished) { window.location.reload(); return; }
          bar.value = status.percent;
          bar.textContent = status.percent + "%";
          count.textContent = template.replace("{done}", status.done.toLocaleString())
            .replace("{total}", status.total.toLocaleString());
          if (labels[status.stage]) { title.textContent = labels[status.stage]; }
          setTimeout(poll, 700);
        }, function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 300);
  }
  var forget = document.getElementById("forget-links");
  if (forget && navigator.sendBeacon && window.FormData) {
    var sent = false;
    forget.addEventListener("submit", function () { sent = true; });
    window.addEventListener("pagehide", function () {
      if (sent) { return; }
      sent = true;
      var data = new FormData(forget);
      data.append("beacon", "1");
      navigator.sendBeacon(forget.getAttribute("data-beacon"), data);
    });
  }
})();
