// Mobile archive form: keep a draft in localStorage while typing; if the connection is down when the
// agent submits, keep the draft and submit it by itself once the browser is back online.
(function () {
  "use strict";
  var form = document.getElementById("archive-form");
  if (!form) return;
  var key = form.dataset.draftKey;
  var status = document.getElementById("draft-status");
  var PENDING = key + ":pending";

  function say(text) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("d-none", !text);
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit";
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

  if (restore()) say("已恢复本机保存的草稿。");
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
