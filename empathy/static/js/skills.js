// Skill rows: "Add more rows" adds a row in place instead of reloading the page.
// Optional enhancement: without this file the button submits and the server adds rows.
(function () {
  "use strict";
  function renumber(row, index) {
    row.querySelectorAll("[name], [id], [for]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/^skills-\d+-/, "skills-" + index + "-")); }
      });
    });
    row.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    row.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    row.querySelectorAll("[aria-invalid], [aria-describedby]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
  }
  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    var list = button.parentElement.querySelector("[data-skill-rows]");
    if (!list) { return; }
    var max = parseInt(list.getAttribute("data-max-rows"), 10) || Infinity;
    function atLimit() { return list.querySelectorAll("[data-skill-row]").length >= max; }
    button.disabled = atLimit();
    button.addEventListener("click", function (event) {
      var rows = list.querySelectorAll("[data-skill-row]");
      if (!rows.length) { return; }  // let the server add the first rows
      event.preventDefault();
      if (atLimit()) { return; }
      var row = rows[rows.length - 1].cloneNode(true);
      renumber(row, rows.length);
      row.querySelectorAll("input[type=text], input[type=number], input:not([type])").forEach(function (el) { el.value = ""; });
      row.querySelectorAll("input[type=checkbox]").forEach(function (el) { el.checked = false; });
      row.querySelectorAll("select").forEach(function (el) { el.selectedIndex = el.options.length > 1 && el.name.slice(-6) === "-level" && !/min_level$/.test(el.name) ? 1 : 0; });
      var number = row.querySelector(".skill-row-number");
      if (number) { number.textContent = number.textContent.replace(/\d+/, String(rows.length + 1)); }
      list.appendChild(row);
      var name = row.querySelector("input[list]");
      if (name) { name.focus(); }
      button.disabled = atLimit();
    });
  });
})();
