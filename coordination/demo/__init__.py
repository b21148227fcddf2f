"""Demo data for local runs (`make run`); never loaded in production."""

DEMO_PASSWORD = "pilkada-demo-2024"  # noqa: S105 - documented demo password, refused in production
