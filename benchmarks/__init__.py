"""Speed benchmarks. They print figures; tests never assert speed.

    python -m benchmarks parse
"""
