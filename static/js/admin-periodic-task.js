// The admin's periodic task form (templates/admin/djcelery/change_periodictask_form.html):
// django-celery-beat's own behaviour without inline script. Under the crontab field, the
// help text is followed by the chosen schedule in words (nothing while none is chosen); the
// read-only translation row is hidden.
(function () {
  "use strict";
  var script = document.currentScript;
  var readable = JSON.parse(document.getElementById("readable-crontabs").textContent);
  var help = script.dataset.crontabHelp || "";
  var $ = django.jQuery;

  function showTranslation(additional) {
    var box = document.querySelector(".field-crontab .help");
    if (!box) { return; }
    box.textContent = help;
    if (additional === undefined) { return; } // no schedule chosen
    box.appendChild(document.createElement("br"));
    // Translators: the crontab schedule in words, under the admin's crontab field.
    var gettext = window.gettext || function (text) { return text; };
    var label = gettext("Translation:");
    box.appendChild(document.createTextNode(label + " " + additional));
  }

  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    showTranslation(readable[$("#id_crontab").val()]);
  });
})();
