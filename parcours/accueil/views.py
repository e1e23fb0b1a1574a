"""The home page, one per role."""

from django.db.models import Count, Q
from django.shortcuts import render

from parcours.dossiers.activite import activite_du_jour
from parcours.imports.perms import imports_visible_to
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, LieuAccueil, Unite


def accueil(request):
    """One home page per role, showing only what the role may see."""
    user = request.user
    contexte: dict = {"agent": user}
    if user.role in (Role.ASS, Role.CSAM, Role.CADRE):
        unite = Unite.objects.select_related("organisme", "departement").get(pk=user.unite_id)
        contexte["unite"] = unite
        contexte["lieux"] = (
            LieuAccueil.objects.actifs().filter(unite=unite).select_related("commune")
        )
        if user.role == Role.ASS:
            contexte["nb_communes_secteur"] = (
                user.secteurs.aggregate(n=Count("communes", distinct=True))["n"] or 0
            )
        if user.role == Role.CADRE:
            contexte["equipe_par_role"] = _equipe_par_role(unite)
        contexte["activite"] = activite_du_jour(user)
    elif user.role == Role.PILOTAGE and user.organisme_id:
        organisme = user.organisme
        contexte["organisme"] = organisme
        contexte["departements"] = organisme.departements().annotate(
            nb_unites=Count("unites", filter=Q(unites__organisme=organisme), distinct=True),
            nb_lieux=Count(
                "unites__lieux_accueil",
                filter=Q(unites__organisme=organisme, unites__lieux_accueil__actif=True),
                distinct=True,
            ),
        )
    elif user.role == Role.ADMIN:
        contexte["imports"] = [
            i.tel_qu_affiche() for i in imports_visible_to(user).select_related("auteur")[:5]
        ]
    return render(request, f"accueil/accueil_{user.role}.html", contexte)


def _equipe_par_role(unite: Unite) -> list[tuple[str, int]]:
    comptes = dict(
        Agent.objects.filter(unite=unite, is_active=True)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return [(Role(r).label, comptes[r]) for r in Role.values if comptes.get(r)]
