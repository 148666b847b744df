from __future__ import annotations

app_name = "flavors"

urlpatterns: list = []
