// Only what htmx cannot do: move focus to swapped-in content and announce it, and copy citations.
(function () {
  "use strict";

  var announcer = function (message) {
    var region = document.getElementById("announcer");
    if (!region || !message) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  };

  // A note to bring into view once its paragraph's thread has been swapped in (see the marks below).
  var pendingNote = null;

  var showNote = function (note) {
    note.scrollIntoView({ block: "nearest" });
    note.focus({ preventScroll: true });
    announcer("Note " + (note.querySelector(".note-number") || { textContent: "" }).textContent + " shown");
  };

  document.addEventListener("htmx:afterSettle", function (event) {
    // event.target, not detail.target: after an outerHTML swap the old target is gone.
    var target = event.target;
    if (!target) return;
    if (pendingNote) {
      var note = document.getElementById(pendingNote);
      pendingNote = null;
      if (note) { showNote(note); return; }
    }
    // The swapped content says how it wants to be announced; focus it so keyboard and
    // screen-reader users continue reading where the new content is. A form opened on
    // selected words asks for the text box instead (autofocus): writing is the next step.
    var announced = target.matches("[data-announce]") ? target : target.querySelector("[data-announce]");
    if (!announced) return;
    var first = target.querySelector("[autofocus]");
    if (!announced.hasAttribute("tabindex")) announced.setAttribute("tabindex", "-1");
    (first || announced).focus({ preventScroll: false });
    announcer(first ? "Annotate the selected words" : announced.getAttribute("data-announce"));
  });

  // A passage's panel (context, counterpoints, notes, whole section) closes again: with its Close
  // button, or by choosing the link that opened it a second time. The links say which is open.
  var panelLinks = function (panel) {
    return document.querySelectorAll("[hx-target='#" + panel.id + "']");
  };
  var closePanel = function (panel, focusLink) {
    panel.innerHTML = "";
    delete panel.dataset.source;
    panelLinks(panel).forEach(function (link) { link.setAttribute("aria-expanded", "false"); });
    if (focusLink) focusLink.focus();
    announcer("Panel closed");
  };
  document.addEventListener("htmx:beforeRequest", function (event) {
    var link = event.detail.elt;
    var panel = event.detail.target;
    if (!link || !panel || !panel.classList || !panel.classList.contains("passage-panel")) return;
    if (panel.dataset.source && panel.dataset.source === link.getAttribute("hx-get")) {
      event.preventDefault();
      closePanel(panel, link);
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = event.detail.target;
    // The element that made the request (detail.elt is the swap's target here).
    var link = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!panel || !panel.classList || !panel.classList.contains("passage-panel") || !link) return;
    panel.dataset.source = link.getAttribute("hx-get") || "";
    panelLinks(panel).forEach(function (other) {
      other.setAttribute("aria-controls", panel.id);
      other.setAttribute("aria-expanded", other === link ? "true" : "false");
    });
    var close = document.createElement("button");
    close.type = "button";
    close.className = "panel-close";
    close.textContent = "Close";
    close.addEventListener("click", function () { closePanel(panel, link); });
    panel.insertBefore(close, panel.firstChild);
  });

  // Choosing a highlight opens its paragraph's thread, as the paragraph's notes count does,
  // and brings the note of that mark into view (its article carries the mark's number).
  document.addEventListener("click", function (event) {
    var mark = event.target.closest("mark.highlight[data-annotations]");
    if (!mark || (window.getSelection && !window.getSelection().isCollapsed)) return;
    var id = "annotation-" + mark.getAttribute("data-annotations").split(" ")[0];
    var note = document.getElementById(id);
    if (note) { showNote(note); return; }
    var holder = mark.closest("[data-annotate]");
    if (!holder) return;
    var url = holder.getAttribute("data-annotate");
    for (var scope = holder; scope; scope = scope.parentElement) {
      var count = scope.querySelector("a.notes-count[href='" + url + "']");
      if (count) { pendingNote = id; count.click(); return; }
    }
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

  // Selecting words of a passage offers to annotate exactly that span. The offsets count
  // characters of the passage text as stored, which is what the server checks them against:
  // code points, as Python counts them, not the UTF-16 units of a JavaScript string's length.
  var characters = function (text) { return Array.from(text).length; };
  var selectionAction = null;

  var clearSelectionAction = function () {
    if (selectionAction) { selectionAction.remove(); selectionAction = null; }
  };

  var offsetWithin = function (element, container, offset) {
    var range = document.createRange();
    range.selectNodeContents(element);
    range.setEnd(container, offset);
    return characters(range.toString());
  };

  var offered = null;

  var offerAnnotation = function () {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    var range = selection.getRangeAt(0);
    var start = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    var end = range.endContainer.nodeType === 1 ? range.endContainer : range.endContainer.parentElement;
    var text = start && start.closest(".passage-text");
    if (!text || !end || end.closest(".passage-text") !== text) return;
    var holder = text.closest("[data-annotate]");
    if (!holder) return;
    var quote = range.toString();
    if (!quote.trim()) return;
    var from = offsetWithin(text, range.startContainer, range.startOffset);
    var params = new URLSearchParams({ quote: quote, start: String(from), end: String(from + characters(quote)) });
    var url = holder.getAttribute("data-annotate") + "?" + params.toString();
    // Selection events come in bursts (a touch handle dragged, a mouse released): offer once per span.
    if (offered === url && selectionAction && selectionAction.isConnected) return;
    offered = url;

    clearSelectionAction();
    selectionAction = document.createElement("p");
    selectionAction.className = "selection-action";
    var link = document.createElement("a");
    // Signed-in pages carry the CSRF header on <body>; a visitor is offered the way in, and back.
    var signedIn = document.body.hasAttribute("hx-headers");
    if (!signedIn) {
      link.href = holder.getAttribute("data-signin") || "/accounts/login/";
      link.textContent = "Sign in to annotate";
    } else {
      link.href = url;
      link.textContent = "Annotate the selected words";
      var panel = holder.getAttribute("data-panel");
      if (panel && window.htmx && document.querySelector(panel)) {
        link.setAttribute("hx-get", url);
        link.setAttribute("hx-target", panel);
        link.setAttribute("hx-swap", panel.indexOf("#annotations-") === 0 ? "outerHTML" : "innerHTML");
      }
    }
    selectionAction.appendChild(link);
    holder.insertAdjacentElement("afterend", selectionAction);
    if (window.htmx) window.htmx.process(selectionAction);
    link.addEventListener("click", function () { window.setTimeout(clearSelectionAction, 0); offered = null; });
  };

  document.addEventListener("mouseup", function () { window.setTimeout(offerAnnotation, 0); });
  document.addEventListener("keyup", function (event) { if (event.shiftKey) offerAnnotation(); });
  // Touch screens select with handles and long presses, not mouse events: follow the selection
  // itself, once it has settled.
  var settling = null;
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(settling);
    settling = window.setTimeout(offerAnnotation, 300);
  });

  // Back and forward must show the page the address names. htmx reloads it on a history miss,
  // but Chrome can also bring back a page from its back-forward cache as it was left, and an
  // entry pushed by one document may be traversed from another: in every such case, reload.
  var shownFor = location.pathname + location.search;
  document.addEventListener("htmx:pushedIntoHistory", function (event) { shownFor = event.detail.path; });
  window.addEventListener("popstate", function (event) {
    if (event.state && event.state.htmx && location.pathname + location.search !== shownFor) location.reload();
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && location.pathname + location.search !== shownFor) location.reload();
  });
})();
