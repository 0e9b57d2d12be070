"""Harvesting meetings from municipalities' publication systems into the corpus folder (`minutes harvest`)."""
