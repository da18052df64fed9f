"""The service layer: one function per use case, under the API and the web pages alike."""
