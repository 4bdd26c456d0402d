// Suggestions page: says in the bar at the top how many people are ticked.
// Optional enhancement: without this file the form invites the ticked people just the same.
(function () {
  "use strict";
  var form = document.getElementById("invite-form");
  var out = document.getElementById("picked");
  if (!form || !out) { return; }
  var none = out.textContent;  // what the bar says with nobody ticked
  form.addEventListener("change", function () {
    var n = form.querySelectorAll('input[name="user_ids"]:checked').length;
    // The page gives each plural form of the language (data-ticked-one, data-ticked-other); the browser
    // knows which one a number takes.
    var form_ = new Intl.PluralRules(document.documentElement.lang || "en").select(n);
    var text = out.getAttribute("data-ticked-" + form_) || out.getAttribute("data-ticked-other");
    out.textContent = n ? text.replace("__N__", String(n)) : none;
  });
})();
