// The administration's autocompletes (Django's select2) name their combobox by its current
// value only, so a field still empty has no name at all (RGAA 11.1, axe « aria-input-field-name »):
// each combobox, the value shown in it and the search box of a multiple one are named by
// their field's label as well.
(function () {
  "use strict";

  function nommer(racine) {
    racine.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      var conteneur = select.nextElementSibling;
      if (!label || !conteneur || !conteneur.classList.contains("select2")) {
        return;
      }
      if (!label.id) {
        label.id = select.id + "_libelle";
      }
      var selection = conteneur.querySelector(".select2-selection");
      var rendu = conteneur.querySelector(".select2-selection__rendered[id]");
      if (selection) {
        selection.setAttribute(
          "aria-labelledby",
          rendu ? label.id + " " + rendu.id : label.id
        );
      }
      if (rendu) {
        // The value shown inside the combobox is a read-only textbox: the same label names it.
        rendu.setAttribute("aria-labelledby", label.id);
      }
      conteneur.querySelectorAll(".select2-search__field").forEach(function (recherche) {
        recherche.setAttribute("aria-labelledby", label.id);
      });
    });
  }

  function demarrer() {
    nommer(document);
    // select2 draws its widgets after this script may run, and again for each inline added.
    new MutationObserver(function () {
      nommer(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", demarrer);
  } else {
    demarrer();
  }
})();
