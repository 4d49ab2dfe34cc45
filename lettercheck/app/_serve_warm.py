"""Imported once by the forkserver of ``lettercheck serve`` (see ``serve_pool``): loads spaCy,
the rules and the reader before any worker is forked, so every worker starts warm and shares
them copy-on-write. Importing it anywhere else costs the same second and a half."""

from lettercheck.app.runner import warm_up

warm_up()
