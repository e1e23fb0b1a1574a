/* The observatory's map: Leaflet with no tile server — contours on a plain background, three
 * layers (fragility by pseudo-canton, accessibility by commune, communes of residence), the
 * reception places and the proposed ones on top, a legend and a hover read-out. The layers and
 * the legends come from the server (parcours/territoire/cartes.py), already formatted in French. */
(function () {
  "use strict";
  var conteneur = document.getElementById("carte");
  if (!conteneur || typeof L === "undefined") return;

  var legendes = JSON.parse(document.getElementById("legendes").textContent);
  var propositions = JSON.parse(document.getElementById("propositions").textContent || '""') || [];
  var survol = document.getElementById("survol");
  var legende = document.getElementById("legende");
  var carte = L.map(conteneur, { zoomSnap: 0.25, preferCanvas: false, attributionControl: true });
  carte.attributionControl.setPrefix(false);
  carte.attributionControl.addAttribution("Contours : INSEE, code officiel géographique");
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(carte);
  // Reception places above every layer, whichever loads first.
  carte.createPane("lieux").style.zIndex = 450;
  var rendu = L.svg({ pane: "lieux" });

  var couleurs = {};
  Object.keys(legendes).forEach(function (nom) {
    couleurs[nom] = {};
    legendes[nom].forEach(function (c) { couleurs[nom][c.classe] = c; });
  });
  var promesses = {};
  function charger(nom) {
    if (!promesses[nom]) {
      promesses[nom] = fetch(conteneur.dataset["url" + nom.charAt(0).toUpperCase() + nom.slice(1)],
        { credentials: "same-origin" }).then(function (r) {
          if (!r.ok) throw new Error("couche " + nom + " : " + r.status);
          return r.json();
        });
    }
    return promesses[nom];
  }

  function echapper(texte) {
    var div = document.createElement("div");
    div.textContent = texte == null ? "" : String(texte);
    return div.innerHTML;
  }

  function lignes(p) {
    var l = ["<strong>" + echapper(p.nom) + "</strong>"];
    ["composite", "population", "temps", "personnes", "gain"].forEach(function (cle) {
      if (p[cle]) l.push(echapper(p[cle]));
    });
    if (p.criteres) {
      (Array.isArray(p.criteres) ? p.criteres : String(p.criteres).split("\n")).forEach(
        function (c) { l.push(echapper(c)); });
    }
    return l.join("<br>");
  }

  function afficherSurvol(p) {
    survol.innerHTML = lignes(p);
  }

  var actuelle = null;
  var dessus = L.layerGroup().addTo(carte);
  var cadre = null;

  // Colours are set through the DOM (element.style), never as style attributes in HTML: the
  // Content-Security-Policy allows no inline style.
  function dessinerLegende(nom) {
    legende.replaceChildren();
    legendes[nom].concat(legendes.lieux || []).forEach(function (c) {
      if (c.classe === "proposition" && !propositions.length) return;
      var entree = document.createElement("span");
      entree.dataset.classe = c.classe;
      var pastille = document.createElement("i");
      pastille.style.background = c.classe === "effectif" ? (c.cercle || c.couleur) : c.couleur;
      if (c.classe === "effectif" || c.classe === "lieu" || c.classe === "proposition") {
        pastille.style.borderRadius = "50%";
      }
      entree.appendChild(pastille);
      entree.appendChild(document.createTextNode(c.libelle));
      legende.appendChild(entree);
    });
  }

  function numero(texte, couleur) {
    var pastille = document.createElement("span");
    pastille.style.background = couleur;
    pastille.textContent = texte;
    return pastille;
  }

  function montrer(nom) {
    charger(nom).then(function (donnees) {
      if (actuelle) carte.removeLayer(actuelle);
      var groupe = L.featureGroup();
      var polygones = L.geoJSON(donnees, {
        style: function (f) {
          var c = couleurs[nom][f.properties.classe] || {};
          return { color: "#a0a0a0", weight: 0.5, fillColor: c.couleur || "#ffffff", fillOpacity: 0.9 };
        },
        onEachFeature: function (f, couche) {
          couche.bindTooltip(lignes(f.properties), { sticky: true });
          couche.on("mouseover", function () {
            couche.setStyle({ weight: 2, color: "#161616" });
            afficherSurvol(f.properties);
          });
          couche.on("mouseout", function () { polygones.resetStyle(couche); });
          if (couche.getElement) {
            couche.on("add", function () {
              var el = couche.getElement();
              if (el) el.setAttribute("data-code", f.properties.code);
            });
          }
        }
      }).addTo(groupe);
      if (nom === "residence") {
        var cercle = (couleurs.residence.effectif || {}).cercle || "#000091";
        donnees.features.forEach(function (f) {
          var p = f.properties;
          if (p.classe !== "effectif" || p.latitude == null) return;
          L.circleMarker([p.latitude, p.longitude], {
            radius: p.rayon || 4, color: "#ffffff", weight: 0.7, fillColor: cercle, fillOpacity: 0.6
          }).bindTooltip(lignes(p)).on("mouseover", function () { afficherSurvol(p); })
            .on("add", function (e) {
              var el = e.target.getElement && e.target.getElement();
              if (el) el.setAttribute("data-cercle", p.code);
            }).addTo(groupe);
        });
      }
      groupe.addTo(carte);
      actuelle = groupe;
      if (!cadre) {
        cadre = polygones.getBounds();
        carte.fitBounds(cadre);
      }
      dessinerLegende(nom);
      conteneur.setAttribute("data-couche", nom);
    }).catch(function (e) {
      survol.textContent = "La carte n'a pas pu être chargée (" + e.message + ").";
    });
  }

  charger("lieux").then(function (donnees) {
    var couleurLieu = (couleurs.lieux && couleurs.lieux.lieu || {}).couleur || "#e1000f";
    L.geoJSON(donnees, {
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, {
          radius: 4, color: "#ffffff", weight: 1, fillColor: couleurLieu, fillOpacity: 1,
          pane: "lieux", renderer: rendu
        });
      },
      onEachFeature: function (f, couche) {
        couche.bindTooltip(echapper(f.properties.nom));
        couche.on("mouseover", function () { afficherSurvol(f.properties); });
      }
    }).addTo(dessus);
    var couleurProposee = (couleurs.lieux && couleurs.lieux.proposition || {}).couleur || "#009081";
    propositions.forEach(function (p, i) {
      var texte = (i + 1) + ". " + p.nom + " : +" + Math.round(p.population_gagnee).toLocaleString("fr-FR") +
        " personnes";
      L.marker([p.latitude, p.longitude], {
        icon: L.divIcon({
          className: "parcours-proposition",
          html: numero(String(i + 1), couleurProposee),
          iconSize: [22, 22]
        }),
        title: texte
      }).bindTooltip(echapper(texte)).on("mouseover", function () {
        afficherSurvol({ nom: p.nom, gain: texte });
      }).addTo(dessus);
    });
  });

  var choix = document.querySelectorAll('input[name="carte"]');
  choix.forEach(function (radio) {
    radio.addEventListener("change", function () { if (radio.checked) montrer(radio.value); });
  });
  var coche = document.querySelector('input[name="carte"]:checked');
  montrer(coche ? coche.value : "accessibilite");
})();
