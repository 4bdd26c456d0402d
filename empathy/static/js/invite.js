// Suggestions page: says in the bar at the top how many people are ticked.
// Optional enhancement: without this file the form invites the ticked people just the same.
(function () {
  "use strict";
  var form = document.getElementById("invite-form");
  var out = document.getElementById("picked");
  if (!form || !out) { return; }
  form.addEventListener("change", function () {
    var n = form.querySelectorAll('input[name="user_ids"]:checked').length;
    if (n) { out.textContent = out.getAttribute("data-ticked").replace("__N__", String(n)); }
  });
})();
