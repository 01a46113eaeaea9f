"""Machine-readable outputs: Atom feeds, sitemap and robots.txt, open-data exports."""
