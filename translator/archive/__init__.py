"""Translating whole archives: folder trees, a resumable manifest, local or Ray runs.

``plan`` walks the trees and decides what to do, ``manifest`` records what was
done, ``work`` translates one file (the same function on every runner),
``local`` runs the work in this process and ``ray_runner`` (the only importer
of ``ray``) runs it as a Ray Data pipeline.
"""
