// Mobile archive form: keep a draft in localStorage while typing; if the connection is down when the
// agent submits, keep the draft and submit it by itself once the browser is back online.
//
// Personal data stays out of the draft: the fields named in the form's data-draft-exclude (ID numbers and
// their references; "id_number" matches "m-0-id_number") are never written, and an old draft's values
// for them are ignored. Every draft is stored under "puhui-draft:…" and all of them are removed when the
// user logs out (the logout form's submit here, and clear-drafts.js on the login page).
(function () {
  "use strict";
  var PREFIX = "puhui-draft:";
  var LEGACY = "credit-archive-"; // drafts of the first version, which kept ID numbers: dropped on sight

  function clearDrafts() {
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var k = localStorage.key(i);
        if (k && (k.indexOf(PREFIX) === 0 || k.indexOf(LEGACY) === 0)) localStorage.removeItem(k);
      }
    } catch (e) { /* storage disabled */ }
  }

  var form = document.getElementById("archive-form");
  if (!form) return;
  var key = PREFIX + form.dataset.draftKey;
  var PENDING = key + ":pending";
  var excluded = (form.dataset.draftExclude || "").split(/\s+/).filter(Boolean);
  var status = document.getElementById("draft-status");

  try {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var old = localStorage.key(i);
      if (old && old.indexOf(LEGACY) === 0) localStorage.removeItem(old);
    }
  } catch (e) { /* storage disabled */ }

  // Logging out from this page (the navigation bar's form): no draft survives the session.
  var logoutUrl = form.dataset.logoutUrl;
  document.addEventListener("submit", function (event) {
    var target = event.target;
    if (!logoutUrl || !target || target === form) return;
    var action = target.getAttribute("action") || "";
    if (new URL(action, window.location.href).pathname === logoutUrl) clearDrafts();
  }, true);

  function isExcluded(name) {
    var last = name.split("-").pop();
    return excluded.indexOf(name) >= 0 || excluded.indexOf(last) >= 0;
  }

  function say(text) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("d-none", !text);
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit" && !isExcluded(el.name);
    });
  }

  function save() {
    var data = {};
    fields().forEach(function (el) {
      data[el.name] = el.type === "checkbox" ? el.checked : el.value;
    });
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or disabled */ }
  }

  function restore() {
    var raw = localStorage.getItem(key);
    if (!raw) return false;
    var data;
    try { data = JSON.parse(raw); } catch (e) { return false; }
    fields().forEach(function (el) {
      if (!(el.name in data)) return;
      if (el.type === "checkbox") el.checked = !!data[el.name];
      else el.value = data[el.name];
    });
    return true;
  }

  function submitNow() {
    localStorage.removeItem(PENDING);
    // The page was rendered by the server, so a full POST keeps validation messages in one place.
    HTMLFormElement.prototype.submit.call(form);
  }

  if (restore()) say("已恢复本机保存的草稿（身份证号不保存在草稿中）。");
  form.addEventListener("input", save);
  form.addEventListener("change", save);

  form.addEventListener("submit", function (event) {
    save();
    if (!navigator.onLine) {
      event.preventDefault();
      localStorage.setItem(PENDING, "1");
      say("网络已断开：草稿已保存在本机，联网后将自动提交。");
      return;
    }
    // Sent: the server has it now (on an error page the fields come back from the server).
    localStorage.removeItem(key);
  });

  window.addEventListener("online", function () {
    if (localStorage.getItem(PENDING)) {
      say("网络已恢复，正在提交……");
      localStorage.removeItem(key);
      submitNow();
    }
  });
  window.addEventListener("offline", function () { say("网络已断开，填写内容会保存在本机。"); });

  if (navigator.onLine && localStorage.getItem(PENDING)) {
    say("网络已恢复，正在提交……");
    localStorage.removeItem(key);
    submitNow();
  }
})();
