/* How page scripts authenticate their API calls: with an API token pasted into the page (kept in
   sessionStorage under one key for every page), or else as the signed-in user (session cookie plus the
   page's CSRF token from <meta name="csrf-token">). Loaded before the scripts that call the API. */
(function () {
  "use strict";
  var KEY = "observatory-token";

  function token() { return window.sessionStorage.getItem(KEY) || ""; }

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function headers(contentType) {
    var sent = { "Content-Type": contentType };
    if (token()) { sent.Authorization = "Bearer " + token(); } else if (csrf()) { sent["X-CSRF-Token"] = csrf(); }
    return sent;
  }

  function state(signedInText) {
    return token() ? "token set" : csrf() ? signedInText : "not signed in: sign in or paste a token";
  }

  function remember(value) { window.sessionStorage.setItem(KEY, value.trim()); }

  window.ObservatoryCredentials = { token: token, csrf: csrf, headers: headers, state: state, remember: remember };
})();
