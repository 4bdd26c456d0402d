// Suggestions page: says in the bar at the top how many people are ticked, and that someone must be ticked.
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
    out.classList.remove("error");
  });
  // "Invite selected" with nobody ticked is answered here, without leaving the page: the message typed stays in
  // its box (the server's refusal carries a message back only while it fits in the session cookie).
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.name === "invite_one") { return; }  // a row's own Invite button names its person
    if (form.querySelector('input[name="user_ids"]:checked')) { return; }
    event.preventDefault();
    out.textContent = out.getAttribute("data-none-ticked");
    out.classList.add("error");
    var first = form.querySelector('input[name="user_ids"]');
    if (first) { first.focus(); }
  });
})();
