"""`talkqa bench`: the engine's API calls, time and memory at scale, against an HTTP floor.

result = run_bench(10_000)                  # harness.bench.run
print(json.dumps(result.to_json()))         # {"records": 10000, "peak_rss_mb": ..., ...}
"""
