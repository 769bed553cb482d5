# The two commands: `make run` (chat with the bot) and `make test` (everything CI runs).
.PHONY: run run-scaled test shell setup train kb-load lint bench

run:            ## set up, load the knowledge base, train if needed, start the bot
	bash scripts/run.sh

run-scaled:     ## several Rasa and action servers behind nginx, PostgreSQL + Redis (docs/scale-out.md)
	bash scripts/run-scaled.sh

test:           ## set up and run every test (what .ci/run calls)
	bash scripts/test.sh

shell:          ## chat with the bot in this terminal
	bash scripts/run.sh --shell

setup:
	bash scripts/setup.sh

train: setup
	bash scripts/train.sh

kb-load: setup
	.venv/bin/python -m bot kb load

lint: setup
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
