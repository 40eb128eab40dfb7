/*
 * Modellkoncept: small progressive enhancements. Every page works without this file.
 * No inline scripts or handlers anywhere: a strict Content-Security-Policy applies, so
 * behaviour is attached here, by event listeners.
 */
(function () {
  "use strict";

  var SAFE_METHODS = ["get", "head", "options", "trace"];

  /* base.html puts the token in <meta name="csrf-token">. The cookie is not read: in
     production it is HttpOnly (CSRF_COOKIE_HTTPONLY). */
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* htmx sends Django's CSRF token with every request that changes something. */
  document.addEventListener("htmx:configRequest", function (event) {
    var verb = (event.detail.verb || "").toLowerCase();
    var token = csrfToken();
    if (token && SAFE_METHODS.indexOf(verb) === -1) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });
})();
