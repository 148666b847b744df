from __future__ import annotations

app_name = "handshakes"

urlpatterns: list = []
