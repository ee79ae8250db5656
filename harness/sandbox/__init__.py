"""Real sandboxes, safely: TALKQA_* configuration, production guard, budget, run tags, cleanup.

    pytest features/ --target sandbox          # guard first; every scenario cleans up after itself
    talkqa sweep --older-than 2h --dry-run     # what earlier runs left behind

The SandboxTarget itself is in harness.targets; harness.sandbox.seam is a test seam only.
"""
