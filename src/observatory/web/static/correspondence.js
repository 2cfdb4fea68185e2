/* The upload form of /iccs/correspondences: sends a national list to the draft API with the API token kept
   in sessionStorage (the same key as the review queue) or, without one, as the signed-in user (session
   cookie and the page's CSRF token); shows the located errors the API returns, and on success links to the
   review queue of the new table. */
(function () {
  "use strict";
  var credentials = window.ObservatoryCredentials;
  var token = credentials.token;

  function headers() { return credentials.headers("application/octet-stream"); }

  function showState() {
    var el = document.getElementById("corr-token-state");
    if (el) { el.textContent = credentials.state("signed in: uploads use your session"); }
  }

  function text(tag, content, className) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (className) { el.className = className; }
    return el;
  }

  function link(href, content) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = content;
    return a;
  }

  function where(location) {
    if (!location) { return ""; }
    var parts = [];
    if (location.file) { parts.push(location.file); }
    if (location.sheet) { parts.push("sheet " + location.sheet); }
    if (location.cell) { parts.push("cell " + location.cell); }
    if (location.row !== undefined && location.row !== null) { parts.push("row " + location.row); }
    if (location.column) { parts.push("column " + location.column); }
    if (location.field) { parts.push("field " + location.field); }
    return parts.join(", ");
  }

  var tokenForm = document.getElementById("corr-token-form");
  if (tokenForm) {
    tokenForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = document.getElementById("corr-token");
      credentials.remember(input.value);
      input.value = "";
      showState();
    });
    showState();
  }

  var form = document.getElementById("draft-form");
  if (!form) { return; }
  var errors = document.getElementById("draft-errors");
  var result = document.getElementById("draft-result");
  var submit = document.getElementById("draft-submit");
  submit.disabled = false;

  function showErrors(messages) {
    errors.textContent = "";
    if (!messages.length) { return; }
    errors.appendChild(text("p", "Nothing was stored:"));
    var list = document.createElement("ul");
    messages.forEach(function (problem) {
      var item = document.createElement("li");
      if (problem.code) { item.appendChild(text("code", problem.code)); item.appendChild(document.createTextNode(" ")); }
      item.appendChild(document.createTextNode(problem.message || "refused"));
      var at = where(problem.location);
      if (at && (problem.message || "").indexOf(problem.location.file || at) !== 0) {
        item.appendChild(text("span", " (" + at + ")", "muted small"));
      }
      item.dataset.code = problem.code || "";
      list.appendChild(item);
    });
    errors.appendChild(list);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    result.textContent = "";
    if (!token() && !credentials.csrf()) {
      showErrors([{ code: "unauthenticated", message: "sign in or enter your API token above first" }]);
      document.getElementById("corr-token").focus();
      return;
    }
    var country = form.elements.country.value.trim().toUpperCase();
    var version = form.elements.version.value.trim();
    var name = form.elements.name.value.trim();
    var file = form.elements.file.files[0];
    if (!file) { showErrors([{ code: "missing-value", message: "choose a file" }]); return; }
    var url = "/api/v1/correspondences/" + encodeURIComponent(country) + "/" + encodeURIComponent(version) +
      "/draft?name=" + encodeURIComponent(name) + "&lang=" + encodeURIComponent(form.elements.lang.value) +
      "&filename=" + encodeURIComponent(file.name);
    submit.disabled = true;
    result.textContent = "Coding " + file.name + "…";
    file.arrayBuffer().then(function (body) {
      return fetch(url, {
        method: "POST",
        headers: headers(),
        body: body
      });
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    }).then(function (reply) {
      result.textContent = "";
      if (!reply.ok) {
        showErrors(reply.json.errors && reply.json.errors.length ? reply.json.errors :
          [{ message: reply.json.error || "refused" }]);
        return;
      }
      showErrors([]);
      var info = reply.json;
      var page = "/iccs/correspondences/" + encodeURIComponent(info.country) + "/" + encodeURIComponent(info.version);
      var queue = "/iccs/review?country=" + encodeURIComponent(info.country) + "&version=" +
        encodeURIComponent(info.version) + "&threshold=" + encodeURIComponent(form.dataset.threshold || "0.6");
      var p = text("p", "Drafted " + info.country + " " + info.version + ": " + info.offences + " offences, " +
        info.links + " proposals. ");
      var toQueue = link(queue, "Review the proposals");
      toQueue.id = "draft-review-link";
      p.appendChild(toQueue);
      p.appendChild(document.createTextNode(" · "));
      p.appendChild(link(page, "Open the table"));
      result.appendChild(p);
      toQueue.focus();
    }).catch(function () {
      result.textContent = "";
      showErrors([{ code: "network-error", message: "the server did not answer" }]);
    }).then(function () { submit.disabled = false; });
  });
})();
