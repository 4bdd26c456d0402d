// A list with a box per row (the hours to approve): the box in its heading ticks or clears every row, and shows
// whether some or all rows are ticked. Optional enhancement: the page keeps that box hidden, since without this
// file it would do nothing; the rows are then ticked one by one and the form works the same. The box has no
// name, so only the rows' boxes are sent.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("input[data-select-all]"), function (all) {
    var form = all.form;
    if (!form) { return; }
    var name = all.getAttribute("data-select-all");

    function rows() {
      return Array.prototype.filter.call(form.elements, function (el) {
        return el.type === "checkbox" && el.name === name && !el.disabled;
      });
    }

    function sync() {
      var boxes = rows();
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }

    all.addEventListener("change", function () {
      rows().forEach(function (box) { box.checked = all.checked; });
      all.indeterminate = false;
    });
    form.addEventListener("change", function (event) {
      if (event.target !== all) { sync(); }
    });
    var wrapper = all.closest("[hidden]");
    if (wrapper) { wrapper.hidden = false; }
    sync();  // a page shown again from the history keeps the rows the person ticked
  });
})();
