"""The calendar: the one place where days are counted (leaf modules, no other lexlux import).

``dates`` (month ends, adding months), ``working_days`` (public holidays, jours ouvrables /
ouvrés), ``periods`` (intervals of days), ``charged_days`` (the CCSS employer-charged days).
"""
