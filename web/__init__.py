"""The web app for people: server-rendered Dutch pages (Jinja2, NL Design System CSS) beside the API,
calling the same service layer (services/): one permission check, one scope, one audit trail."""
