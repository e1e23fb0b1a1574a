// The map preview of a reception place, on its administration page: redrawn by the server
// (an SVG fragment, LieuAccueilAdmin.apercu_view) when the commune or the coordinates change.
(function () {
  "use strict";

  function demarrer() {
    var cadre = document.getElementById("apercu-lieu");
    if (!cadre || !window.fetch) {
      return;
    }
    var noms = ["commune", "latitude", "longitude"];
    var champs = noms.map(function (nom) {
      return document.getElementById("id_" + nom);
    });
    var minuterie = null;
    var demande = 0;

    function rafraichir() {
      var parametres = new URLSearchParams();
      noms.forEach(function (nom, i) {
        parametres.set(nom, champs[i] ? champs[i].value : "");
      });
      var numero = ++demande;
      fetch(cadre.dataset.url + "?" + parametres.toString(), { credentials: "same-origin" })
        .then(function (reponse) {
          return reponse.ok ? reponse.text() : null;
        })
        .then(function (html) {
          // Only the answer to the latest change is shown.
          if (html !== null && numero === demande) {
            cadre.innerHTML = html;
          }
        })
        .catch(function () {});
    }

    function bientot() {
      window.clearTimeout(minuterie);
      minuterie = window.setTimeout(rafraichir, 300);
    }

    champs.forEach(function (champ) {
      if (champ) {
        champ.addEventListener("input", bientot);
        champ.addEventListener("change", bientot);
      }
    });
    // The commune is an autocomplete (select2), which tells its changes through jQuery only.
    if (champs[0] && window.django && window.django.jQuery) {
      window.django.jQuery(champs[0]).on("change", bientot);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", demarrer);
  } else {
    demarrer();
  }
})();
