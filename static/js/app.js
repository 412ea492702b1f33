// Shared behaviour of every page (no inline script: the CSP forbids it).
// The draft's table of contents is a <details>, closed so a phone shows the first article at once;
// on a wide screen it sits beside the text, so it opens.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 48rem)");
  function openWhenWide() {
    document.querySelectorAll("details.toc-details").forEach(function (details) {
      if (wide.matches) { details.open = true; }
    });
  }
  document.addEventListener("DOMContentLoaded", openWhenWide);
}());
