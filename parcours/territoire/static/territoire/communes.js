// Proposes communes as the user types (name or INSEE code), from the search address the page
// gives on the <datalist> (data-url).
(function () {
  const champ = document.querySelector("input[list=communes-proposees]");
  const liste = document.getElementById("communes-proposees");
  if (!champ || !liste || !liste.dataset.url) return;
  let minuterie = null;
  champ.addEventListener("input", function () {
    clearTimeout(minuterie);
    const texte = champ.value.trim();
    if (texte.length < 2) return;
    minuterie = setTimeout(async function () {
      const reponse = await fetch(liste.dataset.url + "?q=" + encodeURIComponent(texte));
      if (!reponse.ok) return;
      liste.innerHTML = await reponse.text();
    }, 200);
  });
})();
