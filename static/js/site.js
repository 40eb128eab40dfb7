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

  /* htmx 2 swaps no 4xx answer by default (config.responseHandling). The self-assessment's
     autosave answers 409 (someone else saved first, or it is submitted) and 422 (refused)
     with a status line meant for the page: show it at once, beside the form, so that no
     save fails without the person seeing it. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var target = event.detail.target;
    if ((status === 409 || status === 422) && target && target.id === "save-status") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  /* A form that saves as you go and carries `data-unsaved-text` (the result report) says at
     once that a change is not saved yet; the autosave's answer then replaces the line. */
  function markUnsaved(event) {
    var form = event.target && event.target.form;
    if (!form || !form.hasAttribute("data-unsaved-text")) {
      return;
    }
    var status = document.getElementById("save-status");
    if (status) {
      status.textContent = form.getAttribute("data-unsaved-text");
    }
  }
  document.addEventListener("input", markUnsaved);
  document.addEventListener("change", markUnsaved);
})();
