"""The signed report as a PDF, made from the frozen snapshot alone: its context
(`context`), figures (`figures`), the safe resource fetcher (`fetcher`) and the
rendering by WeasyPrint (`render`)."""
