// The exporter editor's schedule: shows only the fields of the chosen kind, and asks the server for the
// schedule in words and its next five runs as the analyst changes it (GET /exporters/schedule-preview;
// nothing is saved). Without this script every field shows and the preview follows each save/refresh.
(function () {
  "use strict";
  function init() {
    var box = document.querySelector(".schedule[data-preview]");
    if (!box) return;
    var kind = box.querySelector("select[name=schedule]");
    var out = document.getElementById("schedule-preview");
    var pending = null;
    var asked = 0;

    function showFields() {
      box.querySelectorAll("[data-kinds]").forEach(function (part) {
        part.hidden = part.getAttribute("data-kinds").split(" ").indexOf(kind.value) < 0;
      });
    }

    function line(text, cls) {
      var p = document.createElement("p");
      if (cls) p.className = cls;
      p.textContent = text;
      return p;
    }

    function render(answer) {
      out.replaceChildren();
      if (answer.error) {
        out.appendChild(line(answer.error, "error"));
        return;
      }
      var words = line("", "");
      var strong = document.createElement("strong");
      strong.textContent = answer.text;
      words.appendChild(strong);
      out.appendChild(words);
      if (answer.shown.length) out.appendChild(line("Next runs: " + answer.shown.join(" · "), "muted"));
    }

    function ask() {
      var query = new URLSearchParams();
      box.querySelectorAll("input, select").forEach(function (input) {
        if (!input.name || input.name.indexOf("schedule") !== 0) return;
        if (input.type === "checkbox" && !input.checked) return;
        query.append(input.name, input.value);
      });
      var mine = ++asked;
      fetch(box.getAttribute("data-preview") + "?" + query.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.json(); })
        .then(function (answer) { if (mine === asked) render(answer); })
        .catch(function () { /* keep the last preview */ });
    }

    function changed() {
      showFields();
      clearTimeout(pending);
      pending = setTimeout(ask, 250);
    }

    box.addEventListener("input", changed);
    box.addEventListener("change", changed);
    showFields();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
