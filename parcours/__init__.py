"""Parcours: the information system of the health-insurance social service."""
