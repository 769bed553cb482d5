"""Trợ lý Dịch vụ công: a citizen's message flows channel → NLU (bot.nlu) → policies →
action (actions/) → knowledge base (bot.knowledge) → answer (bot.answers)."""
