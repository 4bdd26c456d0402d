// The team picker: the search box filters the ranked list as one types.
// Optional enhancement: without this file the box filters when the form is sent.
(function () {
  "use strict";
  document.querySelectorAll("[data-team-picker]").forEach(function (form) {
    var box = form.querySelector("[data-team-search]");
    var count = form.querySelector("[data-team-count]");
    var rows = Array.prototype.slice.call(form.querySelectorAll("[data-search]"));
    if (!box || !rows.length) { return; }
    var template = count ? count.getAttribute("data-template") : null;
    function filter() {
      var query = box.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var ticked = row.querySelector("input[type=checkbox]:checked");
        var show = !query || row.getAttribute("data-search").indexOf(query) !== -1 || !!ticked;
        row.hidden = !show;
        if (show) { shown += 1; }
      });
      if (count && template) {
        count.textContent = template.replace("{shown}", String(shown)).replace("{total}", String(rows.length));
      }
    }
    box.addEventListener("input", filter);
    // Enter in the box filters here instead of sending the form.
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); filter(); }
    });
  });
})();
