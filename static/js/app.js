// Only what htmx cannot do: move focus to swapped-in content and announce it, and copy citations.
(function () {
  "use strict";

  var announcer = function (message) {
    var region = document.getElementById("announcer");
    if (!region || !message) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  };

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target) return;
    // The swapped content says how it wants to be announced; focus it so keyboard and
    // screen-reader users continue reading where the new content is.
    var announced = target.matches("[data-announce]") ? target : target.querySelector("[data-announce]");
    if (!announced) return;
    if (!announced.hasAttribute("tabindex")) announced.setAttribute("tabindex", "-1");
    announced.focus({ preventScroll: false });
    announcer(announced.getAttribute("data-announce"));
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) return;
    var done = function () {
      button.textContent = "Copied";
      announcer("Citation copied");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {
      field.select();
      try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selected to copy by hand */ }
    }
  });
})();
