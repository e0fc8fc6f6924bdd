"""What the documents say: German content built from the model, in modules by subject.

The kind modules (`pipeline.kinds`) assemble a document's template context from these pieces. Every date,
amount, list and count a document shows is formatted here or in `german`; no value in a context is ever
None (missing data becomes "" or an empty list, so a template never prints "None"). The typed objects
the renderer draws (participation table, charts) are in `figures`.
"""
