#!/usr/bin/env bash
# Train only when something the model depends on changed; print the model's path.
set -euo pipefail
source "$(dirname "$0")/common.sh"

fingerprint=$(cat config.yml domain/*.yml bot/text.py bot/nlu/*.py requirements.lock \
  $(find "${TRAINING_DATA[@]}" -name '*.yml' | sort) | sha256sum | cut -c1-16)
model="models/model-$fingerprint.tar.gz"
# Rasa's own cache keys a component by its config and inputs, not by our code: when the
# tokenizer or a featurizer of ours changes, components trained on the old tokens would be
# restored. Start from an empty cache whenever our NLU code changed.
code=$(cat bot/text.py bot/nlu/*.py | sha256sum | cut -c1-16)
if [ "$(cat .rasa/nlu-code 2>/dev/null)" != "$code" ]; then
  rm -rf .rasa/cache
  mkdir -p .rasa && echo "$code" > .rasa/nlu-code
fi
if [ ! -f "$model" ]; then
  echo "train: data or config changed, training $model" >&2
  start=$(date +%s)
  rasa train --config config.yml --domain domain --data "${TRAINING_DATA[@]}" \
    --out models --fixed-model-name "model-$fingerprint" >&2
  echo "train: took $(( $(date +%s) - start )) s" >&2
fi
echo "$model"
