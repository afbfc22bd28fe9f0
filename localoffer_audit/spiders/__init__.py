"""Spiders live inside the package, as Scrapy's project template does."""
