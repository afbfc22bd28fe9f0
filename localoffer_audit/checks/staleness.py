"""Staleness (family `staleness`): is what the Local Offer says still true? (Being built.)"""

CHECKS: list[type] = []
