from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """National-scale data generation and benchmarks (`manage.py bench_data`, `make bench`).

    No models: it writes into the coordination and outreach tables of a dedicated database.
    """

    name = "benchmarks"
    verbose_name = "Benchmarks"
