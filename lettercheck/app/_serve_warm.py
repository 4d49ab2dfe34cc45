"""Imported once by a forkserver: ``lettercheck serve``'s (see ``serve_pool``) and, where fork
is not used (macOS), the batch runner's (``runner._context``). Loads spaCy, the rules and the
reader before any worker is forked, so every worker starts warm and shares them copy-on-write.
Importing it anywhere else costs the same second and a half."""

from lettercheck.app.runner import warm_up

warm_up()
