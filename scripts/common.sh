# Shared by the scripts: paths and the environment every Rasa process runs with.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
export PATH="$VENV/bin:$PATH"
export HF_HUB_OFFLINE=1            # nothing downloads models at run time
export TF_CPP_MIN_LOG_LEVEL=2      # TensorFlow: errors only
export PYTHONHASHSEED=0
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export RASA_TELEMETRY_ENABLED=false
export LOG_LEVEL_LIBRARIES=ERROR
mkdir -p "$ROOT/var" "$ROOT/models"
TRAINING_DATA=(data/nlu data/rules)
