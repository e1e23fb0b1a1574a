/* The observatory's map: Leaflet with no tile server — contours on a plain background, three
 * layers (fragility by pseudo-canton, accessibility by commune, communes of residence), the
 * reception places and the proposed ones on top, a legend, a read-out panel, a tooltip and a
 * table of the same values. The layers and the legends come from the server
 * (parcours/observatoire/cartes/), already formatted in French.
 *
 * Keyboard (RGAA, issue 12 defect 15): one area of the map is in the tab order (a roving
 * tabindex). The arrow keys move to the neighbouring areas — left and right in reading order,
 * so that every area can be reached, up and down to the nearest area above or below — Home and
 * End to the first and the last; + and − zoom. An area is an image named by its values; when it
 * has the focus, the panel and the tooltip show them, as they do under the mouse.
 */
(function () {
  "use strict";
  var conteneur = document.getElementById("carte");
  if (!conteneur || typeof L === "undefined") return;

  var legendes = JSON.parse(document.getElementById("legendes").textContent);
  var propositions = JSON.parse(document.getElementById("propositions").textContent || '""') || [];
  var survol = document.getElementById("survol");
  var invite = survol.textContent;
  var legende = document.getElementById("legende");
  var tableau = document.getElementById("tableau-carte");
  // Leaflet's keyboard handler is off: the areas take the arrow keys (see above).
  var carte = L.map(conteneur, {
    zoomSnap: 0.25, preferCanvas: false, attributionControl: true, zoomControl: false, keyboard: false
  });
  L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(carte);
  carte.attributionControl.setPrefix(false);
  carte.attributionControl.addAttribution("Contours : INSEE, code officiel géographique");
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(carte);
  // The focused area's outline above the areas, the reception places above everything.
  carte.createPane("selection").style.zIndex = 420;
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

  function criteres(p) {
    if (!p.criteres) return [];
    return Array.isArray(p.criteres) ? p.criteres : String(p.criteres).split("\n");
  }

  // The values of an area, one line each, its name first.
  function valeurs(p) {
    var l = [];
    ["composite", "population", "temps", "personnes", "gain"].forEach(function (cle) {
      if (p[cle]) l.push(String(p[cle]));
    });
    return l.concat(criteres(p));
  }

  function lignes(p) {
    return ["<strong>" + echapper(p.nom) + "</strong>"].concat(valeurs(p).map(echapper)).join("<br>");
  }

  // The same, as an area's accessible name: « Montauban : 3 critères significatifs sur 5 ; … ».
  function enTexte(p) {
    var v = valeurs(p);
    return p.nom + (v.length ? " : " + v.join(" ; ") : "");
  }

  function afficherSurvol(p) {
    survol.innerHTML = lignes(p);
  }

  // The tooltip: one for the map, kept inside the part of the map the window shows, whichever
  // edge the pointer or the focused area is near.
  var infobulle = document.createElement("div");
  infobulle.className = "parcours-infobulle";
  infobulle.setAttribute("role", "tooltip");
  infobulle.setAttribute("aria-hidden", "true");  // the panel and the areas' names say it
  infobulle.hidden = true;
  conteneur.appendChild(infobulle);

  function placerInfobulle(point) {
    var marge = 4, ecart = 14;
    var boite = conteneur.getBoundingClientRect();
    var vue = document.documentElement;
    // The visible part of the map, in the map's own coordinates.
    var gauche = Math.max(0, -boite.left) + marge;
    var haut = Math.max(0, -boite.top) + marge;
    var droite = Math.min(conteneur.clientWidth, vue.clientWidth - boite.left) - marge;
    var bas = Math.min(conteneur.clientHeight, vue.clientHeight - boite.top) - marge;
    var largeur = infobulle.offsetWidth, hauteur = infobulle.offsetHeight;
    var x = point.x + ecart;
    if (x + largeur > droite) x = point.x - ecart - largeur;  // no room on the right: left
    var y = point.y + ecart;
    if (y + hauteur > bas) y = point.y - ecart - hauteur;  // no room below: above
    x = Math.max(gauche, Math.min(x, droite - largeur));
    y = Math.max(haut, Math.min(y, bas - hauteur));
    infobulle.style.transform = "translate(" + Math.round(x) + "px, " + Math.round(y) + "px)";
  }

  function montrerInfobulle(html, point) {
    infobulle.innerHTML = html;
    infobulle.hidden = false;
    placerInfobulle(point);
  }

  function cacherInfobulle() {
    infobulle.hidden = true;
  }

  // The tooltip of a layer under the pointer; `actif`, where given, says whether it may show.
  function avecInfobulle(couche, html, actif) {
    couche.on("mouseover", function (e) {
      if (actif && !actif()) return;
      montrerInfobulle(html, e.containerPoint);
    });
    couche.on("mousemove", function (e) {
      if (!infobulle.hidden) placerInfobulle(e.containerPoint);
    });
    couche.on("mouseout", cacherInfobulle);
  }

  var affichee = null;  // the map asked for last
  var actuelle = null;  // its layers, once drawn
  var dessus = L.layerGroup().addTo(carte);
  var selection = L.layerGroup().addTo(carte);
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

  // The table alternative: the areas of the map shown, by name, with the values of the map.
  var COLONNES = {
    fragilite: ["Canton ou ville", "Critères significatifs", "Personnes de 25 à 54 ans",
      "Critères : taux du territoire et taux de référence"],
    accessibilite: ["Commune", "Temps d'accès en voiture au lieu d'accueil le plus proche"],
    residence: ["Commune", "Personnes reçues de visu"]
  };
  var TITRES = {
    fragilite: "Fragilité composite, par canton ou ville",
    accessibilite: "Accessibilité des lieux d'accueil, par commune",
    residence: "Personnes reçues de visu, par commune"
  };

  function cellules(nom, p) {
    if (nom === "fragilite") return [p.composite, p.population, criteres(p).join("\n")];
    if (nom === "accessibilite") return [p.temps];
    return [p.personnes];
  }

  function remplirTableau(nom, donnees) {
    var parNom = donnees.features.map(function (f) { return f.properties; }).sort(function (a, b) {
      return a.nom.localeCompare(b.nom, "fr") || a.code.localeCompare(b.code);
    });
    var titre = TITRES[nom] + (donnees.annee ? " (" + donnees.annee + ")" : "");
    tableau.caption.textContent = titre + " : " + parNom.length + " territoires";
    var entete = document.createElement("tr");
    [COLONNES[nom][0], "Code"].concat(COLONNES[nom].slice(1)).forEach(function (texte) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = texte;
      entete.appendChild(th);
    });
    tableau.tHead.replaceChildren(entete);
    var corps = document.createDocumentFragment();
    parNom.forEach(function (p) {
      var tr = document.createElement("tr");
      tr.dataset.code = p.code;
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = p.nom;
      tr.appendChild(th);
      [p.code].concat(cellules(nom, p)).forEach(function (texte) {
        var td = document.createElement("td");
        td.textContent = texte || "";
        tr.appendChild(td);
      });
      corps.appendChild(tr);
    });
    tableau.tBodies[0].replaceChildren(corps);
  }

  // Keyboard: the areas of the map shown, in reading order (bands from north to south, west
  // to east in each), one of them in the tab order.
  var zones = [];
  var courante = null;
  var codeCourant = null;  // kept from one map to the next where the area is the same

  function ordonner(liste) {
    var bandes = Math.max(1, Math.round(Math.sqrt(liste.length) / 1.5));
    var lats = liste.map(function (z) { return z.centre.lat; });
    var nord = Math.max.apply(null, lats), sud = Math.min.apply(null, lats);
    var pas = (nord - sud) / bandes || 1;
    liste.forEach(function (z) { z.bande = Math.min(bandes - 1, Math.floor((nord - z.centre.lat) / pas)); });
    liste.sort(function (a, b) { return a.bande - b.bande || a.centre.lng - b.centre.lng; });
    liste.forEach(function (z, i) { z.rang = i; });
    return liste;
  }

  // The nearest area above (sens = 1) or below (sens = −1), favouring those straight up or down.
  function voisine(zone, sens) {
    var meilleure = null, score = Infinity;
    var cosinus = Math.cos(zone.centre.lat * Math.PI / 180);
    zones.forEach(function (z) {
      var dy = (z.centre.lat - zone.centre.lat) * sens;
      if (z === zone || dy <= 0) return;
      var dx = Math.abs(z.centre.lng - zone.centre.lng) * cosinus;
      var s = dy + 2 * dx;
      if (s < score) { score = s; meilleure = z; }
    });
    return meilleure;
  }

  function surligner(zone) {
    selection.clearLayers();
    [{ color: "#ffffff", weight: 6 }, { color: "#000091", weight: 3 }].forEach(function (trait) {
      L.geoJSON(zone.feature, {
        pane: "selection", interactive: false,
        style: { color: trait.color, weight: trait.weight, fill: false, opacity: 1 }
      }).addTo(selection);
    });
  }

  function rendreCourante(zone) {
    if (courante && courante !== zone && courante.el) courante.el.setAttribute("tabindex", "-1");
    courante = zone;
    codeCourant = zone.p.code;
    zone.el.setAttribute("tabindex", "0");
  }

  function montrerZone(zone) {
    if (!carte.getBounds().contains(zone.centre)) carte.panTo(zone.centre, { animate: false });
    conteneur.scrollTop = 0;  // focusing inside Leaflet's container must not scroll it
    conteneur.scrollLeft = 0;
    var r = zone.el.getBoundingClientRect(), hauteur = document.documentElement.clientHeight;
    if (r.top < 0) window.scrollBy(0, r.top - 16);
    else if (r.bottom > hauteur) window.scrollBy(0, Math.min(r.top - 16, r.bottom - hauteur + 16));
    montrerInfobulle(lignes(zone.p), carte.latLngToContainerPoint(zone.centre));
  }

  function surFocus(zone) {
    rendreCourante(zone);
    afficherSurvol(zone.p);
    // A click focuses the area too: the pointer's tooltip is enough then, and the page stays.
    if (!zone.el.matches(":focus-visible")) return;
    surligner(zone);
    montrerZone(zone);
  }

  function surTouche(e, zone) {
    var cible = null;
    switch (e.key) {
      case "ArrowRight": cible = zones[zone.rang + 1]; break;
      case "ArrowLeft": cible = zones[zone.rang - 1]; break;
      case "ArrowUp": cible = voisine(zone, 1); break;
      case "ArrowDown": cible = voisine(zone, -1); break;
      case "Home": cible = zones[0]; break;
      case "End": cible = zones[zones.length - 1]; break;
      case "+": case "=": carte.zoomIn(); break;
      case "-": carte.zoomOut(); break;
      case "Escape": cacherInfobulle(); break;
      default: return;
    }
    e.preventDefault();
    if (cible) cible.el.focus({ preventScroll: true });
  }

  function rendreAccessible(liste) {
    zones = ordonner(liste);
    var premiere = zones.filter(function (z) { return z.p.code === codeCourant; })[0] || zones[0];
    zones.forEach(function (zone) {
      var el = zone.el;
      el.setAttribute("tabindex", zone === premiere ? "0" : "-1");
      el.setAttribute("role", "img");
      el.setAttribute("aria-label", enTexte(zone.p));
      el.addEventListener("focus", function () { surFocus(zone); });
      el.addEventListener("blur", function () {
        selection.clearLayers();
        cacherInfobulle();
      });
      el.addEventListener("keydown", function (e) { surTouche(e, zone); });
    });
    courante = premiere || null;
  }

  carte.on("zoomstart movestart", function () {
    if (courante && document.activeElement === courante.el) cacherInfobulle();
  });
  carte.on("zoomend moveend", function () {
    if (courante && document.activeElement === courante.el) {
      montrerInfobulle(lignes(courante.p), carte.latLngToContainerPoint(courante.centre));
    }
  });

  function montrer(nom) {
    // Nothing of the previous map stays on screen (issue 12, defect 15): the panel, the
    // tooltip and the focus outline are cleared until an area of this one is read.
    affichee = nom;
    survol.textContent = invite;
    cacherInfobulle();
    selection.clearLayers();
    charger(nom).then(function (donnees) {
      if (nom !== affichee) return;  // another map was asked for meanwhile
      if (actuelle) carte.removeLayer(actuelle);
      var groupe = L.featureGroup();
      var liste = [];
      var estAffichee = function () { return nom === affichee; };
      var polygones = L.geoJSON(donnees, {
        style: function (f) {
          var c = couleurs[nom][f.properties.classe] || {};
          return { color: "#a0a0a0", weight: 0.5, fillColor: c.couleur || "#ffffff", fillOpacity: 0.9 };
        },
        onEachFeature: function (f, couche) {
          avecInfobulle(couche, lignes(f.properties), estAffichee);
          couche.on("mouseover", function () {
            if (!estAffichee()) return;  // drawn still, while the next map loads
            couche.setStyle({ weight: 2, color: "#161616" });
            afficherSurvol(f.properties);
          });
          couche.on("mouseout", function () { polygones.resetStyle(couche); });
          couche.on("add", function () {
            var el = couche.getElement();
            if (!el) return;
            el.setAttribute("data-code", f.properties.code);
            liste.push({ el: el, p: f.properties, feature: f, centre: couche.getBounds().getCenter() });
          });
        }
      }).addTo(groupe);
      if (nom === "residence") {
        var cercle = (couleurs.residence.effectif || {}).cercle || "#000091";
        donnees.features.forEach(function (f) {
          var p = f.properties;
          if (p.classe !== "effectif" || p.latitude == null) return;
          var marqueur = L.circleMarker([p.latitude, p.longitude], {
            radius: p.rayon || 4, color: "#ffffff", weight: 0.7, fillColor: cercle, fillOpacity: 0.6
          }).on("mouseover", function () { if (estAffichee()) afficherSurvol(p); })
            .on("add", function (e) {
              var el = e.target.getElement && e.target.getElement();
              if (el) el.setAttribute("data-cercle", p.code);
            });
          avecInfobulle(marqueur, lignes(p), estAffichee);
          marqueur.addTo(groupe);
        });
      }
      groupe.addTo(carte);
      actuelle = groupe;
      if (!cadre) {
        cadre = polygones.getBounds();
        carte.fitBounds(cadre);
      }
      rendreAccessible(liste);
      remplirTableau(nom, donnees);
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
        avecInfobulle(couche, "<strong>" + echapper(f.properties.nom) + "</strong>");
        couche.on("mouseover", function () { afficherSurvol(f.properties); });
      }
    }).addTo(dessus);
    var couleurProposee = (couleurs.lieux && couleurs.lieux.proposition || {}).couleur || "#009081";
    propositions.forEach(function (p, i) {
      var texte = (i + 1) + ". " + p.nom + " : +" + Math.round(p.population_gagnee).toLocaleString("fr-FR") +
        " personnes";
      var marqueur = L.marker([p.latitude, p.longitude], {
        icon: L.divIcon({
          className: "parcours-proposition",
          html: numero(String(i + 1), couleurProposee),
          iconSize: [22, 22]
        }),
        title: texte
      }).on("mouseover", function () {
        afficherSurvol({ nom: p.nom, gain: texte });
      });
      avecInfobulle(marqueur, echapper(texte));
      marqueur.addTo(dessus);
    });
  });

  var choix = document.querySelectorAll('input[name="carte"]');
  choix.forEach(function (radio) {
    radio.addEventListener("change", function () { if (radio.checked) montrer(radio.value); });
  });
  var coche = document.querySelector('input[name="carte"]:checked');
  montrer(coche ? coche.value : "accessibilite");
})();
