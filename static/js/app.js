// Shared behaviour of every page (no inline script: the CSP forbids it).
// The draft's table of contents and its preamble are <details>, closed so a phone shows the first article
// at once; on a wide screen the contents sit beside the text, so both open.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 48rem)");
  function openWhenWide() {
    document.querySelectorAll("details.toc-details, details.preamble-details").forEach(function (details) {
      if (wide.matches) { details.open = true; }
    });
  }
  document.addEventListener("DOMContentLoaded", openWhenWide);
}());
