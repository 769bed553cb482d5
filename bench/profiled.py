"""Run a module with cProfile switched on and off by signals, so a profile covers only
the load, not the start (model loading, imports).

    python -m bench.profiled OUT.prof -m bot.server --model ...

SIGUSR1 starts profiling the main thread (where Sanic's event loop, NLU and policies run);
SIGUSR2 stops it and writes the statistics to OUT.prof (pstats format).
"""

from __future__ import annotations

import cProfile
import runpy
import signal
import sys


def main() -> None:
    if len(sys.argv) < 4 or sys.argv[2] != "-m":
        sys.exit("usage: python -m bench.profiled OUT.prof -m MODULE [ARGS...]")
    out, module = sys.argv[1], sys.argv[3]
    profile = cProfile.Profile()

    def start(*_: object) -> None:
        profile.enable()

    def stop(*_: object) -> None:
        profile.disable()
        profile.dump_stats(out)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    sys.argv = [module, *sys.argv[4:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
