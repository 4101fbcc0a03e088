// Loaded on the login page (where logging out, or an expired session, always lands): removes every offline
// draft this browser keeps ("puhui-draft:…", and the first version's "credit-archive-…"), so nothing typed
// in one session is left for the next user of a shared phone or computer. See offline-draft.js.
(function () {
  "use strict";
  var PREFIXES = ["puhui-draft:", "credit-archive-"];
  try {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var key = localStorage.key(i);
      if (key && PREFIXES.some(function (p) { return key.indexOf(p) === 0; })) localStorage.removeItem(key);
    }
  } catch (e) { /* storage disabled: nothing kept */ }
})();
