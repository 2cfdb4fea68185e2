/* The review queue: Accept / Correct / Dispute call the API as the signed-in user (session cookie and
   the page's CSRF token), or with an API token pasted into the page (kept in sessionStorage). */
(function () {
  "use strict";
  var credentials = window.ObservatoryCredentials;
  var token = credentials.token;

  function headers() { return credentials.headers("application/json"); }

  function showState() {
    var el = document.getElementById("token-state");
    if (el) { el.textContent = credentials.state("signed in: actions use your session"); }
  }

  var form = document.getElementById("token-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = document.getElementById("review-token");
      credentials.remember(input.value);
      input.value = "";
      showState();
    });
    showState();
  }

  var indexForm = document.getElementById("index-form");
  if (indexForm) {
    indexForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = document.getElementById("index-q").value.trim();
      var list = document.getElementById("index-hits");
      if (!q) { return; }
      fetch("/api/v1/iccs/index?q=" + encodeURIComponent(q)).then(function (r) { return r.json(); })
        .then(function (json) {
          list.textContent = "";
          (json.data || []).forEach(function (hit) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = "/iccs/" + encodeURIComponent(hit.code);
            a.textContent = hit.term + " → " + hit.code + (hit.title ? " " + hit.title : "");
            li.appendChild(a);
            list.appendChild(li);
          });
          if (!list.children.length) { list.textContent = "No index term matches."; }
        });
    });
  }

  var table = document.querySelector("table.review-queue");
  if (!table) { return; }
  var base = "/api/v1/correspondences/" + encodeURIComponent(table.dataset.country) + "/" +
    encodeURIComponent(table.dataset.version) + "/links/";

  table.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button) { return; }
    var row = button.closest("tr");
    var action = button.dataset.action;
    var comment = row.querySelector("input.comment").value.trim();
    var body = { comment: comment };
    var result = row.querySelector(".result");
    if (action === "correct") {
      var other = row.querySelector("input.other-code").value.trim();
      var picked = row.querySelector("input[type=radio]:checked");
      body.iccs_code = other || (picked ? picked.value : "");
      if (!body.iccs_code) { result.textContent = "pick a proposal or type a code"; return; }
    }
    if (action === "dispute" && !comment) { result.textContent = "say why in the comment"; return; }
    fetch(base + encodeURIComponent(row.dataset.code) + "/" + action, {
      method: "POST",
      credentials: "same-origin",
      headers: headers(),
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    }).then(function (reply) {
      if (!reply.ok) { result.textContent = reply.json.error || "refused"; return; }
      var links = reply.json.data.map(function (l) { return l.iccs_code + " " + l.status; });
      result.textContent = links.join(", ");
      row.classList.add("done");
    }).catch(function () { result.textContent = "network error"; });
  });
})();
