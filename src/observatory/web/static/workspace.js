// Workspace pages: bring the cell a message is about into view and focus its input.
// Everything works without this script; it only saves a scroll and a click.
(function () {
  "use strict";
  function focusIn(element) {
    if (!element) return false;
    element.scrollIntoView({ block: "center" });
    var input = element.matches("input") ? element : element.querySelector("input[type=text]");
    if (input) input.focus();
    return true;
  }
  document.addEventListener("DOMContentLoaded", function () {
    // a refused upload: the first cell to correct
    if (focusIn(document.querySelector("#correct-form input[type=text]"))) return;
    // after saving a value: the row named by the fragment
    if (location.hash.length > 1) {
      focusIn(document.getElementById(decodeURIComponent(location.hash.slice(1))));
      return;
    }
    // otherwise the first value in error, if any
    var first = document.querySelector("tr.cell-error");
    if (first && document.querySelector("#message")) focusIn(first);
  });
  // keep one submission per click: disable a form's button while it posts
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("button[type=submit]");
    if (button) setTimeout(function () { button.disabled = true; }, 0);
  });
})();
