"""The `talkqa` subcommands that compose several packages (harness/cli.py registers them).

    talkqa sync --target mock --once; talkqa fakes serve; talkqa sweep --older-than 2h

A package's own commands stay in it (checklist, qa, bench, reliability, fidelity) where they
import nothing beyond it; these three put fakes, targets and engines together, so they live
above all of them and no package imports another's composition.
"""
