/* The indicator page's world map: draws the Vega-Lite choropleth and, when its year slider moves, shows the
   year and swaps in the server-rendered ranking table of that year. Without JavaScript the ?year= links
   below the map do the same. No external resources. */
(function () {
  "use strict";

  var EMBED_OPTIONS = {
    mode: "vega-lite",
    renderer: "svg",
    actions: { export: true, source: false, compiled: false, editor: false }
  };
  var DELAY = 250;

  function fail(el, message) {
    el.setAttribute("data-rendered", "error");
    var p = document.createElement("p");
    p.className = "chart-error";
    p.textContent = message;
    el.appendChild(p);
  }

  function pageUrl(el, year) {
    var params = new URLSearchParams({ year: String(year), sort: el.getAttribute("data-sort") || "value" });
    return "/indicators/" + encodeURIComponent(el.getAttribute("data-indicator")) + "?" + params.toString();
  }

  function swap(selector, fresh) {
    var mine = document.querySelector(selector);
    var theirs = fresh.querySelector(selector);
    if (mine && theirs) { mine.innerHTML = theirs.innerHTML; }
  }

  function showYear(el, year) {
    el.setAttribute("data-year", String(year));
    var label = document.getElementById("map-year");
    if (label) { label.textContent = String(year); }
    var current = el.getAttribute("aria-label") || "";
    el.setAttribute("aria-label", current.replace(/, \d{4}$/, ", " + year));
    document.querySelectorAll("nav.years a").forEach(function (a) {
      if (a.textContent.trim() === String(year)) { a.setAttribute("aria-current", "true"); }
      else { a.removeAttribute("aria-current"); }
    });
    var url = pageUrl(el, year);
    fetch(url, { headers: { Accept: "text/html" } }).then(function (response) {
      return response.ok ? response.text() : Promise.reject(response.status);
    }).then(function (html) {
      if (el.getAttribute("data-year") !== String(year)) { return; } // the slider moved on
      var fresh = new DOMParser().parseFromString(html, "text/html");
      swap("#ranking", fresh);
      swap("#map-description", fresh);
      history.replaceState(null, "", url + "#map");
    }).catch(function () {
      var ranking = document.getElementById("ranking");
      if (ranking) { ranking.innerHTML = "<p class=\"empty\">The ranking of " + year + " could not be loaded.</p>"; }
    });
  }

  function draw(el) {
    var spec;
    try {
      spec = JSON.parse(el.getAttribute("data-map-spec"));
    } catch (err) {
      fail(el, "The map's specification could not be read.");
      return;
    }
    window.vegaEmbed(el, spec, EMBED_OPTIONS).then(function (result) {
      el.setAttribute("data-rendered", "true");
      var slider = el.querySelector(".vega-bindings input[type=range]");
      if (slider) { slider.setAttribute("aria-label", "Year of the map"); }
      var timer = null;
      result.view.addSignalListener("year", function (name, value) {
        if (timer) { clearTimeout(timer); }
        timer = setTimeout(function () { showYear(el, value); }, DELAY);
      });
    }).catch(function (err) {
      fail(el, "The map could not be drawn: " + err);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var maps = document.querySelectorAll("[data-map-spec]");
    if (!maps.length) { return; }
    if (typeof window.vegaEmbed !== "function") {
      maps.forEach(function (el) { fail(el, "The map needs the Vega scripts in /static/vendor (run `make assets`)."); });
      return;
    }
    maps.forEach(draw);
  });
})();
