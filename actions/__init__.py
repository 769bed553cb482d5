"""The action server (rasa_sdk): thin actions that ask the knowledge base and answer."""
