// Copy buttons: <button data-copy-target="ID"> copies the value (or text) of #ID.
// Loaded from our own origin: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  function fallbackCopy(element) {
    element.focus();
    if (element.select) {
      element.select();
    }
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function announce(button, text) {
    var panel = button.closest("section") || document;
    var status = panel.querySelector("[data-copy-status]");
    if (status) {
      status.textContent = text;
    }
  }

  function copy(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) {
      return;
    }
    var text = "value" in target ? target.value : target.textContent;
    var original = button.getAttribute("data-original-text") || button.textContent;
    button.setAttribute("data-original-text", original);
    var done = function (ok) {
      button.textContent = ok ? button.getAttribute("data-copied-text") || "Copied" : original;
      announce(button, ok ? "Copied to the clipboard." : "Select the key and copy it by hand.");
      if (ok) {
        window.setTimeout(function () { button.textContent = original; }, 3000);
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { done(true); },
        function () { done(fallbackCopy(target)); }
      );
    } else {
      done(fallbackCopy(target));
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (button) {
      copy(button);
    }
  });
})();
