"""The web app (issue 4): agent workspace, wallboard, accounts — FastAPI, server-rendered."""
