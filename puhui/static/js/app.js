// Page behaviours that templates declare with data-* attributes, because the Content-Security-Policy
// (puhui/core/csp.py) forbids inline scripts and on*= handler attributes. One delegated listener each,
// so content that htmx swaps in later works too.
//   <select data-autosubmit>                                submits its form when changed
//   <select data-autosubmit data-autosubmit-clear="period">  first empties the named fields of the form
//   <form data-confirm="确定……？">                            asks before submitting
//   <input data-select-on-focus>                            selects its text when focused
// And every POST form's submit buttons are disabled once it is sent, so a double click stores one row
// (the services also refuse a repeat: objections, tokens); htmx answers and the back button re-enable them.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    const el = event.target.closest && event.target.closest("[data-autosubmit]");
    if (!el || !el.form) return;
    (el.dataset.autosubmitClear || "").split(/\s+/).filter(Boolean).forEach(function (name) {
      const field = el.form.elements.namedItem(name);
      if (field) field.value = "";
    });
    el.form.submit();
  });

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("focusin", function (event) {
    const el = event.target;
    if (el.matches && el.matches("[data-select-on-focus]") && el.select) el.select();
  });

  const SUBMITS = "button[type=submit], button:not([type]), input[type=submit]";
  function setSubmitting(form, on) {
    form.querySelectorAll(SUBMITS).forEach(function (b) { b.disabled = on; });
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (event.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    // After this event: the button that was clicked still sends its name and value.
    setTimeout(function () { setSubmitting(form, true); }, 0);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
    if (form) setSubmitting(form, false);
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form").forEach(function (form) { setSubmitting(form, false); });
  });
})();
