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

// The user form (templates/core/user_form.html), and any form built the same way:
//   <select data-role-select>                 shows only the blocks whose data-role-field lists its value
//   <div data-role-field="town agent">         such a block (hidden until a role is chosen)
//   <input data-option-filter="id_villages">   hides the options of that select not matching the text
//   <div data-selected-summary="id_villages">  names the options chosen in that select
(function () {
  "use strict";

  function showRoleFields(select) {
    const form = select.form || document;
    form.querySelectorAll("[data-role-field]").forEach(function (block) {
      block.hidden = block.dataset.roleField.split(/\s+/).indexOf(select.value) < 0;
    });
  }

  function summarise(select) {
    document.querySelectorAll('[data-selected-summary="' + select.id + '"]').forEach(function (out) {
      const names = Array.from(select.selectedOptions).map(function (o) {
        const group = o.parentElement.tagName === "OPTGROUP" ? o.parentElement.label : "";
        return group ? group + " " + o.text : o.text;
      });
      out.textContent = names.length ? "已选 " + names.length + " 个：" + names.join("、") : "尚未选择。";
    });
  }

  function filterOptions(input) {
    const select = document.getElementById(input.dataset.optionFilter);
    if (!select) return;
    const q = input.value.trim();
    select.querySelectorAll("optgroup").forEach(function (group) {
      const groupMatches = q && group.label.indexOf(q) >= 0;
      let shown = 0;
      group.querySelectorAll("option").forEach(function (o) {
        o.hidden = !(!q || groupMatches || o.selected || o.text.indexOf(q) >= 0);
        if (!o.hidden) shown += 1;
      });
      group.hidden = shown === 0;
    });
    Array.from(select.children).forEach(function (o) {
      if (o.tagName === "OPTION" && o.value) o.hidden = !(!q || o.selected || o.text.indexOf(q) >= 0);
    });
  }

  document.addEventListener("change", function (event) {
    const el = event.target;
    if (el.matches && el.matches("[data-role-select]")) showRoleFields(el);
    if (el.id && document.querySelector('[data-selected-summary="' + el.id + '"]')) summarise(el);
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-option-filter]")) filterOptions(event.target);
  });

  function init() {
    document.querySelectorAll("[data-role-select]").forEach(showRoleFields);
    document.querySelectorAll("[data-selected-summary]").forEach(function (out) {
      const select = document.getElementById(out.dataset.selectedSummary);
      if (select) summarise(select);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

// ---------------------------------------------------------------------------------------------------
// Long forms a village agent finishes on a phone (credit/archive_form.html, and any form built alike):
//   <form data-steps>                       its <fieldset data-step data-step-title> are shown one at a time,
//                                           with [data-step-label] "第 2/6 步：…", [data-step-nav] buttons
//                                           [data-step-go=N], and [data-step-prev]/[data-step-next]
//   <form data-completeness>                counts its [data-required-field] inputs that are filled into
//                                           [data-completeness-text] and the bar [data-completeness-bar]
//   <div data-error-summary>                the server's list of errors: the step of the first error opens,
//                                           that field is focused (scrolled to); the list's links open
//                                           the step of their field
//   <button data-formset-add="m">           adds a row to the formset with prefix "m" from
//                                           <template data-formset-template="m"> into [data-formset-rows="m"]
// Without script every step is shown and the summary still lists every error with a link.
(function () {
  "use strict";

  function steps(form) { return Array.from(form.querySelectorAll("fieldset[data-step]")); }

  function showStep(form, n) {
    const all = steps(form);
    if (all.length < 2) return;
    const index = Math.min(Math.max(n, 1), all.length);
    form.dataset.stepCurrent = String(index);
    all.forEach(function (fs, i) { fs.hidden = i !== index - 1; });
    const label = form.querySelector("[data-step-label]");
    if (label) label.textContent = "第 " + index + "/" + all.length + " 步：" + all[index - 1].dataset.stepTitle;
    form.querySelectorAll("[data-step-go]").forEach(function (b) {
      const on = Number(b.dataset.stepGo) === index;
      b.classList.toggle("btn-primary", on);
      b.classList.toggle("btn-outline-secondary", !on);
      b.setAttribute("aria-current", on ? "step" : "false");
    });
    const prev = form.querySelector("[data-step-prev]");
    const next = form.querySelector("[data-step-next]");
    if (prev) prev.disabled = index === 1;
    if (next) next.disabled = index === all.length;
  }

  function stepOf(form, el) {
    const fs = el && el.closest("fieldset[data-step]");
    return fs && form.contains(fs) ? Number(fs.dataset.step) : null;
  }

  function goToField(el) {
    const form = el.form || el.closest("form");
    if (form && form.hasAttribute("data-steps")) {
      const n = stepOf(form, el);
      if (n) showStep(form, n);
    }
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
  }

  function isFilled(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked;
    return (el.value || "").trim() !== "";
  }

  function countFilled(form) {
    const fields = Array.from(form.querySelectorAll("[data-required-field]"));
    const filled = fields.filter(isFilled).length;
    const text = form.querySelector("[data-completeness-text]");
    if (text) text.textContent = "必填项已填 " + filled + "/" + fields.length + " 项" +
      (fields.length ? "（完整度 " + Math.round((100 * filled) / fields.length) + "%）" : "");
    const bar = form.querySelector("[data-completeness-bar]");
    if (bar) {
      bar.setAttribute("aria-valuenow", String(filled));
      const inner = bar.querySelector(".progress-bar");
      if (inner) inner.style.width = (fields.length ? (100 * filled) / fields.length : 0) + "%";
    }
  }

  function addFormsetRow(prefix) {
    const total = document.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    const template = document.querySelector('template[data-formset-template="' + prefix + '"]');
    const rows = document.querySelector('[data-formset-rows="' + prefix + '"]');
    if (!total || !template || !rows) return;
    const index = Number(total.value);
    const holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    const row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    const first = row.querySelector("input:not([type=hidden]), select");
    if (first) first.focus();
  }

  document.addEventListener("click", function (event) {
    const t = event.target.closest ? event.target : null;
    if (!t) return;
    const go = t.closest("[data-step-go]");
    const form = t.closest("form[data-steps]");
    if (go && form) { showStep(form, Number(go.dataset.stepGo)); return; }
    if (t.closest("[data-step-prev]") && form) { showStep(form, Number(form.dataset.stepCurrent) - 1); return; }
    if (t.closest("[data-step-next]") && form) {
      showStep(form, Number(form.dataset.stepCurrent) + 1);
      form.scrollIntoView({ block: "start" });
      return;
    }
    const add = t.closest("[data-formset-add]");
    if (add) { addFormsetRow(add.dataset.formsetAdd); return; }
    const link = t.closest("[data-error-summary] a[href^='#']");
    if (link) {
      const field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (field) { event.preventDefault(); goToField(field); }
    }
  });

  function recount(event) {
    const form = event.target.form || (event.target.closest && event.target.closest("form"));
    if (form && form.hasAttribute("data-completeness")) countFilled(form);
  }
  document.addEventListener("input", recount);
  document.addEventListener("change", recount);

  function init() {
    document.querySelectorAll("form[data-completeness]").forEach(countFilled);
    document.querySelectorAll("form[data-steps]").forEach(function (form) {
      if (steps(form).length < 2) return;
      form.querySelectorAll("[data-step-nav], [data-step-buttons]").forEach(function (el) { el.hidden = false; });
      const first = form.querySelector("[aria-invalid=true], .is-invalid");
      showStep(form, (first && stepOf(form, first)) || 1);
    });
    document.querySelectorAll("[data-formset-add]").forEach(function (b) { b.hidden = false; });
    const summary = document.querySelector("[data-error-summary]");
    if (summary) {
      const link = summary.querySelector("a[href^='#']");
      const field = link && document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (field) goToField(field);
      else { summary.scrollIntoView({ block: "start" }); summary.focus({ preventScroll: true }); }
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

// ---------------------------------------------------------------------------------------------------
// Figures in charts (ECharts option helpers for every chart script: data/charts.js, credit/area-map.js,
// js/county-map.js, index/index-charts.js), the same way the pages write them (core/templatetags/figures.py):
//   puhuiFigures.number(v, digits)        12,345.6 (thousands separators; "—" for none)
//   puhuiFigures.scale(values, unit)      {divisor, unit} — yuan shown in 万元 or 亿元 by the largest value
//   puhuiFigures.format(v, unit, scale)   "1.23亿元", "85.2%", "1,234户"
//   puhuiFigures.fit(values, {share})     [min, max] of a colour scale fitted to the data (rounded outward), so
//                                         towns from 77% to 96% get different colours instead of one
//   puhuiFigures.axis(unit, scale)        an axis's label formatter and name
window.puhuiFigures = (function () {
  "use strict";

  function number(v, digits) {
    if (v === null || v === undefined || v === "" || isNaN(Number(v))) return "—";
    const d = digits === undefined ? 2 : digits;
    return Number(v).toLocaleString("zh-CN", { maximumFractionDigits: d, minimumFractionDigits: 0 });
  }

  function scale(values, unit) {
    if (unit !== "元") return { divisor: 1, unit: unit || "" };
    const max = Math.max(0, ...values.filter((v) => v !== null && v !== undefined).map((v) => Math.abs(Number(v))));
    if (max >= 1e8) return { divisor: 1e8, unit: "亿元" };
    if (max >= 1e4) return { divisor: 1e4, unit: "万元" };
    return { divisor: 1, unit: "元" };
  }

  function format(v, unit, sc) {
    if (v === null || v === undefined || isNaN(Number(v))) return "—";
    const s = sc || scale([v], unit);
    if (unit === "share") return number(100 * v, 1) + "%";
    if (s.unit === "%") return number(v, 2) + "%";
    return number(Number(v) / s.divisor, s.divisor > 1 ? 2 : 2) + s.unit;
  }

  function niceStep(span) {
    const raw = span / 5;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  function fit(values, opts) {
    const xs = values.filter((v) => v !== null && v !== undefined && !isNaN(Number(v))).map(Number);
    if (!xs.length) return [0, 1];
    let lo = Math.min(...xs);
    let hi = Math.max(...xs);
    if (lo === hi) {
      const pad = Math.abs(lo) * 0.05 || (opts && opts.share ? 0.01 : 1);
      lo -= pad;
      hi += pad;
    }
    const step = niceStep(hi - lo);
    lo = Math.floor(lo / step) * step;
    hi = Math.ceil(hi / step) * step;
    if (opts && opts.share) { lo = Math.max(0, lo); hi = Math.min(1, hi); }
    if (xs.every((x) => x >= 0)) lo = Math.max(0, lo);
    return [lo, hi];
  }

  function axis(unit, sc) {
    const s = sc || { divisor: 1, unit: unit || "" };
    return {
      name: s.unit,
      axisLabel: { formatter: (v) => number(v / s.divisor, 2) },
    };
  }

  return { number, scale, format, fit, axis };
})();
