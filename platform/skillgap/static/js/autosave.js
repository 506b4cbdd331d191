// Saves each answer as it is given, so nothing is lost if the tab closes.
// Without JavaScript the page's buttons save instead; this only adds comfort.
(function () {
  "use strict";
  var form = document.getElementById("take-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("autosave-status");
  var pending = null;

  function say(text) { if (status) { status.textContent = text; } }

  function save() {
    var data = new FormData(form);
    data.set("action", "autosave");
    fetch(form.getAttribute("data-autosave"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.ok) { say("All answers on this page are saved."); return; }
      return response.json().then(function (body) {
        say((body && body.error) || "Not saved: use the Save button.");
      });
    }).catch(function () { say("Not saved (no connection): use the Save button."); });
  }

  form.addEventListener("change", function () {
    say("Saving…");
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(save, 300);
  });
}());
