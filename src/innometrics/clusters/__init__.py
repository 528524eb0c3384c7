"""S&T clusters: WIPO-style density clustering of geocoded patents and publications.

Records (id, lat, lon, kind, weight), read in chunks and reduced to weighted unique points
(:mod:`~innometrics.clusters.stream`) → weighted DBSCAN on the sphere per kind
(:mod:`~innometrics.clusters.dbscan`) → patent and publication clusters merged, named after
their largest places and assigned to economies → ranked by the average of their patent and
publication shares (:mod:`~innometrics.clusters.ranking`).

Import from the modules (``from innometrics.clusters.dbscan import dbscan``); the package
re-exports nothing, so that ``innometrics.clusters.dbscan`` is always the module.
"""
