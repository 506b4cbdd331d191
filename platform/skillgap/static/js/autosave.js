// Saves each answer as it is given, so nothing is lost if the tab closes.
// Without JavaScript the page's buttons save instead; this only adds comfort.
// The words it shows come from the form's data-*-text attributes, written by
// templates/assess/take.html in the reader's language.
(function () {
  "use strict";
  var form = document.getElementById("take-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("autosave-status");
  var pending = null;

  function text(name) { return form.getAttribute("data-" + name + "-text") || ""; }
  function say(words) { if (status) { status.textContent = words; } }

  function save() {
    var data = new FormData(form);
    data.set("action", "autosave");
    fetch(form.getAttribute("data-autosave"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.ok) { say(text("saved")); return; }
      return response.json().then(function (body) {
        say((body && body.error) || text("not-saved"));
      });
    }).catch(function () { say(text("offline")); });
  }

  form.addEventListener("change", function () {
    say(text("saving"));
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(save, 300);
  });
}());
