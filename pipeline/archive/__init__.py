"""The archive edition: a PDF/A-3 with its sources inside, and a BagIt bag
holding every edition and the sources, shipped as one reproducible tar file.
``verify`` checks a bag or an output folder against its checksums.

Nothing is loaded here: a build of the EPUB and PDF alone needs only the
checksums module of this package, not the BagIt library. Import from the
modules (``.edition``, ``.verify``)."""
