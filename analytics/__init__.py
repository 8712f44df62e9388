"""Ad-hoc analysis: the named queries of Athena (queries/, over the views of views/), run locally with DuckDB.

Dev-only: nothing here is imported by the app or packaged into the Lambda (Chalice packages app.py and chalicelib/).
"""
