"""The import of opening periods, plages.csv (DESIGN §5): see the import engine."""
