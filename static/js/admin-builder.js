// The contrast builder in the admin (readings/admin_builder.py): the commentary preview and the
// counterpoint suggestions follow the form before it is saved, a suggestion fills the other side in
// one click, and each passage box searches only its side's stance. Without JavaScript the panels
// stay hidden and the form saves as before.
//
// The admin's passage boxes are select2 widgets, driven by jQuery: their changes are jQuery events,
// which htmx does not hear, so this is plain fetch with django.jQuery for the widgets.
"use strict";
{
  const $ = django.jQuery;
  const PREFIX = "contrast_passages";
  const DELAY = 400; // ms of quiet typing before the preview is asked for

  const rowOf = (element) => element.closest("tr.form-row");
  const fieldOf = (row, name) => row && row.querySelector(`[name$="-${name}"]`);

  // Loaded after the admin's autocomplete.js (extrahead, after the form's media) and before the page
  // is ready, when autocomplete.js sets the boxes up: same options as the admin's, plus the side's
  // stance, read at each search so that changing the side changes what the box offers.
  $.fn.djangoAdminSelect2 = function () {
    $.each(this, function (i, element) {
      $(element).select2({
        ajax: {
          data: (params) => {
            const data = {
              term: params.term,
              page: params.page,
              app_label: element.dataset.appLabel,
              model_name: element.dataset.modelName,
              field_name: element.dataset.fieldName,
            };
            const side = fieldOf(rowOf(element), "side");
            if (element.dataset.modelName === "contrastpassage" && side && side.value) {
              data.stance = side.value;
            }
            return data;
          },
        },
      });
    });
    return this;
  };

  // Only the latest answer is shown: an older one arriving late must not overwrite it. A 400 is the
  // panel's own message (too long, too many); any other failure is said in words, not as a page.
  const latest = (panel, response) => {
    panel.asked = (panel.asked || 0) + 1;
    const asked = panel.asked;
    const body = panel.querySelector(".builder-body");
    const failed = () => {
      if (asked === panel.asked) body.textContent = "Not available just now: the form still saves as usual.";
    };
    return response
      .then((answer) => (answer.ok || answer.status === 400 ? answer.text() : Promise.reject(answer.status)))
      .then((html) => {
        if (asked === panel.asked) body.innerHTML = html;
      }, failed);
  };

  const rows = (form) =>
    Array.from(form.querySelectorAll(`#${PREFIX}-group tr.form-row`)).filter(
      (row) => !row.classList.contains("empty-form") && fieldOf(row, "passage"),
    );
  const isDeleted = (row) => {
    const box = fieldOf(row, "DELETE");
    return row.classList.contains("deleted_row") || (box && box.checked);
  };

  const setUp = () => {
    const form = document.getElementById("contrast_form");
    const preview = document.getElementById("builder-preview");
    const suggestions = document.getElementById("builder-suggestions");
    if (!form || !preview || !suggestions) return;
    const token = form.elements.csrfmiddlewaretoken.value;
    // The read-only rows show the last save; the panels show the form as it is now, and replace them.
    form.querySelectorAll(".field-commentary_preview, .field-counterpoint_suggestions").forEach((row) => {
      row.hidden = true;
    });
    const commentary = form.elements.commentary;

    const showPreview = () => {
      const body = new FormData();
      body.append("commentary", commentary.value);
      latest(
        preview,
        fetch(preview.dataset.url, {
          method: "POST",
          body,
          headers: { "X-CSRFToken": token },
          credentials: "same-origin",
        }),
      );
    };
    if (commentary) {
      let timer = null;
      commentary.addEventListener("input", () => {
        window.clearTimeout(timer);
        timer = window.setTimeout(showPreview, DELAY);
      });
      preview.hidden = false;
      showPreview();
    }

    const showSuggestions = () => {
      const query = new URLSearchParams();
      rows(form)
        .filter((row) => !isDeleted(row) && fieldOf(row, "passage").value)
        .forEach((row) => query.append("passage", fieldOf(row, "passage").value));
      latest(suggestions, fetch(`${suggestions.dataset.url}?${query}`, { credentials: "same-origin" }));
    };
    suggestions.hidden = false;
    showSuggestions();
    // select2 reports a pick as a jQuery "change", which only jQuery's own listeners receive.
    $(form).on("change", `#${PREFIX}-group select, #${PREFIX}-group input[name$="-DELETE"]`, showSuggestions);
    document.addEventListener("formset:removed", showSuggestions);

    // A suggestion fills the first row with no passage yet (a new row when none is left): its side,
    // its passage, and an order after the others of that side, so that the save does not collide.
    const status = suggestions.querySelector(".builder-status");
    suggestions.addEventListener("click", (event) => {
      const button = event.target.closest(".builder-fill");
      if (!button) return;
      let row = rows(form).find((r) => !isDeleted(r) && !fieldOf(r, "passage").value);
      if (!row) {
        const add = form.querySelector(`#${PREFIX}-group .add-row a`);
        if (!add) return;
        add.click();
        row = rows(form).find((r) => !isDeleted(r) && !fieldOf(r, "passage").value);
        if (!row) return;
      }
      const side = fieldOf(row, "side");
      side.value = button.dataset.side;
      const order = fieldOf(row, "order");
      if (order) {
        const taken = rows(form)
          .filter((r) => r !== row && !isDeleted(r) && fieldOf(r, "side").value === button.dataset.side)
          .map((r) => Number(fieldOf(r, "order").value) || 0);
        order.value = String(Math.max(0, ...taken) + 1);
      }
      const passage = fieldOf(row, "passage");
      $(passage).append(new Option(button.dataset.label, button.dataset.passage, true, true));
      $(passage).trigger("change"); // select2 shows it; the suggestions are asked for again
      status.textContent = `Added ${button.dataset.label.split(":")[0]} to the ${side.options[side.selectedIndex].text.toLowerCase()} side.`;
      // Keyboard users stay where they were: the button is replaced, so focus goes to the panel's heading.
      const heading = suggestions.querySelector("h2");
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    });
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}
