"""What does typing without diacritics cost the NLU, and how much does normalising save?

Trains an NLU-only baseline whose tokenizer keeps diacritics in the features
(`normalize_lemmas: false`), evaluates it and the project's model on the held-out set,
and prints intent accuracy with and without diacritics for both.
Usage: .venv/bin/python -m bench.nlu_diacritics MODEL   (MODEL: the project's trained model)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from tests.nlu.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent


def train_baseline(work: Path) -> Path:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"][0]["normalize_lemmas"] = False
    baseline = work / "config-baseline.yml"
    baseline.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "train", "nlu", "--config", str(baseline),
         "--nlu", str(ROOT / "data" / "nlu"), "--out", str(work), "--fixed-model-name",
         "baseline"],
        check=True, cwd=ROOT,
    )  # fmt: skip
    return work / "baseline.tar.gz"


def main() -> None:
    project = evaluate(Path(sys.argv[1]))
    with tempfile.TemporaryDirectory() as tmp:
        baseline_report = ROOT / "results" / "nlu-evaluation-baseline.json"
        baseline = evaluate(train_baseline(Path(tmp)), report_path=baseline_report)
    print("\nintent accuracy      with diacritics  without  gap")
    for name, report in (("diacritics kept", baseline), ("normalised (ours)", project)):
        with_marks = report["with_diacritics"]["intent_accuracy"]
        without = report["without_diacritics"]["intent_accuracy"]
        print(f"{name:20} {with_marks:>15.3f} {without:>8.3f} {with_marks - without:>+5.3f}")


if __name__ == "__main__":
    main()
