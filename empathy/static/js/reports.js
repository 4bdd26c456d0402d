// Reports: progressive enhancement only. The print button appears when JavaScript runs;
// without it, the browser's own Print command gives the same printable record.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
