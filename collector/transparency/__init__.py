"""What is held, in plain words (docs/design.md §5): one source of facts for the
consent text, the public ``/privacy`` page and the works-council documents.

They are generated from the live settings, rules and role table rather than
written by hand, so none of them can drift from what the product does.
"""
