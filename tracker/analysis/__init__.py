"""The analyst's views: plan versions side by side, components, timeline,
search, provenance checks and party briefs.

Each function here runs a fixed number of queries whatever the data size, and
does the rest in Python: lineage walks, stance counts and quote checks are
cheap at the tracker's scale and much simpler than their SQL equivalents.
"""
