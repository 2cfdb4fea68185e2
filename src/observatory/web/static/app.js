/* Observatory pages: render Vega-Lite charts and filter lists. No external resources. */
(function () {
  "use strict";

  var EMBED_OPTIONS = {
    mode: "vega-lite",
    renderer: "svg",
    actions: { export: true, source: false, compiled: false, editor: false }
  };

  function showFailure(el, message) {
    el.setAttribute("data-rendered", "error");
    var p = document.createElement("p");
    p.className = "chart-error";
    p.textContent = message;
    el.appendChild(p);
  }

  function renderCharts() {
    var charts = document.querySelectorAll("[data-vega-spec]");
    if (!charts.length) { return; }
    if (typeof window.vegaEmbed !== "function") {
      charts.forEach(function (el) {
        showFailure(el, "Charts need the Vega scripts in /static/vendor (run `make assets`).");
      });
      return;
    }
    charts.forEach(function (el) {
      var spec;
      try {
        spec = JSON.parse(el.getAttribute("data-vega-spec"));
      } catch (err) {
        showFailure(el, "This chart's specification could not be read.");
        return;
      }
      window.vegaEmbed(el, spec, EMBED_OPTIONS).then(function () {
        el.setAttribute("data-rendered", "true");
      }).catch(function (err) {
        showFailure(el, "This chart could not be drawn: " + err);
      });
    });
  }

  function normalise(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setUpFilters() {
    document.querySelectorAll("[data-filter-target]").forEach(function (input) {
      var target = document.querySelector(input.getAttribute("data-filter-target"));
      if (!target) { return; }
      var items = target.querySelectorAll("[data-filter-text]");
      var groups = target.querySelectorAll("[data-filter-group]");
      input.addEventListener("input", function () {
        var query = normalise(input.value.trim());
        items.forEach(function (item) {
          var text = normalise(item.getAttribute("data-filter-text"));
          item.hidden = query !== "" && text.indexOf(query) === -1;
        });
        groups.forEach(function (group) {
          group.hidden = group.querySelector("[data-filter-text]:not([hidden])") === null;
        });
      });
    });
    document.querySelectorAll("[data-autosubmit]").forEach(function (box) {
      box.addEventListener("change", function () { box.form.submit(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    renderCharts();
    setUpFilters();
  });
})();
