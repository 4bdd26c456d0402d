/* The header's menus: the "Menu" button that folds the navigation below 1024 px, and the account menu.
   Loaded in <head> without defer so that the page is drawn folded from the start; without JavaScript
   both stay open (the stylesheet folds only under html.js-menu). */
(function () {
  "use strict";
  document.documentElement.classList.add("js-menu");

  function target(button) {
    return document.getElementById(button.getAttribute("aria-controls"));
  }

  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    var panel = target(button);
    if (panel) panel.classList.toggle("is-open", open);
  }

  function toggles() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-menu-toggle]"));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-menu-toggle]");
    if (button) {
      setOpen(button, button.getAttribute("aria-expanded") !== "true");
      return;
    }
    // A click outside the account menu closes it (the Menu panel stays until its button is pressed again).
    toggles().forEach(function (other) {
      var panel = target(other);
      if (other.classList.contains("account-button") && panel && !panel.contains(event.target)) setOpen(other, false);
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    toggles().forEach(function (button) {
      var panel = target(button);
      if (button.getAttribute("aria-expanded") === "true" && panel && panel.contains(document.activeElement)) {
        setOpen(button, false);
        button.focus();
      } else if (button === document.activeElement) {
        setOpen(button, false);
      }
    });
  });
})();
