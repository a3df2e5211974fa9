// Focus after a page load: the first field with an error, else an element marked
// data-focus-on-load (the new key's panel), so keyboard and screen-reader users land on it.
// Loaded from our own origin: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  function focusFirst() {
    var field = document.querySelector(
      ".field--error input:not([type=hidden]), .field--error select, .field--error textarea"
    );
    var target = field || document.querySelector("[data-focus-on-load]");
    if (target) {
      target.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusFirst);
  } else {
    focusFirst();
  }
})();
