/* Date boxes in the page's language (_forms.html date_hint). Chromium lays <input type="date"> out by the
   browser's language, whatever the page's lang: a Chinese page in an American browser shows mm/dd/yyyy. Under
   each date box this names that order in the page's words ("月/日/年") and writes the chosen day out in the
   page's date style (2026年12月1日 09:00, as the page's other dates), so a day typed in the wrong order shows at once. */
(function () {
  "use strict";
  var pageLang = document.documentElement.lang || undefined;

  /* The order the browser shows the parts in: its own default locale, the one its date boxes use. */
  function order(hint) {
    var words = hint.getAttribute("data-parts").split("|");
    var names = { year: words[0], month: words[1], day: words[2] };
    var parts = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "2-digit", day: "2-digit" })
      .formatToParts(new Date(2026, 11, 31));
    return parts.map(function (part) {
      return part.type === "literal" ? part.value.trim() || " " : names[part.type] || "";
    }).join("");
  }

  /* "2026-12-01" or "2026-12-01T09:00" written out as the page writes its dates (core/dates.py: "1 Dec 2026,
     09:00", "2026年12月1日 09:00"), in the locale the server names; "" for an empty or partial box. */
  function written(value, kind, locale) {
    var m = /^(\d{4,})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value);
    if (!m) return "";
    var when = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0)));
    var options = { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" };
    if (kind === "datetime" && m[4]) {
      options.hour = "2-digit";
      options.minute = "2-digit";
      options.hourCycle = "h23";
    }
    try {
      return new Intl.DateTimeFormat(locale || pageLang, options).format(when);
    } catch (e) {
      return "";
    }
  }

  function show(hint, input) {
    var when = written(input.value, hint.getAttribute("data-date-hint"), hint.getAttribute("data-locale"));
    hint.querySelector(".date-chosen").textContent = when ? hint.getAttribute("data-chosen").replace("{when}", when) : "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-date-hint]"), function (hint) {
      var input = document.getElementById(hint.getAttribute("data-for"));
      if (!input || (input.type !== "date" && input.type !== "datetime-local")) return;  // no date box here
      hint.querySelector(".date-order").textContent = hint.getAttribute("data-order").replace("{order}", order(hint));
      show(hint, input);
      input.addEventListener("input", function () { show(hint, input); });
      input.addEventListener("change", function () { show(hint, input); });
      hint.hidden = false;
    });
  });
})();
