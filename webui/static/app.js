// Optional enhancement; every page works without it (no inline scripts because of the CSP).
// On an item page opened from a search without a #section, bring the first marked word into view.
(function () {
  "use strict";
  if (window.location.hash) {
    return;
  }
  var first = document.querySelector(".item mark");
  if (!first || !new URLSearchParams(window.location.search).get("q")) {
    return;
  }
  first.scrollIntoView({ block: "center" });
})();
