# Sourced by run.sh: the secrets the servers share, generated once into var/secrets.env
# (mode 600, never committed) and exported. A value already in the environment wins, so
# production sets them from its own secret store.
SECRETS_FILE="$ROOT/var/secrets.env"
if [ ! -f "$SECRETS_FILE" ]; then
  ( umask 077
    for name in BOT_SECRET_KEY RASA_JWT_SECRET ACTION_SERVER_TOKEN CONSOLE_SECRET_KEY; do
      echo "$name=$(python -c 'import secrets; print(secrets.token_hex(32))')"
    done > "$SECRETS_FILE" )
  echo "secrets: generated $SECRETS_FILE"
fi
while IFS='=' read -r name value; do
  [ -n "$name" ] && [ -z "${!name:-}" ] && export "$name=$value"
done < "$SECRETS_FILE"
