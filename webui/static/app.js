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

// The sort order and the page size apply as soon as they are chosen (without JavaScript the
// "Opdatér" button does it).
(function () {
  "use strict";
  ["sort", "size"].forEach(function (id) {
    var select = document.getElementById(id);
    if (!select || !select.form) {
      return;
    }
    select.addEventListener("change", function () {
      if (select.form.requestSubmit) {
        select.form.requestSubmit();
      } else {
        select.form.submit();
      }
    });
  });
})();

// After a filter is chosen the page reloads at #facet-<name>: put the focus back on that filter's
// heading, so a keyboard user goes on from where they were, not from the top of the page.
(function () {
  "use strict";
  var hash = window.location.hash;
  if (hash.indexOf("#facet-") !== 0) {
    return;
  }
  var heading = document.getElementById(hash.slice(1));
  if (heading) {
    heading.focus({ preventScroll: false });
  }
})();

// On a phone, the period and sort options fold away unless one is set, so that the results start on
// the first screen (without JavaScript they stay open).
(function () {
  "use strict";
  var options = document.querySelector(".search-form__options");
  if (options && !options.hasAttribute("data-set") && window.matchMedia("(max-width: 59.99rem)").matches) {
    options.open = false;
  }
})();
