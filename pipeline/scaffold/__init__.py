"""Starting points for a writer: ``pressroom new`` (a project anywhere),
``pressroom init`` (this folder as a project), ``pressroom add`` (a
publication in a project) and ``pressroom styles`` (house files to edit).

Everything made builds at once, strict; nothing a writer has is overwritten.
The kinds' starting texts are in starters.py, the rules for a publication's
name in names.py, the making of projects and publications in projects.py,
the copying of house styles in house_styles.py.
"""
